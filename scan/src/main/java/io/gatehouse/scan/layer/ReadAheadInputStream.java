package io.gatehouse.scan.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses on a second thread, a few chunks ahead of the tar reader, the way {@code gzip -dc | tar -t}
 * overlaps its two processes: scanning is then bounded by decompression, not by decompression plus parsing.
 * Memory stays bounded ({@link #CHUNK} × {@link #DEPTH}); a failure of the source reaches the reader as the same
 * exception, in stream order.
 */
final class ReadAheadInputStream extends InputStream {
    static final int CHUNK = 256 * 1024;
    static final int DEPTH = 4;

    private record Chunk(byte[] bytes, IOException failure) {
        static final Chunk END = new Chunk(new byte[0], null);
    }

    private final InputStream source;
    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(DEPTH);
    private final Thread producer;
    private volatile boolean closed;
    private Chunk current = new Chunk(new byte[0], null);
    private int position;
    private boolean ended;
    private final byte[] one = new byte[1];

    ReadAheadInputStream(InputStream source) {
        this.source = source;
        this.producer = Thread.ofPlatform().daemon().name("layer-read-ahead").start(this::produce);
    }

    private void produce() {
        try {
            while (!closed) {
                byte[] bytes = source.readNBytes(CHUNK);
                chunks.put(bytes.length == 0 ? Chunk.END : new Chunk(bytes, null));
                if (bytes.length < CHUNK) {
                    if (bytes.length > 0) chunks.put(Chunk.END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        } catch (IOException e) {
            offer(new Chunk(null, e));
        } catch (RuntimeException | Error e) {
            // never leave the reader waiting, whatever went wrong in the decompressor
            offer(new Chunk(null, new IOException("decompression failed: " + e, e)));
        }
    }

    private void offer(Chunk chunk) {
        try {
            if (!closed) chunks.put(chunk);
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, current.bytes().length - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && fill()) {
            int step = (int) Math.min(n - skipped, current.bytes().length - position);
            position += step;
            skipped += step;
        }
        return skipped;
    }

    @Override
    public int available() {
        return current.bytes() == null ? 0 : current.bytes().length - position;
    }

    /** False at the end of the stream; throws the source's failure where it happened. */
    private boolean fill() throws IOException {
        while (!ended && position == current.bytes().length) {
            Chunk next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a layer");
            }
            if (next.failure() != null) {
                ended = true;
                current = Chunk.END;
                throw next.failure();
            }
            if (next == Chunk.END) ended = true;
            current = next;
            position = 0;
        }
        return !ended || position < current.bytes().length;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        producer.interrupt();
        chunks.clear();
        try {
            producer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
