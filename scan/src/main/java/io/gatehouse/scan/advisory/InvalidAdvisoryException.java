package io.gatehouse.scan.advisory;

/** An advisory file that is not a usable OSV record; the message names the file and what is wrong. */
public final class InvalidAdvisoryException extends IllegalArgumentException {
    private final String source;
    private final String reason;

    public InvalidAdvisoryException(String source, String reason) {
        this(source, reason, null);
    }

    public InvalidAdvisoryException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
        this.reason = reason;
    }

    /** The file or zip entry the advisory came from. */
    public String source() {
        return source;
    }

    public String reason() {
        return reason;
    }
}
