package io.gatehouse.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.audit.AuditArchive;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Copies the audit log into an {@link AuditArchive} (S3) for long-term retention, as JSON Lines objects named
 * {@code audit-<first sequence>-<last sequence>.jsonl[.gz]} (12 digits each, so names sort in log order).
 *
 * <p>Each run exports the records made before the last {@code interval} boundary that lies at least
 * {@code grace} in the past (with the hourly default, at 13:01 everything before 13:00), after the highest
 * sequence the archive already holds, in objects of at most {@code maxRecords}. Where to continue is read from
 * the archive's object names, never kept elsewhere: an object is written whole or not at all, so a run that
 * crashed is simply done again, and the database's retention purge can ask {@link #exportedThrough()} to
 * delete only what the archive holds. Records keep the API's JSON form with their hashes, so the chain can be
 * checked from the archive alone.
 */
public final class AuditExporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("audit-([0-9]{12})-([0-9]{12})\\.jsonl(\\.gz)?");
    private static final int PAGE = 1000;

    /**
     * @param interval exports cover records up to a multiple of this (e.g. every whole hour)
     * @param grace how long after a boundary to wait for records still on their way into the database
     * @param maxRecords records per object at most (bounds the memory one object takes)
     */
    public record Settings(Duration interval, Duration grace, boolean gzip, int maxRecords) {
        public Settings {
            if (!interval.isPositive()) {
                throw new IllegalArgumentException("interval must be positive");
            }
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative");
            }
            if (maxRecords < 1 || maxRecords > 100_000) {
                throw new IllegalArgumentException("maxRecords must be between 1 and 100000");
            }
        }
    }

    /** What one run wrote, and the highest sequence the archive holds after it. */
    public record Result(List<String> objects, long records, long exportedThrough) {}

    private final AuditStore store;
    private final AuditArchive archive;
    private final Settings settings;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private volatile long exportedThrough = -1; // -1: not read from the archive yet

    public AuditExporter(AuditStore store, AuditArchive archive, Settings settings, Clock clock) {
        this.store = store;
        this.archive = archive;
        this.settings = settings;
        this.clock = clock;
    }

    /** The highest sequence the archive held when last looked at (0 before the first look or if empty). */
    public long exportedThrough() {
        return Math.max(0, exportedThrough);
    }

    public String describe() {
        return archive.describe();
    }

    /** Exports what is due now (see the class comment); one run at a time per node. */
    public Result exportNow() {
        running.lock();
        try {
            long from = highestArchived();
            exportedThrough = from;
            Optional<Long> due = store.lastSequenceBefore(cutoff(clock.instant()));
            List<String> objects = new ArrayList<>();
            long records = 0;
            while (due.isPresent() && from < due.get()) {
                List<AuditRecord> batch = read(from, due.get());
                if (batch.isEmpty()) {
                    break;
                }
                String name = String.format(
                        "audit-%012d-%012d.jsonl%s",
                        batch.getFirst().sequence(), batch.getLast().sequence(), settings.gzip() ? ".gz" : "");
                archive.put(name, encode(batch));
                objects.add(name);
                records += batch.size();
                from = batch.getLast().sequence();
                exportedThrough = from;
            }
            return new Result(objects, records, from);
        } finally {
            running.unlock();
        }
    }

    /** The instant before which records are due: the last interval boundary at least {@code grace} ago. */
    Instant cutoff(Instant now) {
        long step = settings.interval().toMillis();
        long at = now.minus(settings.grace()).toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(at, step) * step);
    }

    private long highestArchived() {
        long highest = 0;
        for (String name : archive.names()) {
            Matcher m = NAME.matcher(name);
            if (m.matches()) {
                highest = Math.max(highest, Long.parseLong(m.group(2)));
            }
        }
        return highest;
    }

    /** The next object's records: after {@code from}, through {@code through} at most, maxRecords at most. */
    private List<AuditRecord> read(long from, long through) {
        List<AuditRecord> out = new ArrayList<>();
        long after = from;
        while (out.size() < settings.maxRecords()) {
            List<AuditRecord> page = store.after(after, Math.min(PAGE, settings.maxRecords() - out.size()));
            for (AuditRecord r : page) {
                if (r.sequence() > through) {
                    return out;
                }
                out.add(r);
            }
            if (page.isEmpty()) {
                break;
            }
            after = page.getLast().sequence();
        }
        return out;
    }

    private byte[] encode(List<AuditRecord> records) {
        var bytes = new ByteArrayOutputStream(records.size() * 512);
        try (OutputStream out = settings.gzip() ? new GZIPOutputStream(bytes) : bytes) {
            for (AuditRecord r : records) {
                out.write(JSON.writeValueAsBytes(AuditRecordJson.of(r)));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
