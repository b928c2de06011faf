package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.Route.put;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.audit.AuditLog;
import io.gatehouse.audit.AuditRecordJson;
import io.gatehouse.audit.AuditVerifier;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.http.Dispatcher;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log under {@code /api/v1/audit}, for a system admin: read it a page at a time, verify the chain,
 * and switch recording of allowed pulls per project. No path parameter is named {@code project}, so the
 * dispatcher decides MANAGE on the whole registry: a project admin cannot hide their own project's pulls.
 */
public final class AuditHandler {
    private static final int DEFAULT_PAGE = 100;

    private final AuditLog audit;

    public AuditHandler(AuditLog audit) {
        this.audit = audit;
    }

    public List<Route> routes() {
        return List.of(
                get("/api/v1/audit/records", Action.MANAGE, this::records),
                post("/api/v1/audit/verify", Action.MANAGE, this::verify),
                post("/api/v1/audit/export", Action.MANAGE, this::export),
                get("/api/v1/audit/pulls/{target}", Action.MANAGE, this::pulls),
                put("/api/v1/audit/pulls/{target}", Action.MANAGE, this::setPulls));
    }

    void records(Exchange ex) throws Exception {
        var query = new AuditQuery(
                instant(ex, "since"),
                instant(ex, "until"),
                ex.query("principal"),
                ex.query("repository"),
                ex.query("action"),
                result(ex),
                ex.query("requestId"));
        long cursor = ex.query("cursor").map(AuditHandler::cursor).orElse(0L);
        int limit = ex.queryInt("limit").orElse(DEFAULT_PAGE);
        AuditLog.Page page = audit.find(query, cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("records", page.records().stream().map(AuditHandler::json).toList());
        out.put("next", page.next().map(String::valueOf).orElse(null));
        ex.sendJson(200, out);
    }

    void verify(Exchange ex) throws Exception {
        AuditVerifier.Result result = audit.verify();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("intact", result.intact());
        out.put("records", result.records());
        out.put("checkpoints", result.checkpoints());
        result.finding().ifPresent(f -> {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("sequence", f.sequence());
            finding.put("problem", f.problem().name().toLowerCase(java.util.Locale.ROOT));
            finding.put("message", f.message());
            out.put("finding", finding);
        });
        ex.sendJson(200, out);
    }

    /** Runs the configured export to long-term storage now. */
    void export(Exchange ex) throws Exception {
        var context = ex.context();
        var result = audit.exportNow(ex.caller().principal().name(), context.sourceAddress(), context.requestId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objects", result.objects());
        out.put("records", result.records());
        out.put("exportedThrough", result.exportedThrough());
        ex.sendJson(200, out);
    }

    void pulls(Exchange ex) throws Exception {
        String project = ex.pathParam("target", Dispatcher::projectName);
        ex.sendJson(200, pullsJson(project, audit.recordsPulls(project)));
    }

    void setPulls(Exchange ex) throws Exception {
        String project = ex.pathParam("target", Dispatcher::projectName);
        JsonNode value = JsonBodies.body(ex).get("recordPulls");
        if (value == null || !value.isBoolean()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "recordPulls must be true or false");
        }
        var context = ex.context();
        audit.setRecordsPulls(
                ex.caller().principal().name(),
                context.sourceAddress(),
                context.requestId(),
                project,
                value.booleanValue());
        ex.sendJson(200, pullsJson(project, value.booleanValue()));
    }

    private static Map<String, Object> pullsJson(String project, boolean record) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("project", project);
        out.put("recordPulls", record);
        return out;
    }

    /** One record as the API and {@code gatehouse audit query --json} show it. */
    static Map<String, Object> json(AuditRecord r) {
        return AuditRecordJson.of(r);
    }

    private static Optional<Instant> instant(Exchange ex, String name) {
        return ex.query(name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER, name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            }
        });
    }

    private static Optional<String> result(Exchange ex) {
        Optional<String> result = ex.query("result");
        if (result.isPresent()
                && !result.get().equals("allowed")
                && !result.get().equals("denied")) {
            throw new Invalid(Invalid.Kind.PARAMETER, "result must be allowed or denied");
        }
        return result;
    }

    private static long cursor(String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Invalid(Invalid.Kind.PARAMETER, "cursor must be the 'next' value of a previous page");
        }
    }
}
