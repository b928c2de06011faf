package io.gatehouse.scan.advisory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one import changed.
 *
 * @param rejected files that were not imported, with the reason (at most {@link AdvisoryImporter#MAX_REPORTED}
 *     listed; {@code rejectedCount} counts all)
 * @param changedPackages the packages whose advisories were added, changed or removed: stored SBOMs containing
 *     one of them need re-matching
 * @param changedIds the advisories added, changed or removed (the snapshot re-indexes only these)
 */
public record ImportResult(
        String source,
        Instant importedAt,
        int added,
        int updated,
        int removed,
        int unchanged,
        int rejectedCount,
        List<Rejected> rejected,
        Set<PackageKey> changedPackages,
        Set<String> changedIds) {
    public ImportResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(importedAt, "importedAt");
        rejected = List.copyOf(rejected);
        changedPackages = Set.copyOf(changedPackages);
        changedIds = Set.copyOf(changedIds);
    }

    public boolean changedAnything() {
        return added + updated + removed > 0;
    }

    /** A file that was not imported: {@code source} the zip entry or file path, {@code reason} why. */
    public record Rejected(String source, String reason) {}
}
