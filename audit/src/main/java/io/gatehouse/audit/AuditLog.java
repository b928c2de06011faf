package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** What the admin API offers on the audit log: read it a page at a time, verify it, switch pull recording. */
public final class AuditLog {
    public static final int MAX_PAGE = 1000;

    /** One page of records and the cursor for the next (empty at the end). */
    public record Page(List<AuditRecord> records, Optional<Long> next) {}

    private final AuditStore store;
    private final AuditVerifier verifier;
    private final AuditRecorder recorder;
    private final Predicate<String> projectExists;
    private final EventSink events;
    private final Clock clock;
    private final Optional<AuditExporter> exporter;

    /**
     * @param projectExists whether a project of that name exists (pull recording is set per project)
     * @param events where the change of a project's pull recording goes (itself an audited admin change)
     */
    public AuditLog(
            AuditStore store,
            AuditVerifier verifier,
            AuditRecorder recorder,
            Predicate<String> projectExists,
            EventSink events,
            Clock clock) {
        this(store, verifier, recorder, projectExists, events, clock, Optional.empty());
    }

    /** @param exporter the configured export to long-term storage, if any */
    public AuditLog(
            AuditStore store,
            AuditVerifier verifier,
            AuditRecorder recorder,
            Predicate<String> projectExists,
            EventSink events,
            Clock clock,
            Optional<AuditExporter> exporter) {
        this.exporter = exporter;
        this.store = store;
        this.verifier = verifier;
        this.recorder = recorder;
        this.projectExists = projectExists;
        this.events = events;
        this.clock = clock;
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

    /** Runs the configured export now (it also runs on its own schedule); the run is an audited admin change. */
    public AuditExporter.Result exportNow(String actor, String sourceAddress, String requestId) {
        AuditExporter export =
                exporter.orElseThrow(() -> new Conflict("no audit export is configured (audit.export.s3.bucket)"));
        AuditExporter.Result result = export.exportNow();
        events.emit(new Event.AdminChanged(
                clock.instant(),
                actor,
                sourceAddress,
                requestId,
                "audit.export",
                "audit-archive",
                Map.of(
                        "objects", Integer.toString(result.objects().size()),
                        "records", Long.toString(result.records()),
                        "exportedThrough", Long.toString(result.exportedThrough()))));
        return result;
    }

    public boolean recordsPulls(String project) {
        requireProject(project);
        return store.recordsPulls(project);
    }

    /**
     * Switches recording of allowed pulls in one project on or off (denials and admin changes are always
     * recorded). The switch itself is recorded as an admin change.
     */
    public void setRecordsPulls(String actor, String sourceAddress, String requestId, String project, boolean record) {
        requireProject(project);
        store.setRecordsPulls(project, record);
        recorder.refreshExemptions();
        events.emit(new Event.AdminChanged(
                clock.instant(),
                actor,
                sourceAddress,
                requestId,
                "audit.pulls",
                "project:" + project,
                Map.of("recordPulls", Boolean.toString(record))));
    }

    private void requireProject(String project) {
        if (!projectExists.test(project)) {
            throw new NotFound(NotFound.Kind.PROJECT, "no such project");
        }
    }
}
