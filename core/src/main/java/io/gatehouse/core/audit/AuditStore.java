package io.gatehouse.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The audit log's records and signed checkpoints. Records are only ever appended (and, past the retention
 * period, deleted from the start); each write is durable when the method returns.
 */
public interface AuditStore {

    /**
     * Appends records whose sequences follow the last one, in one durable transaction. The sequence is the
     * primary key, so a second writer (another node) that chained onto the same head fails here rather than
     * forking the chain: it gets {@link SequenceTaken} and must re-read the head and rechain.
     */
    void append(List<AuditRecord> records);

    /**
     * Like {@link #append(List)}, and in the same transaction records that {@code node}'s audit journal has been
     * chained up to {@code position}, so a restarted node replays exactly the entries after it.
     */
    default void append(List<AuditRecord> records, String node, long position) {
        throw new UnsupportedOperationException("this audit store keeps no journal positions");
    }

    /** How far {@code node}'s audit journal has been chained into the log (0: not at all). */
    default long journalPosition(String node) {
        return 0;
    }

    /** The last record, if any. */
    Optional<AuditRecord> last();

    /** Records with a sequence above {@code after}, in sequence order, at most {@code limit}. */
    List<AuditRecord> after(long after, int limit);

    /** Records matching the query with a sequence above {@code after}, in sequence order, at most {@code limit}. */
    List<AuditRecord> find(AuditQuery query, long after, int limit);

    void addCheckpoint(AuditCheckpoint checkpoint);

    /** All checkpoints in sequence order. */
    List<AuditCheckpoint> checkpoints();

    /** The highest sequence of a record made before {@code instant}, if any. */
    Optional<Long> lastSequenceBefore(Instant instant);

    /**
     * Retention: deletes records up to and including {@code sequence} and the checkpoints before it (the one at
     * {@code sequence} stays: it anchors the remaining chain). Returns the number of records deleted.
     */
    int deleteThrough(long sequence);

    /** Whether allowed pulls in the project are recorded (true unless switched off). */
    boolean recordsPulls(String project);

    void setRecordsPulls(String project, boolean record);

    /** Projects whose allowed pulls are not recorded. */
    List<String> projectsNotRecordingPulls();

    /** Another writer appended at this sequence first. */
    final class SequenceTaken extends RuntimeException {
        public SequenceTaken(long sequence) {
            super("audit sequence " + sequence + " is taken", null, false, false);
        }
    }
}
