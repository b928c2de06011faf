package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditCheckpoint;
import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The audit store as readers (query, verify, export) see it when the writer keeps a journal: before each read of
 * records or checkpoints it waits until every entry recorded so far is chained into the database, so a record
 * acknowledged to a request is visible to the next query. Writes go straight to the store.
 */
public final class ChainedAuditStore implements AuditStore {
    private final AuditStore store;
    private final AuditWriter writer;

    public ChainedAuditStore(AuditStore store, AuditWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    @Override
    public void append(List<AuditRecord> records) {
        store.append(records);
    }

    @Override
    public Optional<AuditRecord> last() {
        writer.awaitChained();
        return store.last();
    }

    @Override
    public List<AuditRecord> after(long after, int limit) {
        writer.awaitChained();
        return store.after(after, limit);
    }

    @Override
    public List<AuditRecord> find(AuditQuery query, long after, int limit) {
        writer.awaitChained();
        return store.find(query, after, limit);
    }

    @Override
    public void addCheckpoint(AuditCheckpoint checkpoint) {
        store.addCheckpoint(checkpoint);
    }

    @Override
    public List<AuditCheckpoint> checkpoints() {
        writer.awaitChained();
        return store.checkpoints();
    }

    @Override
    public Optional<Long> lastSequenceBefore(Instant instant) {
        writer.awaitChained();
        return store.lastSequenceBefore(instant);
    }

    @Override
    public int deleteThrough(long sequence) {
        return store.deleteThrough(sequence);
    }

    @Override
    public boolean recordsPulls(String project) {
        return store.recordsPulls(project);
    }

    @Override
    public void setRecordsPulls(String project, boolean record) {
        store.setRecordsPulls(project, record);
    }

    @Override
    public List<String> projectsNotRecordingPulls() {
        return store.projectsNotRecordingPulls();
    }
}
