package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.error.Invalid;
import java.util.List;
import java.util.Optional;

/** What the admin API offers on the audit log: read it a page at a time, verify it, switch pull recording. */
public final class AuditLog {
    public static final int MAX_PAGE = 1000;

    /** One page of records and the cursor for the next (empty at the end). */
    public record Page(List<AuditRecord> records, Optional<Long> next) {}

    private final AuditStore store;
    private final AuditVerifier verifier;
    private final AuditRecorder recorder;

    public AuditLog(AuditStore store, AuditVerifier verifier, AuditRecorder recorder) {
        this.store = store;
        this.verifier = verifier;
        this.recorder = recorder;
    }

    /** Records matching the query after the cursor (a sequence number; 0 for the start). */
    public Page find(AuditQuery query, long cursor, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new Invalid(Invalid.Kind.PARAMETER, "limit must be between 1 and " + MAX_PAGE);
        }
        if (cursor < 0) {
            throw new Invalid(Invalid.Kind.PARAMETER, "cursor must not be negative");
        }
        List<AuditRecord> records = store.find(query, cursor, limit);
        return new Page(
                records,
                records.size() < limit
                        ? Optional.empty()
                        : Optional.of(records.getLast().sequence()));
    }

    public AuditVerifier.Result verify() {
        return verifier.verify();
    }

    public boolean recordsPulls(String project) {
        return store.recordsPulls(project);
    }

    public void setRecordsPulls(String project, boolean record) {
        store.setRecordsPulls(project, record);
        recorder.refreshExemptions();
    }
}
