package io.gatehouse.storage.jdbc;

import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.MetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Repositories appear when the first blob is linked or the first manifest is stored into them. */
final class JdbcRepositories implements MetadataStore.Repositories {
    private final Database db;

    JdbcRepositories(Database db) {
        this.db = db;
    }

    @Override
    public boolean exists(RepositoryName repository) {
        return db.read(h -> h.createQuery("SELECT 1 FROM repositories WHERE name = :name")
                .bind("name", repository.value())
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
    }

    @Override
    public List<RepositoryName> list(Optional<RepositoryName> after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(h -> {
            var query = after.isPresent()
                    ? h.createQuery("SELECT name FROM repositories WHERE name > :after ORDER BY name LIMIT :limit")
                            .bind("after", after.get().value())
                    : h.createQuery("SELECT name FROM repositories ORDER BY name LIMIT :limit");
            return query.bind("limit", limit)
                    .map((rs, ctx) -> RepositoryName.parse(rs.getString(1)))
                    .list();
        });
    }

    /** Inside a write transaction: creates the repository row unless it exists. */
    static void ensure(Handle h, RepositoryName repository, Instant now) {
        boolean exists = h.createQuery("SELECT 1 FROM repositories WHERE name = :name")
                .bind("name", repository.value())
                .mapTo(Integer.class)
                .findOne()
                .isPresent();
        if (!exists) {
            h.createUpdate("INSERT INTO repositories (name, created_at) VALUES (:name, :now) ON CONFLICT DO NOTHING")
                    .bind("name", repository.value())
                    .bind("now", Database.timestamp(now))
                    .execute();
        }
    }
}
