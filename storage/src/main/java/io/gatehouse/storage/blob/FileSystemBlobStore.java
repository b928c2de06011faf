package io.gatehouse.storage.blob;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in a local directory. The layout, all of it:
 *
 * <pre>
 * root/blobs/&lt;algorithm&gt;/&lt;first two hex digits&gt;/&lt;hex&gt;   committed blob, immutable
 * root/uploads/&lt;upload id&gt;/data                             staged upload, appended to in place
 * </pre>
 *
 * Upload ids must be lower-case UUIDs, so no id can name a path outside {@code root}. Appends to one upload
 * are serialised by a lock per upload id (within this process: one root belongs to one process) and are
 * all-or-nothing: a chunk that fails midway is cut off again. Commit fsyncs the staged file, renames it
 * atomically into place and fsyncs the directory, so a committed blob survives a crash; staged bytes are
 * not synced before commit. Uploads and blobs share one file system, so the rename never copies.
 */
@SuppressWarnings("try") // per-upload locks are held by try-with-resources without being referenced
public final class FileSystemBlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(FileSystemBlobStore.class);
    private static final int BUFFER_SIZE = 1 << 20;
    /** Copy buffers kept for reuse; 1 MiB arrays are costly to allocate per request (G1 humongous objects). */
    private static final ArrayBlockingQueue<byte[]> BUFFERS = new ArrayBlockingQueue<>(64);

    private final Path blobs;
    private final Path uploads;
    private final KeyedLocks locks = new KeyedLocks();

    public FileSystemBlobStore(Path root) {
        this.blobs = root.resolve("blobs");
        this.uploads = root.resolve("uploads");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(uploads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create blob store directories under " + root, e);
        }
    }

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return OptionalLong.of(Files.size(blobPath(digest)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) {
        if (offset < 0 || length < -1) {
            throw new Invalid(Invalid.Kind.READ_RANGE, "invalid range");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NotFound(NotFound.Kind.BLOB, "blob unknown to registry", digest.toString());
        } catch (IOException e) {
            throw unavailable(e);
        }
        try {
            long size = channel.size();
            if (offset > size) {
                throw new Invalid(Invalid.Kind.READ_RANGE, "range starts beyond the blob's " + size + " bytes", size);
            }
            long available = size - offset;
            return new RangeStream(channel, offset, length < 0 ? available : Math.min(length, available));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            throw e instanceof IOException io ? unavailable(io) : (RuntimeException) e;
        }
    }

    @Override
    public void createUpload(String uploadId) {
        Path dir = uploads.resolve(UploadIds.check(uploadId));
        try {
            Files.createDirectories(dir);
            Files.createFile(dir.resolve("data"));
        } catch (FileAlreadyExistsException e) {
            throw new Conflict("upload already exists");
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public long append(String uploadId, long offset, InputStream data, long length) {
        Path file = uploadFile(uploadId);
        try (var held = locks.lock(uploadId);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long size = channel.size();
            if (offset != size) {
                throw new Invalid(Invalid.Kind.UPLOAD_RANGE, "upload holds " + size + " bytes, not " + offset, size);
            }
            var chunk = new ChunkStream(data, length);
            try {
                copy(chunk, channel);
            } catch (IOException e) {
                truncate(channel, size, e);
                throw unavailable(e);
            } catch (RuntimeException | Error e) {
                truncate(channel, size, e);
                throw e;
            }
            return size + chunk.count();
        } catch (NoSuchFileException e) {
            throw uploadUnknown();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public InputStream readUpload(String uploadId) {
        try {
            return Files.newInputStream(uploadFile(uploadId));
        } catch (NoSuchFileException e) {
            throw uploadUnknown();
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void commit(String uploadId, Digest digest, long size) {
        Path staged = uploadFile(uploadId);
        Path target = blobPath(digest);
        try (var held = locks.lock(uploadId)) {
            try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                long staging = channel.size();
                if (staging != size) {
                    throw new Conflict("upload holds " + staging + " bytes, not " + size);
                }
                if (!Files.exists(target)) {
                    channel.force(true);
                }
            } catch (NoSuchFileException e) {
                throw uploadUnknown();
            }
            if (!Files.exists(target)) {
                Path dir = target.getParent();
                boolean created = !Files.isDirectory(dir);
                if (created) {
                    Files.createDirectories(dir);
                    fsyncDirectory(dir.getParent());
                    fsyncDirectory(blobs);
                }
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                fsyncDirectory(dir);
            }
            removeUploadDirectory(uploadId);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void cancelUpload(String uploadId) {
        Path file = uploadFile(uploadId);
        try (var held = locks.lock(uploadId)) {
            Files.deleteIfExists(file);
            removeUploadDirectory(uploadId);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void delete(Digest digest) {
        try {
            Files.deleteIfExists(blobPath(digest));
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    private Path blobPath(Digest digest) {
        String hex = digest.hex();
        return blobs.resolve(digest.algorithm().label())
                .resolve(hex.substring(0, 2))
                .resolve(hex);
    }

    private Path uploadFile(String uploadId) {
        return uploads.resolve(UploadIds.check(uploadId)).resolve("data");
    }

    /** Fills a large buffer before each write, so a chunk costs few system calls whatever the client's packet size. */
    private static void copy(InputStream in, FileChannel out) throws IOException {
        byte[] buffer = takeBuffer();
        try {
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            boolean end = false;
            while (!end) {
                int filled = 0;
                while (filled < buffer.length) {
                    int n = in.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        end = true;
                        break;
                    }
                    filled += n;
                }
                wrapped.clear().limit(filled);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
            }
        } finally {
            BUFFERS.offer(buffer);
        }
    }

    private static byte[] takeBuffer() {
        byte[] buffer = BUFFERS.poll();
        return buffer != null ? buffer : new byte[BUFFER_SIZE];
    }

    /** Cuts a failed chunk off again, so the upload is as it was before the append. */
    private static void truncate(FileChannel channel, long size, Throwable failure) {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            failure.addSuppressed(e);
            throw new Unavailable("could not restore the upload after a failed write", failure);
        }
    }

    private void removeUploadDirectory(String uploadId) {
        Path dir = uploads.resolve(uploadId);
        try {
            Files.deleteIfExists(dir.resolve("data"));
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            log.warn("upload directory {} holds unexpected files; left in place", dir);
        } catch (IOException e) {
            log.warn("could not remove upload directory {}", dir, e);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void closeQuietly(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static NotFound uploadUnknown() {
        return new NotFound(NotFound.Kind.UPLOAD, "blob upload unknown to registry");
    }

    private static Unavailable unavailable(IOException e) {
        return new Unavailable("blob storage failed", e);
    }

    /** Up to {@code remaining} bytes of a file from {@code position}, read with positional reads. */
    /**
     * A window of a blob file. Also a channel, so the HTTP layer can read straight into direct buffers and hand
     * them to the socket without copying through the heap.
     */
    private static final class RangeStream extends InputStream implements ReadableByteChannel {
        private final FileChannel channel;
        private long position;
        private long remaining;

        RangeStream(FileChannel channel, long position, long remaining) {
            this.channel = channel;
            this.position = position;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int limit = dst.limit();
            if (dst.remaining() > remaining) {
                dst.limit(dst.position() + (int) remaining);
            }
            int n;
            try {
                n = channel.read(dst, position);
            } finally {
                dst.limit(limit);
            }
            if (n < 0) {
                remaining = 0;
                return -1;
            }
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, remaining));
            position += skipped;
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(remaining, Integer.MAX_VALUE);
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] buffer = takeBuffer();
            try {
                long total = 0;
                for (int n; (n = read(buffer, 0, buffer.length)) > 0; ) {
                    out.write(buffer, 0, n);
                    total += n;
                }
                return total;
            } finally {
                BUFFERS.offer(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
