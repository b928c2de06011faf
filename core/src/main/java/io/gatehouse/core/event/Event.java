package io.gatehouse.core.event;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Things that happened, for the audit log, webhooks, the scan queue and metrics. */
public sealed interface Event {
    Instant at();

    /** An authorization decision, allowed or denied. Every one is emitted. */
    record AccessDecided(Instant at, AccessRequest request, AccessDecision decision) implements Event {}

    record ManifestPushed(Instant at, RepositoryName repository, Digest digest, String mediaType, String tag)
            implements Event {}

    record ManifestDeleted(Instant at, RepositoryName repository, Digest digest) implements Event {}

    record TagDeleted(Instant at, RepositoryName repository, String tag) implements Event {}

    record BlobCommitted(Instant at, RepositoryName repository, Digest digest, long size) implements Event {}

    record BlobDeleted(Instant at, RepositoryName repository, Digest digest) implements Event {}

    /**
     * A successful administrative change (a project created, a role granted, a robot revoked, ...). Details
     * are non-secret by construction: passwords and robot secrets are never put here.
     *
     * @param actor the principal name that made the change
     * @param change what kind of change, e.g. {@code project.create}, {@code binding.grant}
     * @param target what was changed, e.g. {@code project:teama}, {@code robot:robot$teama+ci}
     */
    record AdminChanged(
            Instant at,
            String actor,
            String sourceAddress,
            String requestId,
            String change,
            String target,
            Map<String, String> details)
            implements Event {
        public AdminChanged {
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(target, "target");
            details = Map.copyOf(details);
        }
    }

    /**
     * The local break-glass account authenticated (it works without the identity provider, so every use is
     * for the security team to review).
     *
     * @param sourceAddress the client's address, null if unknown
     * @param requestId the request's id, null if unknown
     */
    record BreakGlassUsed(Instant at, String principal, String sourceAddress, String requestId) implements Event {}
}
