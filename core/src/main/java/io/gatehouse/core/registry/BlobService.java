package io.gatehouse.core.registry;

import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import java.io.InputStream;
import java.time.Clock;

/**
 * Reads, mounts and deletes blobs. Bytes are stored once, but a repository serves only the blobs linked
 * into it, so knowing a digest never exposes another repository's content.
 */
public final class BlobService {
    private final BlobStore blobs;
    private final MetadataStore metadata;
    private final EventSink events;
    private final Clock clock;

    public BlobService(BlobStore blobs, MetadataStore metadata, EventSink events, Clock clock) {
        this.blobs = blobs;
        this.metadata = metadata;
        this.events = events;
        this.clock = clock;
    }

    /** The size of a blob the repository may serve. */
    public long size(RepositoryName repository, Digest digest) {
        return metadata.blobLinks()
                .size(repository, digest)
                .orElseThrow(() -> new NotFound(NotFound.Kind.BLOB, "blob unknown to registry", digest.toString()));
    }

    /** Opens {@code length} bytes of the blob from {@code offset}; the caller has checked the range against {@link #size}. */
    public InputStream open(RepositoryName repository, Digest digest, long offset, long length) {
        size(repository, digest);
        return blobs.read(digest, offset, length);
    }

    /** Links a blob from {@code source} into {@code target}; false if the source does not have it. */
    public boolean mount(RepositoryName target, RepositoryName source, Digest digest) {
        var size = metadata.blobLinks().size(source, digest);
        if (size.isEmpty() || blobs.stat(digest).isEmpty()) {
            return false;
        }
        metadata.blobLinks().link(target, digest, size.getAsLong());
        events.emit(new Event.BlobCommitted(clock.instant(), target, digest, size.getAsLong()));
        return true;
    }

    /** Unlinks the blob from the repository; its bytes go when garbage collection finds nothing else using them. */
    public void delete(RepositoryName repository, Digest digest) {
        if (!metadata.blobLinks().unlink(repository, digest)) {
            throw new NotFound(NotFound.Kind.BLOB, "blob unknown to registry", digest.toString());
        }
        events.emit(new Event.BlobDeleted(clock.instant(), repository, digest));
    }
}
