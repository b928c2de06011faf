package io.gatehouse.scan.sbom;

import java.io.IOException;

/**
 * An extractor refused to buffer a file larger than {@link ExtractionLimits#maxFileBytes()}. The layer walker
 * reports it as a {@code GATEHOUSE-LAYER-LIMIT} finding on that file and goes on with the layer.
 */
public final class FileTooLargeException extends IOException {
    private final long maxBytes;

    public FileTooLargeException(String path, long maxBytes) {
        super(path + " is larger than maxFileBytes (" + maxBytes + " bytes)");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
