package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.patch;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.admin.JsonBodies.actions;
import static io.gatehouse.http.admin.JsonBodies.actor;
import static io.gatehouse.http.admin.JsonBodies.body;
import static io.gatehouse.http.admin.JsonBodies.stringMap;
import static io.gatehouse.http.admin.JsonBodies.strings;
import static io.gatehouse.http.admin.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.core.access.policy.RobotRecord;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin REST API under {@code /api/v1} for users, projects, bindings and robots: JSON in, JSON out.
 * Registry-wide routes need a system admin, project routes an admin role on the project ({@link
 * Action#MANAGE} on the route's resource); {@code /users/me} needs only a valid credential.
 */
public final class AdminHandler {
    private final AccessAdministration admin;

    public AdminHandler(AccessAdministration admin) {
        this.admin = admin;
    }

    public List<Route> routes() {
        return List.of(
                get("/api/v1/users/me", Action.AUTHENTICATE, this::me),
                get("/api/v1/users", Action.MANAGE, this::listUsers),
                post("/api/v1/users", Action.MANAGE, this::createUser),
                get("/api/v1/projects", Action.MANAGE, this::listProjects),
                post("/api/v1/projects", Action.MANAGE, this::createProject),
                patch("/api/v1/projects/{project}", Action.MANAGE, this::updateProject),
                get("/api/v1/projects/{project}/bindings", Action.MANAGE, this::listBindings),
                post("/api/v1/projects/{project}/bindings", Action.MANAGE, this::grant),
                delete("/api/v1/projects/{project}/bindings", Action.MANAGE, this::revoke),
                get("/api/v1/projects/{project}/robots", Action.MANAGE, this::listRobots),
                post("/api/v1/projects/{project}/robots", Action.MANAGE, this::createRobot),
                delete("/api/v1/projects/{project}/robots/{robot}", Action.MANAGE, this::revokeRobot));
    }

    /** Who the credential belongs to: what {@code gatehouse login} checks before saving it. */
    void me(Exchange ex) throws Exception {
        Principal principal = ex.caller().principal();
        ex.sendJson(
                200,
                JsonBodies.object(
                        "name", principal.name(), "kind", principal instanceof Principal.Robot ? "robot" : "user"));
    }

    void listUsers(Exchange ex) throws Exception {
        var users = admin.users().stream()
                .map(u -> JsonBodies.object(
                        "name", u.name(), "createdAt", u.createdAt().toString()))
                .toList();
        ex.sendJson(200, Map.of("users", users));
    }

    void createUser(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        String name = text(body, "name", true);
        char[] password = text(body, "password", true).toCharArray();
        admin.createUser(actor(ex), name, password);
        ex.sendJson(201, Map.of("name", name));
    }

    void listProjects(Exchange ex) throws Exception {
        ex.sendJson(
                200,
                Map.of(
                        "projects",
                        admin.projects().stream().map(AdminHandler::project).toList()));
    }

    void createProject(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        ex.sendJson(
                201,
                project(admin.createProject(
                        actor(ex), text(body, "name", true), body.path("public").asBoolean(false))));
    }

    void updateProject(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Optional<Boolean> isPublic =
                body.has("public") ? Optional.of(body.get("public").asBoolean()) : Optional.empty();
        Optional<List<String>> cidrs = body.has("allowedCidrs")
                ? Optional.of(strings(body.get("allowedCidrs"), "allowedCidrs"))
                : Optional.empty();
        Optional<List<String>> expected = body.has("expectedCidrs")
                ? Optional.of(strings(body.get("expectedCidrs"), "expectedCidrs"))
                : Optional.empty();
        ex.sendJson(
                200,
                project(admin.updateProject(
                        actor(ex), ex.pathParam("project", String::valueOf), isPublic, cidrs, expected)));
    }

    void listBindings(Exchange ex) throws Exception {
        var bindings = admin.bindings(ex.pathParam("project", String::valueOf)).stream()
                .map(JsonBodies::binding)
                .toList();
        ex.sendJson(200, Map.of("bindings", bindings));
    }

    void grant(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Subject subject = JsonBodies.subject(field -> text(body, field, false));
        var binding = admin.grant(
                actor(ex),
                text(body, "role", true),
                ex.pathParam("project", String::valueOf),
                Optional.ofNullable(text(body, "repository", false)).map(RepositoryName::parse),
                subject);
        ex.sendJson(201, JsonBodies.binding(binding));
    }

    /** The binding to remove is named in the query, as {@code role}, {@code repository} and the subject. */
    void revoke(Exchange ex) throws Exception {
        Subject subject = JsonBodies.subject(field -> ex.query(field).orElse(null));
        admin.revoke(
                actor(ex),
                ex.query("role")
                        .orElseThrow(() -> new Invalid(Invalid.Kind.PARAMETER, "the query parameter role is required")),
                ex.pathParam("project", String::valueOf),
                ex.query("repository").map(RepositoryName::parse),
                subject);
        ex.send(204);
    }

    void listRobots(Exchange ex) throws Exception {
        Instant now = Instant.now();
        var robots = admin.robots(ex.pathParam("project", String::valueOf)).stream()
                .map(r -> robot(r, now))
                .toList();
        ex.sendJson(200, Map.of("robots", robots));
    }

    void createRobot(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        JsonNode expires = body.path("expiresInSeconds");
        if (!expires.isMissingNode() && !expires.isNull() && !expires.canConvertToLong()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "expiresInSeconds must be a whole number of seconds");
        }
        Optional<Duration> lifetime =
                expires.isNumber() ? Optional.of(Duration.ofSeconds(expires.asLong())) : Optional.empty();
        Set<Action> actions = actions(strings(body.path("actions"), "actions"));
        if (body.has("federation")) {
            createFederatedRobot(ex, body, actions, lifetime);
            return;
        }
        var robot = admin.createRobot(
                actor(ex), ex.pathParam("project", String::valueOf), text(body, "name", true), actions, lifetime);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", robot.loginName());
        out.put("secret", robot.secret());
        robot.expiresAt().ifPresent(t -> out.put("expiresAt", t.toString()));
        ex.header("Cache-Control", "no-store");
        ex.sendJson(201, out);
    }

    /** A robot with no secret, bound to an external OIDC issuer (keyless CI login). */
    private void createFederatedRobot(Exchange ex, JsonNode body, Set<Action> actions, Optional<Duration> lifetime)
            throws IOException {
        JsonNode federation = body.get("federation");
        if (!federation.isObject() || !federation.path("claims").isObject()) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "federation is an object with issuer, audience and a claims object");
        }
        Map<String, String> claims = stringMap(federation.get("claims"), "federation.claims");
        var binding = new RobotFederation(text(federation, "issuer", true), text(federation, "audience", true), claims);
        var robot = admin.createFederatedRobot(
                actor(ex),
                ex.pathParam("project", String::valueOf),
                text(body, "name", true),
                actions,
                lifetime,
                binding);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", robot.name());
        out.put(
                "federation",
                Map.of("issuer", binding.issuer(), "audience", binding.audience(), "claims", binding.claims()));
        robot.expiresAt().ifPresent(t -> out.put("expiresAt", t.toString()));
        ex.sendJson(201, out);
    }

    void revokeRobot(Exchange ex) throws Exception {
        admin.revokeRobot(actor(ex), ex.pathParam("project", String::valueOf), ex.pathParam("robot", String::valueOf));
        ex.send(204);
    }

    /** A robot's state for listings: never its secret or the secret's hash. */
    private static Map<String, Object> robot(RobotRecord record, Instant now) {
        var account = record.account();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", account.name());
        out.put(
                "actions",
                account.actions().stream().sorted().map(Action::scopeName).toList());
        out.put("expiresAt", account.expiresAt().map(Instant::toString).orElse(null));
        out.put("expired", account.isExpired(now));
        out.put("revoked", account.revoked());
        out.put("createdBy", record.createdBy());
        out.put(
                "createdAt",
                record.createdAt() == null ? null : record.createdAt().toString());
        out.put("lastUsed", record.lastUsed().map(Instant::toString).orElse(null));
        return out;
    }

    private static Map<String, Object> project(ProjectSettings p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("public", p.isPublic());
        out.put("allowedCidrs", p.allowedCidrs());
        out.put("expectedCidrs", p.expectedCidrs());
        return out;
    }
}
