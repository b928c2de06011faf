package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.error.Unavailable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * This node's append-only journal of audit entries: the point a request waits for. {@link #append} writes the
 * entry and returns once it is fsynced: one journal thread writes everything queued in one write and one fsync
 * (group sync: entries appended while a sync runs share the next one). The {@link AuditWriter} later chains journaled entries into the database in
 * large batches and stores, in the same transaction, the journal position it reached; on start it continues from
 * that position, so an entry acknowledged before a crash reaches the chain afterwards.
 *
 * <p>Positions are logical byte offsets that only grow. The journal is a series of segment files
 * {@code journal-<first position>.log}; a new one starts past {@value #SEGMENT_BYTES} bytes and segments wholly
 * before the stored position are deleted. Each entry is framed as length, CRC32C, payload; a torn tail (a write
 * the crash interrupted, never acknowledged) is cut off on open.
 */
public final class AuditJournal implements AutoCloseable {
    static final long SEGMENT_BYTES = 16L << 20;
    /**
     * The segment file grows in zero-filled steps of this size ahead of the entries: an fdatasync then flushes
     * only the overwritten blocks, not also the file's new size (a file-system journal commit), for all but
     * one batch per step.
     */
    static final int GROWTH_STEP = 1 << 20;
    /**
     * Under concurrent load, syncs start at most this often (see {@link #run}). A sync costs the journal thread
     * about 100 µs of CPU on the 2-core VM however few entries it carries, so this spacing sets the cost per
     * recorded pull: measured with `bench/run --audit` and per-thread CPU, 1 ms 11.5 µs, 2 ms 6.1 µs, 3 ms 4.1 µs
     * per pull (a pull costs the whole server about 140 µs). 2 ms halves it for at most 1 ms more wait under
     * load; a lone request is still synced at once. Longer is worse, not better: in the benchmark's closed loop of
     * 64 connections the waits line up (on a faster VM, A/B 0 ms 0.78×, 1 ms 0.86×, 2 ms 0.85×, 4 ms 0.69×, 8 ms
     * 0.51×: at 8 ms each connection gets barely one request per sync). Syncing early once no entry arrived for
     * 200 µs did not help there (more syncs for less idle time).
     */
    static final Duration SYNC_INTERVAL = Duration.ofMillis(2);

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);
    private static final String PREFIX = "journal-";
    private static final String SUFFIX = ".log";

    /** Entries read from the journal and the position after the last of them. */
    public record Read(List<AuditEntry> entries, long end) {}

    private final Path dir;
    private final long segmentBytes;
    private final String node;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private FileChannel current;
    private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 << 10); // the journal thread's only
    private long currentBase;
    private long allocated; // size of the current segment file: entries, then zeros
    private long written; // logical end of what was written
    private long durable; // logical end of what a finished sync covers
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final long syncInterval;
    private volatile long syncs; // written by the journal thread only
    private volatile boolean closed;

    private AuditJournal(Path dir, long segmentBytes, long syncInterval) throws IOException {
        this.syncInterval = syncInterval;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        Path nodeFile = dir.resolve("node-id");
        if (!Files.exists(nodeFile)) {
            Path tmp = dir.resolve("node-id.tmp");
            try (var ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, nodeFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            syncDir();
        }
        this.node = Files.readString(nodeFile, StandardCharsets.UTF_8).trim();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                    segments.put(Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length())), p);
                }
            });
        }
        if (segments.isEmpty()) {
            openSegment(0);
        } else {
            currentBase = segments.lastKey();
            current = FileChannel.open(
                    segments.lastEntry().getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            long valid = scanValidEnd(current);
            if (valid < current.size()) {
                // Zeros grown ahead, or a torn write the crash interrupted (never acknowledged): cut both, so
                // nothing stale can follow the entries written from here on.
                current.truncate(valid);
                current.force(true);
            }
            allocated = valid;
            written = currentBase + valid;
        }
        durable = written;
        thread = Thread.ofPlatform().name("gatehouse-audit-journal").daemon().start(this::run);
    }

    /** Opens (creating) the journal in {@code dir}. */
    public static AuditJournal open(Path dir) {
        return open(dir, SEGMENT_BYTES);
    }

    static AuditJournal open(Path dir, long segmentBytes) {
        return open(dir, segmentBytes, SYNC_INTERVAL);
    }

    static AuditJournal open(Path dir, long segmentBytes, Duration syncInterval) {
        try {
            return new AuditJournal(dir, segmentBytes, syncInterval.toNanos());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit journal in " + dir, e);
        }
    }

    /** This node's identity, stored with the journal (the database keeps one position per node). */
    public String node() {
        return node;
    }

    /** Appends the entry and returns once it is on disk. */
    public void append(AuditEntry entry) {
        var pending = new Pending(frame(entry), new CompletableFuture<>());
        if (closed) {
            throw new Unavailable("the audit journal is closed", null);
        }
        queue.add(pending);
        try {
            pending.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Unavailable u ? u : new Unavailable("audit journal failed", e.getCause());
        }
    }

    private record Pending(byte[] frame, CompletableFuture<Void> done) {}

    /** Queued by {@link #close} to end the journal thread's wait for entries. */
    private static final Pending WAKE = new Pending(new byte[0], new CompletableFuture<>());

    /**
     * Bytes {@link #read} takes from a segment file per system call. The writer reads what the journal thread
     * wrote a moment before, from the page cache: measured, that costs it no more per entry than the in-memory
     * copy of the written bytes this journal used to keep for it, and holds no heap.
     */
    static final int READ_CHUNK = 256 << 10;

    /**
     * The journal thread: writes everything queued in one write and one fsync, then releases its callers. Under
     * concurrent load (entries queued while the last sync ran) it starts syncs at most every {@link
     * #syncInterval}: a sync's CPU cost hardly depends on how many entries it carries, and on a disk that syncs
     * in 80 µs, syncing as soon as anything is queued made groups of one or two entries. A lone
     * caller (nothing queued meanwhile) is synced at once, so sequential requests wait no longer than the sync.
     */
    private void run() {
        List<Pending> batch = new ArrayList<>();
        long lastSync = System.nanoTime() - syncInterval;
        boolean concurrent = false;
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null || first == WAKE) {
                    concurrent = false;
                    continue;
                }
                long gather = lastSync + syncInterval - System.nanoTime();
                if (concurrent && gather > 0 && !closed) {
                    LockSupport.parkNanos(gather); // close() unparks: what is queued is written at once
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                batch.removeIf(p -> p == WAKE);
                lastSync = System.nanoTime();
                writeAndSync(batch);
                syncs++;
                concurrent = !queue.isEmpty();
                batch.forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                // not how close() wakes this thread (it queues WAKE); the loop re-checks closed
            } catch (IOException | RuntimeException e) {
                var failure = new Unavailable("audit journal write failed", e);
                batch.forEach(p -> p.done().completeExceptionally(failure));
            } finally {
                batch.clear();
            }
        }
    }

    private void writeAndSync(List<Pending> batch) throws IOException {
        int size = 0;
        for (Pending p : batch) {
            size += p.frame().length;
        }
        if (written - currentBase + size > segmentBytes && written > currentBase) {
            current.force(false);
            lock.lock();
            try {
                durable = written;
                openSegment(written);
            } finally {
                lock.unlock();
            }
        }
        long offset = written - currentBase;
        if (writeBuffer.capacity() < size) {
            writeBuffer = ByteBuffer.allocateDirect(Integer.highestOneBit(size) << 1);
        }
        ByteBuffer b = writeBuffer.clear();
        for (Pending p : batch) {
            b.put(p.frame());
        }
        b.flip();
        try {
            if (offset + size > allocated) {
                grow(offset + size);
            }
            while (b.hasRemaining()) {
                current.write(b, offset + b.position());
            }
            current.force(false);
        } catch (IOException e) {
            try {
                current.truncate(offset); // no half-written frame before the next batch
                allocated = Math.min(allocated, offset);
            } catch (IOException ignored) {
                // the next open cuts a torn tail off anyway
            }
            throw e;
        }
        lock.lock();
        try {
            written += size;
            durable = written;
        } finally {
            lock.unlock();
        }
    }

    /** Extends the current segment with zeros to at least {@code end}, a whole number of growth steps. */
    private void grow(long end) throws IOException {
        long target = (end + GROWTH_STEP - 1) / GROWTH_STEP * GROWTH_STEP;
        while (allocated < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), target - allocated));
            allocated += current.write(zeros, allocated);
        }
    }

    /** How many write-and-sync rounds the journal made. */
    long syncs() {
        return syncs;
    }

    /** The position after the last durable entry. */
    public long durableEnd() {
        lock.lock();
        try {
            return durable;
        } finally {
            lock.unlock();
        }
    }

    /** Durable entries from {@code position} on, at most {@code max}. */
    public Read read(long position, int max) {
        long end = durableEnd();
        List<AuditEntry> entries = new ArrayList<>();
        long at = position;
        // no more than is there: a drain under light load reads a few entries, not a whole chunk
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.clamp(end - position, 8, READ_CHUNK));
        try {
            while (at < end && entries.size() < max) {
                Map.Entry<Long, Path> segment;
                Long next;
                lock.lock();
                try {
                    segment = segments.floorEntry(at);
                    if (segment == null) {
                        throw new IllegalStateException("audit journal position " + at + " precedes the journal");
                    }
                    next = segments.higherKey(segment.getKey());
                } finally {
                    lock.unlock();
                }
                long base = segment.getKey();
                long segmentEnd = next == null ? end : Math.min(end, next);
                try (var ch = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                    long offset = at - base;
                    long limit = segmentEnd - base;
                    while (offset < limit && entries.size() < max) {
                        chunk.clear().limit((int) Math.min(chunk.capacity(), limit - offset));
                        readFully(ch, chunk, offset);
                        int used = decodeFrames(chunk, entries, max, base + offset);
                        if (used == 0) {
                            chunk = ByteBuffer.allocate(8 + frameLength(chunk, limit - offset, base + offset));
                        }
                        offset += used;
                    }
                    at = base + offset;
                }
                if (at >= segmentEnd && next == null) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new Unavailable("audit journal read failed", e);
        }
        return new Read(entries, at);
    }

    /** Decodes the whole frames at the start of {@code chunk} (up to {@code max} entries); returns their bytes. */
    private static int decodeFrames(ByteBuffer chunk, List<AuditEntry> entries, int max, long position)
            throws IOException {
        var repeats = new Repeats();
        int p = 0;
        int n = chunk.limit();
        while (entries.size() < max && p + 8 <= n) {
            int length = chunk.getInt(p);
            int crc = chunk.getInt(p + 4);
            if (length <= 0) {
                throw corrupt(position + p);
            }
            if (length > n - p - 8) {
                break; // continues past this chunk: read again from p
            }
            if (crc(chunk.array(), p + 8, length) != crc) {
                throw corrupt(position + p);
            }
            entries.add(decode(chunk.array(), p + 8, length, repeats));
            p += 8 + length;
        }
        return p;
    }

    /** The payload length of the frame starting {@code chunk}, which did not fit it; checked against the file. */
    private static int frameLength(ByteBuffer chunk, long left, long position) {
        int length = chunk.limit() >= 8 ? chunk.getInt(0) : -1;
        if (length <= 0 || 8L + length > left) {
            throw corrupt(position);
        }
        return length;
    }

    private static IllegalStateException corrupt(long position) {
        return new IllegalStateException("audit journal entry at " + position + " is corrupt");
    }

    /** Deletes segments that end at or before {@code position} (the database holds their entries). */
    public void release(long position) {
        lock.lock();
        try {
            while (segments.size() > 1) {
                long firstBase = segments.firstKey();
                Long nextBase = segments.higherKey(firstBase);
                if (nextBase == null || nextBase > position) {
                    break;
                }
                Files.deleteIfExists(segments.remove(firstBase));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Not an interrupt: one arriving during a write closes the channel (ClosedByInterruptException) and
        // fails entries that were queued before close.
        queue.add(WAKE);
        LockSupport.unpark(thread);
        try {
            thread.join(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            p.done().completeExceptionally(new Unavailable("the audit journal is closed", null));
        }
        lock.lock();
        try {
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private void openSegment(long base) throws IOException {
        Path file = dir.resolve(PREFIX + base + SUFFIX);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.truncate(0);
        ch.force(true);
        syncDir();
        if (current != null) {
            current.close();
        }
        current = ch;
        currentBase = base;
        allocated = 0;
        written = base;
        segments.put(base, file);
    }

    private void syncDir() throws IOException {
        try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for sync; the file's own force still applies
        }
    }

    private static long scanValidEnd(FileChannel ch) throws IOException {
        long size = ch.size();
        long offset = 0;
        ByteBuffer header = ByteBuffer.allocate(8);
        while (offset + 8 <= size) {
            header.clear();
            ch.read(header, offset);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length <= 0 || offset + 8 + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(ch, payload, offset + 8);
            if (crc(payload.array()) != crc) {
                break;
            }
            offset += 8 + length;
        }
        return offset;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, offset + b.position());
            if (n < 0) {
                throw new IOException("audit journal ends early");
            }
        }
    }

    private static int crc(byte[] payload) {
        return crc(payload, 0, payload.length);
    }

    private static int crc(byte[] bytes, int offset, int length) {
        var crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * The entry framed as length, CRC32C and payload, in one exact-size array (this runs on the request path of
     * every recorded pull, so the payload is written in place, not encoded apart and copied behind the header).
     * The payload: seconds (long), nanos (int), the 13 text fields and the details, each text as its UTF-8 length
     * (int, -1 for null) and bytes.
     */
    static byte[] frame(AuditEntry e) {
        String[] texts = texts(e);
        byte[][] utf8 = new byte[texts.length][];
        int size = 12 + 4;
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] != null) {
                utf8[i] = texts[i].getBytes(StandardCharsets.UTF_8);
                size += utf8[i].length;
            }
            size += 4;
        }
        ByteBuffer out = ByteBuffer.allocate(8 + size).position(8);
        out.putLong(e.at().getEpochSecond()).putInt(e.at().getNano());
        for (int i = 0; i < texts.length; i++) {
            if (i == TEXT_FIELDS) {
                out.putInt(e.details().size());
            }
            if (utf8[i] == null) {
                out.putInt(-1);
            } else {
                out.putInt(utf8[i].length).put(utf8[i]);
            }
        }
        if (texts.length == TEXT_FIELDS) {
            out.putInt(0);
        }
        out.putInt(0, size).putInt(4, crc(out.array(), 8, size));
        return out.array();
    }

    private static final int TEXT_FIELDS = 13;

    /** The 13 text fields in order, then the details' keys and values. */
    private static String[] texts(AuditEntry e) {
        String[] t = new String[TEXT_FIELDS + 2 * e.details().size()];
        t[0] = e.kind();
        t[1] = e.principal();
        t[2] = e.principalType();
        t[3] = e.authMethod();
        t[4] = e.sourceAddress();
        t[5] = e.userAgent();
        t[6] = e.action();
        t[7] = e.project();
        t[8] = e.repository();
        t[9] = e.reference();
        t[10] = e.result();
        t[11] = e.reason();
        t[12] = e.requestId();
        int i = TEXT_FIELDS;
        for (var d : e.details().entrySet()) {
            t[i++] = d.getKey();
            t[i++] = d.getValue();
        }
        return t;
    }

    /**
     * The previous entry's text fields in one chunk and where their bytes lie in it. Consecutive pulls repeat most
     * fields (principal, address, user agent, repository); an equal field reuses the previous entry's string, so
     * the writer allocates less for a batch it holds while chaining, and its equality checks end at identity.
     */
    private static final class Repeats {
        final String[] strings = new String[TEXT_FIELDS];
        final int[] offsets = new int[TEXT_FIELDS];
        final int[] lengths = new int[TEXT_FIELDS];
    }

    private static AuditEntry decode(byte[] bytes, int offset, int length, Repeats repeats) throws IOException {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
            Instant at = Instant.ofEpochSecond(in.getLong(), in.getInt());
            String[] s = new String[TEXT_FIELDS];
            for (int i = 0; i < s.length; i++) {
                s[i] = field(in, repeats, i);
            }
            int n = in.getInt();
            Map<String, String> details = n == 0 ? Map.of() : new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                details.put(string(in), string(in));
            }
            return new AuditEntry(
                    at, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], details);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException("audit journal entry does not decode", e);
        }
    }

    /** Text field {@code i}: the previous entry's string when the bytes are the same. */
    private static String field(ByteBuffer in, Repeats repeats, int i) {
        int n = in.getInt();
        if (n < 0) {
            return null;
        }
        byte[] bytes = in.array();
        int at = in.position();
        String previous = repeats.strings[i];
        String s = previous != null
                        && repeats.lengths[i] == n
                        && Arrays.equals(bytes, at, at + n, bytes, repeats.offsets[i], repeats.offsets[i] + n)
                ? previous
                : new String(bytes, at, n, StandardCharsets.UTF_8);
        in.position(at + n);
        repeats.strings[i] = s;
        repeats.offsets[i] = at;
        repeats.lengths[i] = n;
        return s;
    }

    private static String string(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) {
            return null;
        }
        String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }
}
