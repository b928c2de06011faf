package io.gatehouse.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The imported advisory database: each advisory's raw OSV JSON with the keys an incremental import compares, and
 * the log of imports. Parsing OSV is the scan module's business; this store only keeps what it is given.
 */
public interface AdvisoryStore {

    /** Every stored advisory's {@code modified} time by id, for deciding what an import changes. */
    Map<String, Instant> modifiedTimes();

    /** The stored JSON of one advisory. */
    Optional<String> json(String id);

    /**
     * Applies part of an import in one transaction of batched writes: {@code added} are new ids, {@code replaced}
     * overwrite stored ones (ids not stored are ignored), {@code removed} are deleted (likewise).
     */
    void apply(Collection<StoredAdvisory> added, Collection<StoredAdvisory> replaced, Collection<String> removed);

    /** Streams every stored advisory to {@code sink}, ordered by id. */
    void forEach(Consumer<StoredAdvisory> sink);

    long count();

    void recordImport(ImportLogEntry entry);

    /** The newest imports first, at most {@code limit}. */
    List<ImportLogEntry> imports(int limit);

    /** One advisory as stored: {@code json} is the OSV record exactly as imported. */
    record StoredAdvisory(String id, Instant modified, Instant importedAt, String json) {
        public StoredAdvisory {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(modified, "modified");
            Objects.requireNonNull(importedAt, "importedAt");
            Objects.requireNonNull(json, "json");
        }
    }

    /** One import: where from, when, and how many advisories it added, updated, removed, left, rejected. */
    record ImportLogEntry(
            String source,
            Instant importedAt,
            int added,
            int updated,
            int removed,
            int unchanged,
            int rejected,
            int total) {
        public ImportLogEntry {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(importedAt, "importedAt");
        }
    }
}
