package io.gatehouse.storage.jdbc;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UploadSession;
import java.time.Clock;
import java.util.Optional;

/** Upload sessions, shared by all nodes; progress is a compare-and-set on the recorded size. */
final class JdbcUploadSessions implements MetadataStore.UploadSessions {
    private final Database db;
    private final Clock clock;

    JdbcUploadSessions(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void create(UploadSession session) {
        int inserted = db.write(
                h -> h.createUpdate("INSERT INTO uploads (id, repository, size, started_at, updated_at)"
                                + " VALUES (:id, :repository, :size, :startedAt, :updatedAt) ON CONFLICT DO NOTHING")
                        .bind("id", session.id())
                        .bind("repository", session.repository().value())
                        .bind("size", session.size())
                        .bind("startedAt", Database.timestamp(session.startedAt()))
                        .bind("updatedAt", Database.timestamp(session.updatedAt()))
                        .execute(),
                n -> n > 0);
        if (inserted == 0) {
            throw new Conflict("upload id already in use");
        }
    }

    @Override
    public Optional<UploadSession> get(String id) {
        return db.read(h -> h.createQuery(
                        "SELECT id, repository, size, started_at, updated_at FROM uploads WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new UploadSession(
                        rs.getString("id"),
                        RepositoryName.parse(rs.getString("repository")),
                        rs.getLong("size"),
                        Database.instant(rs, "started_at"),
                        Database.instant(rs, "updated_at")))
                .findOne());
    }

    @Override
    public boolean advance(String id, long expected, long size) {
        var now = clock.instant();
        return db.write(
                        h -> h.createUpdate(
                                        "UPDATE uploads SET size = :size, updated_at = :now WHERE id = :id AND size = :expected")
                                .bind("size", size)
                                .bind("now", Database.timestamp(now))
                                .bind("id", id)
                                .bind("expected", expected)
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    @Override
    public void delete(String id) {
        db.write(
                h -> h.createUpdate("DELETE FROM uploads WHERE id = :id")
                        .bind("id", id)
                        .execute(),
                n -> n > 0);
    }
}
