package io.gatehouse.access.policy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Tags and manifests in memory: what the gate reads of the metadata store (tag resolution, subjects). */
final class InMemoryManifests implements MetadataStore.Tags, MetadataStore.Manifests {
    private final Map<String, Digest> tags = new ConcurrentHashMap<>();
    private final Map<String, ManifestRecord> manifests = new ConcurrentHashMap<>();

    @Override
    public void put(ManifestRecord manifest, Optional<Tag> tag) {
        manifests.put(manifest.repository() + "@" + manifest.digest(), manifest);
        tag.ifPresent(t -> tags.put(manifest.repository() + ":" + t.value(), manifest.digest()));
    }

    @Override
    public Optional<ManifestRecord> get(RepositoryName repository, Digest digest) {
        return Optional.ofNullable(manifests.get(repository + "@" + digest));
    }

    @Override
    public Set<Digest> missing(RepositoryName repository, Collection<Digest> digests) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(RepositoryName repository, Digest digest) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Digest> resolve(RepositoryName repository, Tag tag) {
        return Optional.ofNullable(tags.get(repository + ":" + tag.value()));
    }

    @Override
    public List<Tag> list(RepositoryName repository, Optional<Tag> after, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(RepositoryName repository, Tag tag) {
        throw new UnsupportedOperationException();
    }
}
