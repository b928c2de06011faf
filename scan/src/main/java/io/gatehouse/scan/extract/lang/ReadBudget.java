package io.gatehouse.scan.extract.lang;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * A byte allowance shared by every stream it wraps, so the bytes inflated from one archive and all the archives
 * nested in it stay bounded however the entries are arranged (a zip bomb reads only its budget, then stops).
 */
final class ReadBudget {
    private final LongSupplier allowance;
    private long limit;
    private long used;

    /** A fixed allowance. */
    ReadBudget(long limit) {
        this(() -> limit);
    }

    /** An allowance that may grow as reading goes on, e.g. with the compressed bytes consumed so far. */
    ReadBudget(LongSupplier allowance) {
        this.allowance = allowance;
        this.limit = allowance.getAsLong();
    }

    InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                charge(1);
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, (int) Math.min(len, Math.max(1, limit - used + 1)));
                if (n > 0) charge(n);
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // skipping an inflating stream still inflates: charge it like a read
                long skipped = super.skip(Math.min(n, Math.max(1, limit - used + 1)));
                if (skipped > 0) charge(skipped);
                return skipped;
            }

            @Override
            public void close() {
                // the archive reader owns the underlying stream
            }
        };
    }

    private void charge(long bytes) throws Exceeded {
        used += bytes;
        if (used > limit) limit = Math.max(limit, allowance.getAsLong());
        if (used > limit) throw new Exceeded(limit);
    }

    /** Thrown by a wrapped stream once more than the budget has been read. */
    static final class Exceeded extends IOException {
        Exceeded(long limit) {
            super("more than " + limit + " bytes to read", null);
        }
    }
}
