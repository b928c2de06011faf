package io.gatehouse.server;

import static io.gatehouse.server.AdminApiTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every successful administrative change made through the API becomes one {@link Event.AdminChanged} with
 * who, from where, under which request id, what and on what; failed changes emit none; and no event carries a
 * password or robot secret.
 */
class AdminAuditTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp admin;
    static final List<Event.AdminChanged> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        admin = RegistryHttp.asAdmin(server);
        server.server().events().subscribe(e -> {
            if (e instanceof Event.AdminChanged changed) {
                events.add(changed);
            }
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    static HttpResponse<byte[]> send(String method, String path, Object body) {
        return admin.send(
                method, path, body == null ? null : bytes(body), Map.of("X-Request-Id", "req-" + path.hashCode()));
    }

    /** Makes the change, asserts it succeeded, and returns the one event it emitted. */
    static Event.AdminChanged change(int status, String method, String path, Object body) {
        events.clear();
        var response = send(method, path, body);
        assertThat(response.statusCode())
                .as(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        assertThat(events).hasSize(1);
        Event.AdminChanged event = events.getFirst();
        assertThat(event.actor()).isEqualTo("admin");
        assertThat(event.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(event.requestId()).isNotBlank();
        assertThat(event.at()).isNotNull();
        return event;
    }

    @Test
    void everyKindOfChangeIsAnEvent() {
        var user = change(201, "POST", "/api/v1/users", Map.of("name", "dave", "password", "dave-secret-password"));
        assertThat(user.change()).isEqualTo("user.create");
        assertThat(user.target()).isEqualTo("user:dave");
        assertThat(user.toString()).doesNotContain("dave-secret-password");

        var project = change(201, "POST", "/api/v1/projects", Map.of("name", "audited", "public", true));
        assertThat(project.change()).isEqualTo("project.create");
        assertThat(project.target()).isEqualTo("project:audited");
        assertThat(project.details()).containsEntry("public", "true");

        var update = change(200, "PATCH", "/api/v1/projects/audited", Map.of("allowedCidrs", List.of("10.0.0.0/8")));
        assertThat(update.change()).isEqualTo("project.update");
        assertThat(update.details()).containsEntry("allowedCidrs", "10.0.0.0/8");

        var role = change(201, "POST", "/api/v1/roles", Map.of("name", "promoter", "actions", List.of("pull", "push")));
        assertThat(role.change()).isEqualTo("role.define");
        assertThat(role.target()).isEqualTo("role:promoter");
        assertThat(role.details()).containsEntry("actions", "pull,push");

        var grant = change(
                201,
                "POST",
                "/api/v1/projects/audited/bindings",
                Map.of("role", "promoter", "user", "dave", "repository", "audited/app"));
        assertThat(grant.change()).isEqualTo("binding.grant");
        assertThat(grant.target()).isEqualTo("repository:audited/app");
        assertThat(grant.details()).containsEntry("role", "promoter").containsEntry("subject", "user:dave");

        var revoke = change(
                204,
                "DELETE",
                "/api/v1/projects/audited/bindings?role=promoter&user=dave&repository=audited/app",
                null);
        assertThat(revoke.change()).isEqualTo("binding.revoke");
        assertThat(revoke.details()).containsEntry("subject", "user:dave");

        events.clear();
        var created = send("POST", "/api/v1/projects/audited/robots", Map.of("name", "ci", "actions", List.of("push")));
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = RegistryHttp.json(created).path("secret").asText();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.change()).isEqualTo("robot.create");
            assertThat(e.target()).isEqualTo("robot:robot$audited+ci");
            assertThat(e.details()).containsEntry("actions", "push");
            assertThat(e.toString()).doesNotContain(secret);
        });

        var robotRevoke = change(204, "DELETE", "/api/v1/projects/audited/robots/robot$audited+ci", null);
        assertThat(robotRevoke.change()).isEqualTo("robot.revoke");
        assertThat(robotRevoke.target()).isEqualTo("robot:robot$audited+ci");

        var rule = change(
                201,
                "POST",
                "/api/v1/deny-rules",
                Map.of(
                        "id",
                        "no-prod-deletes",
                        "actions",
                        List.of("delete"),
                        "labels",
                        Map.of("env", "production"),
                        "exempt",
                        Map.of("groups", List.of("release"))));
        assertThat(rule.change()).isEqualTo("denyRule.put");
        assertThat(rule.target()).isEqualTo("denyRule:no-prod-deletes");
        assertThat(rule.details()).containsEntry("labels", "env=production").containsEntry("exempt", "group:release");

        var projectRule = change(
                201, "POST", "/api/v1/projects/audited/deny-rules", Map.of("id", "frozen", "actions", List.of("push")));
        assertThat(projectRule.target()).isEqualTo("denyRule:audited/frozen");
        assertThat(projectRule.details()).containsEntry("repositoryPattern", "audited/**");

        var ruleRemove = change(204, "DELETE", "/api/v1/deny-rules/no-prod-deletes", null);
        assertThat(ruleRemove.change()).isEqualTo("denyRule.remove");

        var labels = change(
                200,
                "PUT",
                "/api/v1/repositories/audited/app/labels",
                Map.of("labels", Map.of("env", "production", "tier", "1")));
        assertThat(labels.change()).isEqualTo("labels.set");
        assertThat(labels.target()).isEqualTo("repository:audited/app");
        assertThat(labels.details()).containsEntry("labels", "env=production,tier=1");

        var member = change(201, "POST", "/api/v1/groups/release/members", Map.of("user", "dave"));
        assertThat(member.change()).isEqualTo("group.addMember");
        assertThat(member.target()).isEqualTo("group:release");
        assertThat(member.details()).containsEntry("user", "dave");

        var leave = change(204, "DELETE", "/api/v1/groups/release/members/dave", null);
        assertThat(leave.change()).isEqualTo("group.removeMember");
    }

    @Test
    void theRequestIdOfTheChangeIsTheRequestsOwn() {
        var response = send("POST", "/api/v1/projects", Map.of("name", "traced"));
        assertThat(response.statusCode()).isEqualTo(201);
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(events)
                .singleElement()
                .extracting(Event.AdminChanged::requestId)
                .isEqualTo(requestId);
    }

    @Test
    void refusedAndInvalidChangesAreNotEvents() {
        send("POST", "/api/v1/projects", Map.of("name", "twice"));
        events.clear();
        assertThat(send("POST", "/api/v1/projects", Map.of("name", "twice")).statusCode())
                .isEqualTo(409);
        assertThat(send("POST", "/api/v1/roles", Map.of("name", "admin", "actions", List.of("pull")))
                        .statusCode())
                .isEqualTo(400);
        var anonymous = RegistryHttp.anonymous(server).post("/api/v1/projects", bytes(Map.of("name", "sneaky")));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(events).isEmpty();
    }
}
