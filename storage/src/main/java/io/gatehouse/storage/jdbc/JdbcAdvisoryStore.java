package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.AdvisoryStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The advisory database over JDBC. Each apply is one transaction of batched statements ({@link #BATCH} rows a
 * round trip): deletes, then updates, then inserts, so 50,000 advisories cost a hundred round trips, not 50,000.
 */
final class JdbcAdvisoryStore implements AdvisoryStore {
    private static final int BATCH = 500;

    private final Database db;

    JdbcAdvisoryStore(Database db) {
        this.db = db;
    }

    @Override
    public Map<String, Instant> modifiedTimes() {
        return db.read(h -> {
            Map<String, Instant> out = new HashMap<>();
            h.createQuery("SELECT id, modified FROM advisories")
                    .setFetchSize(BATCH)
                    .map((rs, ctx) -> Map.entry(rs.getString("id"), Database.instant(rs, "modified")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    @Override
    public Optional<String> json(String id) {
        return db.read(h -> h.createQuery("SELECT json FROM advisories WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public void apply(
            Collection<StoredAdvisory> added, Collection<StoredAdvisory> replaced, Collection<String> removed) {
        if (added.isEmpty() && replaced.isEmpty() && removed.isEmpty()) {
            return;
        }
        db.write(h -> {
            Database.inBatches(h, "DELETE FROM advisories WHERE id = :id", removed, (b, id) -> b.bind("id", id));
            Database.inBatches(
                    h,
                    "UPDATE advisories SET modified = :modified, imported_at = :at, json = :json WHERE id = :id",
                    replaced,
                    JdbcAdvisoryStore::bind);
            Database.inBatches(
                    h,
                    "INSERT INTO advisories (id, modified, imported_at, json) VALUES (:id, :modified, :at, :json)",
                    added,
                    JdbcAdvisoryStore::bind);
            return null;
        });
    }

    private static void bind(PreparedBatch batch, StoredAdvisory a) {
        batch.bind("id", a.id())
                .bind("modified", Database.timestamp(a.modified()))
                .bind("at", Database.timestamp(a.importedAt()))
                .bind("json", a.json());
    }

    @Override
    public void forEach(Consumer<StoredAdvisory> sink) {
        db.read(h -> {
            h.createQuery("SELECT id, modified, imported_at, json FROM advisories ORDER BY id")
                    .setFetchSize(BATCH)
                    .map((rs, ctx) -> advisory(rs))
                    .forEach(sink);
            return null;
        });
    }

    @Override
    public long count() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM advisories")
                .mapTo(Long.class)
                .one());
    }

    @Override
    public void recordImport(ImportLogEntry e) {
        db.write(h -> h.createUpdate("INSERT INTO advisory_imports (source, imported_at, added, updated, removed,"
                        + " unchanged, rejected, total) VALUES (:source, :at, :added, :updated, :removed, :unchanged,"
                        + " :rejected, :total)")
                .bind("source", e.source().length() > 1024 ? e.source().substring(0, 1024) : e.source())
                .bind("at", Database.timestamp(e.importedAt()))
                .bind("added", e.added())
                .bind("updated", e.updated())
                .bind("removed", e.removed())
                .bind("unchanged", e.unchanged())
                .bind("rejected", e.rejected())
                .bind("total", e.total())
                .execute());
    }

    @Override
    public List<ImportLogEntry> imports(int limit) {
        return db.read(h -> h.createQuery("SELECT source, imported_at, added, updated, removed, unchanged, rejected,"
                        + " total FROM advisory_imports ORDER BY seq DESC LIMIT :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> new ImportLogEntry(
                        rs.getString("source"),
                        Database.instant(rs, "imported_at"),
                        rs.getInt("added"),
                        rs.getInt("updated"),
                        rs.getInt("removed"),
                        rs.getInt("unchanged"),
                        rs.getInt("rejected"),
                        rs.getInt("total")))
                .list());
    }

    private static StoredAdvisory advisory(ResultSet rs) throws SQLException {
        return new StoredAdvisory(
                rs.getString("id"),
                Database.instant(rs, "modified"),
                Database.instant(rs, "imported_at"),
                rs.getString("json"));
    }
}
