package io.gatehouse.core.audit;

import java.time.Instant;
import java.util.Optional;

/** Which records to list; every filter is optional and they combine with AND. */
public record AuditQuery(
        Optional<Instant> since,
        Optional<Instant> until,
        Optional<String> principal,
        Optional<String> repository,
        Optional<String> action,
        Optional<String> result,
        Optional<String> requestId) {

    public static final AuditQuery ALL = new AuditQuery(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    public AuditQuery {
        result.ifPresent(r -> {
            if (!r.equals(AuditEntry.ALLOWED) && !r.equals(AuditEntry.DENIED)) {
                throw new IllegalArgumentException("result must be allowed or denied");
            }
        });
    }
}
