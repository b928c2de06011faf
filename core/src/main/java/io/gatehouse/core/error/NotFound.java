package io.gatehouse.core.error;

/** Something named by the request does not exist (or the caller may not know that it exists). */
public final class NotFound extends RegistryException {
    public enum Kind {
        BLOB,
        MANIFEST,
        REPOSITORY,
        UPLOAD,
        ROUTE,
        PROJECT,
        WEBHOOK,
        /** An artifact that was never scanned (nor is queued). */
        SCAN_REPORT
    }

    private final Kind kind;

    public NotFound(Kind kind, String message) {
        this(kind, message, null);
    }

    public NotFound(Kind kind, String message, Object detail) {
        super(message, detail, null);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
