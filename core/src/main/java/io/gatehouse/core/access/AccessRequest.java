package io.gatehouse.core.access;

/** One question for the decision point, with the context the audit trail needs. */
public record AccessRequest(
        Principal principal,
        Action action,
        Resource resource,
        String sourceAddress,
        String userAgent,
        String requestId) {}
