package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.error.Unavailable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single writer of the chain, with group commit. A caller hands over an entry and waits until the
 * batch holding it is durable; meanwhile the writer thread takes everything queued (up to {@value #MAX_BATCH}),
 * chains it onto the head and appends it in one transaction, so concurrent requests share one commit and one
 * fsync. Because the caller waits, a request whose decision was not recorded is never answered as if it were.
 *
 * <p>Another node appending first shows up as {@link AuditStore.SequenceTaken}: the writer re-reads the head
 * and rechains the batch. Every {@code checkpointEvery} records, or after {@code checkpointInterval} with new
 * records, it signs a checkpoint; every {@code retentionCheck} it deletes what is older than the retention
 * period, after anchoring the remaining chain with a checkpoint.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditWriter.class);
    static final int MAX_BATCH = 1000;

    /** How often checkpoints are made and old records dropped. */
    public record Settings(int checkpointEvery, Duration checkpointInterval, Duration retention) {
        public Settings {
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpointEvery must be positive");
            }
            if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive");
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("retention must be positive");
            }
        }
    }

    /** A request to the writer thread: an entry to append, or (no entry) a checkpoint or a journal drain. */
    private record Pending(AuditEntry entry, CompletableFuture<AuditRecord> done, boolean checkpoint) {
        Pending(AuditEntry entry, CompletableFuture<AuditRecord> done) {
            this(entry, done, entry == null);
        }
    }

    /** How long journaled entries may wait before they are chained into the database. */
    static final Duration DRAIN_INTERVAL = Duration.ofSeconds(1);

    /** Entries chained per database transaction when draining the journal. */
    static final int DRAIN_BATCH = 5000;

    private final AuditStore store;
    private final AuditSigningKey key;
    private final Settings settings;
    private final Clock clock;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AuditJournal journal; // null: each append waits for its own database commit
    private volatile boolean closing;
    private long drained; // journal position chained into the database
    private volatile RuntimeException drainFailure; // the last drain failed: refuse new entries until one succeeds

    private volatile LongSupplier exportedThrough = () -> Long.MAX_VALUE; // no export: retention alone decides

    private long headSequence;
    private String headHash;
    private long checkpointed;
    private Instant lastCheckpoint;
    private Instant nextRetention;

    public AuditWriter(AuditStore store, AuditSigningKey key, Settings settings, Clock clock) {
        this(store, key, settings, clock, null);
    }

    /**
     * With a journal: {@link #record} returns once the entry is fsynced in this node's journal, and the writer
     * thread chains journaled entries into the database in large batches behind it (replaying, on start, what
     * the database does not hold yet).
     */
    public AuditWriter(AuditStore store, AuditSigningKey key, Settings settings, Clock clock, AuditJournal journal) {
        this.journal = journal;
        this.drained = journal == null ? 0 : store.journalPosition(journal.node());
        this.store = store;
        this.key = key;
        this.settings = settings;
        this.clock = clock;
        readHead();
        this.checkpointed =
                store.checkpoints().stream().mapToLong(c -> c.sequence()).max().orElse(0);
        this.lastCheckpoint = clock.instant();
        this.nextRetention = clock.instant();
        this.thread =
                Thread.ofPlatform().name("gatehouse-audit-writer").daemon().start(this::run);
    }

    /** Appends the entry and returns once it is durable in the chain; {@link Unavailable} if it cannot be. */
    public AuditRecord append(AuditEntry entry) {
        if (closing) {
            throw new Unavailable("the audit log is closed", null);
        }
        var pending = new Pending(entry, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Unavailable u ? u : new Unavailable("audit log unavailable", e.getCause());
        }
    }

    /**
     * Records the entry durably and returns: into the journal when there is one (chained into the database
     * shortly after), else as {@link #append}.
     */
    public void record(AuditEntry entry) {
        if (closing) {
            throw new Unavailable("the audit log is closed", null);
        }
        if (journal == null) {
            append(entry);
            return;
        }
        if (drainFailure != null) {
            // The journal only buffers while the database takes its entries: once chaining failed, a request
            // first has the writer try again, and fails (503) instead of piling up behind a broken database.
            try {
                awaitChained();
            } catch (Unavailable e) {
                throw new Unavailable("the audit log cannot be written", e);
            }
        }
        journal.append(entry);
    }

    /** Returns once everything recorded before the call is chained into the database (a no-op without journal). */
    public void awaitChained() {
        if (journal == null || closing) {
            return;
        }
        var done = new CompletableFuture<AuditRecord>();
        queue.add(new Pending(null, done, false));
        try {
            done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Unavailable u ? u : new Unavailable("audit log unavailable", e.getCause());
        }
    }

    /** Signs a checkpoint at the head now, if it moved since the last one (also for tests and shutdown). */
    public void checkpointNow() {
        var done = new CompletableFuture<AuditRecord>();
        queue.add(new Pending(null, done));
        done.join();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Duration wait = timeUntilCheckpoint();
                if (journal != null && journal.durableEnd() > drained && wait.compareTo(DRAIN_INTERVAL) > 0) {
                    wait = DRAIN_INTERVAL;
                }
                Pending first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    write(batch);
                }
                drainJournal();
                housekeeping(batch.stream().anyMatch(Pending::checkpoint));
                batch.stream()
                        .filter(p -> p.entry() == null)
                        .forEach(p -> p.done().complete(null));
            } catch (InterruptedException e) {
                if (!closing) {
                    log.warn("audit writer interrupted");
                }
            } catch (RuntimeException e) {
                log.error("audit writer failed", e);
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private Duration timeUntilCheckpoint() {
        Duration left = Duration.between(clock.instant(), lastCheckpoint.plus(settings.checkpointInterval()));
        return left.isNegative() || left.isZero()
                ? Duration.ofMillis(1)
                : left.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : left;
    }

    private void write(List<Pending> batch) {
        List<Pending> entries = batch.stream().filter(p -> p.entry() != null).toList();
        if (entries.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            List<AuditRecord> records = new ArrayList<>(entries.size());
            long sequence = headSequence;
            String previous = headHash;
            for (Pending p : entries) {
                AuditRecord r = AuditChain.next(++sequence, previous, p.entry());
                records.add(r);
                previous = r.hash();
            }
            try {
                store.append(records);
            } catch (AuditStore.SequenceTaken e) {
                if (attempt >= 10) {
                    throw new Unavailable("audit log head keeps moving", e);
                }
                readHead(); // another node appended: chain onto its records
                continue;
            } catch (RuntimeException e) {
                readHeadQuietly();
                throw e;
            }
            headSequence = sequence;
            headHash = previous;
            for (int i = 0; i < entries.size(); i++) {
                entries.get(i).done().complete(records.get(i));
            }
            return;
        }
    }

    /** Chains what the journal holds past {@link #drained} into the database, a large batch per transaction. */
    private void drainJournal() {
        if (journal == null) {
            return;
        }
        try {
            drainJournalOnce();
            drainFailure = null;
        } catch (RuntimeException e) {
            drainFailure = e;
            throw e;
        }
    }

    private void drainJournalOnce() {
        while (journal.durableEnd() > drained) {
            AuditJournal.Read read = journal.read(drained, DRAIN_BATCH);
            if (read.end() == drained) {
                break;
            }
            for (int attempt = 1; ; attempt++) {
                List<AuditRecord> records = new ArrayList<>(read.entries().size());
                long sequence = headSequence;
                String previous = headHash;
                for (AuditEntry e : read.entries()) {
                    AuditRecord r = AuditChain.next(++sequence, previous, e);
                    records.add(r);
                    previous = r.hash();
                }
                try {
                    store.append(records, journal.node(), read.end());
                } catch (AuditStore.SequenceTaken e) {
                    if (attempt >= 10) {
                        throw new Unavailable("audit log head keeps moving", e);
                    }
                    readHead();
                    continue;
                } catch (RuntimeException e) {
                    readHeadQuietly();
                    throw e;
                }
                headSequence = sequence;
                headHash = previous;
                drained = read.end();
                break;
            }
            journal.release(drained);
        }
    }

    private void housekeeping(boolean forced) {
        Instant now = clock.instant();
        boolean due = headSequence - checkpointed >= settings.checkpointEvery()
                || !now.isBefore(lastCheckpoint.plus(settings.checkpointInterval()));
        if ((due || forced) && headSequence > checkpointed) {
            store.addCheckpoint(key.sign(headSequence, headHash, now));
            checkpointed = headSequence;
        }
        if (due || forced) {
            lastCheckpoint = now;
        }
        if (!now.isBefore(nextRetention)) {
            nextRetention = now.plus(Duration.ofHours(1));
            applyRetention(now);
        }
    }

    /**
     * With an export configured, retention deletes only records the archive holds: {@code exportedThrough}
     * gives the highest exported sequence.
     */
    public void retainUntilExported(LongSupplier exportedThrough) {
        this.exportedThrough = exportedThrough;
    }

    /** Deletes records older than the retention period; a signed checkpoint at the last one anchors the rest. */
    void applyRetention(Instant now) {
        Optional<Long> through = store.lastSequenceBefore(now.minus(settings.retention()));
        // (The cutoff is signed into the anchor: only a checkpoint retention left may start the log.)
        if (through.isEmpty()) {
            return;
        }
        long sequence = Math.min(through.get(), exportedThrough.getAsLong());
        List<AuditRecord> at = store.after(sequence - 1, 1);
        if (sequence < 1 || at.isEmpty() || at.getFirst().sequence() != sequence) {
            return; // nothing exported yet, or retention already deleted through there
        }
        AuditRecord last = at.getFirst();
        Instant cutoff = now.minus(settings.retention());
        store.addCheckpoint(key.sign(sequence, last.hash(), now, Optional.of(cutoff)));
        int deleted = store.deleteThrough(sequence);
        log.info(
                "audit retention: deleted {} records up to {}, older than {}", deleted, sequence, settings.retention());
    }

    private void readHead() {
        Optional<AuditRecord> last = store.last();
        if (last.isPresent()) {
            headSequence = last.get().sequence();
            headHash = last.get().hash();
            return;
        }
        // Empty: a fresh log, or retention removed every record and a checkpoint anchors the next one.
        var anchor = store.checkpoints().stream().reduce((a, b) -> b);
        headSequence = anchor.map(c -> c.sequence()).orElse(0L);
        headHash = anchor.map(c -> c.hash()).orElse(AuditRecord.GENESIS);
    }

    private void readHeadQuietly() {
        try {
            readHead();
        } catch (RuntimeException e) {
            log.debug("cannot re-read the audit head", e);
        }
    }

    /** Writes what is queued, signs a last checkpoint and stops the writer thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        try {
            checkpointNow();
        } catch (RuntimeException e) {
            log.warn("no final audit checkpoint", e);
        }
        closing = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (journal != null) {
            journal.close();
        }
    }
}
