package io.gatehouse.storage.blob;

import io.gatehouse.core.error.RegistryException;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The one decorator every blob store gets: it counts storage failures ({@code gatehouse.storage.errors},
 * exported as {@code gatehouse_storage_errors_total}, tagged with the operation) and turns any unexpected
 * RuntimeException into Unavailable, so callers only ever see the registry's own errors. Expected outcomes
 * (NotFound, Invalid, Conflict, ...) pass unchanged and are not counted; only Unavailable is a storage failure.
 * Failures while reading a returned stream count too.
 */
public final class InstrumentedBlobStore implements BlobStore {
    private final BlobStore delegate;
    private final MeterRegistry registry;

    public InstrumentedBlobStore(BlobStore delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
        // Register every series up front so dashboards and alerts see zeros, not gaps, before the first failure.
        for (String operation : OPERATIONS) {
            counter(operation);
        }
    }

    private static final String[] OPERATIONS = {
        "stat", "read", "create_upload", "append", "read_upload", "commit", "cancel_upload", "delete"
    };

    @Override
    public OptionalLong stat(Digest digest) {
        return call("stat", () -> delegate.stat(digest));
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) {
        return new CountingStream(call("read", () -> delegate.read(digest, offset, length)), "read");
    }

    @Override
    public void createUpload(String uploadId) {
        call("create_upload", () -> {
            delegate.createUpload(uploadId);
            return null;
        });
    }

    @Override
    public long append(String uploadId, long offset, InputStream data, long length) {
        return call("append", () -> delegate.append(uploadId, offset, data, length));
    }

    @Override
    public InputStream readUpload(String uploadId) {
        return new CountingStream(call("read_upload", () -> delegate.readUpload(uploadId)), "read_upload");
    }

    @Override
    public void commit(String uploadId, Digest digest, long size) {
        call("commit", () -> {
            delegate.commit(uploadId, digest, size);
            return null;
        });
    }

    @Override
    public void cancelUpload(String uploadId) {
        call("cancel_upload", () -> {
            delegate.cancelUpload(uploadId);
            return null;
        });
    }

    @Override
    public void delete(Digest digest) {
        call("delete", () -> {
            delegate.delete(digest);
            return null;
        });
    }

    private <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw normalise(operation, e);
        }
    }

    private RuntimeException normalise(String operation, RuntimeException e) {
        if (e instanceof RegistryException && !(e instanceof Unavailable)) {
            return e;
        }
        count(operation);
        return e instanceof Unavailable ? e : new Unavailable("blob storage failed", e);
    }

    private void count(String operation) {
        counter(operation).increment();
    }

    private Counter counter(String operation) {
        return Counter.builder("gatehouse.storage.errors")
                .description("Blob storage operations that failed")
                .tag("operation", operation)
                .register(registry);
    }

    /** Counts failures of a returned stream under its operation. */
    private final class CountingStream extends FilterInputStream implements ReadableByteChannel {
        private final String operation;

        CountingStream(InputStream in, String operation) {
            super(in);
            this.operation = operation;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                count(operation);
                throw e;
            } catch (RuntimeException e) {
                throw normalise(operation, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                count(operation);
                throw e;
            } catch (RuntimeException e) {
                throw normalise(operation, e);
            }
        }

        /** Reads straight into the buffer when the store's stream is a channel (no heap copy). */
        @Override
        public int read(ByteBuffer dst) throws IOException {
            try {
                if (in instanceof ReadableByteChannel channel) {
                    return channel.read(dst);
                }
                byte[] chunk = new byte[Math.min(dst.remaining(), 1 << 16)];
                int n = in.read(chunk);
                if (n > 0) {
                    dst.put(chunk, 0, n);
                }
                return n;
            } catch (IOException e) {
                count(operation);
                throw e;
            } catch (RuntimeException e) {
                throw normalise(operation, e);
            }
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        /** Copies with a large buffer; only failures to read count, not those of the destination. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            byte[] buffer = new byte[1 << 18];
            long total = 0;
            for (int n; (n = read(buffer, 0, buffer.length)) >= 0; ) {
                out.write(buffer, 0, n);
                total += n;
            }
            return total;
        }
    }
}
