package io.gatehouse.core.scan;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An advisory the pull policy ignores until {@code expiresAt}: system-wide (no project) or for one project.
 *
 * @param id an advisory id or one of its aliases (e.g. {@code CVE-2023-45853} for {@code DEBIAN-CVE-2023-45853});
 *     compared without regard to case
 * @param reason why it is accepted, for the next person who reads the list
 */
public record CveAllowlistEntry(
        Optional<String> project, String id, String reason, Instant expiresAt, String createdBy, Instant createdAt) {

    public CveAllowlistEntry {
        project = project == null ? Optional.empty() : project;
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** An entry stops counting at its expiry instant. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Whether this entry names the finding's advisory, by its id or any alias. */
    public boolean covers(VulnerabilityFinding finding) {
        return finding.id().equalsIgnoreCase(id)
                || finding.aliases().stream().anyMatch(alias -> alias.equalsIgnoreCase(id));
    }
}
