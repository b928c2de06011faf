package io.gatehouse.storage.blob;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.RegistryException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A client's chunk as a store reads it: at most {@code length} bytes (or to the end if {@code length} is -1),
 * an Invalid SIZE if it ends early. Failures of the client's stream surface as RegistryExceptions
 * (theirs unchanged, an IOException as "upload interrupted") and are remembered, so a store can tell
 * them apart from its own failures even after a client library has wrapped them.
 */
final class ChunkStream extends InputStream {
    private final InputStream in;
    private final long length;
    private long count;
    private RuntimeException failure;

    ChunkStream(InputStream in, long length) {
        this.in = in;
        this.length = length;
    }

    /** Bytes delivered so far. */
    long count() {
        return count;
    }

    /** The client-side failure, if the client's stream failed. */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return 0;
        }
        if (length >= 0) {
            long left = length - count;
            if (left == 0) {
                return -1;
            }
            len = (int) Math.min(len, left);
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (RegistryException e) {
            throw fail(e);
        } catch (IOException e) {
            throw fail(new Invalid(Invalid.Kind.UPLOAD, "upload interrupted"));
        } catch (RuntimeException e) {
            throw fail(e);
        }
        if (n < 0) {
            if (length >= 0) {
                throw fail(new Invalid(Invalid.Kind.SIZE, "body shorter than Content-Length"));
            }
            return -1;
        }
        count += n;
        return n;
    }

    private RuntimeException fail(RuntimeException e) {
        failure = e;
        return e;
    }
}
