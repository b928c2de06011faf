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
import org.jdbi.v3.core.Handle;

/**
 * The advisory database over JDBC. An import is one transaction of batched statements: replaced and removed ids
 * are deleted in one batch, then new rows inserted in batches of {@link #BATCH}, so 50,000 advisories cost a few
 * hundred round trips rather than 100,000.
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
    public void apply(Collection<StoredAdvisory> upserts, Collection<String> removals) {
        if (upserts.isEmpty() && removals.isEmpty()) {
            return;
        }
        db.write(h -> {
            delete(h, removals.stream().toList());
            delete(h, upserts.stream().map(StoredAdvisory::id).toList());
            var batch = h.prepareBatch(
                    "INSERT INTO advisories (id, modified, imported_at, json) VALUES (:id, :modified, :at, :json)");
            int pending = 0;
            for (StoredAdvisory a : upserts) {
                batch.bind("id", a.id())
                        .bind("modified", Database.timestamp(a.modified()))
                        .bind("at", Database.timestamp(a.importedAt()))
                        .bind("json", a.json())
                        .add();
                if (++pending == BATCH) {
                    batch.execute();
                    batch = h.prepareBatch("INSERT INTO advisories (id, modified, imported_at, json) VALUES (:id,"
                            + " :modified, :at, :json)");
                    pending = 0;
                }
            }
            if (pending > 0) {
                batch.execute();
            }
            return null;
        });
    }

    private static void delete(Handle h, List<String> ids) {
        for (int from = 0; from < ids.size(); from += BATCH) {
            var batch = h.prepareBatch("DELETE FROM advisories WHERE id = :id");
            for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH))) {
                batch.bind("id", id).add();
            }
            batch.execute();
        }
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
