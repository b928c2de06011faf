package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.Route.put;
import static io.gatehouse.http.admin.JsonBodies.actor;
import static io.gatehouse.http.admin.JsonBodies.body;
import static io.gatehouse.http.admin.JsonBodies.object;
import static io.gatehouse.http.admin.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.admin.ScanPolicyAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pull policy API: a project's severity threshold and unscanned-image rule, and the CVE allowlists. A
 * project's admin manages its policy and its list ({@code manage} on the project); the system list is the
 * system admin's ({@code manage} on the registry).
 */
public final class ScanPolicyHandler {
    private final ScanPolicyAdministration admin;

    public ScanPolicyHandler(ScanPolicyAdministration admin) {
        this.admin = admin;
    }

    public List<Route> routes() {
        return List.of(
                get("/api/v1/projects/{project}/scan-policy", Action.MANAGE, this::policy),
                put("/api/v1/projects/{project}/scan-policy", Action.MANAGE, this::updatePolicy),
                get("/api/v1/cve-allowlist", Action.MANAGE, this::allowlist),
                post("/api/v1/cve-allowlist", Action.MANAGE, this::allow),
                delete("/api/v1/cve-allowlist/{id}", Action.MANAGE, this::revoke),
                get("/api/v1/projects/{project}/cve-allowlist", Action.MANAGE, this::allowlist),
                post("/api/v1/projects/{project}/cve-allowlist", Action.MANAGE, this::allow),
                delete("/api/v1/projects/{project}/cve-allowlist/{id}", Action.MANAGE, this::revoke));
    }

    void policy(Exchange ex) throws Exception {
        ex.sendJson(200, policy(admin.policy(ex.pathParam("project", String::valueOf))));
    }

    void updatePolicy(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        JsonNode unscanned = body.path("blockUnscanned");
        if (!unscanned.isMissingNode() && !unscanned.isBoolean()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "blockUnscanned must be true or false");
        }
        var updated = admin.updatePolicy(
                actor(ex),
                ex.pathParam("project", String::valueOf),
                Optional.ofNullable(text(body, "blockSeverity", false)),
                unscanned.isBoolean() ? Optional.of(unscanned.asBoolean()) : Optional.empty());
        ex.sendJson(200, policy(updated));
    }

    void allowlist(Exchange ex) throws Exception {
        var entries = admin.allowlist(project(ex)).stream().map(this::entry).toList();
        ex.sendJson(200, Map.of("entries", entries));
    }

    void allow(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        var entry = admin.allow(
                actor(ex),
                project(ex),
                text(body, "id", true),
                text(body, "reason", true),
                text(body, "expires", true));
        ex.sendJson(201, entry(entry));
    }

    void revoke(Exchange ex) throws Exception {
        admin.revoke(actor(ex), project(ex), ex.pathParam("id", String::valueOf));
        ex.send(204);
    }

    /** The project of a project route; empty on the system-wide routes. */
    private static Optional<String> project(Exchange ex) {
        return Optional.ofNullable(ex.pathParam("project", v -> v));
    }

    private static Map<String, Object> policy(ScanPolicy policy) {
        return object(
                "project",
                policy.project(),
                "blockSeverity",
                policy.blockSeverityLabel(),
                "blockUnscanned",
                policy.blockUnscanned());
    }

    private Map<String, Object> entry(CveAllowlistEntry entry) {
        return object(
                "id",
                entry.id(),
                "project",
                entry.project().orElse(null),
                "reason",
                entry.reason(),
                "expiresAt",
                entry.expiresAt().toString(),
                "expired",
                admin.expired(entry),
                "createdBy",
                entry.createdBy(),
                "createdAt",
                entry.createdAt().toString());
    }
}
