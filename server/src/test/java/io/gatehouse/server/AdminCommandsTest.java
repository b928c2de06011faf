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
    void keysAreListedAndRotatedFromTheCommandLine() throws Exception {
        Run before = admin("keys", "list");
        assertThat(before.exit()).as(before.err()).isZero();
        assertThat(before.out()).contains("signing").doesNotContain("\"d\"");

        Run rotated = admin("keys", "rotate", "--json");
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        String newKey = json(rotated.out()).path("signingKey").path("keyId").asText();
        Run after = admin("keys", "list");
        assertThat(after.out()).contains(newKey + "  created").contains("verifying only");

        Run revoked = admin("keys", "rotate", "--revoke-others");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).startsWith("now signing with ").contains("(all other keys revoked)");
        assertThat(admin("keys", "list").out()).doesNotContain("verifying only");

        Run refused = cli("alice", "alice-password-1", null, "keys", "rotate");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("only a system admin");
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
    void projectUpdateSetsExpectedNetworksWhichOnlyAlert() {
        Run ok = admin("project", "update", "teama", "--expected-cidr", "10.20.0.0/16,fd00:30::/32", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(json(ok.out()).path("expectedCidrs").toString()).isEqualTo("[\"10.20.0.0/16\",\"fd00:30::/32\"]");
        assertThat(json(ok.out()).path("allowedCidrs").toString())
                .as("untouched")
                .isEqualTo("[]");
        assertThat(admin("project", "list").out()).contains("teama expect 10.20.0.0/16,fd00:30::/32");
        Run bad = admin("project", "update", "teama", "--expected-cidr", "10.0.0.0/33");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("not a CIDR network");
        Run cleared = admin("project", "update", "teama", "--expected-cidr", "", "--json");
        assertThat(cleared.exit()).as(cleared.err()).isZero();
        assertThat(json(cleared.out()).path("expectedCidrs").toString()).isEqualTo("[]");
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

    @Test
    void listingsShowUsersProjectsBindingsAndRobots() {
        assertThat(admin("user", "list").out()).contains("admin").contains("alice");
        assertThat(admin("project", "list").out()).contains("teama").contains("teamb");
        assertThat(admin("role", "bindings", "--project", "teama").out())
                .contains("writer user:alice on project:teama");
        assertThat(admin("robot", "create", "lister", "--project", "teamb", "--actions", "pull")
                        .exit())
                .isZero();
        Run robots = admin("robot", "list", "--project", "teamb");
        assertThat(robots.out()).contains("robot$teamb+lister pull last used never");
        Run robotsJson = admin("robot", "list", "--project", "teamb", "--json");
        assertThat(json(robotsJson.out()).path("robots").toString())
                .contains("\"name\":\"robot$teamb+lister\"")
                .doesNotContain("secret");
        assertThat(admin("robot", "list", "--project", "nope").err()).contains("project nope not found");
        assertThat(cli("alice", "alice-password-1", null, "user", "list").err()).contains("only a system admin");
    }

    @Test
    void aCustomRoleIsDefinedGrantedAndRevoked() {
        Run defined = admin("role", "define", "promoter", "--actions", "pull,push");
        assertThat(defined.exit()).as(defined.err()).isZero();
        assertThat(defined.out()).contains("defined role promoter: pull,push");
        assertThat(admin("role", "list").out())
                .contains("reader: pull (built in)")
                .contains("promoter: pull,push");
        assertThat(admin("role", "define", "writer", "--actions", "pull").err()).contains("built in");
        assertThat(admin("role", "define", "promoter", "--actions", "pull").err())
                .contains("exists");
        assertThat(admin("role", "define", "flyer", "--actions", "fly").err()).contains("unknown action fly");

        assertThat(admin("project", "create", "teamc").exit()).isZero();
        assertThat(cli(
                                "admin",
                                TestServer.ADMIN_PASSWORD,
                                "carol-password-1",
                                "user",
                                "create",
                                "carol",
                                "--password-stdin")
                        .exit())
                .isZero();
        assertThat(admin(
                                "role",
                                "grant",
                                "promoter",
                                "--project",
                                "teamc",
                                "--repository",
                                "releases",
                                "--user",
                                "carol")
                        .out())
                .contains("granted promoter on repository:teamc/releases");
        var carol = as("carol", "carol-password-1");
        assertThat(push(carol, "teamc/releases", "by carol")).isEqualTo(201);

        Run revoked = admin(
                "role", "revoke", "promoter", "--project", "teamc", "--repository", "releases", "--user", "carol");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked promoter from user carol");
        assertThat(push(carol, "teamc/releases", "after revoke")).isEqualTo(403);
        assertThat(admin(
                                "role",
                                "revoke",
                                "promoter",
                                "--project",
                                "teamc",
                                "--repository",
                                "releases",
                                "--user",
                                "carol")
                        .err())
                .contains("no binding");
    }

    @Test
    void aRobotBindingIsRevokedByItsLoginName() {
        Run created = admin("robot", "create", "bound", "--project", "teama", "--actions", "pull", "--json");
        String name = json(created.out()).path("name").asText();
        assertThat(admin("role", "grant", "reader", "--project", "teama", "--robot", name)
                        .exit())
                .isZero();
        assertThat(admin("role", "bindings", "--project", "teama").out()).contains("reader robot:" + name);
        Run revoked = admin("role", "revoke", "reader", "--project", "teama", "--robot", name);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(admin("role", "bindings", "--project", "teama").out()).doesNotContain("robot:" + name);
    }

    @Test
    void aDenyRuleForProductionDeletesFollowsTheLabel() {
        var alice = as("alice", "alice-password-1");
        assertThat(push(alice, "teama/api", "api layer")).isEqualTo(201);
        String blob = "/v2/teama/api/blobs/" + Digest.sha256("api layer".getBytes(StandardCharsets.UTF_8));

        Run labelled = admin("repository", "label", "teama/api", "env=production", "tier=1");
        assertThat(labelled.exit()).as(labelled.err()).isZero();
        assertThat(labelled.out()).contains("teama/api: env=production,tier=1");
        assertThat(admin("repository", "labels", "teama/api").out()).contains("env=production");

        Run added = admin(
                "deny",
                "add",
                "--id",
                "no-prod-deletes",
                "--actions",
                "delete",
                "--label",
                "env=production",
                "--exempt-group",
                "release");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out())
                .contains(
                        "added deny rule no-prod-deletes: refuses delete on ** labelled env=production except group:release");
        assertThat(admin("deny", "list").out()).contains("no-prod-deletes");
        assertThat(RegistryHttp.asAdmin(server).delete(blob).statusCode())
                .as("even the system admin")
                .isEqualTo(403);

        assertThat(admin("group", "add-member", "release", "--user", "admin").out())
                .contains("added admin to group release");
        assertThat(admin("group", "add-member", "release", "--user", "admin").err())
                .contains("already in group release");
        assertThat(RegistryHttp.asAdmin(server).delete(blob).statusCode())
                .as("the release group is exempt")
                .isEqualTo(202);
        assertThat(admin("group", "remove-member", "release", "--user", "admin").out())
                .contains("removed admin from group release");
        assertThat(admin("group", "remove-member", "release", "--user", "admin").err())
                .contains("not in group");

        assertThat(admin("deny", "remove", "no-prod-deletes").out()).contains("removed deny rule no-prod-deletes");
        assertThat(admin("deny", "remove", "no-prod-deletes").err()).contains("no deny rule");
        assertThat(admin("repository", "label", "teama/api", "--clear").out()).contains("(no labels)");
    }

    @Test
    void projectDenyRulesAndLabelMistakes() {
        Run added = admin(
                "deny",
                "add",
                "--project",
                "teamb",
                "--id",
                "frozen",
                "--actions",
                "push",
                "--repository",
                "teamb/frozen");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("teamb/frozen: refuses push on teamb/frozen");
        assertThat(admin("deny", "list", "--project", "teamb").out()).contains("frozen");
        assertThat(admin(
                                "deny",
                                "add",
                                "--project",
                                "teamb",
                                "--id",
                                "escape",
                                "--actions",
                                "push",
                                "--repository",
                                "teama/**")
                        .err())
                .contains("start with teamb/");
        assertThat(admin("deny", "add", "--id", "bad", "--actions", "push", "--label", "Env!=x")
                        .err())
                .contains("label key");
        assertThat(admin("deny", "remove", "frozen", "--project", "teamb").exit())
                .isZero();

        assertThat(admin("repository", "label", "teama/api", "env").err()).contains("KEY=VALUE");
        assertThat(admin("repository", "label", "teama/api").err()).contains("--clear");
        assertThat(admin("repository", "label", "nope/api", "env=x").err()).contains("project nope not found");
        assertThat(cli("alice", "alice-password-1", null, "repository", "label", "teama/api", "env=dev")
                        .err())
                .contains("only a system admin");
        assertThat(admin("group", "add-member", "release", "--user", "nobody").err())
                .contains("unknown user nobody");
    }

    @Test
    void projectUpdateSetsThePullPolicyAndRefusesBadInput() {
        Run set = admin("project", "update", "teama", "--block-severity", "high", "--block-unscanned");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("project teama: pulls blocked at severity high, and of unscanned images");
        var policy = json(RegistryHttp.asAdmin(server)
                .get("/api/v1/projects/teama/scan-policy")
                .body());
        assertThat(policy.path("blockSeverity").asText()).isEqualTo("high");
        assertThat(policy.path("blockUnscanned").asBoolean()).isTrue();

        Run relaxed = admin("project", "update", "teama", "--no-block-unscanned", "--public");
        assertThat(relaxed.exit()).as(relaxed.err()).isZero();
        assertThat(relaxed.out()).contains("updated project teama").contains("severity high; unscanned images allowed");
        assertThat(admin("project", "update", "teama", "--block-severity", "none", "--no-public")
                        .exit())
                .isZero();

        Run bad = admin("project", "update", "teama", "--block-severity", "severe");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err())
                .contains("gatehouse: block severity must be one of critical, high, medium, low, none; got 'severe'");
        assertThat(admin("project", "update", "nosuch", "--block-severity", "low")
                        .err())
                .contains("project nosuch not found");
        Run writer = cli("alice", "alice-password-1", null, "project", "update", "teama", "--block-severity", "low");
        assertThat(writer.exit()).isEqualTo(1);
        assertThat(writer.err()).startsWith("gatehouse: ");
    }

    @Test
    void cveAllowListAndRevokeOnAProjectAndTheSystemListShowingExpiredEntries() {
        Run allowed = admin(
                "cve",
                "allow",
                "CVE-2023-45853",
                "--reason",
                "minizip not built",
                "--expires",
                "30d",
                "--project",
                "teama");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("allowed CVE-2023-45853 on the allowlist of project teama until 20");
        server.server()
                .metadata()
                .scanPolicies()
                .putAllowlistEntry(new io.gatehouse.core.scan.CveAllowlistEntry(
                        java.util.Optional.of("teama"),
                        "GHSA-old",
                        "was fine last year",
                        java.time.Instant.parse("2025-01-01T00:00:00Z"),
                        "admin",
                        java.time.Instant.parse("2024-01-01T00:00:00Z")));

        Run list = admin("cve", "list", "--project", "teama");
        assertThat(list.out())
                .contains("CVE-2023-45853  until 20")
                .contains("by admin: minizip not built")
                .contains("GHSA-old  EXPIRED 2025-01-01T00:00:00Z  by admin: was fine last year");
        assertThat(admin("cve", "list").out()).isEqualToIgnoringNewLines("(none)");

        Run system = admin("cve", "allow", "CVE-2024-1", "--reason", "accepted", "--expires", "2030-01-01");
        assertThat(system.out()).contains("allowed CVE-2024-1 on the system allowlist until 2030-01-01T00:00:00Z");
        Run notAdmin = cli(
                "alice", "alice-password-1", null, "cve", "allow", "CVE-2024-2", "--reason", "x", "--expires", "1d");
        assertThat(notAdmin.exit()).isEqualTo(1);
        Run badExpiry = admin("cve", "allow", "CVE-2024-3", "--reason", "x", "--expires", "tomorrow");
        assertThat(badExpiry.err()).contains("expiry 'tomorrow' is neither a duration");

        assertThat(admin("cve", "revoke", "cve-2023-45853", "--project", "teama")
                        .out())
                .contains("revoked cve-2023-45853 from the allowlist of project teama");
        assertThat(admin("cve", "revoke", "CVE-2023-45853", "--project", "teama")
                        .err())
                .contains("CVE-2023-45853 is not on the allowlist of project teama");
        assertThat(admin("cve", "revoke", "CVE-2024-1").exit()).isZero();
        assertThat(admin("cve", "revoke", "GHSA-old", "--project", "teama").exit())
                .isZero();
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
