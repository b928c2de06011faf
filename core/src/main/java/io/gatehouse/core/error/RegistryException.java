package io.gatehouse.core.error;

/**
 * The one error hierarchy domain code throws. Each protocol renders it with an exhaustive switch onto its
 * own error codes, so a new kind of failure cannot go unmapped. Messages are safe to show to clients:
 * they never carry secrets or internal paths.
 */
public abstract sealed class RegistryException extends RuntimeException
        permits NotFound,
                Invalid,
                Unauthenticated,
                Denied,
                Conflict,
                Unsupported,
                Unavailable,
                QuotaExceeded,
                TooManyRequests {

    private final transient Object detail;

    protected RegistryException(String message, Object detail, Throwable cause) {
        super(message, cause, false, false);
        this.detail = detail;
    }

    /** Optional structured detail for the client (for example the offending digest). */
    public Object detail() {
        return detail;
    }
}
