package io.gatehouse.storage.jdbc;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.MetadataStore;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;

final class JdbcBlobLinks implements MetadataStore.BlobLinks {
    /** Digests per IN list: far below every engine's parameter limit. */
    static final int IN_LIST_CHUNK = 500;

    private final Database db;
    private final Clock clock;

    JdbcBlobLinks(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void link(RepositoryName repository, Digest digest, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        var now = clock.instant();
        db.write(h -> {
            JdbcRepositories.ensure(h, repository, now);
            return h.createUpdate(
                            "INSERT INTO blob_links (repository, digest, size, created_at) VALUES (:repository, :digest, :size, :now)"
                                    + " ON CONFLICT DO NOTHING")
                    .bind("repository", repository.value())
                    .bind("digest", digest.toString())
                    .bind("size", size)
                    .bind("now", Database.timestamp(now))
                    .execute();
        });
    }

    @Override
    public OptionalLong size(RepositoryName repository, Digest digest) {
        return db.read(
                h -> h.createQuery("SELECT size FROM blob_links WHERE repository = :repository AND digest = :digest")
                        .bind("repository", repository.value())
                        .bind("digest", digest.toString())
                        .mapTo(Long.class)
                        .findOne()
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty()));
    }

    @Override
    public Set<Digest> missing(RepositoryName repository, Collection<Digest> digests) {
        return missing(db, "blob_links", repository, digests);
    }

    @Override
    public boolean unlink(RepositoryName repository, Digest digest) {
        return db.write(
                        h -> h.createUpdate(
                                        "DELETE FROM blob_links WHERE repository = :repository AND digest = :digest")
                                .bind("repository", repository.value())
                                .bind("digest", digest.toString())
                                .execute(),
                        deleted -> deleted > 0)
                > 0;
    }

    @Override
    public boolean isLinkedAnywhere(Digest digest) {
        return db.read(h -> h.createQuery("SELECT 1 FROM blob_links WHERE digest = :digest LIMIT 1")
                .bind("digest", digest.toString())
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
    }

    /** Of {@code digests}, those with no row in {@code table} (which has repository and digest columns). */
    static Set<Digest> missing(Database db, String table, RepositoryName repository, Collection<Digest> digests) {
        var wanted = new LinkedHashSet<>(digests);
        if (wanted.isEmpty()) {
            return Set.of();
        }
        var present = db.read(h -> present(h, table, repository, List.copyOf(wanted)));
        wanted.removeIf(d -> present.contains(d.toString()));
        return wanted;
    }

    private static Set<String> present(Handle h, String table, RepositoryName repository, List<Digest> digests) {
        Set<String> present = new HashSet<>();
        for (int from = 0; from < digests.size(); from += IN_LIST_CHUNK) {
            var chunk = digests.subList(from, Math.min(digests.size(), from + IN_LIST_CHUNK)).stream()
                    .map(Digest::toString)
                    .toList();
            h.createQuery("SELECT digest FROM " + table + " WHERE repository = :repository AND digest IN (<digests>)")
                    .bind("repository", repository.value())
                    .bindList("digests", chunk)
                    .mapTo(String.class)
                    .forEach(present::add);
        }
        return present;
    }
}
