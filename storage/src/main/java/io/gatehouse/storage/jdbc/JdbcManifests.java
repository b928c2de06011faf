package io.gatehouse.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Manifests with their tags and references. A manifest row holds all that {@link #get} returns, so a pull is
 * one indexed row read; {@code manifest_refs} repeats the references (deduplicated) for garbage collection.
 */
final class JdbcManifests implements MetadataStore.Manifests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final Database db;
    private final Clock clock;

    JdbcManifests(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void put(ManifestRecord manifest, Optional<Tag> tag) {
        var now = clock.instant();
        String annotations = annotationsJson(manifest.annotations());
        db.write(h -> {
            JdbcRepositories.ensure(h, manifest.repository(), now);
            int inserted = h.createUpdate(
                            "INSERT INTO manifests (repository, digest, media_type, artifact_type, content, size, subject_digest,"
                                    + " blob_digests, manifest_digests, annotations, created_at)"
                                    + " VALUES (:repository, :digest, :mediaType, :artifactType, :content, :size, :subject,"
                                    + " :blobs, :manifests, :annotations, :createdAt) ON CONFLICT DO NOTHING")
                    .bind("repository", manifest.repository().value())
                    .bind("digest", manifest.digest().toString())
                    .bind("mediaType", manifest.mediaType())
                    .bind("artifactType", manifest.artifactType())
                    .bind("content", manifest.content())
                    .bind("size", manifest.size())
                    .bind("subject", manifest.subject().map(Digest::toString).orElse(null))
                    .bind("blobs", joinDigests(manifest.blobs()))
                    .bind("manifests", joinDigests(manifest.manifests()))
                    .bind("annotations", annotations)
                    .bind("createdAt", Database.timestamp(manifest.createdAt() == null ? now : manifest.createdAt()))
                    .execute();
            if (inserted > 0) {
                insertRefs(h, manifest);
            }
            tag.ifPresent(t -> JdbcTags.move(h, manifest.repository(), t, manifest.digest(), now));
            return inserted;
        });
    }

    private static void insertRefs(Handle h, ManifestRecord manifest) {
        var batch = h.prepareBatch("INSERT INTO manifest_refs (repository, manifest_digest, kind, child_digest)"
                + " VALUES (:repository, :manifest, :kind, :child)");
        int rows = 0;
        for (var ref : List.of(Map.entry("blob", manifest.blobs()), Map.entry("manifest", manifest.manifests()))) {
            for (Digest child : new LinkedHashSet<>(ref.getValue())) {
                batch.bind("repository", manifest.repository().value())
                        .bind("manifest", manifest.digest().toString())
                        .bind("kind", ref.getKey())
                        .bind("child", child.toString())
                        .add();
                rows++;
            }
        }
        if (rows > 0) {
            batch.execute();
        }
    }

    @Override
    public Optional<ManifestRecord> get(RepositoryName repository, Digest digest) {
        return db.read(h -> h.createQuery(
                        "SELECT media_type, artifact_type, content, subject_digest, blob_digests, manifest_digests, annotations,"
                                + " created_at FROM manifests WHERE repository = :repository AND digest = :digest")
                .bind("repository", repository.value())
                .bind("digest", digest.toString())
                .map((rs, ctx) -> new ManifestRecord(
                        repository,
                        digest,
                        rs.getString("media_type"),
                        rs.getString("artifact_type"),
                        rs.getBytes("content"),
                        Optional.ofNullable(rs.getString("subject_digest")).map(Digest::parse),
                        splitDigests(rs.getString("blob_digests")),
                        splitDigests(rs.getString("manifest_digests")),
                        annotations(rs),
                        Database.instant(rs, "created_at")))
                .findOne());
    }

    @Override
    public Set<Digest> missing(RepositoryName repository, Collection<Digest> digests) {
        return JdbcBlobLinks.missing(db, "manifests", repository, digests);
    }

    /** Deletes the row; its tags and references go with it (ON DELETE CASCADE). */
    @Override
    public boolean delete(RepositoryName repository, Digest digest) {
        return db.write(
                        h -> h.createUpdate("DELETE FROM manifests WHERE repository = :repository AND digest = :digest")
                                .bind("repository", repository.value())
                                .bind("digest", digest.toString())
                                .execute(),
                        deleted -> deleted > 0)
                > 0;
    }

    /** In the order the referrers were first pushed, then by digest. */
    @Override
    public List<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType) {
        return db.read(h -> {
            var query = h.createQuery("SELECT digest, media_type, size, artifact_type, annotations FROM manifests"
                            + " WHERE repository = :repository AND subject_digest = :subject"
                            + (artifactType.isPresent() ? " AND artifact_type = :artifactType" : "")
                            + " ORDER BY created_at, digest")
                    .bind("repository", repository.value())
                    .bind("subject", subject.toString());
            artifactType.ifPresent(t -> query.bind("artifactType", t));
            return query.map((rs, ctx) -> new Descriptor(
                            rs.getString("media_type"),
                            Digest.parse(rs.getString("digest")),
                            rs.getLong("size"),
                            rs.getString("artifact_type"),
                            annotations(rs)))
                    .list();
        });
    }

    private static String joinDigests(List<Digest> digests) {
        return digests.stream().map(Digest::toString).collect(Collectors.joining(" "));
    }

    private static List<Digest> splitDigests(String joined) {
        return joined.isEmpty()
                ? List.of()
                : Arrays.stream(joined.split(" ")).map(Digest::parse).toList();
    }

    /** A JSON object with sorted keys, or null when there are none. */
    private static String annotationsJson(Map<String, String> annotations) {
        if (annotations.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(new TreeMap<>(annotations));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode annotations", e);
        }
    }

    private static Map<String, String> annotations(ResultSet rs) throws SQLException {
        String json = rs.getString("annotations");
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored annotations are not a JSON object of strings", e);
        }
    }
}
