package io.gatehouse.core.registry;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.Reference;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Manifests, tags and referrers. A manifest is validated and its references checked before it is stored. */
public final class ManifestService {
    private final MetadataStore metadata;
    private final ManifestInspector inspector;
    private final EventSink events;
    private final Clock clock;
    private final int maxManifestBytes;

    /** The outcome of a push: the manifest's digest and, when it has one, its subject. */
    public record Pushed(Digest digest, Optional<Digest> subject) {}

    public ManifestService(
            MetadataStore metadata, ManifestInspector inspector, EventSink events, Clock clock, int maxManifestBytes) {
        this.metadata = metadata;
        this.inspector = inspector;
        this.events = events;
        this.clock = clock;
        this.maxManifestBytes = maxManifestBytes;
    }

    public int maxManifestBytes() {
        return maxManifestBytes;
    }

    public Pushed put(RepositoryName repository, Reference reference, String contentType, byte[] content) {
        if (content.length > maxManifestBytes) {
            throw new Invalid(Invalid.Kind.MANIFEST_TOO_LARGE, "manifest exceeds " + maxManifestBytes + " bytes");
        }
        Digest digest = switch (reference) {
            case Reference.ByDigest(Digest named) -> {
                Digest actual = Digest.compute(named.algorithm(), content);
                if (!actual.equals(named)) {
                    throw new Invalid(
                            Invalid.Kind.DIGEST, "manifest digest does not match its content", named.toString());
                }
                yield actual;
            }
            case Reference.ByTag ignored -> Digest.sha256(content);
        };
        ParsedManifest parsed = inspector.inspect(contentType, content);
        requireNoneMissing(metadata.blobLinks().missing(repository, parsed.blobs()), "blob");
        requireNoneMissing(metadata.manifests().missing(repository, parsed.manifests()), "manifest");
        Optional<Tag> tag = reference instanceof Reference.ByTag(Tag t) ? Optional.of(t) : Optional.empty();
        // Read before the put so the event can say a tag moved (webhooks); a concurrent push may race it.
        Optional<Digest> previous = tag.flatMap(t -> metadata.tags().resolve(repository, t));
        metadata.manifests()
                .put(
                        new ManifestRecord(
                                repository,
                                digest,
                                parsed.mediaType(),
                                parsed.artifactType(),
                                content,
                                parsed.subject(),
                                parsed.blobs(),
                                parsed.manifests(),
                                parsed.annotations(),
                                clock.instant()),
                        tag);
        events.emit(new Event.ManifestPushed(
                clock.instant(),
                repository,
                digest,
                parsed.mediaType(),
                tag.map(Tag::value).orElse(null),
                previous.orElse(null)));
        return new Pushed(digest, parsed.subject());
    }

    public ManifestRecord get(RepositoryName repository, Reference reference) {
        Digest digest = switch (reference) {
            case Reference.ByDigest(Digest d) -> d;
            case Reference.ByTag(Tag t) ->
                metadata.tags().resolve(repository, t).orElseThrow(() -> unknown(reference));
        };
        return metadata.manifests().get(repository, digest).orElseThrow(() -> unknown(reference));
    }

    /** Deleting by digest removes the manifest and its tags; deleting by tag removes only the tag. */
    public void delete(RepositoryName repository, Reference reference) {
        switch (reference) {
            case Reference.ByDigest(Digest d) -> {
                if (!metadata.manifests().delete(repository, d)) {
                    throw unknown(reference);
                }
                events.emit(new Event.ManifestDeleted(clock.instant(), repository, d));
            }
            case Reference.ByTag(Tag t) -> {
                if (!metadata.tags().delete(repository, t)) {
                    throw unknown(reference);
                }
                events.emit(new Event.TagDeleted(clock.instant(), repository, t.value()));
            }
        }
    }

    public List<Tag> tags(RepositoryName repository, Optional<Tag> after, int limit) {
        if (!metadata.repositories().exists(repository)) {
            throw new NotFound(NotFound.Kind.REPOSITORY, "repository name not known to registry", repository.value());
        }
        return metadata.tags().list(repository, after, limit);
    }

    public List<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<String> artifactType) {
        return metadata.manifests().referrers(repository, subject, artifactType);
    }

    public List<RepositoryName> catalog(Optional<RepositoryName> after, int limit) {
        return metadata.repositories().list(after, limit);
    }

    private static void requireNoneMissing(Set<Digest> missing, String what) {
        if (!missing.isEmpty()) {
            Digest first = missing.stream()
                    .sorted((a, b) -> a.toString().compareTo(b.toString()))
                    .findFirst()
                    .orElseThrow();
            throw new Invalid(
                    Invalid.Kind.MANIFEST_REFERENCE,
                    "manifest references a " + what + " unknown to this repository",
                    first.toString());
        }
    }

    private static NotFound unknown(Reference reference) {
        return new NotFound(NotFound.Kind.MANIFEST, "manifest unknown to registry", reference.toString());
    }
}
