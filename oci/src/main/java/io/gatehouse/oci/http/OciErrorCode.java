package io.gatehouse.oci.http;

/** The error codes of the OCI distribution spec (plus Docker's pagination code), each with its HTTP status. */
public enum OciErrorCode {
    BLOB_UNKNOWN(404),
    BLOB_UPLOAD_INVALID(400),
    BLOB_UPLOAD_UNKNOWN(404),
    DIGEST_INVALID(400),
    MANIFEST_BLOB_UNKNOWN(400),
    MANIFEST_INVALID(400),
    MANIFEST_UNKNOWN(404),
    NAME_INVALID(400),
    NAME_UNKNOWN(404),
    SIZE_INVALID(400),
    UNAUTHORIZED(401),
    DENIED(403),
    UNSUPPORTED(405),
    TOOMANYREQUESTS(429),
    PAGINATION_NUMBER_INVALID(400),
    UNAVAILABLE(503),
    INTERNAL_ERROR(500);

    private final int status;

    OciErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
