package io.gatehouse.access;

/**
 * Where a request came from, for the audit trail. Values may be null when unknown (an internal call);
 * over-long values are cut so a client cannot bloat the audit log.
 */
public record RequestContext(String sourceAddress, String userAgent, String requestId) {
    private static final int MAX_LENGTH = 256;

    public static final RequestContext INTERNAL = new RequestContext(null, null, null);

    public RequestContext {
        sourceAddress = bounded(sourceAddress);
        userAgent = bounded(userAgent);
        requestId = bounded(requestId);
    }

    private static String bounded(String value) {
        return value == null || value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH);
    }
}
