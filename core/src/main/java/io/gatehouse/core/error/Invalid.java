package io.gatehouse.core.error;

/** The request is malformed: the caller must change it before trying again. */
public final class Invalid extends RegistryException {
    public enum Kind {
        DIGEST,
        NAME,
        TAG,
        MANIFEST,
        /** A manifest references a blob or child manifest the repository does not have. */
        MANIFEST_REFERENCE,
        MANIFEST_TOO_LARGE,
        SIZE,
        UPLOAD,
        /** A chunk does not start where the upload currently ends. */
        UPLOAD_RANGE,
        /** A Range header on a blob read cannot be satisfied. */
        READ_RANGE,
        PAGINATION,
        PARAMETER
    }

    private final Kind kind;

    public Invalid(Kind kind, String message) {
        this(kind, message, null);
    }

    public Invalid(Kind kind, String message, Object detail) {
        super(message, detail, null);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
