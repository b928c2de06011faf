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

    /**
     * A manifest was stored, and the tag (null if pushed by digest) set to it.
     *
     * @param previousTagTarget what the tag pointed at before, null if it was new or the push was by digest
     *     (webhooks tell "tag moved" from it)
     */
    record ManifestPushed(
            Instant at,
            RepositoryName repository,
            Digest digest,
            String mediaType,
            String tag,
            Digest previousTagTarget)
            implements Event {
        public ManifestPushed(Instant at, RepositoryName repository, Digest digest, String mediaType, String tag) {
            this(at, repository, digest, mediaType, tag, null);
        }

        /** True if the push moved an existing tag away from another manifest. */
        public boolean movedTag() {
            return tag != null && previousTagTarget != null && !previousTagTarget.equals(digest);
        }
    }

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

    /**
     * Credentials were refused (wrong password or secret, bad or expired token, malformed header) or not
     * even checked because the account or address had failed too often. Like an access decision, every one
     * is emitted.
     *
     * @param account the account name the caller claimed (Basic), null if none (Bearer, malformed)
     * @param sourceAddress the client's address, null if unknown
     * @param userAgent the client's User-Agent, null if none
     * @param requestId the request's id, null if unknown
     * @param reason why, as told to the client (never the credential)
     */
    record AuthenticationFailed(
            Instant at, String account, String sourceAddress, String userAgent, String requestId, String reason)
            implements Event {}

    /**
     * An anomaly rule fired: something unusual that a person should look at (pulls from unexpected networks,
     * pushes outside working hours, a pull-rate spike, repeated authentication failures, mass deletions).
     *
     * @param rule the rule's name, e.g. {@code pull-rate-spike}
     * @param subject what it is about, e.g. {@code repository:teama/app} or {@code account:alice}
     * @param summary one line for a person
     * @param details non-secret facts behind it (counts, thresholds, addresses)
     */
    record AnomalyDetected(Instant at, String rule, String subject, String summary, Map<String, String> details)
            implements Event {
        public AnomalyDetected {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(summary, "summary");
            details = Map.copyOf(details);
        }
    }

    /**
     * An artifact's scan finished (or failed), on push, on demand or as a re-match after an advisory update.
     *
     * @param counts findings per severity, by {@link io.gatehouse.core.scan.Severity#label()}
     * @param trigger {@code push}, {@code demand} or {@code rematch}
     */
    record ScanCompleted(
            Instant at,
            RepositoryName repository,
            Digest digest,
            io.gatehouse.core.scan.ScanStatus status,
            Map<String, Integer> counts,
            String trigger)
            implements Event {
        public ScanCompleted {
            counts = Map.copyOf(counts);
        }
    }

    /**
     * Advisories newly match an artifact that was already stored (an advisory update, not a push, found them).
     *
     * @param advisoryIds the new advisories, worst first
     */
    record VulnerabilityFound(
            Instant at,
            RepositoryName repository,
            Digest digest,
            java.util.List<String> advisoryIds,
            io.gatehouse.core.scan.Severity worst)
            implements Event {
        public VulnerabilityFound {
            advisoryIds = java.util.List.copyOf(advisoryIds);
        }
    }

    /**
     * A policy refused something that access control alone would have allowed (a pull of an image over the
     * project's severity threshold, or not yet scanned). The refusal itself is also an {@link AccessDecided}.
     *
     * @param policy e.g. {@code vulnerability-threshold}, {@code unscanned}
     */
    record PolicyViolation(
            Instant at, RepositoryName repository, Digest digest, String principal, String policy, String summary)
            implements Event {}
}
