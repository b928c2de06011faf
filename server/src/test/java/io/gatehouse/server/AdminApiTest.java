package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's newer routes over HTTP against a real server: each success, each refusal (401, 403) and
 * each input error (400, 404, 409) with the error body a client reads. alice administers project teama
 * only; bob has no roles until a test gives him one.
 */
class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp admin;
    static RegistryHttp alice;
    static RegistryHttp bob;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        admin = RegistryHttp.asAdmin(server);
        alice = as("alice");
        bob = as("bob");
        for (String project : new String[] {"teama", "teamb", "teamc"}) {
            expect(post(admin, "/api/v1/projects", Map.of("name", project)), 201);
        }
        for (String user : new String[] {"alice", "bob"}) {
            expect(post(admin, "/api/v1/users", Map.of("name", user, "password", user + "-password-1")), 201);
        }
        expect(post(admin, "/api/v1/projects/teama/bindings", Map.of("role", "admin", "user", "alice")), 201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RegistryHttp as(String user) {
        return RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic(user, user + "-password-1"));
    }

    static HttpResponse<byte[]> post(RegistryHttp http, String path, Object body) {
        return http.post(path, bytes(body));
    }

    static HttpResponse<byte[]> put(RegistryHttp http, String path, Object body) {
        return http.put(path, bytes(body), Map.of());
    }

    static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts the status and returns the body as JSON (an empty object for an empty body). */
    static JsonNode expect(HttpResponse<byte[]> response, int status) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(status);
        return text.isEmpty() ? JSON.createObjectNode() : json(response);
    }

    /** Asserts an error status and returns its message, from the API's error body. */
    static String error(HttpResponse<byte[]> response, int status) {
        JsonNode body = expect(response, status);
        assertThat(body.path("errors").path(0).path("code").asText()).isNotEmpty();
        return body.path("errors").path(0).path("message").asText();
    }

    static int pushBlob(RegistryHttp http, String repo, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(bytes), bytes)
                .statusCode();
    }

    static String blob(String repo, String content) {
        return "/v2/" + repo + "/blobs/" + Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class Identity {
        @Test
        void meNamesTheCaller() {
            assertThat(expect(admin.get("/api/v1/users/me"), 200).toString())
                    .isEqualTo("{\"name\":\"admin\",\"kind\":\"user\"}");
            assertThat(expect(bob.get("/api/v1/users/me"), 200).path("name").asText())
                    .isEqualTo("bob");
        }

        @Test
        void meNeedsAValidCredential() {
            expect(RegistryHttp.anonymous(server).get("/api/v1/users/me"), 401);
            var wrong = RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic("bob", "wrong-password"));
            expect(wrong.get("/api/v1/users/me"), 401);
        }

        @Test
        void aRobotIsNamedAsARobot() {
            var robot = expect(
                    post(admin, "/api/v1/projects/teamc/robots", Map.of("name", "whoami", "actions", new String[] {
                        "pull"
                    })),
                    201);
            var asRobot = RegistryHttp.anonymous(server)
                    .withAuthorization(RegistryHttp.basic(
                            robot.path("name").asText(), robot.path("secret").asText()));
            assertThat(expect(asRobot.get("/api/v1/users/me"), 200).path("kind").asText())
                    .isEqualTo("robot");
        }
    }

    @Nested
    class Listings {
        @Test
        void usersAreListedWithoutPasswordHashes() {
            var body = expect(admin.get("/api/v1/users"), 200);
            assertThat(body.path("users").findValuesAsText("name")).contains("admin", "alice", "bob");
            assertThat(body.toString()).doesNotContain("argon2").doesNotContain("password");
            assertThat(error(alice.get("/api/v1/users"), 403)).contains("only a system admin");
            expect(RegistryHttp.anonymous(server).get("/api/v1/users"), 401);
        }

        @Test
        void projectsAreListedForSystemAdmins() {
            var body = expect(admin.get("/api/v1/projects"), 200);
            assertThat(body.path("projects").findValuesAsText("name")).contains("teama", "teamb", "teamc");
            expect(alice.get("/api/v1/projects"), 403);
        }

        @Test
        void aProjectAdminListsItsBindingsOnly() {
            var body = expect(alice.get("/api/v1/projects/teama/bindings"), 200);
            assertThat(body.path("bindings").toString())
                    .contains("{\"role\":\"admin\",\"scope\":\"project:teama\",\"user\":\"alice\"}");
            assertThat(error(alice.get("/api/v1/projects/teamb/bindings"), 403))
                    .contains("no role grants manage on project:teamb");
            assertThat(error(admin.get("/api/v1/projects/nope/bindings"), 404)).contains("project nope not found");
        }

        /** Review finding: a huge lifetime overflowed Instant arithmetic into a 500. */
        @Test
        void aRobotLifetimeBeyondTenYearsIsABadRequestNotA500() {
            assertThat(error(
                            post(
                                    alice,
                                    "/api/v1/projects/teama/robots",
                                    Map.of(
                                            "name",
                                            "forever",
                                            "actions",
                                            new String[] {"pull"},
                                            "expiresInSeconds",
                                            Long.MAX_VALUE)),
                            400))
                    .contains("at most 3650 days");
        }

        @Test
        void robotsShowStateButNeverSecrets() {
            var created = expect(
                    post(
                            alice,
                            "/api/v1/projects/teama/robots",
                            Map.of(
                                    "name",
                                    "lister",
                                    "actions",
                                    new String[] {"pull", "push"},
                                    "expiresInSeconds",
                                    3600)),
                    201);
            String name = created.path("name").asText();
            var asRobot = RegistryHttp.anonymous(server)
                    .withAuthorization(
                            RegistryHttp.basic(name, created.path("secret").asText()));
            assertThat(pushBlob(asRobot, "teama/robots", "robot content")).isEqualTo(201);

            var listed = expect(alice.get("/api/v1/projects/teama/robots"), 200).path("robots");
            JsonNode robot = null;
            for (JsonNode r : listed) {
                robot = r.path("name").asText().equals(name) ? r : robot;
            }
            assertThat(robot).as(listed.toString()).isNotNull();
            assertThat(robot.path("actions").toString()).isEqualTo("[\"pull\",\"push\"]");
            assertThat(robot.path("expiresAt").asText())
                    .isEqualTo(created.path("expiresAt").asText());
            assertThat(robot.path("revoked").asBoolean()).isFalse();
            assertThat(robot.path("expired").asBoolean()).isFalse();
            assertThat(robot.path("createdBy").asText()).isEqualTo("alice");
            assertThat(java.time.Instant.parse(robot.path("lastUsed").asText()))
                    .as("the robot's login above was recorded")
                    .isBetween(java.time.Instant.now().minusSeconds(120), java.time.Instant.now());
            assertThat(listed.toString())
                    .doesNotContain(created.path("secret").asText())
                    .doesNotContain("secret")
                    .doesNotContain("argon2");

            expect(alice.delete("/api/v1/projects/teama/robots/" + name), 204);
            var after = expect(alice.get("/api/v1/projects/teama/robots"), 200).path("robots");
            assertThat(after.findValuesAsText("name")).contains(name);
            for (JsonNode r : after) {
                if (r.path("name").asText().equals(name)) {
                    assertThat(r.path("revoked").asBoolean()).isTrue();
                }
            }
            expect(alice.get("/api/v1/projects/teamb/robots"), 403);
            expect(admin.get("/api/v1/projects/nope/robots"), 404);
        }
    }

    @Nested
    class Bindings {
        @Test
        void aBindingIsRevokedByNamingIt() {
            expect(
                    post(
                            alice,
                            "/api/v1/projects/teama/bindings",
                            Map.of("role", "writer", "repository", "teama/revoke", "user", "bob")),
                    201);
            assertThat(pushBlob(bob, "teama/revoke", "before")).isEqualTo(201);
            expect(alice.delete("/api/v1/projects/teama/bindings?role=writer&repository=teama/revoke&user=bob"), 204);
            assertThat(pushBlob(bob, "teama/revoke", "after")).isEqualTo(403);
            assertThat(error(
                            alice.delete(
                                    "/api/v1/projects/teama/bindings?role=writer&repository=teama/revoke&user=bob"),
                            404))
                    .contains("no binding of writer to user:bob on repository:teama/revoke");
        }

        @Test
        void revokeNeedsARoleAndExactlyOneSubject() {
            assertThat(error(alice.delete("/api/v1/projects/teama/bindings?user=bob"), 400))
                    .contains("role is required");
            assertThat(error(alice.delete("/api/v1/projects/teama/bindings?role=reader&user=bob&group=ops"), 400))
                    .contains("exactly one of user, group, robot");
            assertThat(error(alice.delete("/api/v1/projects/teama/bindings?role=overlord&user=bob"), 400))
                    .contains("unknown role overlord");
            expect(bob.delete("/api/v1/projects/teama/bindings?role=admin&user=alice"), 403);
        }

        @Test
        void aDuplicateGrantIsAConflict() {
            expect(post(alice, "/api/v1/projects/teama/bindings", Map.of("role", "reader", "group", "auditors")), 201);
            assertThat(error(
                            post(
                                    alice,
                                    "/api/v1/projects/teama/bindings",
                                    Map.of("role", "reader", "group", "auditors")),
                            409))
                    .contains("exists");
            assertThat(error(
                            post(
                                    alice,
                                    "/api/v1/projects/teama/bindings",
                                    Map.of("role", "reader", "group", "Bad Group")),
                            400))
                    .contains("names are");
        }
    }

    @Nested
    class CustomRoles {
        @Test
        void aCustomRoleIsDefinedListedAndUsableInBindings() {
            var role = expect(
                    post(admin, "/api/v1/roles", Map.of("name", "pusher", "actions", new String[] {"push"})), 201);
            assertThat(role.toString()).isEqualTo("{\"name\":\"pusher\",\"actions\":[\"push\"],\"builtIn\":false}");
            var roles = expect(admin.get("/api/v1/roles"), 200).path("roles");
            assertThat(roles.findValuesAsText("name")).containsSequence("reader", "writer", "deleter", "admin");
            assertThat(roles.findValuesAsText("name")).contains("pusher");

            expect(
                    post(
                            alice,
                            "/api/v1/projects/teama/bindings",
                            Map.of("role", "pusher", "user", "bob", "repository", "teama/pushed")),
                    201);
            assertThat(pushBlob(bob, "teama/pushed", "pushed by bob")).isEqualTo(201);
            assertThat(bob.get(blob("teama/pushed", "pushed by bob")).statusCode())
                    .as("the role grants push only")
                    .isEqualTo(403);
        }

        @Test
        void badRolesAreRefused() {
            assertThat(error(
                            post(admin, "/api/v1/roles", Map.of("name", "admin", "actions", new String[] {"pull"})),
                            400))
                    .contains("built in");
            assertThat(error(
                            post(admin, "/api/v1/roles", Map.of("name", "flyer", "actions", new String[] {"fly"})),
                            400))
                    .contains("unknown action fly");
            assertThat(error(
                            post(admin, "/api/v1/roles", Map.of("name", "lister", "actions", new String[] {"catalog"})),
                            400))
                    .contains("repository actions only");
            assertThat(error(post(admin, "/api/v1/roles", Map.of("name", "nothing", "actions", new String[] {})), 400))
                    .contains("at least one action");
            assertThat(error(
                            post(admin, "/api/v1/roles", Map.of("name", "Bad Name", "actions", new String[] {"pull"})),
                            400))
                    .contains("lowercase");
            assertThat(error(post(admin, "/api/v1/roles", Map.of("actions", new String[] {"pull"})), 400))
                    .contains("name is required");
            expect(post(admin, "/api/v1/roles", Map.of("name", "twice", "actions", new String[] {"pull"})), 201);
            assertThat(error(
                            post(admin, "/api/v1/roles", Map.of("name", "twice", "actions", new String[] {"push"})),
                            409))
                    .contains("role twice exists");
        }

        @Test
        void onlySystemAdminsDefineRoles() {
            assertThat(error(
                            post(alice, "/api/v1/roles", Map.of("name", "mine", "actions", new String[] {"pull"})),
                            403))
                    .contains("only a system admin");
            expect(alice.get("/api/v1/roles"), 403);
        }
    }

    @Nested
    class DenyRulesAndLabels {
        @Test
        void aLabelledDenyRuleStopsDeletesEvenForAdminsExceptTheExempt() {
            assertThat(pushBlob(admin, "teamb/prod", "prod layer")).isEqualTo(201);
            var labels = expect(
                    put(admin, "/api/v1/repositories/teamb/prod/labels", Map.of("labels", Map.of("env", "production"))),
                    200);
            assertThat(labels.toString())
                    .isEqualTo("{\"repository\":\"teamb/prod\",\"labels\":{\"env\":\"production\"}}");
            assertThat(expect(admin.get("/api/v1/repositories/teamb/prod/labels"), 200)
                            .path("labels")
                            .toString())
                    .isEqualTo("{\"env\":\"production\"}");

            var rule = expect(
                    post(
                            admin,
                            "/api/v1/deny-rules",
                            Map.of(
                                    "id",
                                    "no-prod-deletes",
                                    "actions",
                                    new String[] {"delete"},
                                    "labels",
                                    Map.of("env", "production"),
                                    "exempt",
                                    Map.of("users", new String[] {"releaser"}))),
                    201);
            assertThat(rule.toString())
                    .isEqualTo(
                            "{\"id\":\"no-prod-deletes\",\"project\":null,\"actions\":[\"delete\"],\"repository\":\"\","
                                    + "\"labels\":{\"env\":\"production\"},\"exempt\":{\"users\":[\"releaser\"],\"groups\":[],\"robots\":[]}}");
            var refused = admin.delete(blob("teamb/prod", "prod layer"));
            assertThat(error(refused, 403)).contains("deny rule no-prod-deletes refuses delete on teamb/prod");
            assertThat(expect(admin.get("/api/v1/deny-rules"), 200)
                            .path("denyRules")
                            .findValuesAsText("id"))
                    .contains("no-prod-deletes");
            assertThat(error(
                            post(admin, "/api/v1/deny-rules", Map.of("id", "no-prod-deletes", "actions", new String[] {
                                "push"
                            })),
                            409))
                    .contains("exists");

            expect(admin.delete("/api/v1/deny-rules/no-prod-deletes"), 204);
            assertThat(error(admin.delete("/api/v1/deny-rules/no-prod-deletes"), 404))
                    .contains("no deny rule");
            expect(admin.delete(blob("teamb/prod", "prod layer")), 202);
        }

        @Test
        void aRepositoryPatternRuleUsesGlobs() {
            expect(
                    post(
                            admin,
                            "/api/v1/deny-rules",
                            Map.of("id", "frozen", "actions", new String[] {"push"}, "repository", "teamc/frozen/**")),
                    201);
            assertThat(error(admin.post("/v2/teamc/frozen/x/blobs/uploads/", new byte[0]), 403))
                    .contains("deny rule frozen");
            assertThat(pushBlob(admin, "teamc/thawed", "ok")).isEqualTo(201);
            expect(admin.delete("/api/v1/deny-rules/frozen"), 204);
        }

        @Test
        void badDenyRulesAreRefused() {
            assertThat(error(
                            post(admin, "/api/v1/deny-rules", Map.of("id", "x", "actions", new String[] {"fly"})), 400))
                    .contains("unknown action fly");
            assertThat(error(
                            post(admin, "/api/v1/deny-rules", Map.of("id", "x", "actions", new String[] {"manage"})),
                            400))
                    .contains("some of pull, push, delete");
            assertThat(error(post(admin, "/api/v1/deny-rules", Map.of("id", "x", "actions", new String[] {})), 400))
                    .contains("some of pull, push, delete");
            assertThat(error(
                            post(admin, "/api/v1/deny-rules", Map.of("id", "Bad Id", "actions", new String[] {"push"})),
                            400))
                    .contains("deny rule ids");
            assertThat(error(
                            post(
                                    admin,
                                    "/api/v1/deny-rules",
                                    Map.of("id", "x", "actions", new String[] {"push"}, "labels", Map.of("Env!", "x"))),
                            400))
                    .contains("label key 'Env!'");
            assertThat(error(
                            post(
                                    admin,
                                    "/api/v1/deny-rules",
                                    Map.of(
                                            "id",
                                            "x",
                                            "actions",
                                            new String[] {"push"},
                                            "labels",
                                            Map.of("env", "a b"))),
                            400))
                    .contains("label value 'a b'");
            assertThat(error(
                            post(
                                    admin,
                                    "/api/v1/deny-rules",
                                    Map.of("id", "x", "actions", new String[] {"push"}, "repository", "Team A/**")),
                            400))
                    .contains("not a glob");
            assertThat(error(
                            post(
                                    admin,
                                    "/api/v1/deny-rules",
                                    Map.of(
                                            "id",
                                            "x",
                                            "actions",
                                            new String[] {"push"},
                                            "exempt",
                                            Map.of("robots", new String[] {"ci"}))),
                            400))
                    .contains("not a valid name: robot:ci");
            assertThat(error(
                            post(
                                    admin,
                                    "/api/v1/deny-rules",
                                    Map.of("id", "x", "actions", new String[] {"push"}, "exempt", "everyone")),
                            400))
                    .contains("exempt");
            assertThat(error(admin.post("/api/v1/deny-rules", "{not json".getBytes(StandardCharsets.UTF_8)), 400))
                    .contains("not valid JSON");
            assertThat(error(
                            post(alice, "/api/v1/deny-rules", Map.of("id", "x", "actions", new String[] {"push"})),
                            403))
                    .contains("only a system admin");
        }

        @Test
        void aProjectAdminKeepsDenyRulesInsideTheProject() {
            var rule = expect(
                    post(
                            alice,
                            "/api/v1/projects/teama/deny-rules",
                            Map.of("id", "locked", "actions", new String[] {"push"}, "repository", "teama/locked")),
                    201);
            assertThat(rule.path("id").asText()).isEqualTo("locked");
            assertThat(rule.path("project").asText()).isEqualTo("teama");
            assertThat(error(admin.post("/v2/teama/locked/blobs/uploads/", new byte[0]), 403))
                    .contains("deny rule teama/locked");

            var everything = expect(
                    post(
                            alice,
                            "/api/v1/projects/teama/deny-rules",
                            Map.of("id", "no-deletes", "actions", new String[] {"delete"})),
                    201);
            assertThat(everything.path("repository").asText())
                    .as("no pattern means the whole project")
                    .isEqualTo("teama/**");

            assertThat(error(
                            post(
                                    alice,
                                    "/api/v1/projects/teama/deny-rules",
                                    Map.of("id", "escape", "actions", new String[] {"push"}, "repository", "teamb/**")),
                            400))
                    .contains("start with teama/");
            assertThat(error(
                            post(
                                    alice,
                                    "/api/v1/projects/teama/deny-rules",
                                    Map.of("id", "locked", "actions", new String[] {"pull"})),
                            409))
                    .contains("exists");
            expect(
                    post(
                            admin,
                            "/api/v1/deny-rules",
                            Map.of(
                                    "id",
                                    "system-rule",
                                    "actions",
                                    new String[] {"delete"},
                                    "repository",
                                    "nothing/**")),
                    201);

            var listed =
                    expect(alice.get("/api/v1/projects/teama/deny-rules"), 200).path("denyRules");
            assertThat(listed.findValuesAsText("id")).containsExactlyInAnyOrder("locked", "no-deletes");
            expect(alice.get("/api/v1/deny-rules"), 403);
            assertThat(error(alice.delete("/api/v1/projects/teama/deny-rules/system-rule"), 404))
                    .contains("no deny rule system-rule");
            expect(alice.get("/api/v1/projects/teamb/deny-rules"), 403);
            expect(admin.get("/api/v1/projects/nope/deny-rules"), 404);

            expect(alice.delete("/api/v1/projects/teama/deny-rules/locked"), 204);
            expect(alice.delete("/api/v1/projects/teama/deny-rules/no-deletes"), 204);
            expect(admin.delete("/api/v1/deny-rules/system-rule"), 204);
            assertThat(pushBlob(admin, "teama/locked", "now open")).isEqualTo(201);
        }

        @Test
        void labelsAreValidatedAndSystemAdminOnly() {
            assertThat(error(
                            put(admin, "/api/v1/repositories/teama/api/labels", Map.of("labels", Map.of("Env!", "x"))),
                            400))
                    .contains("label key");
            assertThat(error(
                            put(admin, "/api/v1/repositories/teama/api/labels", Map.of("labels", "env=production")),
                            400))
                    .contains("labels is required");
            assertThat(error(
                            put(admin, "/api/v1/repositories/nope/api/labels", Map.of("labels", Map.of("env", "x"))),
                            404))
                    .contains("project nope not found");
            expect(admin.get("/api/v1/repositories/nope/api/labels"), 404);
            expect(admin.get("/api/v1/repositories/Bad..Name/labels"), 400);
            assertThat(error(put(alice, "/api/v1/repositories/teama/api/labels", Map.of("labels", Map.of())), 403))
                    .as("relabelling could lift a system deny rule")
                    .contains("only a system admin");
            var cleared = expect(put(admin, "/api/v1/repositories/teama/api/labels", Map.of("labels", Map.of())), 200);
            assertThat(cleared.path("labels").toString()).isEqualTo("{}");
        }
    }

    @Nested
    class Groups {
        @Test
        void groupMembersGetTheGroupsRoles() {
            expect(post(admin, "/api/v1/projects/teamc/bindings", Map.of("role", "writer", "group", "builders")), 201);
            assertThat(pushBlob(bob, "teamc/app", "by a builder")).isEqualTo(403);
            var added = expect(post(admin, "/api/v1/groups/builders/members", Map.of("user", "bob")), 201);
            assertThat(added.toString()).isEqualTo("{\"group\":\"builders\",\"user\":\"bob\"}");
            assertThat(pushBlob(bob, "teamc/app", "by a builder")).isEqualTo(201);
            assertThat(error(post(admin, "/api/v1/groups/builders/members", Map.of("user", "bob")), 409))
                    .contains("already in group builders");

            expect(admin.delete("/api/v1/groups/builders/members/bob"), 204);
            assertThat(pushBlob(bob, "teamc/app", "no longer a builder")).isEqualTo(403);
            assertThat(error(admin.delete("/api/v1/groups/builders/members/bob"), 404))
                    .contains("not in group");
        }

        @Test
        void membershipNeedsAKnownUserAndASystemAdmin() {
            assertThat(error(post(admin, "/api/v1/groups/builders/members", Map.of("user", "nobody")), 400))
                    .contains("unknown user nobody");
            assertThat(error(
                            post(admin, "/api/v1/groups/Bad Group/members".replace(" ", "%20"), Map.of("user", "bob")),
                            400))
                    .contains("names are");
            assertThat(error(post(admin, "/api/v1/groups/builders/members", Map.of()), 400))
                    .contains("user is required");
            expect(post(alice, "/api/v1/groups/builders/members", Map.of("user", "alice")), 403);
        }
    }
}
