package io.gatehouse.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class InstrumentedBlobStoreTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Digest digest = Digest.sha256(new byte[0]);

    @Test
    void unexpectedRuntimeExceptionsBecomeUnavailableAndCount() {
        var bug = new IllegalStateException("bug with /internal/path");
        var store = new InstrumentedBlobStore(new Failing(bug), registry);

        var error = catchThrowable(() -> store.stat(digest));

        assertThat(error).isInstanceOf(Unavailable.class).hasCause(bug);
        assertThat(error.getMessage()).doesNotContain("/internal/path");
        assertThat(errors("stat")).isEqualTo(1);
    }

    @Test
    void unavailablePassesUnchangedAndCounts() {
        var failure = new Unavailable("disk on fire", new IOException());
        var store = new InstrumentedBlobStore(new Failing(failure), registry);

        assertThat(catchThrowable(() -> store.commit("id", digest, 0))).isSameAs(failure);
        assertThat(catchThrowable(() -> store.commit("id", digest, 0))).isSameAs(failure);

        assertThat(errors("commit")).isEqualTo(2);
    }

    @Test
    void expectedOutcomesPassUnchangedAndDoNotCount() {
        var notFound = new NotFound(NotFound.Kind.BLOB, "blob unknown to registry");
        var range = new Invalid(Invalid.Kind.UPLOAD_RANGE, "wrong offset", 3L);

        assertThat(catchThrowable(() -> new InstrumentedBlobStore(new Failing(notFound), registry).read(digest, 0, -1)))
                .isSameAs(notFound);
        assertThat(catchThrowable(() -> new InstrumentedBlobStore(new Failing(range), registry)
                        .append("id", 0, InputStream.nullInputStream(), 0)))
                .isSameAs(range);

        assertThat(totalErrors()).isZero();
    }

    @Test
    void failuresReadingAReturnedStreamCountButDestinationFailuresDoNot() throws IOException {
        var store = new InstrumentedBlobStore(
                new Failing(null) {
                    @Override
                    public InputStream read(Digest d, long offset, long length) {
                        return new InputStream() {
                            @Override
                            public int read() throws IOException {
                                throw new IOException("disk read failed");
                            }
                        };
                    }

                    @Override
                    public InputStream readUpload(String uploadId) {
                        return new ByteArrayInputStream(new byte[10]);
                    }
                },
                registry);

        var readError = catchThrowable(() -> store.read(digest, 0, -1).transferTo(OutputStream.nullOutputStream()));
        var writeError = catchThrowable(() -> store.readUpload("id").transferTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("client went away");
            }
        }));

        assertThat(readError).isInstanceOf(IOException.class);
        assertThat(writeError).isInstanceOf(IOException.class);
        assertThat(errors("read")).isEqualTo(1);
        assertThat(errors("read_upload")).isZero();
    }

    @Test
    void successDelegatesUnchanged() {
        var store = new InstrumentedBlobStore(
                new Failing(null) {
                    @Override
                    public OptionalLong stat(Digest d) {
                        return OptionalLong.of(42);
                    }
                },
                registry);

        assertThat(store.stat(digest)).hasValue(42);
        assertThat(totalErrors()).isZero();
    }

    private double errors(String operation) {
        return registry.get("gatehouse.storage.errors")
                .tag("operation", operation)
                .counter()
                .count();
    }

    /** A store whose every operation throws the given exception. */
    private static class Failing implements BlobStore {
        private final RuntimeException failure;

        Failing(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public OptionalLong stat(Digest digest) {
            throw failure;
        }

        @Override
        public InputStream read(Digest digest, long offset, long length) {
            throw failure;
        }

        @Override
        public void createUpload(String uploadId) {
            throw failure;
        }

        @Override
        public long append(String uploadId, long offset, InputStream data, long length) {
            throw failure;
        }

        @Override
        public InputStream readUpload(String uploadId) {
            throw failure;
        }

        @Override
        public void commit(String uploadId, Digest digest, long size) {
            throw failure;
        }

        @Override
        public void cancelUpload(String uploadId) {
            throw failure;
        }

        @Override
        public void delete(Digest digest) {
            throw failure;
        }
    }

    private double totalErrors() {
        return registry.find("gatehouse.storage.errors").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void everyOperationIsExportedAtZeroBeforeAnyFailure() {
        new InstrumentedBlobStore(new Failing(null), registry);
        assertThat(registry.find("gatehouse.storage.errors").counters()).hasSize(8);
        assertThat(totalErrors()).isZero();
    }
}
