package io.gatehouse.audit;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** One record as the API, {@code gatehouse audit query --json} and the exports show it. */
public final class AuditRecordJson {
    private AuditRecordJson() {}

    public static Map<String, Object> of(AuditRecord r) {
        AuditEntry e = r.entry();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sequence", r.sequence());
        out.put("time", e.at().toString());
        out.put("kind", e.kind());
        out.put("principal", e.principal());
        out.put("principalType", e.principalType());
        out.put("authMethod", e.authMethod());
        out.put("sourceAddress", e.sourceAddress());
        out.put("userAgent", e.userAgent());
        out.put("action", e.action());
        out.put("project", e.project());
        out.put("repository", e.repository());
        out.put("reference", e.reference());
        out.put("result", e.result());
        out.put("reason", e.reason());
        out.put("requestId", e.requestId());
        out.put("details", e.details());
        out.put("previousHash", r.previousHash());
        out.put("hash", r.hash());
        return out;
    }
}
