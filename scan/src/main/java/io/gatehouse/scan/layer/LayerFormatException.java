package io.gatehouse.scan.layer;

import java.io.IOException;

/**
 * A layer that is not a readable tar stream: corrupt or truncated gzip/zstd, a truncated tar, an unsupported
 * compression. The image's content is then unknown, so the scan fails with this message rather than reporting
 * a partial SBOM as if it were complete.
 */
public final class LayerFormatException extends IOException {
    public LayerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
