package io.gatehouse.scan.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports every byte read or skipped to a {@link LayerBudget}, and records the stream's own failures there. */
final class MeteredInputStream extends FilterInputStream {
    private final LayerBudget budget;
    private final boolean uncompressed;
    private final byte[] one = new byte[1];

    private MeteredInputStream(InputStream in, LayerBudget budget, boolean uncompressed) {
        super(in);
        this.budget = budget;
        this.uncompressed = uncompressed;
    }

    /** The layer's stored bytes, as read from the blob. */
    static MeteredInputStream compressed(InputStream in, LayerBudget budget) {
        return new MeteredInputStream(in, budget, false);
    }

    /** The decompressed tar stream. */
    static MeteredInputStream uncompressed(InputStream in, LayerBudget budget) {
        return new MeteredInputStream(in, budget, true);
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            throw budget.fail(asIo(e));
        }
        if (n > 0) count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped;
        try {
            skipped = in.skip(n);
        } catch (IOException | RuntimeException e) {
            throw budget.fail(asIo(e));
        }
        if (skipped > 0) count(skipped);
        return skipped;
    }

    private void count(long n) throws LayerLimitExceededException {
        if (uncompressed) {
            budget.uncompressedRead(n);
        } else {
            budget.compressedRead(n);
        }
    }

    /** Decompressors signal some corruption with unchecked exceptions; it is still a broken layer. */
    private static IOException asIo(Exception e) {
        return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
}
