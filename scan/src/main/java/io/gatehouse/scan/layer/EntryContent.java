package io.gatehouse.scan.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The stream an extractor reads one entry from: the tar reader's stream (already bounded to the entry), which
 * the extractor cannot close, and whose failures (a truncated tar) are recorded as the layer's own.
 */
final class EntryContent extends FilterInputStream {
    private final LayerBudget budget;

    EntryContent(InputStream entry, LayerBudget budget) {
        super(entry);
        this.budget = budget;
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (IOException e) {
            throw budget.fail(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            throw budget.fail(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return in.skip(n);
        } catch (IOException e) {
            throw budget.fail(e);
        }
    }

    @Override
    public void close() {
        // The walker owns the layer stream; the next entry starts where this one ends.
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
