package io.gatehouse.core.store;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A manifest as stored: its exact bytes, what it points at (kept alive for garbage collection), and what
 * the referrers API needs (subject, artifact type, annotations).
 */
public record ManifestRecord(
        RepositoryName repository,
        Digest digest,
        String mediaType,
        String artifactType,
        byte[] content,
        Optional<Digest> subject,
        List<Digest> blobs,
        List<Digest> manifests,
        Map<String, String> annotations,
        Instant createdAt) {

    public ManifestRecord {
        Objects.requireNonNull(repository);
        Objects.requireNonNull(digest);
        Objects.requireNonNull(mediaType);
        Objects.requireNonNull(content);
        subject = subject == null ? Optional.empty() : subject;
        blobs = List.copyOf(blobs);
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public long size() {
        return content.length;
    }
}
