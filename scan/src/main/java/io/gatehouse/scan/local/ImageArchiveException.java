package io.gatehouse.scan.local;

import java.io.IOException;

/** The path is not an image this reader understands, or the archive is damaged; the message says which. */
public final class ImageArchiveException extends IOException {
    public ImageArchiveException(String message) {
        super(message);
    }

    public ImageArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
