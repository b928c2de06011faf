package io.gatehouse.storage.blob;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs in an S3 bucket (AWS or any S3-compatible server). The layout, all of it:
 *
 * <pre>
 * &lt;prefix&gt;blobs/&lt;algorithm&gt;/&lt;hex&gt;               committed blob
 * &lt;prefix&gt;uploads/&lt;upload id&gt;/0000000000     empty marker written when the upload is created
 * &lt;prefix&gt;uploads/&lt;upload id&gt;/&lt;part number&gt;   one object per appended chunk, numbers zero-padded to 10 digits
 * </pre>
 *
 * S3 cannot append, so each chunk becomes its own part object and an upload's size is the sum of its parts
 * (found by listing, so any node can continue an upload). A chunk is written with {@code If-None-Match: *},
 * so of two nodes appending at the same offset one fails with Conflict instead of overwriting the other.
 * A chunk of known length streams into one PutObject; one of unknown length (or over 5 GiB) is cut into
 * 8 MiB pieces of a multipart upload, so memory stays bounded and the part appears whole or not at all.
 *
 * <p>Commit makes the final object appear atomically: a single part is copied server-side; several parts
 * become a multipart upload of the final key whose parts are copied server-side where S3's 5 MiB minimum
 * allows and streamed through this node otherwise. A single part over 5 GiB is streamed too (multipart
 * copy of ranges is not implemented). Incomplete multipart uploads left by a crash are not tracked: give the
 * bucket a lifecycle rule that aborts them after a day.
 */
@SuppressWarnings("try") // per-upload locks are held by try-with-resources without being referenced
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    /** Piece size for chunks of unknown length and for streamed commit parts. */
    static final int PIECE = 8 << 20;
    /** S3's minimum size for every multipart part but the last. */
    static final long MIN_PART = 5L << 20;
    /** S3's maximum size for PutObject, CopyObject and UploadPartCopy. */
    static final long MAX_SINGLE = 5L << 30;

    private static final Pattern PART_NAME = Pattern.compile("[0-9]{10}");
    private static final String OCTET_STREAM = "application/octet-stream";

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final boolean ownsClient;
    private final KeyedLocks locks = new KeyedLocks();

    /** A store over {@code s3}, which the caller keeps and closes; {@code prefix} gets a trailing slash if it lacks one. */
    public S3BlobStore(S3Client s3, String bucket, String prefix) {
        this(s3, bucket, prefix, false);
    }

    private S3BlobStore(S3Client s3, String bucket, String prefix, boolean ownsClient) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/")
                ? (prefix == null ? "" : prefix)
                : prefix + "/";
        this.ownsClient = ownsClient;
    }

    /** A store with its own client (closed by {@link #close}); the secret key goes to the signer only. */
    public static S3BlobStore create(S3Settings settings) {
        return new S3BlobStore(S3Clients.create(settings), settings.bucket(), settings.prefix(), true);
    }

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return size(blobKey(digest));
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) {
        if (offset < 0 || length < -1) {
            throw new Invalid(Invalid.Kind.READ_RANGE, "invalid range");
        }
        String key = blobKey(digest);
        try {
            if (length == 0) {
                return emptyAt(digest, offset);
            }
            var request = GetObjectRequest.builder().bucket(bucket).key(key);
            if (offset > 0 || length > 0) {
                request.range("bytes=" + offset + "-" + (length > 0 ? Long.toString(offset + length - 1) : ""));
            }
            return s3.getObject(request.build());
        } catch (SdkException e) {
            if (isNotFound(e)) {
                throw blobUnknown(digest);
            }
            if (status(e) == 416) {
                return emptyAt(digest, offset);
            }
            throw failed(e);
        }
    }

    @Override
    public void createUpload(String uploadId) {
        String key = partKey(UploadIds.check(uploadId), 0);
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.empty());
        } catch (SdkException e) {
            if (status(e) == 412) {
                throw new Conflict("upload already exists");
            }
            throw failed(e);
        }
    }

    @Override
    public long append(String uploadId, long offset, InputStream data, long length) {
        UploadIds.check(uploadId);
        try (var held = locks.lock(uploadId)) {
            List<Part> parts;
            try {
                parts = existingParts(uploadId);
            } catch (SdkException e) {
                throw failed(e);
            }
            long size = total(parts);
            if (offset != size) {
                throw new Invalid(Invalid.Kind.UPLOAD_RANGE, "upload holds " + size + " bytes, not " + offset, size);
            }
            String key = partKey(uploadId, parts.getLast().number() + 1);
            var chunk = new ChunkStream(data, length);
            try {
                return size
                        + (length >= 0 && length <= MAX_SINGLE
                                ? putKnownLength(key, chunk, length)
                                : putInPieces(key, chunk));
            } catch (RuntimeException e) {
                if (chunk.failure() != null) {
                    throw chunk.failure();
                }
                if (e instanceof SdkException sdk) {
                    throw status(sdk) == 412 ? new Conflict("upload was changed concurrently") : failed(sdk);
                }
                throw e;
            }
        }
    }

    @Override
    public InputStream readUpload(String uploadId) {
        UploadIds.check(uploadId);
        try {
            Iterator<Part> parts =
                    existingParts(uploadId).stream().filter(p -> p.size() > 0).iterator();
            return new SequenceInputStream(new Enumeration<InputStream>() {
                @Override
                public boolean hasMoreElements() {
                    return parts.hasNext();
                }

                @Override
                public InputStream nextElement() {
                    String key = parts.next().key();
                    try {
                        return s3.getObject(b -> b.bucket(bucket).key(key));
                    } catch (SdkException e) {
                        throw isNotFound(e) ? uploadUnknown() : failed(e);
                    }
                }
            });
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public void commit(String uploadId, Digest digest, long size) {
        UploadIds.check(uploadId);
        String key = blobKey(digest);
        try (var held = locks.lock(uploadId)) {
            List<Part> parts = existingParts(uploadId);
            long staged = total(parts);
            if (staged != size) {
                throw new Conflict("upload holds " + staged + " bytes, not " + size);
            }
            if (size(key).isEmpty()) {
                List<Part> data = parts.stream().filter(p -> p.size() > 0).toList();
                if (data.isEmpty()) {
                    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.empty());
                } else if (data.size() == 1 && size <= MAX_SINGLE) {
                    s3.copyObject(b -> b.sourceBucket(bucket)
                            .sourceKey(data.getFirst().key())
                            .destinationBucket(bucket)
                            .destinationKey(key));
                } else {
                    concatenate(key, data);
                }
                long stored = size(key).orElse(-1);
                if (stored != size) {
                    s3.deleteObject(b -> b.bucket(bucket).key(key));
                    throw new Conflict("committed object holds " + stored + " bytes, not " + size);
                }
            }
            deleteQuietly(parts);
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public void cancelUpload(String uploadId) {
        UploadIds.check(uploadId);
        try (var held = locks.lock(uploadId)) {
            deleteKeys(parts(uploadId).stream().map(Part::key).toList());
        } catch (SdkException e) {
            throw failed(e);
        }
    }

    @Override
    public void delete(Digest digest) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(blobKey(digest)));
        } catch (SdkException e) {
            if (!isNotFound(e)) {
                throw failed(e);
            }
        }
    }

    /** Closes the S3 client if this store created it. */
    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    private String blobKey(Digest digest) {
        return prefix + "blobs/" + digest.algorithm().label() + "/" + digest.hex();
    }

    private String uploadPrefix(String uploadId) {
        return prefix + "uploads/" + uploadId + "/";
    }

    private String partKey(String uploadId, int number) {
        return uploadPrefix(uploadId) + String.format("%010d", number);
    }

    private record Part(String key, int number, long size) {}

    /** The upload's parts in order, the empty creation marker first; empty if there is no such upload. */
    private List<Part> parts(String uploadId) {
        String dir = uploadPrefix(uploadId);
        List<Part> parts = new ArrayList<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(dir)).contents()) {
            String name = object.key().substring(dir.length());
            if (PART_NAME.matcher(name).matches()) {
                parts.add(new Part(object.key(), Integer.parseInt(name), object.size()));
            }
        }
        parts.sort(Comparator.comparingInt(Part::number));
        return parts;
    }

    private List<Part> existingParts(String uploadId) {
        List<Part> parts = parts(uploadId);
        if (parts.isEmpty()) {
            throw uploadUnknown();
        }
        return parts;
    }

    private static long total(List<Part> parts) {
        return parts.stream().mapToLong(Part::size).sum();
    }

    private OptionalLong size(String key) {
        try {
            return OptionalLong.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        } catch (SdkException e) {
            if (isNotFound(e)) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** An empty read at {@code offset}: fine at the end of the blob, a range error beyond it. */
    private InputStream emptyAt(Digest digest, long offset) {
        long size = size(blobKey(digest)).orElseThrow(() -> blobUnknown(digest));
        if (offset > size) {
            throw new Invalid(Invalid.Kind.READ_RANGE, "range starts beyond the blob's " + size + " bytes", size);
        }
        return InputStream.nullInputStream();
    }

    private long putKnownLength(String key, ChunkStream chunk, long length) {
        if (length == 0) {
            return 0;
        }
        s3.putObject(
                b -> b.bucket(bucket).key(key).ifNoneMatch("*").contentLength(length),
                RequestBody.fromInputStream(chunk, length));
        return length;
    }

    /** Writes a chunk of unknown length as one object: a plain put if it fits one piece, else a multipart upload. */
    private long putInPieces(String key, ChunkStream chunk) {
        byte[] buffer = new byte[PIECE];
        int n = readFully(chunk, buffer, 0);
        if (n < PIECE) {
            if (n > 0) {
                s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), body(buffer, n));
            }
            return n;
        }
        String multipart =
                s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> done = new ArrayList<>();
            long total = 0;
            while (n > 0) {
                done.add(uploadPart(key, multipart, done.size() + 1, buffer, n));
                total += n;
                n = n < PIECE ? 0 : readFully(chunk, buffer, 0);
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket)
                    .key(key)
                    .uploadId(multipart)
                    .ifNoneMatch("*")
                    .multipartUpload(u -> u.parts(done)));
            return total;
        } catch (RuntimeException e) {
            abort(key, multipart, e);
            throw e;
        }
    }

    /**
     * Builds {@code key} from several parts in one multipart upload. A part is copied server-side when it can
     * be a multipart part by itself (at least 5 MiB, or the last); the rest stream through an 8 MiB buffer.
     */
    private void concatenate(String key, List<Part> data) {
        String multipart =
                s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> done = new ArrayList<>();
            byte[] buffer = null;
            int filled = 0;
            for (int i = 0; i < data.size(); i++) {
                Part part = data.get(i);
                if (filled >= MIN_PART) {
                    done.add(uploadPart(key, multipart, done.size() + 1, buffer, filled));
                    filled = 0;
                }
                boolean last = i == data.size() - 1;
                if (filled == 0 && part.size() <= MAX_SINGLE && (part.size() >= MIN_PART || last)) {
                    int number = done.size() + 1;
                    String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket)
                                    .sourceKey(part.key())
                                    .destinationBucket(bucket)
                                    .destinationKey(key)
                                    .uploadId(multipart)
                                    .partNumber(number))
                            .copyPartResult()
                            .eTag();
                    done.add(CompletedPart.builder()
                            .partNumber(number)
                            .eTag(etag)
                            .build());
                    continue;
                }
                if (buffer == null) {
                    buffer = new byte[PIECE];
                }
                try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(part.key()))) {
                    for (int n; (n = in.read(buffer, filled, PIECE - filled)) >= 0; ) {
                        filled += n;
                        if (filled == PIECE) {
                            done.add(uploadPart(key, multipart, done.size() + 1, buffer, filled));
                            filled = 0;
                        }
                    }
                }
            }
            if (filled > 0) {
                done.add(uploadPart(key, multipart, done.size() + 1, buffer, filled));
            }
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(multipart).multipartUpload(u -> u.parts(done)));
        } catch (IOException e) {
            var failure = new Unavailable("could not read staged upload parts", e);
            abort(key, multipart, failure);
            throw failure;
        } catch (RuntimeException e) {
            abort(key, multipart, e);
            throw e;
        }
    }

    private CompletedPart uploadPart(String key, String multipart, int number, byte[] buffer, int length) {
        String etag = s3.uploadPart(
                        b -> b.bucket(bucket)
                                .key(key)
                                .uploadId(multipart)
                                .partNumber(number)
                                .contentLength((long) length),
                        body(buffer, length))
                .eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    /** A request body over the buffer without copying it; it can be replayed if the SDK retries. */
    private static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, OCTET_STREAM);
    }

    private static int readFully(ChunkStream chunk, byte[] buffer, int offset) {
        int filled = offset;
        for (int n; filled < buffer.length && (n = chunk.read(buffer, filled, buffer.length - filled)) >= 0; ) {
            filled += n;
        }
        return filled;
    }

    private void abort(String key, String multipart, Exception failure) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(multipart));
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
    }

    private void deleteKeys(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build())
                    .toList();
            var response = s3.deleteObjects(
                    b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                throw new Unavailable(
                        "object storage failed to delete " + response.errors().size() + " objects", null);
            }
        }
    }

    /** Removes a committed upload's parts; the blob is in place, so a failure here only leaves garbage behind. */
    private void deleteQuietly(List<Part> parts) {
        try {
            deleteKeys(parts.stream().map(Part::key).toList());
        } catch (RuntimeException e) {
            log.warn(
                    "could not delete the parts of a committed upload under {}",
                    parts.getFirst().key(),
                    e);
        }
    }

    private static int status(SdkException e) {
        return e instanceof S3Exception s ? s.statusCode() : -1;
    }

    private static boolean isNotFound(SdkException e) {
        return e instanceof NoSuchKeyException
                || (e instanceof S3Exception s && s.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(s)));
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static NotFound blobUnknown(Digest digest) {
        return new NotFound(NotFound.Kind.BLOB, "blob unknown to registry", digest.toString());
    }

    private static NotFound uploadUnknown() {
        return new NotFound(NotFound.Kind.UPLOAD, "blob upload unknown to registry");
    }

    /** The client sees a fixed message; the cause (no credentials in it) is for the log. */
    private static Unavailable failed(SdkException e) {
        return new Unavailable("object storage failed", e);
    }
}
