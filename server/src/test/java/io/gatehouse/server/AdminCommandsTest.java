package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin CLI against a real server, as an operator would use it: projects, users, role grants and robots,
 * then what those grants allow over the registry API. Every command goes through the admin REST API.
 */
class AdminCommandsTest {
    @TempDir
    static Path dataDir;

    static TestServer server;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        assertThat(admin("project", "create", "teama").exit()).isZero();
        assertThat(admin("project", "create", "teamb").exit()).isZero();
        assertThat(cli(
                                "admin",
                                TestServer.ADMIN_PASSWORD,
                                "alice-password-1",
                                "user",
                                "create",
                                "alice",
                                "--password-stdin")
                        .exit())
                .isZero();
        assertThat(admin("role", "grant", "writer", "--project", "teama", "--user", "alice")
                        .out())
                .contains("granted writer on project:teama");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Run admin(String... args) {
        return cli("admin", TestServer.ADMIN_PASSWORD, null, args);
    }

    static Run cli(String user, String password, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", server.baseUri().toString(), "--username", user, "--password", password));
        var out = new StringWriter();
        var err = new StringWriter();
        InputStream saved = System.in;
        try {
            if (stdin != null) {
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            var cmd = new CommandLine(new Main());
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            int exit = cmd.execute(all.toArray(String[]::new));
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setIn(saved);
        }
    }

    static RegistryHttp as(String user, String password) {
        return RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic(user, password));
    }

    static int push(RegistryHttp http, String repo, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(bytes), bytes)
                .statusCode();
    }

    @Test
    void aWriterPushesInItsProjectOnly() {
        var alice = as("alice", "alice-password-1");
        assertThat(push(alice, "teama/app", "from alice")).isEqualTo(201);
        assertThat(push(alice, "teamb/app", "from alice")).isEqualTo(403);
    }

    @Test
    void aPushOnlyRobotPushesButCannotPullOrDeleteAndStopsWhenRevoked() throws Exception {
        Run created =
                admin("robot", "create", "ci", "--project", "teama", "--actions", "push", "--expires", "30d", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        var answer = json(created.out());
        String name = answer.path("name").asText();
        String secret = answer.path("secret").asText();
        assertThat(name).isEqualTo("robot$teama+ci");
        assertThat(answer.path("expiresAt").asText()).isNotEmpty();

        var robot = as(name, secret);
        assertThat(push(robot, "teama/app", "from ci")).isEqualTo(201);
        String blob = "/v2/teama/app/blobs/" + Digest.sha256("from ci".getBytes(StandardCharsets.UTF_8));
        var pull = robot.get(blob);
        assertThat(pull.statusCode()).isEqualTo(403);
        assertThat(json(pull.body()).path("errors").path(0).path("message").asText())
                .contains("may not pull");
        assertThat(robot.delete(blob).statusCode()).isEqualTo(403);
        assertThat(robot.head(blob).statusCode())
                .as("push clients ask whether a layer exists before uploading it")
                .isEqualTo(200);
        assertThat(push(robot, "teamb/app", "elsewhere")).isEqualTo(403);
        assertThat(as(name, secret + "x").get("/v2/").statusCode()).isEqualTo(401);

        var token = json(robot.get("/token?service=gatehouse&scope=repository:teama/app:pull,push")
                .body());
        var bearer = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + token.path("token").asText());
        assertThat(push(bearer, "teama/app", "via token"))
                .as("the token carries the robot's push")
                .isEqualTo(201);
        assertThat(bearer.get(blob).statusCode())
                .as("and not the pull it was refused")
                .isEqualTo(401);

        assertThat(admin("robot", "revoke", name, "--project", "teama").exit()).isZero();
        assertThat(push(robot, "teama/app", "after revocation"))
                .as("a revoked secret is a failed login, not a refused one")
                .isEqualTo(401);
    }

    @Test
    void onlyAdminsManage() {
        Run refused = cli("alice", "alice-password-1", null, "project", "create", "mine");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("only a system admin");
        Run grant = cli(
                "alice", "alice-password-1", null, "role", "grant", "admin", "--project", "teama", "--user", "alice");
        assertThat(grant.exit()).isEqualTo(1);
        assertThat(grant.err()).contains("no role grants manage on project:teama");
    }

    @Test
    void projectUpdateValidatesNetworks() {
        Run ok = admin("project", "update", "teamb", "--allow-cidr", "10.0.0.0/8,fd00::/8", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(json(ok.out()).path("allowedCidrs").toString()).isEqualTo("[\"10.0.0.0/8\",\"fd00::/8\"]");
        Run bad = admin("project", "update", "teamb", "--allow-cidr", "10.0.0.0/33");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("not a CIDR network");
        Run dns = admin("project", "update", "teamb", "--allow-cidr", "example.com/8");
        assertThat(dns.err()).contains("not a CIDR network");
    }

    @Test
    void mistakesAreClearErrors() {
        assertThat(admin("project", "create", "teama").err()).contains("exists");
        assertThat(admin("role", "grant", "overlord", "--project", "teama", "--user", "alice")
                        .err())
                .contains("unknown role");
        assertThat(admin("role", "grant", "reader", "--project", "nope", "--user", "alice")
                        .err())
                .contains("not found");
        assertThat(admin("role", "grant", "reader", "--project", "teama", "--user", "nobody")
                        .err())
                .contains("unknown user");
        assertThat(cli("admin", TestServer.ADMIN_PASSWORD, "short", "user", "create", "bob", "--password-stdin")
                        .err())
                .contains("at least 12");
        assertThat(admin("robot", "create", "x", "--project", "teama", "--actions", "fly")
                        .err())
                .contains("unknown action");
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(byte[] body) {
        return json(new String(body, StandardCharsets.UTF_8));
    }
}
