package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.Route.put;
import static io.gatehouse.http.admin.JsonBodies.actions;
import static io.gatehouse.http.admin.JsonBodies.actor;
import static io.gatehouse.http.admin.JsonBodies.body;
import static io.gatehouse.http.admin.JsonBodies.stringMap;
import static io.gatehouse.http.admin.JsonBodies.strings;
import static io.gatehouse.http.admin.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.access.admin.AccessAdministration.ScopedDenyRule;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API for what shapes decisions beyond bindings: custom roles, deny rules, repository labels and
 * group membership. Roles, labels and groups are system-admin only: labels select repositories for
 * system-wide deny rules, so a project admin who could relabel a repository could lift a rule meant for it.
 * A project admin manages the deny rules of the project only.
 */
public final class PolicyHandler {
    private final AccessAdministration admin;

    public PolicyHandler(AccessAdministration admin) {
        this.admin = admin;
    }

    public List<Route> routes() {
        return List.of(
                get("/api/v1/roles", Action.MANAGE, this::listRoles),
                post("/api/v1/roles", Action.MANAGE, this::defineRole),
                get("/api/v1/deny-rules", Action.MANAGE, this::listDenyRules),
                post("/api/v1/deny-rules", Action.MANAGE, this::addDenyRule),
                delete("/api/v1/deny-rules/{id}", Action.MANAGE, this::removeDenyRule),
                get("/api/v1/projects/{project}/deny-rules", Action.MANAGE, this::listDenyRules),
                post("/api/v1/projects/{project}/deny-rules", Action.MANAGE, this::addDenyRule),
                delete("/api/v1/projects/{project}/deny-rules/{id}", Action.MANAGE, this::removeDenyRule),
                get("/api/v1/repositories/{repository+}/labels", Action.MANAGE, this::labels),
                put("/api/v1/repositories/{repository+}/labels", Action.MANAGE, this::setLabels),
                post("/api/v1/groups/{group}/members", Action.MANAGE, this::addMember),
                delete("/api/v1/groups/{group}/members/{user}", Action.MANAGE, this::removeMember));
    }

    void listRoles(Exchange ex) throws Exception {
        var roles = admin.roles().stream().map(r -> role(r.role(), r.builtIn())).toList();
        ex.sendJson(200, Map.of("roles", roles));
    }

    void defineRole(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        Role role = admin.defineRole(
                actor(ex), text(body, "name", true), actions(strings(body.path("actions"), "actions")));
        ex.sendJson(201, role(role, false));
    }

    void listDenyRules(Exchange ex) throws Exception {
        var rules =
                admin.denyRules(project(ex)).stream().map(PolicyHandler::rule).toList();
        ex.sendJson(200, Map.of("denyRules", rules));
    }

    void addDenyRule(Exchange ex) throws Exception {
        JsonNode body = body(ex);
        JsonNode exempt = body.path("exempt");
        if (!exempt.isMissingNode() && !exempt.isNull() && !exempt.isObject()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "exempt: expected an object with users, groups, robots");
        }
        Set<Subject> subjects = new HashSet<>();
        strings(exempt.path("users"), "exempt.users").forEach(n -> subjects.add(new Subject.User(n)));
        strings(exempt.path("groups"), "exempt.groups").forEach(n -> subjects.add(new Subject.Group(n)));
        strings(exempt.path("robots"), "exempt.robots").forEach(n -> subjects.add(new Subject.Robot(n)));
        var input = new DenyRule(
                text(body, "id", true),
                actions(strings(body.path("actions"), "actions")),
                text(body, "repository", false),
                stringMap(body.path("labels"), "labels"),
                subjects);
        ex.sendJson(201, rule(admin.addDenyRule(actor(ex), project(ex), input)));
    }

    void removeDenyRule(Exchange ex) throws Exception {
        admin.removeDenyRule(actor(ex), project(ex), ex.pathParam("id", String::valueOf));
        ex.send(204);
    }

    void labels(Exchange ex) throws Exception {
        RepositoryName repository = ex.pathParam("repository", RepositoryName::parse);
        ex.sendJson(200, labels(repository, admin.labels(repository)));
    }

    void setLabels(Exchange ex) throws Exception {
        RepositoryName repository = ex.pathParam("repository", RepositoryName::parse);
        JsonNode body = body(ex);
        if (!body.path("labels").isObject()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "labels is required: an object of strings");
        }
        var labels = admin.setLabels(actor(ex), repository, stringMap(body.path("labels"), "labels"));
        ex.sendJson(200, labels(repository, labels));
    }

    void addMember(Exchange ex) throws Exception {
        String group = ex.pathParam("group", String::valueOf);
        String user = text(body(ex), "user", true);
        admin.addGroupMember(actor(ex), group, user);
        ex.sendJson(201, JsonBodies.object("group", group, "user", user));
    }

    void removeMember(Exchange ex) throws Exception {
        admin.removeGroupMember(
                actor(ex), ex.pathParam("group", String::valueOf), ex.pathParam("user", String::valueOf));
        ex.send(204);
    }

    /** The project of a project route; empty on the system-wide routes. */
    private static Optional<String> project(Exchange ex) {
        return Optional.ofNullable(ex.pathParam("project", v -> v));
    }

    private static Map<String, Object> role(Role role, boolean builtIn) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", role.name());
        out.put(
                "actions",
                role.actions().stream().sorted().map(Action::scopeName).toList());
        out.put("builtIn", builtIn);
        return out;
    }

    private static Map<String, Object> rule(ScopedDenyRule scoped) {
        DenyRule rule = scoped.rule();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", scoped.id());
        out.put("project", scoped.project().orElse(null));
        out.put(
                "actions",
                rule.actions().stream().sorted().map(Action::scopeName).toList());
        out.put("repository", rule.repositoryPattern());
        out.put("labels", new java.util.TreeMap<>(rule.labels()));
        Map<String, List<String>> exempt = new LinkedHashMap<>();
        exempt.put("users", names(rule, Subject.User.class));
        exempt.put("groups", names(rule, Subject.Group.class));
        exempt.put("robots", names(rule, Subject.Robot.class));
        out.put("exempt", exempt);
        return out;
    }

    private static List<String> names(DenyRule rule, Class<? extends Subject> kind) {
        return rule.exempt().stream()
                .filter(kind::isInstance)
                .map(Subject::name)
                .sorted()
                .toList();
    }

    private static Map<String, Object> labels(RepositoryName repository, Map<String, String> labels) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repository", repository.value());
        out.put("labels", new java.util.TreeMap<>(labels));
        return out;
    }
}
