package io.gatehouse.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link BlobStore} must do. Each implementation's test extends this class and supplies a fresh,
 * empty store per test.
 */
public abstract class BlobStoreContract {
    private static final int MIB = 1 << 20;

    /** A fresh, empty store; called once per test. */
    protected abstract BlobStore store();

    // ---------------------------------------------------------------- committed blobs

    @Test
    void roundTripKeepsBytesDigestAndSize() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(100_000, 1);
        Digest digest = Digest.sha256(content);
        String id = upload(store, content);

        assertThat(store.stat(digest))
                .as("staged bytes are invisible before commit")
                .isEmpty();
        assertThat(readAll(store.readUpload(id))).isEqualTo(content);

        store.commit(id, digest, content.length);

        assertThat(store.stat(digest)).hasValue(content.length);
        assertThat(readAll(store.read(digest, 0, -1))).isEqualTo(content);
        assertThat(Digest.sha256(readAll(store.read(digest, 0, -1)))).isEqualTo(digest);
        assertThatThrownBy(() -> store.readUpload(id)).isInstanceOf(NotFound.class);
    }

    @Test
    void emptyBlobRoundTrips() throws IOException {
        BlobStore store = store();
        Digest digest = Digest.sha256(new byte[0]);
        String id = newUpload(store);
        assertThat(store.append(id, 0, new ByteArrayInputStream(new byte[0]), 0))
                .isZero();
        assertThat(store.append(id, 0, new ByteArrayInputStream(new byte[0]), -1))
                .isZero();

        store.commit(id, digest, 0);

        assertThat(store.stat(digest)).hasValue(0);
        assertThat(readAll(store.read(digest, 0, -1))).isEmpty();
    }

    @Test
    void rangedReadsHonourOffsetAndLength() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(10_000, 2);
        Digest digest = commitBlob(store, content);

        assertThat(readAll(store.read(digest, 100, 50))).isEqualTo(Arrays.copyOfRange(content, 100, 150));
        assertThat(readAll(store.read(digest, 9_000, -1))).isEqualTo(Arrays.copyOfRange(content, 9_000, 10_000));
        assertThat(readAll(store.read(digest, 0, 1))).isEqualTo(Arrays.copyOfRange(content, 0, 1));
        assertThat(readAll(store.read(digest, 9_999, 500)))
                .as("length past the end stops at the end")
                .isEqualTo(Arrays.copyOfRange(content, 9_999, 10_000));
        assertThat(readAll(store.read(digest, 10_000, -1)))
                .as("reading at the end gives nothing")
                .isEmpty();
        assertThat(readAll(store.read(digest, 500, 0))).isEmpty();
        assertThat(invalidKind(() -> store.read(digest, 10_001, -1))).isEqualTo(Invalid.Kind.READ_RANGE);
        assertThat(invalidKind(() -> store.read(digest, -1, -1))).isEqualTo(Invalid.Kind.READ_RANGE);
    }

    @Test
    void readOfMissingBlobIsNotFound() {
        BlobStore store = store();
        Digest missing = Digest.sha256("missing".getBytes());

        assertThat(store.stat(missing)).isEmpty();
        assertThat(notFoundKind(() -> store.read(missing, 0, -1))).isEqualTo(NotFound.Kind.BLOB);
        assertThat(notFoundKind(() -> store.read(missing, 10, 5))).isEqualTo(NotFound.Kind.BLOB);
        assertThat(notFoundKind(() -> store.read(missing, 0, 0))).isEqualTo(NotFound.Kind.BLOB);
    }

    @Test
    void sha512BlobsAreKeptApartFromSha256() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(1000, 3);
        Digest sha512 = Digest.compute(Digest.Algorithm.SHA512, content);
        String id = upload(store, content);
        store.commit(id, sha512, content.length);

        assertThat(readAll(store.read(sha512, 0, -1))).isEqualTo(content);
        assertThat(store.stat(Digest.sha256(content))).isEmpty();
    }

    @Test
    void deleteIsIdempotent() {
        BlobStore store = store();
        byte[] content = bytes(1000, 4);
        Digest digest = commitBlob(store, content);

        store.delete(digest);
        assertThat(store.stat(digest)).isEmpty();
        assertThat(notFoundKind(() -> store.read(digest, 0, -1))).isEqualTo(NotFound.Kind.BLOB);
        store.delete(digest);
        store.delete(Digest.sha256("never stored".getBytes()));
    }

    @Test
    void commitOfContentAlreadyStoredJustDropsTheUpload() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(5000, 5);
        Digest digest = commitBlob(store, content);
        String again = upload(store, content);

        store.commit(again, digest, content.length);

        assertThat(readAll(store.read(digest, 0, -1))).isEqualTo(content);
        assertThat(notFoundKind(() -> store.readUpload(again))).isEqualTo(NotFound.Kind.UPLOAD);
    }

    @Test
    void commitWithTheWrongSizeIsRefusedAndKeepsTheUpload() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(5000, 6);
        Digest digest = Digest.sha256(content);
        String id = upload(store, content);

        assertThatThrownBy(() -> store.commit(id, digest, content.length + 1)).isInstanceOf(Conflict.class);

        assertThat(store.stat(digest)).isEmpty();
        assertThat(readAll(store.readUpload(id))).isEqualTo(content);
        store.commit(id, digest, content.length);
        assertThat(store.stat(digest)).hasValue(content.length);
    }

    // ---------------------------------------------------------------- uploads

    @Test
    void multiChunkAppendThenCommit() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(30_000, 7);
        String id = newUpload(store);

        assertThat(store.append(id, 0, slice(content, 0, 10_000), 10_000)).isEqualTo(10_000);
        assertThat(store.append(id, 10_000, slice(content, 10_000, 25_000), -1)).isEqualTo(25_000);
        assertThat(store.append(id, 25_000, slice(content, 25_000, 30_000), 5_000))
                .isEqualTo(30_000);
        assertThat(readAll(store.readUpload(id))).isEqualTo(content);

        Digest digest = Digest.sha256(content);
        store.commit(id, digest, content.length);
        assertThat(readAll(store.read(digest, 0, -1))).isEqualTo(content);
        assertThat(readAll(store.read(digest, 9_990, 20))).isEqualTo(Arrays.copyOfRange(content, 9_990, 10_010));
    }

    @Test
    void appendReadsNoMoreThanTheGivenLength() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(2000, 8);
        String id = newUpload(store);
        var in = new ByteArrayInputStream(content);

        assertThat(store.append(id, 0, in, 1500)).isEqualTo(1500);

        assertThat(in.available()).isEqualTo(500);
        assertThat(readAll(store.readUpload(id))).isEqualTo(Arrays.copyOf(content, 1500));
    }

    @Test
    void appendAtTheWrongOffsetIsRefusedAndLosesNothing() throws IOException {
        BlobStore store = store();
        byte[] first = bytes(1000, 9);
        String id = upload(store, first);

        for (long wrong : new long[] {0, 999, 1001, -1}) {
            var error = catchThrowable(() -> store.append(id, wrong, new ByteArrayInputStream(bytes(10, 10)), 10));
            assertThat(error).isInstanceOf(Invalid.class);
            assertThat(((Invalid) error).kind()).isEqualTo(Invalid.Kind.UPLOAD_RANGE);
            assertThat(((Invalid) error).detail())
                    .as("detail is the current size")
                    .isEqualTo(1000L);
        }

        assertThat(readAll(store.readUpload(id))).isEqualTo(first);
        assertThat(store.append(id, 1000, new ByteArrayInputStream(bytes(10, 10)), 10))
                .isEqualTo(1010);
    }

    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(longs = {-1, 3 * MIB})
    void clientDisconnectMidwayLeavesTheUploadAsItWas(long declared) throws IOException {
        BlobStore store = store();
        byte[] first = bytes(1000, 11);
        String id = upload(store, first);
        var broken = new FailingStream(bytes(2 * MIB + 17, 12), () -> new IOException("connection reset"));

        var error = catchThrowable(() -> store.append(id, 1000, broken, declared));

        assertThat(error).isInstanceOf(Invalid.class);
        assertThat(((Invalid) error).kind()).isEqualTo(Invalid.Kind.UPLOAD);
        assertThat(broken.delivered).as("the store did read the chunk").isEqualTo(2 * MIB + 17);
        assertThat(readAll(store.readUpload(id))).isEqualTo(first);
        assertThat(store.append(id, 1000, new ByteArrayInputStream(bytes(10, 13)), 10))
                .isEqualTo(1010);
    }

    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(longs = {-1, 3 * MIB})
    void registryErrorsFromTheStreamPassUnchangedAndLeaveNothingBehind(long declared) throws IOException {
        BlobStore store = store();
        byte[] first = bytes(1000, 14);
        String id = upload(store, first);
        var tooLarge = new Invalid(Invalid.Kind.SIZE, "blob exceeds the size limit");
        var limited = new FailingStream(bytes(MIB + 5, 15), () -> tooLarge);

        var error = catchThrowable(() -> store.append(id, 1000, limited, declared));

        assertThat(error).isSameAs(tooLarge);
        assertThat(readAll(store.readUpload(id))).isEqualTo(first);
    }

    @Test
    void bodyShorterThanItsLengthIsRefusedAndLeavesNothingBehind() throws IOException {
        BlobStore store = store();
        byte[] first = bytes(1000, 16);
        String id = upload(store, first);

        var error = catchThrowable(() -> store.append(id, 1000, new ByteArrayInputStream(bytes(500, 17)), 600));

        assertThat(error).isInstanceOf(Invalid.class);
        assertThat(((Invalid) error).kind()).isEqualTo(Invalid.Kind.SIZE);
        assertThat(readAll(store.readUpload(id))).isEqualTo(first);
    }

    @Test
    void cancelDropsTheUploadAndIsIdempotent() {
        BlobStore store = store();
        String id = upload(store, bytes(1000, 18));

        store.cancelUpload(id);

        assertThat(notFoundKind(() -> store.readUpload(id))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.append(id, 1000, new ByteArrayInputStream(new byte[1]), 1)))
                .isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.append(id, 0, new ByteArrayInputStream(new byte[1]), 1)))
                .isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.commit(id, Digest.sha256(bytes(1000, 18)), 1000)))
                .isEqualTo(NotFound.Kind.UPLOAD);
        store.cancelUpload(id);
        store.cancelUpload(UUID.randomUUID().toString());
    }

    @Test
    void unknownUploadIsNotFound() {
        BlobStore store = store();
        String unknown = UUID.randomUUID().toString();

        assertThat(notFoundKind(() -> store.append(unknown, 0, new ByteArrayInputStream(new byte[1]), 1)))
                .isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.readUpload(unknown))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.commit(unknown, Digest.sha256(new byte[0]), 0)))
                .isEqualTo(NotFound.Kind.UPLOAD);
    }

    @Test
    void creatingAnUploadTwiceIsAConflict() {
        BlobStore store = store();
        String id = upload(store, bytes(10, 19));

        assertThatThrownBy(() -> store.createUpload(id)).isInstanceOf(Conflict.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "",
                "..",
                "../../etc",
                "a/b",
                "upload",
                "x",
                "0f8fad5b-d9cb-469f-a165-70867728950e/../..",
                "0F8FAD5B-D9CB-469F-A165-70867728950E",
                "0f8fad5bd9cb469fa16570867728950e",
                " 0f8fad5b-d9cb-469f-a165-70867728950e",
                "0f8fad5b-d9cb-469f-a165-70867728950e\n",
                "..%2f..%2fetc"
            })
    void malformedUploadIdsAreRefusedEverywhere(String id) {
        BlobStore store = store();
        Digest digest = Digest.sha256(new byte[0]);

        assertThat(notFoundKind(() -> store.createUpload(id))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.append(id, 0, new ByteArrayInputStream(new byte[1]), 1)))
                .isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.readUpload(id))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.commit(id, digest, 0))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.cancelUpload(id))).isEqualTo(NotFound.Kind.UPLOAD);
        assertThat(notFoundKind(() -> store.createUpload(null))).isEqualTo(NotFound.Kind.UPLOAD);
    }

    @Test
    void concurrentAppendsAtOneOffsetHaveOneWinner() throws Exception {
        BlobStore store = store();
        String id = newUpload(store);
        int writers = 8;
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            chunks.add(filled(256 * 1024, i + 1));
        }

        List<Throwable> outcomes =
                runConcurrently(writers, i -> store.append(id, 0, new YieldingStream(chunks.get(i)), -1));

        long winners = outcomes.stream().filter(t -> t == null).count();
        assertThat(winners).isEqualTo(1);
        assertThat(outcomes)
                .filteredOn(t -> t != null)
                .allSatisfy(t -> assertThat(t).isInstanceOfAny(Invalid.class, Conflict.class));
        byte[] staged = readAll(store.readUpload(id));
        assertThat(chunks).anySatisfy(chunk -> assertThat(staged).isEqualTo(chunk));
    }

    @Test
    void concurrentAppendsNeverInterleave() throws Exception {
        BlobStore store = store();
        String id = newUpload(store);
        int writers = 8;
        int chunkSize = MIB + 300 * 1024 + 7; // more than one write buffer, so a chunk takes several writes

        runConcurrently(writers, i -> {
                    byte[] chunk = filled(chunkSize, i + 1);
                    long offset = 0;
                    while (true) {
                        try {
                            store.append(id, offset, new YieldingStream(chunk), i % 2 == 0 ? chunk.length : -1);
                            return;
                        } catch (Invalid e) {
                            assertThat(e.kind()).isEqualTo(Invalid.Kind.UPLOAD_RANGE);
                            offset = (Long) e.detail();
                        } catch (Conflict e) {
                            offset = readAll(store.readUpload(id)).length;
                        }
                    }
                })
                .forEach(t -> assertThat(t).isNull());

        byte[] staged = readAll(store.readUpload(id));
        assertThat(staged).hasSize(writers * chunkSize);
        Set<Byte> seen = new HashSet<>();
        for (int i = 0; i < writers; i++) {
            byte[] segment = Arrays.copyOfRange(staged, i * chunkSize, (i + 1) * chunkSize);
            assertThat(segment).as("segment %d is one whole chunk", i).containsOnly(segment[0]);
            seen.add(segment[0]);
        }
        assertThat(seen).as("every chunk appears exactly once").hasSize(writers);
    }

    /** 20 MiB in chunks of mixed sizes, known and unknown lengths: on S3 this needs multipart uploads. */
    @Test
    void largeUploadInChunksOfMixedSizes() throws IOException {
        assertLargeUpload(
                new int[] {6 * MIB, 9 * MIB + 7, MIB, MIB, MIB, 2 * MIB - 7},
                new boolean[] {true, false, true, false, true, false});
    }

    /** 12 MiB in 1 MiB chunks: on S3 the commit streams the parts into 8 MiB pieces. */
    @Test
    void largeUploadInSmallChunks() throws IOException {
        int[] sizes = new int[12];
        boolean[] known = new boolean[12];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = MIB + 123;
            known[i] = i % 3 != 0;
        }
        assertLargeUpload(sizes, known);
    }

    private void assertLargeUpload(int[] sizes, boolean[] known) throws IOException {
        BlobStore store = store();
        int total = Arrays.stream(sizes).sum();
        byte[] content = bytes(total, 20);
        String id = newUpload(store);
        int offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            long size = store.append(id, offset, slice(content, offset, offset + sizes[i]), known[i] ? sizes[i] : -1);
            offset += sizes[i];
            assertThat(size).isEqualTo(offset);
        }
        Digest digest = Digest.sha256(content);
        assertThat(Digest.sha256(readAll(store.readUpload(id)))).isEqualTo(digest);

        store.commit(id, digest, total);

        assertThat(store.stat(digest)).hasValue(total);
        assertThat(Digest.sha256(readAll(store.read(digest, 0, -1)))).isEqualTo(digest);
        int boundary = sizes[0];
        assertThat(readAll(store.read(digest, boundary - 10, 20)))
                .isEqualTo(Arrays.copyOfRange(content, boundary - 10, boundary + 10));
        assertThat(notFoundKind(() -> store.readUpload(id))).isEqualTo(NotFound.Kind.UPLOAD);
    }

    // ---------------------------------------------------------------- helpers

    protected static String newUpload(BlobStore store) {
        String id = UUID.randomUUID().toString();
        store.createUpload(id);
        return id;
    }

    protected static String upload(BlobStore store, byte[] content) {
        String id = newUpload(store);
        assertThat(store.append(id, 0, new ByteArrayInputStream(content), content.length))
                .isEqualTo(content.length);
        return id;
    }

    protected static Digest commitBlob(BlobStore store, byte[] content) {
        Digest digest = Digest.sha256(content);
        store.commit(upload(store, content), digest, content.length);
        return digest;
    }

    protected static byte[] bytes(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    private static byte[] filled(int size, int value) {
        byte[] content = new byte[size];
        Arrays.fill(content, (byte) value);
        return content;
    }

    private static InputStream slice(byte[] content, int from, int to) {
        return new ByteArrayInputStream(content, from, to - from);
    }

    protected static byte[] readAll(InputStream in) {
        try (in) {
            var out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NotFound.Kind notFoundKind(ThrowingCallable action) {
        var error = catchThrowable(action);
        assertThat(error).isInstanceOf(NotFound.class);
        return ((NotFound) error).kind();
    }

    private static Invalid.Kind invalidKind(ThrowingCallable action) {
        var error = catchThrowable(action);
        assertThat(error).isInstanceOf(Invalid.class);
        return ((Invalid) error).kind();
    }

    /** A task per writer, all released at once; the outcome per writer is null or what it threw. */
    private static List<Throwable> runConcurrently(int writers, ThrowingIntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            var ready = new CountDownLatch(writers);
            var go = new CountDownLatch(1);
            List<Future<Throwable>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int writer = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        task.accept(writer);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                }));
            }
            ready.await();
            go.countDown();
            List<Throwable> outcomes = new ArrayList<>();
            for (var future : futures) {
                outcomes.add(future.get(2, TimeUnit.MINUTES));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThrowingIntConsumer {
        void accept(int value) throws Exception;
    }

    /**
     * Gives its bytes 4 KiB at a time and lets other threads run between reads, so concurrent writers really
     * overlap (the way slow clients do) and a store without proper locking gets caught.
     */
    private static final class YieldingStream extends ByteArrayInputStream {
        YieldingStream(byte[] content) {
            super(content);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            Thread.yield();
            return super.read(b, off, Math.min(len, 4096));
        }
    }

    /** Gives its bytes, then fails the way a client connection or a size limit does. */
    private static final class FailingStream extends InputStream {
        private final byte[] content;
        private final Supplier<Exception> failure;
        int delivered;

        FailingStream(byte[] content, Supplier<Exception> failure) {
            this.content = content;
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (delivered == content.length) {
                Exception e = failure.get();
                if (e instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) e;
            }
            // Hand out at most 64 KiB at a time, as a socket would.
            int n = Math.min(Math.min(len, 64 * 1024), content.length - delivered);
            System.arraycopy(content, delivered, b, off, n);
            delivered += n;
            return n;
        }
    }
}
