package io.gatehouse.access;

/**
 * Where a request came from, for the audit trail. Values may be null when unknown (an internal call);
 * over-long values are cut so a client cannot bloat the audit log.
 *
 * @param reference the digest or tag the request names (a manifest or blob route), null if none
 */
public record RequestContext(String sourceAddress, String userAgent, String requestId, String reference) {
    private static final int MAX_LENGTH = 256;

    public static final RequestContext INTERNAL = new RequestContext(null, null, null);

    public RequestContext(String sourceAddress, String userAgent, String requestId) {
        this(sourceAddress, userAgent, requestId, null);
    }

    public RequestContext {
        sourceAddress = bounded(sourceAddress);
        userAgent = bounded(userAgent);
        requestId = bounded(requestId);
        reference = bounded(reference);
    }

    /** The same context naming the digest or tag the matched route addresses. */
    public RequestContext withReference(String reference) {
        return new RequestContext(sourceAddress, userAgent, requestId, reference);
    }

    private static String bounded(String value) {
        return value == null || value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH);
    }
}
