package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.patch;
import static io.gatehouse.http.Route.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The admin REST API under {@code /api/v1}: JSON in, JSON out, every route needing MANAGE on its scope. */
public final class AdminHandler {
    private static final int MAX_BODY = 64 * 1024;

    private final AccessAdministration admin;

    public AdminHandler(AccessAdministration admin) {
        this.admin = admin;
    }

    /** Registry-wide routes need a system admin; project routes need an admin role on the project. */
    public List<Route> routes() {
        return List.of(
                post("/api/v1/users", Action.MANAGE, this::createUser),
                post("/api/v1/projects", Action.MANAGE, this::createProject),
                patch("/api/v1/projects/{project}", Action.MANAGE, this::updateProject),
                post("/api/v1/projects/{project}/bindings", Action.MANAGE, this::grant),
                post("/api/v1/projects/{project}/robots", Action.MANAGE, this::createRobot),
                delete("/api/v1/projects/{project}/robots/{robot}", Action.MANAGE, this::revokeRobot));
    }

    void createUser(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        String name = text(body, "name", true);
        char[] password = text(body, "password", true).toCharArray();
        admin.createUser(name, password);
        ex.sendJson(201, Map.of("name", name));
    }

    void createProject(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        ex.sendJson(
                201,
                project(admin.createProject(
                        text(body, "name", true), body.path("public").asBoolean(false))));
    }

    void updateProject(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Optional<Boolean> isPublic =
                body.has("public") ? Optional.of(body.get("public").asBoolean()) : Optional.empty();
        Optional<List<String>> cidrs =
                body.has("allowedCidrs") ? Optional.of(strings(body.get("allowedCidrs"))) : Optional.empty();
        ex.sendJson(200, project(admin.updateProject(ex.pathParam("project", String::valueOf), isPublic, cidrs)));
    }

    void grant(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Optional<RepositoryName> repository =
                Optional.ofNullable(text(body, "repository", false)).map(RepositoryName::parse);
        Subject subject = subject(body);
        RoleBinding binding =
                admin.grant(text(body, "role", true), ex.pathParam("project", String::valueOf), repository, subject);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", binding.role());
        out.put(
                "scope",
                switch (binding.scope()) {
                    case BindingScope.Repository(RepositoryName r) -> "repository:" + r;
                    case BindingScope.Project(String p) -> "project:" + p;
                    case BindingScope.System s -> "system";
                });
        out.put(kind(subject), subject.name());
        ex.sendJson(201, out);
    }

    void createRobot(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : strings(body.path("actions"))) {
            actions.add(Action.fromScopeName(name)
                    .orElseThrow(() -> new Invalid(Invalid.Kind.PARAMETER, "unknown action " + name)));
        }
        Optional<Duration> lifetime = body.hasNonNull("expiresInSeconds")
                ? Optional.of(Duration.ofSeconds(body.get("expiresInSeconds").asLong()))
                : Optional.empty();
        if (body.has("federation")) {
            createFederatedRobot(ex, body, actions, lifetime);
            return;
        }
        var robot = admin.createRobot(
                ex.pathParam("project", String::valueOf),
                text(body, "name", true),
                actions,
                lifetime,
                ex.caller().principal().name());
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
        Map<String, String> claims = new LinkedHashMap<>();
        for (var claim : federation.get("claims").properties()) {
            if (!claim.getValue().isTextual()) {
                throw new Invalid(Invalid.Kind.PARAMETER, "claim conditions are strings");
            }
            claims.put(claim.getKey(), claim.getValue().asText());
        }
        var binding = new RobotFederation(text(federation, "issuer", true), text(federation, "audience", true), claims);
        var robot = admin.createFederatedRobot(
                ex.pathParam("project", String::valueOf),
                text(body, "name", true),
                actions,
                lifetime,
                binding,
                ex.caller().principal().name());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", robot.name());
        out.put(
                "federation",
                Map.of("issuer", binding.issuer(), "audience", binding.audience(), "claims", binding.claims()));
        robot.expiresAt().ifPresent(t -> out.put("expiresAt", t.toString()));
        ex.sendJson(201, out);
    }

    void revokeRobot(Exchange ex) throws Exception {
        admin.revokeRobot(ex.pathParam("project", String::valueOf), ex.pathParam("robot", String::valueOf));
        ex.send(204);
    }

    private static Subject subject(JsonNode body) {
        List<Subject> given = new ArrayList<>();
        Optional.ofNullable(text(body, "user", false)).ifPresent(n -> given.add(new Subject.User(n)));
        Optional.ofNullable(text(body, "group", false)).ifPresent(n -> given.add(new Subject.Group(n)));
        Optional.ofNullable(text(body, "robot", false)).ifPresent(n -> given.add(new Subject.Robot(n)));
        if (given.size() != 1) {
            throw new Invalid(Invalid.Kind.PARAMETER, "name exactly one of user, group, robot");
        }
        return given.getFirst();
    }

    private static String kind(Subject subject) {
        return switch (subject) {
            case Subject.User u -> "user";
            case Subject.Group g -> "group";
            case Subject.Robot r -> "robot";
        };
    }

    private static Map<String, Object> project(ProjectSettings p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", p.name());
        out.put("public", p.isPublic());
        out.put("allowedCidrs", p.allowedCidrs());
        return out;
    }

    private static JsonNode body(Exchange ex) throws IOException {
        byte[] bytes = ex.bodyBytes(MAX_BODY, new Invalid(Invalid.Kind.PARAMETER, "request body too large"));
        try {
            JsonNode node = Exchange.JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Invalid(Invalid.Kind.PARAMETER, "the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid(Invalid.Kind.PARAMETER, "the body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new Invalid(Invalid.Kind.PARAMETER, field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new Invalid(Invalid.Kind.PARAMETER, field + " must be a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode node) {
        if (!node.isArray()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
