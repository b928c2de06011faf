package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.basic;
import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestIdentityProvider;
import io.gatehouse.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on through the whole server and a real OIDC provider: login over HTTP, onboarding, the groups
 * claim deciding project access through group bindings, the admin group, and CLI secrets for registry clients.
 */
class SingleSignOnApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    static TestIdentityProvider idp;
    static TestServer server;
    static RegistryHttp admin;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdentityProvider();
        server = TestServer.start(dataDir, idp.serverSettings());
        admin = RegistryHttp.asAdmin(server);
        for (String project : List.of("teama", "teamb")) {
            assertThat(admin.post("/api/v1/projects", body(Map.of("name", project)))
                            .statusCode())
                    .isEqualTo(201);
        }
        var grant =
                admin.post("/api/v1/projects/teama/bindings", body(Map.of("role", "writer", "group", "team-a-devs")));
        assertThat(grant.statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.close();
    }

    static byte[] body(Object value) throws Exception {
        return JSON.writeValueAsBytes(value);
    }

    static JsonNode login(String subject, Map<String, Object> claims) throws Exception {
        HttpResponse<String> answer = idp.login(server.baseUri(), subject, claims);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).contains("no-store");
        return JSON.readTree(answer.body());
    }

    static String cliSecret(JsonNode loggedIn) {
        var created = new RegistryHttp(
                        server.baseUri(), "Bearer " + loggedIn.path("token").asText())
                .post("/api/v1/users/me/cli-secret", null);
        assertThat(created.statusCode())
                .as(new String(created.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        return json(created).path("secret").asText();
    }

    static RegistryHttp as(String user, String secret) {
        return RegistryHttp.anonymous(server).withAuthorization(basic(user, secret));
    }

    static int pushBlob(RegistryHttp http, String repo, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(bytes), bytes)
                .statusCode();
    }

    @Test
    void loginRedirectsToTheProviderWithStateNonceAndPkce() {
        var start = idp.get(server.baseUri().resolve("/api/v1/auth/oidc/login"));
        assertThat(start.statusCode()).isEqualTo(302);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .startsWith(idp.issuer())
                .contains(
                        "code_challenge_method=S256", "state=", "nonce=", "client_id=" + TestIdentityProvider.CLIENT_ID)
                .contains("redirect_uri="
                        + java.net.URLEncoder.encode(
                                server.baseUri() + "/api/v1/auth/oidc/callback", StandardCharsets.UTF_8));
    }

    @Test
    void aGroupMemberLogsInGetsACliSecretAndPushesWhereItsGroupMayWrite() throws Exception {
        var alice = login("sub-alice", Map.of("preferred_username", "alice", "groups", List.of("team-a-devs")));
        assertThat(alice.path("username").asText()).isEqualTo("alice");
        assertThat(alice.path("groups").get(0).asText()).isEqualTo("team-a-devs");
        assertThat(alice.path("admin").asBoolean()).isFalse();
        String secret = cliSecret(alice);

        var client = as("alice", secret);
        assertThat(client.get("/v2/").statusCode()).isEqualTo(200);
        assertThat(pushBlob(client, "teama/app", "alice's layer")).isEqualTo(201);
        var elsewhere = client.post("/v2/teamb/app/blobs/uploads/", null);
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(errorCode(elsewhere)).isEqualTo("DENIED");

        // docker and skopeo trade the basic credentials for a token first
        var token = client.get("/token?service=gatehouse&scope=repository:teama/app:pull,push");
        assertThat(token.statusCode()).isEqualTo(200);
        var bearer = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + json(token).path("token").asText());
        assertThat(pushBlob(bearer, "teama/app", "pushed with a token")).isEqualTo(201);
    }

    @Test
    void theLoginTokenOnlyProvesIdentity() throws Exception {
        var erin = login("sub-erin", Map.of("preferred_username", "erin", "groups", List.of("team-a-devs")));
        var bearer = new RegistryHttp(
                server.baseUri(), "Bearer " + erin.path("token").asText());
        var push = bearer.post("/v2/teama/app/blobs/uploads/", null);
        assertThat(push.statusCode()).isEqualTo(401);
        assertThat(push.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
    }

    /**
     * Review finding: the CLI-secret routes took any bearer token, so a stolen 5-minute registry token (from a
     * CI log, say) could be turned into a secret that never expires, or revoke the user's own.
     */
    @Test
    void aRegistryTokenCannotSetOrRevokeTheCliSecret() throws Exception {
        var gail = login("sub-gail", Map.of("preferred_username", "gail", "groups", List.of("team-a-devs")));
        String secret = cliSecret(gail);
        var token = as("gail", secret).get("/token?service=gatehouse&scope=repository:teama/app:pull");
        assertThat(token.statusCode()).isEqualTo(200);
        var stolen = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + json(token).path("token").asText());

        var create = stolen.post("/api/v1/users/me/cli-secret", null);
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(json(create).path("errors").path(0).path("message").asText()).contains("single sign-on login");
        assertThat(stolen.delete("/api/v1/users/me/cli-secret").statusCode()).isEqualTo(403);
        assertThat(as("gail", secret).get("/v2/").statusCode())
                .as("the secret is untouched")
                .isEqualTo(200);

        var loginToken = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + gail.path("token").asText());
        assertThat(loginToken
                        .get("/token?service=gatehouse&scope=repository:teama/app:pull")
                        .statusCode())
                .as("the login token does not mint registry tokens either")
                .isEqualTo(401);
    }

    @Test
    void aRevokedCliSecretStopsWorkingAtOnceAndANewOneReplacesTheOld() throws Exception {
        var frank = login("sub-frank", Map.of("preferred_username", "frank", "groups", List.of("team-a-devs")));
        String first = cliSecret(frank);
        String second = cliSecret(frank);
        assertThat(as("frank", first).get("/v2/").statusCode()).isEqualTo(401);
        assertThat(as("frank", second).get("/v2/").statusCode()).isEqualTo(200);

        assertThat(as("frank", second).delete("/api/v1/users/me/cli-secret").statusCode())
                .isEqualTo(204);
        var after = as("frank", second).get("/v2/");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(errorCode(after)).isEqualTo("UNAUTHORIZED");
        assertThat(as("frank", second).get("/token?service=gatehouse").statusCode())
                .isEqualTo(401);
    }

    @Test
    void membersOfTheAdminGroupAreSystemAdmins() throws Exception {
        var root = login(
                "sub-root",
                Map.of("preferred_username", "root-user", "groups", List.of(TestIdentityProvider.ADMIN_GROUP)));
        assertThat(root.path("admin").asBoolean()).isTrue();
        var asRoot = as("root-user", cliSecret(root));
        assertThat(asRoot.post("/api/v1/projects", body(Map.of("name", "rootmade")))
                        .statusCode())
                .isEqualTo(201);

        var grace = login("sub-grace", Map.of("preferred_username", "grace", "groups", List.of("team-a-devs")));
        var notAdmin = as("grace", cliSecret(grace)).post("/api/v1/projects", body(Map.of("name", "gracemade")));
        assertThat(notAdmin.statusCode()).isEqualTo(403);
    }

    @Test
    void leavingAGroupAtTheProviderTakesAwayItsAccessAtTheNextLogin() throws Exception {
        var henry = login("sub-henry", Map.of("preferred_username", "henry", "groups", List.of("team-a-devs")));
        var client = as("henry", cliSecret(henry));
        assertThat(pushBlob(client, "teama/app", "henry 1")).isEqualTo(201);

        login("sub-henry", Map.of("preferred_username", "henry", "groups", List.of("team-b-devs")));
        assertThat(pushBlob(client, "teama/app", "henry 2")).isEqualTo(403);
    }

    @Test
    void aReplayedOrTamperedCallbackIsRefused() throws Exception {
        idp.nextLogin("sub-ivan", Map.of("preferred_username", "ivan"));
        URI callback = idp.authorize(server.baseUri());
        var tampered = idp.get(URI.create(callback.toString().replaceAll("state=[^&]*", "state=forged")));
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(tampered.body())
                        .path("errors")
                        .path(0)
                        .path("message")
                        .asText())
                .contains("unknown, used or expired login");

        assertThat(idp.get(callback).statusCode()).isEqualTo(200);
        var replayed = idp.get(callback);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(replayed.body())
                        .path("errors")
                        .path(0)
                        .path("code")
                        .asText())
                .isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aLoginTheProviderRefusedIsAClearError() throws Exception {
        var refused = idp.get(server.baseUri().resolve("/api/v1/auth/oidc/callback?error=access_denied&state=x"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body())
                        .path("errors")
                        .path(0)
                        .path("message")
                        .asText())
                .isEqualTo("the identity provider refused the login: access_denied");
        var noCode = idp.get(server.baseUri().resolve("/api/v1/auth/oidc/callback"));
        assertThat(noCode.statusCode()).isEqualTo(401);
    }

    @Test
    void aLocalUserOfTheSameNameIsNotTakenOver() throws Exception {
        assertThat(admin.post("/api/v1/users", body(Map.of("name", "judy", "password", "judy-local-password")))
                        .statusCode())
                .isEqualTo(201);

        var answer = idp.login(
                server.baseUri(), "sub-judy", Map.of("preferred_username", "judy", "groups", List.of("team-a-devs")));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(answer.body())
                        .path("errors")
                        .path(0)
                        .path("message")
                        .asText())
                .contains("taken by another account");
        assertThat(as("judy", "judy-local-password").get("/v2/").statusCode()).isEqualTo(200);
        assertThat(server.server().metadata().access().groupsOf("judy")).isEmpty();
    }

    @Test
    void onlySignedInSingleSignOnUsersHaveCliSecrets() {
        var anonymous = RegistryHttp.anonymous(server).post("/api/v1/users/me/cli-secret", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        var local = admin.post("/api/v1/users/me/cli-secret", null);
        assertThat(local.statusCode()).isEqualTo(400);
        assertThat(json(local).path("errors").path(0).path("message").asText()).contains("single sign-on users");
    }

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        var cmd = new picocli.CommandLine(new Main());
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theCliCreatesAndRevokesTheSecretWithTheLoginToken() throws Exception {
        var lena = login("sub-lena", Map.of("preferred_username", "lena", "groups", List.of("team-a-devs")));
        String server = SingleSignOnApiTest.server.baseUri().toString();

        var created = cli(
                "user",
                "cli-secret",
                "--server",
                server,
                "--token",
                lena.path("token").asText());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).startsWith("username: lena\nsecret: ghcli_");
        String secret = created.out()
                .lines()
                .filter(l -> l.startsWith("secret: "))
                .findFirst()
                .orElseThrow()
                .substring("secret: ".length());
        assertThat(as("lena", secret).get("/v2/").statusCode()).isEqualTo(200);

        var revoked =
                cli("user", "cli-secret", "--revoke", "--server", server, "--username", "lena", "--password", secret);
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked your CLI secret");
        assertThat(as("lena", secret).get("/v2/").statusCode()).isEqualTo(401);

        var local = cli(
                "user",
                "cli-secret",
                "--server",
                server,
                "--username",
                "admin",
                "--password",
                TestServer.ADMIN_PASSWORD);
        assertThat(local.exit()).isEqualTo(1);
        assertThat(local.err()).contains("CLI secrets are for single sign-on users");
    }
}
