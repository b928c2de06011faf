package io.gatehouse.core.access;

/**
 * One question for the decision point, with the context the audit trail needs.
 *
 * @param reference the digest or tag the request names, null if none
 */
public record AccessRequest(
        Principal principal,
        Action action,
        Resource resource,
        String sourceAddress,
        String userAgent,
        String requestId,
        String reference) {

    public AccessRequest(
            Principal principal,
            Action action,
            Resource resource,
            String sourceAddress,
            String userAgent,
            String requestId) {
        this(principal, action, resource, sourceAddress, userAgent, requestId, null);
    }
}
