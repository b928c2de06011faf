package io.gatehouse.storage.jdbc;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.MetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbcTags implements MetadataStore.Tags {
    private final Database db;

    JdbcTags(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Digest> resolve(RepositoryName repository, Tag tag) {
        return db.read(
                h -> h.createQuery("SELECT manifest_digest FROM tags WHERE repository = :repository AND name = :name")
                        .bind("repository", repository.value())
                        .bind("name", tag.value())
                        .map((rs, ctx) -> Digest.parse(rs.getString(1)))
                        .findOne());
    }

    @Override
    public List<Tag> list(RepositoryName repository, Optional<Tag> after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(h -> {
            var query = after.isPresent()
                    ? h.createQuery(
                                    "SELECT name FROM tags WHERE repository = :repository AND name > :after ORDER BY name LIMIT :limit")
                            .bind("after", after.get().value())
                    : h.createQuery("SELECT name FROM tags WHERE repository = :repository ORDER BY name LIMIT :limit");
            return query.bind("repository", repository.value())
                    .bind("limit", limit)
                    .map((rs, ctx) -> Tag.parse(rs.getString(1)))
                    .list();
        });
    }

    @Override
    public boolean delete(RepositoryName repository, Tag tag) {
        return db.write(
                        h -> h.createUpdate("DELETE FROM tags WHERE repository = :repository AND name = :name")
                                .bind("repository", repository.value())
                                .bind("name", tag.value())
                                .execute(),
                        deleted -> deleted > 0)
                > 0;
    }

    /**
     * Inside a write transaction: points the tag at the manifest, creating it if needed. UPDATE first, then an
     * INSERT that yields to a concurrent creator, then UPDATE again; portable and safe under READ COMMITTED.
     */
    static void move(Handle h, RepositoryName repository, Tag tag, Digest digest, Instant now) {
        if (update(h, repository, tag, digest, now) > 0) {
            return;
        }
        int inserted = h.createUpdate(
                        "INSERT INTO tags (repository, name, manifest_digest, updated_at) VALUES (:repository, :name, :digest, :now)"
                                + " ON CONFLICT DO NOTHING")
                .bind("repository", repository.value())
                .bind("name", tag.value())
                .bind("digest", digest.toString())
                .bind("now", Database.timestamp(now))
                .execute();
        if (inserted == 0 && update(h, repository, tag, digest, now) == 0) {
            throw new Database.Retry("tag deleted while being moved");
        }
    }

    private static int update(Handle h, RepositoryName repository, Tag tag, Digest digest, Instant now) {
        return h.createUpdate(
                        "UPDATE tags SET manifest_digest = :digest, updated_at = :now WHERE repository = :repository AND name = :name")
                .bind("repository", repository.value())
                .bind("name", tag.value())
                .bind("digest", digest.toString())
                .bind("now", Database.timestamp(now))
                .execute();
    }
}
