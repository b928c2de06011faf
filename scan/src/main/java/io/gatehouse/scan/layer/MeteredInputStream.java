package io.gatehouse.scan.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports every byte read or skipped to a {@link LayerBudget}, and records the stream's own failures there. */
final class MeteredInputStream extends FilterInputStream {
    private final LayerBudget budget;
    private final Kind kind;
    private final byte[] one = new byte[1];

    private enum Kind {
        COMPRESSED,
        UNCOMPRESSED,
        TAR_INPUT
    }

    private MeteredInputStream(InputStream in, LayerBudget budget, Kind kind) {
        super(in);
        this.budget = budget;
        this.kind = kind;
    }

    /** The layer's stored bytes, as read from the blob. */
    static MeteredInputStream compressed(InputStream in, LayerBudget budget) {
        return new MeteredInputStream(in, budget, Kind.COMPRESSED);
    }

    /** The decompressed tar stream, as the decompressor produces it. */
    static MeteredInputStream uncompressed(InputStream in, LayerBudget budget) {
        return new MeteredInputStream(in, budget, Kind.UNCOMPRESSED);
    }

    /** The decompressed tar stream, as the tar reader consumes it. */
    static MeteredInputStream tarInput(InputStream in, LayerBudget budget) {
        return new MeteredInputStream(in, budget, Kind.TAR_INPUT);
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
        switch (kind) {
            case COMPRESSED -> budget.compressedRead(n);
            case UNCOMPRESSED -> budget.uncompressedRead(n);
            case TAR_INPUT -> budget.tarRead(n);
        }
    }

    /** Decompressors signal some corruption with unchecked exceptions; it is still a broken layer. */
    private static IOException asIo(Exception e) {
        return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
}
