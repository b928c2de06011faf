package io.gatehouse.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one audit record says happened, before it is chained. Text fields are null when they do not apply
 * (no repository on an admin change, no principal on a refused credential).
 *
 * @param kind {@code access}, {@code admin}, {@code authentication}, {@code break-glass} or {@code anomaly}
 * @param principalType {@code user}, {@code robot} or {@code anonymous}
 * @param authMethod how the principal authenticated ({@code Principal.AuthMethod}), lower case
 * @param action {@code pull}, {@code push}, ... for access; the change (e.g. {@code project.create}) for admin
 * @param reference the digest or tag the request named
 * @param result {@code allowed} or {@code denied}; null for what is not a decision (an anomaly)
 * @param details further non-secret facts, kept in key order so the canonical form is stable
 */
public record AuditEntry(
        Instant at,
        String kind,
        String principal,
        String principalType,
        String authMethod,
        String sourceAddress,
        String userAgent,
        String action,
        String project,
        String repository,
        String reference,
        String result,
        String reason,
        String requestId,
        Map<String, String> details) {

    public static final String ALLOWED = "allowed";
    public static final String DENIED = "denied";

    public AuditEntry {
        // Both databases keep microseconds; the hash must cover exactly what is stored.
        at = Objects.requireNonNull(at, "at").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Objects.requireNonNull(kind, "kind");
        if (result != null && !result.equals(ALLOWED) && !result.equals(DENIED)) {
            throw new IllegalArgumentException("result must be allowed or denied");
        }
        // Bounded to the columns, so a long client value can neither fail the insert nor bloat the log.
        principal = cut(principal, 255);
        sourceAddress = cut(sourceAddress, 256);
        userAgent = cut(userAgent, 256);
        action = cut(action, 64);
        project = cut(project, 255);
        repository = cut(repository, 255);
        reference = cut(reference, 255);
        reason = cut(reason, 1024);
        requestId = cut(requestId, 256);
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
