package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditCheckpoint;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Walks the whole chain in sequence order and stops at the first record that is not what was written:
 * its content no longer matches its hash (modified), a sequence number is missing or the record it chains to is
 * gone (deleted), it chains to a record that comes later (reordered), or the records around it chain past it
 * (inserted). Signed checkpoints catch a rewrite that recomputed every hash, and records removed from the end
 * up to the last checkpoint. Records after the last checkpoint are protected by the chain alone.
 */
public final class AuditVerifier {
    private static final int PAGE = 1000;
    private static final int LOOKAHEAD = 10_000;

    public enum Problem {
        MODIFIED,
        DELETED,
        REORDERED,
        INSERTED,
        REWRITTEN,
        BAD_CHECKPOINT
    }

    /** The first thing wrong: which record, what, and a sentence for a person. */
    public record Finding(long sequence, Problem problem, String message) {}

    public record Result(long records, int checkpoints, Optional<Finding> finding) {
        public boolean intact() {
            return finding.isEmpty();
        }
    }

    private final AuditStore store;
    private final AuditSigningKey key;

    public AuditVerifier(AuditStore store, AuditSigningKey key) {
        this.store = store;
        this.key = key;
    }

    public Result verify() {
        List<AuditCheckpoint> checkpoints = store.checkpoints();
        Map<Long, AuditCheckpoint> bySequence = new TreeMap<>();
        for (AuditCheckpoint c : checkpoints) {
            if (!key.signed(c)) {
                return new Result(
                        0,
                        checkpoints.size(),
                        Optional.of(new Finding(
                                c.sequence(),
                                Problem.BAD_CHECKPOINT,
                                "checkpoint at record " + c.sequence() + " is not signed by this server's audit key"
                                        + " (key " + key.keyId() + ")")));
            }
            bySequence.put(c.sequence(), c);
        }
        long checked = 0;
        long previousSequence = -1;
        String previousHash = null;
        String beforePreviousHash = null;
        long lastCheckpointed = 0;
        long after = 0;
        while (true) {
            List<AuditRecord> page = store.after(after, PAGE);
            for (int i = 0; i < page.size(); i++) {
                AuditRecord r = page.get(i);
                if (previousSequence < 0) {
                    // The start: record 1, or (after retention) a record anchored by a checkpoint just before it.
                    AuditCheckpoint anchor = bySequence.get(r.sequence() - 1);
                    if (r.sequence() == 1) {
                        previousHash = AuditRecord.GENESIS;
                    } else if (anchor != null && anchor.retentionCutoff().isPresent()) {
                        previousHash = anchor.hash();
                    } else {
                        // Deleted back to the last anchor: retention's checkpoint, or the very start.
                        long from = bySequence.values().stream()
                                        .filter(c -> c.sequence() < r.sequence()
                                                && c.retentionCutoff().isPresent())
                                        .map(AuditCheckpoint::sequence)
                                        .reduce((a, b) -> b)
                                        .orElse(0L)
                                + 1;
                        return found(
                                checked,
                                checkpoints,
                                from,
                                Problem.DELETED,
                                "the log starts at record " + r.sequence() + ": records " + from + " to "
                                        + (r.sequence() - 1) + " were deleted");
                    }
                    previousSequence = r.sequence() - 1;
                }
                if (r.sequence() != previousSequence + 1) {
                    return found(
                            checked,
                            checkpoints,
                            previousSequence + 1,
                            Problem.DELETED,
                            "record " + (previousSequence + 1) + " was deleted (the log jumps from record "
                                    + previousSequence + " to " + r.sequence() + ")");
                }
                if (!AuditChain.intact(r)) {
                    return found(
                            checked,
                            checkpoints,
                            r.sequence(),
                            Problem.MODIFIED,
                            "record " + r.sequence() + " was modified: its content no longer matches its hash");
                }
                if (!r.previousHash().equals(previousHash)) {
                    return found(
                            checked,
                            checkpoints,
                            brokenLink(
                                    r,
                                    previousSequence,
                                    previousHash,
                                    beforePreviousHash,
                                    i + 1 < page.size() ? page.get(i + 1) : null));
                }
                AuditCheckpoint checkpoint = bySequence.get(r.sequence());
                if (checkpoint != null) {
                    if (!checkpoint.hash().equals(r.hash())) {
                        return found(
                                checked,
                                checkpoints,
                                lastCheckpointed + 1,
                                Problem.REWRITTEN,
                                "records " + (lastCheckpointed + 1) + " to " + r.sequence() + " were rewritten: record "
                                        + r.sequence() + " does not match the signed checkpoint (the chain was"
                                        + " recomputed, so the first changed record cannot be told)");
                    }
                    lastCheckpointed = r.sequence();
                }
                beforePreviousHash = previousHash;
                previousHash = r.hash();
                previousSequence = r.sequence();
                checked++;
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast().sequence();
        }
        long lastSequence = previousSequence < 0 ? 0 : previousSequence;
        for (AuditCheckpoint c : bySequence.values()) {
            if (c.sequence() > lastSequence && !(checked == 0 && c.sequence() == lastCheckpointOf(bySequence))) {
                return found(
                        checked,
                        checkpoints,
                        lastSequence + 1,
                        Problem.DELETED,
                        "records " + (lastSequence + 1) + " to " + c.sequence() + " were deleted from the end"
                                + " (a signed checkpoint vouches for record " + c.sequence() + ")");
            }
        }
        return new Result(checked, checkpoints.size(), Optional.empty());
    }

    private static long lastCheckpointOf(Map<Long, AuditCheckpoint> bySequence) {
        return ((TreeMap<Long, AuditCheckpoint>) bySequence).lastKey();
    }

    /** Why {@code r} does not chain to the record before it, and which record is to blame. */
    private Finding brokenLink(
            AuditRecord r, long previousSequence, String previousHash, String beforePreviousHash, AuditRecord next) {
        if (r.previousHash().equals(beforePreviousHash)) {
            return new Finding(
                    previousSequence,
                    Problem.INSERTED,
                    "record " + previousSequence + " was inserted: record " + r.sequence() + " chains past it");
        }
        if (chainsToLaterRecord(r)) {
            return new Finding(
                    r.sequence(),
                    Problem.REORDERED,
                    "record " + r.sequence() + " is out of order: it chains to a record that comes after it");
        }
        if (next != null && next.previousHash().equals(previousHash)) {
            return new Finding(
                    r.sequence(),
                    Problem.INSERTED,
                    "record " + r.sequence() + " was inserted: record " + next.sequence() + " chains past it");
        }
        return new Finding(
                r.sequence(),
                Problem.DELETED,
                "a record was deleted before record " + r.sequence() + " (it chains to a record that is gone;"
                        + " the later records were renumbered)");
    }

    private boolean chainsToLaterRecord(AuditRecord r) {
        long after = r.sequence();
        int seen = 0;
        while (seen < LOOKAHEAD) {
            List<AuditRecord> page = store.after(after, PAGE);
            for (AuditRecord later : page) {
                if (later.hash().equals(r.previousHash())) {
                    return true;
                }
            }
            if (page.size() < PAGE) {
                return false;
            }
            seen += page.size();
            after = page.getLast().sequence();
        }
        return false;
    }

    private static Result found(long checked, List<AuditCheckpoint> checkpoints, Finding finding) {
        return new Result(checked, checkpoints.size(), Optional.of(finding));
    }

    private static Result found(
            long checked, List<AuditCheckpoint> checkpoints, long sequence, Problem problem, String message) {
        return found(checked, checkpoints, new Finding(sequence, problem, message));
    }
}
