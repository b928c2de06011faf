package io.gatehouse.scan.sbom;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one kind of file out of a layer, as the layer streams past: the layer walker offers each regular file
 * to every extractor that {@link #wants} it and hands it a stream bounded to that entry. Extractors never see a
 * whole layer and must not buffer more than {@link ExtractionLimits#maxFileBytes()} of a file. Implementations
 * are stateless and thread-safe.
 */
public interface Extractor {

    /** A stable name, e.g. {@code dpkg-status}, {@code java-archive}, {@code pickle}. */
    String name();

    /**
     * Bumped whenever the extractor finds more or different things, so stored SBOMs made by an older version
     * are re-extracted from their layers.
     */
    int version();

    /**
     * @param path the absolute, normalised path inside the image ({@code /var/lib/dpkg/status})
     * @param size the entry's size in bytes
     * @param executable whether any execute bit is set (Go binaries)
     */
    boolean wants(String path, long size, boolean executable);

    /**
     * Extracts from one file. Packages it returns carry {@code path} and {@code layer}; OS packages may leave the
     * ecosystem empty for the walker to fill from {@code os-release}.
     *
     * @param content the entry's bytes, bounded to the entry; the extractor need not close it
     */
    FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits) throws IOException;
}
