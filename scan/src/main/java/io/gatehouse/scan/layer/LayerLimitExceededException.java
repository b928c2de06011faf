package io.gatehouse.scan.layer;

import java.io.IOException;

/**
 * A layer went past one of the {@link io.gatehouse.scan.sbom.ExtractionLimits}. Thrown from inside the streams
 * the tar reader and the extractors read, so the walker can stop at once; it becomes a content finding.
 *
 * @param limit the limit's name as configured, e.g. {@code maxCompressionRatio}
 * @param imageWide whether the limit counts across layers, so the remaining layers are not read either
 */
public final class LayerLimitExceededException extends IOException {
    private final String limit;
    private final boolean imageWide;

    LayerLimitExceededException(String limit, boolean imageWide, String detail) {
        super(detail);
        this.limit = limit;
        this.imageWide = imageWide;
    }

    public String limit() {
        return limit;
    }

    public boolean imageWide() {
        return imageWide;
    }
}
