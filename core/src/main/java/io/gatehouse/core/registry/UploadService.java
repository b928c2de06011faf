package io.gatehouse.core.registry;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UploadSession;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob uploads: monolithic, chunked and resumable. Bytes are hashed as they stream in; the blob becomes
 * visible only after its digest and size are verified, then it is committed atomically and linked into the
 * repository. Sessions live in the metadata store, so another node can continue an upload; it then
 * re-hashes the staged bytes once because running hash state stays on the node that computed it.
 */
public final class UploadService {
    /** Past this many in-flight hash states, drop them all: they can be recomputed, memory cannot. */
    private static final int MAX_HASH_STATES = 10_000;

    private final BlobStore blobs;
    private final MetadataStore metadata;
    private final EventSink events;
    private final Clock clock;
    private final long maxBlobBytes;
    private final Map<String, HashState> hashStates = new ConcurrentHashMap<>();

    /** Bytes hashed so far for an upload, valid while {@code offset} equals the upload's size. */
    private static final class HashState {
        MessageDigest sha256 = Digest.Algorithm.SHA256.newHasher();
        long offset;
    }

    /** A committed blob and how long its upload took from the first request. */
    public record Committed(Digest digest, long size, Duration elapsed) {}

    public UploadService(BlobStore blobs, MetadataStore metadata, EventSink events, Clock clock, long maxBlobBytes) {
        this.blobs = blobs;
        this.metadata = metadata;
        this.events = events;
        this.clock = clock;
        this.maxBlobBytes = maxBlobBytes;
    }

    public UploadSession start(RepositoryName repository) {
        var now = clock.instant();
        var session = new UploadSession(UUID.randomUUID().toString(), repository, 0, now, now);
        blobs.createUpload(session.id());
        metadata.uploads().create(session);
        hashStates.put(session.id(), new HashState());
        return session;
    }

    public UploadSession status(RepositoryName repository, String uploadId) {
        return session(repository, uploadId);
    }

    /**
     * Appends a chunk. {@code rangeStart}, when the client sent Content-Range, must equal the current size:
     * chunks arrive in order or not at all.
     */
    public UploadSession append(
            RepositoryName repository, String uploadId, long rangeStart, InputStream data, long length) {
        var session = session(repository, uploadId);
        if (rangeStart >= 0 && rangeStart != session.size()) {
            throw new Invalid(
                    Invalid.Kind.UPLOAD_RANGE, "chunk must start at offset " + session.size(), session.size());
        }
        checkLength(session.size(), length);
        var state = hashState(session);
        synchronized (state) {
            // Hash into a copy: a chunk that fails half way is cut from the staged bytes by the store, and
            // its bytes must not stay in the running hash either (they would let a wrong digest verify).
            MessageDigest working = copy(state.sha256);
            long newSize = blobs.append(
                    uploadId,
                    session.size(),
                    new BoundedDigestStream(data, working, maxBlobBytes - session.size()),
                    length);
            if (length >= 0 && newSize - session.size() != length) {
                hashStates.remove(uploadId);
                throw new Invalid(Invalid.Kind.SIZE, "body shorter than Content-Length");
            }
            if (!metadata.uploads().advance(uploadId, session.size(), newSize)) {
                hashStates.remove(uploadId);
                throw new Conflict("upload was changed concurrently");
            }
            state.sha256 = working;
            state.offset = newSize;
            return new UploadSession(uploadId, repository, newSize, session.startedAt(), clock.instant());
        }
    }

    /** Appends the final chunk (if any), verifies the digest and commits the blob. */
    public Committed complete(
            RepositoryName repository, String uploadId, Digest expected, InputStream lastChunk, long length) {
        var session = session(repository, uploadId);
        if (lastChunk != null && length != 0) {
            session = append(repository, uploadId, -1, lastChunk, length);
        }
        Digest actual = digestOf(session, expected.algorithm());
        if (!actual.equals(expected)) {
            cancel(repository, uploadId);
            throw new Invalid(
                    Invalid.Kind.DIGEST, "provided digest did not match uploaded content", expected.toString());
        }
        commit(repository, uploadId, actual, session.size());
        metadata.uploads().delete(uploadId);
        return new Committed(actual, session.size(), Duration.between(session.startedAt(), clock.instant()));
    }

    /** A whole blob in one request (POST with digest, or POST then PUT with the body). */
    public Committed putMonolithic(RepositoryName repository, Digest expected, InputStream data, long length) {
        var started = clock.instant();
        checkLength(0, length);
        String id = UUID.randomUUID().toString();
        blobs.createUpload(id);
        boolean committed = false;
        try {
            MessageDigest hasher = expected.algorithm().newHasher();
            long size = blobs.append(id, 0, new BoundedDigestStream(data, hasher, maxBlobBytes), length);
            if (length >= 0 && size != length) {
                throw new Invalid(Invalid.Kind.SIZE, "body shorter than Content-Length");
            }
            Digest actual = Digest.of(expected.algorithm(), hasher.digest());
            if (!actual.equals(expected)) {
                throw new Invalid(
                        Invalid.Kind.DIGEST, "provided digest did not match uploaded content", expected.toString());
            }
            commit(repository, id, actual, size);
            committed = true;
            return new Committed(actual, size, Duration.between(started, clock.instant()));
        } finally {
            if (!committed) {
                blobs.cancelUpload(id);
            }
        }
    }

    public void cancel(RepositoryName repository, String uploadId) {
        session(repository, uploadId);
        hashStates.remove(uploadId);
        metadata.uploads().delete(uploadId);
        blobs.cancelUpload(uploadId);
    }

    private void commit(RepositoryName repository, String uploadId, Digest digest, long size) {
        hashStates.remove(uploadId);
        blobs.commit(uploadId, digest, size);
        metadata.blobLinks().link(repository, digest, size);
        events.emit(new Event.BlobCommitted(clock.instant(), repository, digest, size));
    }

    private UploadSession session(RepositoryName repository, String uploadId) {
        return metadata.uploads()
                .get(uploadId)
                .filter(s -> s.repository().equals(repository))
                .orElseThrow(() -> new NotFound(NotFound.Kind.UPLOAD, "blob upload unknown to registry", uploadId));
    }

    private void checkLength(long already, long length) {
        if (length > maxBlobBytes - already) {
            throw new Invalid(Invalid.Kind.SIZE, "blob exceeds the limit of " + maxBlobBytes + " bytes");
        }
    }

    /** The running hash state if it matches the upload's size, else one rebuilt from the staged bytes. */
    private HashState hashState(UploadSession session) {
        var state = hashStates.get(session.id());
        if (state != null && state.offset == session.size()) {
            return state;
        }
        if (hashStates.size() >= MAX_HASH_STATES) {
            hashStates.clear();
        }
        var rebuilt = new HashState();
        rebuilt.offset = rehash(session.id(), rebuilt.sha256);
        if (rebuilt.offset != session.size()) {
            throw new Conflict("upload was changed concurrently");
        }
        hashStates.put(session.id(), rebuilt);
        return rebuilt;
    }

    private Digest digestOf(UploadSession session, Digest.Algorithm algorithm) {
        if (algorithm == Digest.Algorithm.SHA256) {
            var state = hashState(session);
            synchronized (state) {
                return Digest.of(algorithm, copy(state.sha256).digest());
            }
        }
        MessageDigest hasher = algorithm.newHasher();
        rehash(session.id(), hasher);
        return Digest.of(algorithm, hasher.digest());
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private long rehash(String uploadId, MessageDigest hasher) {
        try (InputStream in = blobs.readUpload(uploadId)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                hasher.update(buffer, 0, n);
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw new Unavailable("could not read staged upload", e);
        }
    }

    /** Hashes what passes through and refuses to pass more than the remaining allowance. */
    private static final class BoundedDigestStream extends DigestInputStream {
        private long remaining;

        BoundedDigestStream(InputStream in, MessageDigest digest, long allowance) {
            super(in, digest);
            this.remaining = allowance;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --remaining < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (remaining -= n) < 0) {
                throw tooLarge();
            }
            return n;
        }

        private static Invalid tooLarge() {
            return new Invalid(Invalid.Kind.SIZE, "blob exceeds the size limit");
        }
    }
}
