package io.gatehouse.scan.sbom;

import java.io.IOException;
import java.util.List;

/**
 * Turns an image's layers, bottom first, into its SBOM: streams each layer once, offers its files to the
 * extractors, applies whiteouts and opaque directories in layer order, and decides OS ecosystems from
 * {@code os-release}. Limits exceeded become content findings in the result, not exceptions.
 */
public interface SbomExtraction {

    /** @throws IOException when a layer cannot be read at all (the scan is then FAILED with the message) */
    Sbom extract(List<LayerSource> layers, ExtractionLimits limits) throws IOException;
}
