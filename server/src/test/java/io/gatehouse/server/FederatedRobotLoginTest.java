package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.AdminCli;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless CI login against two real OIDC issuers (mock-oauth2-server, in this JVM): a robot bound to the first
 * issuer logs in with that issuer's tokens, through Basic auth on {@code /token} and {@code /v2} as registry
 * clients do, and through {@code POST /api/v1/auth/exchange}; every other token is refused with the same 401.
 */
class FederatedRobotLoginTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROBOT = "robot$teama+ci";
    static final Map<String, Object> CI_CLAIMS =
            Map.of("repository", "org/app", "ref", "refs/heads/release-1.4", "sub", "repo:org/app");

    @TempDir
    static Path dataDir;

    static MockOAuth2Server ciIssuer;
    static MockOAuth2Server otherIssuer;
    static TestServer server;
    static RegistryHttp admin;

    @BeforeAll
    static void start() throws Exception {
        ciIssuer = new MockOAuth2Server();
        ciIssuer.start();
        otherIssuer = new MockOAuth2Server();
        otherIssuer.start();
        // The mock issuers run on this machine, which a production server refuses to fetch keys from.
        server = TestServer.start(dataDir, java.util.Map.of("federation.allowLoopbackIssuers", "true"));
        admin = RegistryHttp.asAdmin(server);
        assertThat(admin.post("/api/v1/projects", body(Map.of("name", "teama"))).statusCode())
                .isEqualTo(201);

        var created = cli(
                "robot",
                "create",
                "ci",
                "--project",
                "teama",
                "--actions",
                "push",
                "--issuer",
                issuer(),
                "--audience",
                "gatehouse",
                "--claim",
                "repository=org/app",
                "--claim",
                "ref=refs/heads/release-*");
        assertThat(created).startsWith("name: " + ROBOT + "\nsecret: none");

        createFederated("revoked", Map.of("repository", "org/app"));
        assertThat(admin.delete("/api/v1/projects/teama/robots/robot$teama+revoked")
                        .statusCode())
                .isEqualTo(204);
        var plain =
                admin.post("/api/v1/projects/teama/robots", body(Map.of("name", "plain", "actions", List.of("push"))));
        assertThat(json(plain).path("secret").asText()).isNotEmpty();
    }

    @AfterAll
    static void stop() {
        server.close();
        ciIssuer.shutdown();
        otherIssuer.shutdown();
    }

    static String issuer() {
        return ciIssuer.issuerUrl("ci").toString();
    }

    static byte[] body(Object value) throws Exception {
        return JSON.writeValueAsBytes(value);
    }

    static HttpResponse<byte[]> createFederated(String name, Map<String, String> claims) throws Exception {
        return admin.post(
                "/api/v1/projects/teama/robots",
                body(Map.of(
                        "name",
                        name,
                        "actions",
                        List.of("push"),
                        "federation",
                        Map.of("issuer", issuer(), "audience", "gatehouse", "claims", claims))));
    }

    static String cli(String... args) {
        var run = AdminCli.run(server, args);
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out();
    }

    static String ciToken() {
        return ciIssuer.issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS).serialize();
    }

    static RegistryHttp basic(String name, String password) {
        return RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic(name, password));
    }

    static HttpResponse<byte[]> registryToken(String name, String password) {
        return basic(name, password).get("/token?service=gatehouse&scope=repository:teama/app:pull,push");
    }

    static int push(RegistryHttp http, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return http.post("/v2/teama/app/blobs/uploads/?digest=" + Digest.sha256(bytes), bytes)
                .statusCode();
    }

    static JsonNode payload(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static void assertRefused(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("UNAUTHORIZED");
        assertThat(json(response).path("errors").path(0).path("message").asText())
                .isEqualTo("invalid username or password");
    }

    @Test
    void aTokenOfTheBoundIssuerBuysExactlyTheRobotsRightsAndPushes() throws Exception {
        var response = registryToken(ROBOT, ciToken());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        String token = json(response).path("token").asText();
        JsonNode claims = payload(token);
        assertThat(claims.path("sub").asText()).isEqualTo(ROBOT);
        assertThat(claims.path("access").toString())
                .as("requested pull,push; the robot may only push")
                .isEqualTo("[{\"type\":\"repository\",\"name\":\"teama/app\",\"actions\":[\"push\"]}]");

        var bearer = RegistryHttp.anonymous(server).withAuthorization("Bearer " + token);
        assertThat(push(bearer, "pushed with a federated token")).isEqualTo(201);
        assertThat(push(basic(ROBOT, ciToken()), "pushed with basic auth")).isEqualTo(201);
        assertThat(basic(ROBOT, ciToken())
                        .get("/v2/teama/app/blobs/" + Digest.sha256("x".getBytes(StandardCharsets.UTF_8)))
                        .statusCode())
                .as("a push-only robot cannot pull")
                .isEqualTo(403);
    }

    @Test
    void theExchangeEndpointTradesAnIssuerTokenForARegistryToken() throws Exception {
        var response = RegistryHttp.anonymous(server)
                .post(
                        "/api/v1/auth/exchange",
                        body(Map.of("robot", ROBOT, "token", ciToken(), "scope", "repository:teama/app:pull,push")));
        assertThat(response.statusCode()).isEqualTo(200);
        String token = json(response).path("token").asText();
        assertThat(payload(token).path("access").path(0).path("actions").toString())
                .isEqualTo("[\"push\"]");
        assertThat(push(RegistryHttp.anonymous(server).withAuthorization("Bearer " + token), "via exchange"))
                .isEqualTo(201);

        String foreign = otherIssuer
                .issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS)
                .serialize();
        for (var refused : List.of(
                Map.of("robot", ROBOT, "token", foreign),
                Map.of("robot", "robot$teama+plain", "token", ciToken()),
                Map.of("robot", "robot$teama+nobody", "token", ciToken()))) {
            var r = RegistryHttp.anonymous(server).post("/api/v1/auth/exchange", body(refused));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(json(r).path("errors").path(0).path("message").asText()).isEqualTo("invalid robot or token");
        }
        var malformed = RegistryHttp.anonymous(server).post("/api/v1/auth/exchange", "{\"robot\":1}".getBytes());
        assertThat(malformed.statusCode()).isEqualTo(400);
    }

    @Test
    void aTokenOfAnotherIssuerIsRefusedEvenWithIdenticalClaims() {
        String foreign = otherIssuer
                .issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS)
                .serialize();
        assertRefused(registryToken(ROBOT, foreign));
        assertThat(push(basic(ROBOT, foreign), "foreign")).isEqualTo(401);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        assertRefused(registryToken(
                ROBOT,
                ciIssuer.issueToken("ci", "repo:org/app", "someone-else", CI_CLAIMS)
                        .serialize()));
    }

    @Test
    void aTokenWhoseClaimsDoNotMatchIsRefused() {
        var otherRepo = Map.<String, Object>of("repository", "org/evil", "ref", "refs/heads/release-1.4");
        assertRefused(registryToken(
                ROBOT, ciIssuer.issueToken("ci", "x", "gatehouse", otherRepo).serialize()));
        var otherBranch = Map.<String, Object>of("repository", "org/app", "ref", "refs/heads/main");
        assertRefused(registryToken(
                ROBOT, ciIssuer.issueToken("ci", "x", "gatehouse", otherBranch).serialize()));
    }

    @Test
    void anExpiredTokenIsRefused() {
        assertRefused(registryToken(
                ROBOT,
                ciIssuer.issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS, -3600)
                        .serialize()));
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        var genuine = ciIssuer.issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS);
        var forgerKey =
                new RSAKeyGenerator(2048).keyID(genuine.getHeader().getKeyID()).generate();
        var forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(forgerKey.getKeyID())
                        .build(),
                genuine.getJWTClaimsSet());
        forged.sign(new RSASSASigner(forgerKey));
        assertRefused(registryToken(ROBOT, forged.serialize()));
    }

    @Test
    void aRevokedFederatedRobotCannotLogInAtAll() throws Exception {
        // Review finding: it used to get a token (granting nothing) and a 403; a dead robot is a 401.
        String token = ciIssuer.issueToken("ci", "repo:org/app", "gatehouse", CI_CLAIMS)
                .serialize();
        assertRefused(registryToken("robot$teama+revoked", token));
        assertThat(push(basic("robot$teama+revoked", token), "after revocation"))
                .isEqualTo(401);
    }

    /**
     * Review finding: issuers on this machine were fetched in production too, so a project admin could make
     * the server probe its loopback services. By default a loopback issuer's keys are never fetched.
     */
    @Test
    void aServerWithDefaultSettingsRefusesIssuersOnItsOwnLoopback(@TempDir Path otherData) throws Exception {
        try (var strict = TestServer.start(otherData)) {
            var strictAdmin = RegistryHttp.asAdmin(strict);
            assertThat(strictAdmin
                            .post("/api/v1/projects", body(Map.of("name", "teama")))
                            .statusCode())
                    .isEqualTo(201);
            var robot = strictAdmin.post(
                    "/api/v1/projects/teama/robots",
                    body(Map.of(
                            "name",
                            "ci",
                            "actions",
                            List.of("push"),
                            "federation",
                            Map.of("issuer", issuer(), "audience", "gatehouse", "claims", CI_CLAIMS))));
            assertThat(robot.statusCode()).isEqualTo(201);
            var login = RegistryHttp.anonymous(strict)
                    .withAuthorization(RegistryHttp.basic(ROBOT, ciToken()))
                    .get("/token?service=gatehouse&scope=repository:teama/app:push");
            assertRefused(login);
        }
    }

    @Test
    void aRobotWithASecretDoesNotAcceptAnIssuerToken() {
        assertRefused(registryToken("robot$teama+plain", ciToken()));
    }

    @Test
    void aFederatedRobotDoesNotAcceptAnythingButAToken() {
        assertRefused(registryToken(ROBOT, "random-string"));
        assertRefused(registryToken(ROBOT, ""));
        assertRefused(registryToken(ROBOT, "!"));
    }

    @Test
    void badBindingsAreRefusedWithTheApiError() throws Exception {
        var noClaims = createFederated("loose", Map.of());
        assertThat(noClaims.statusCode()).isEqualTo(400);
        assertThat(json(noClaims).path("errors").path(0).path("message").asText())
                .contains("at least one claim condition");
        var plainHttp = admin.post(
                "/api/v1/projects/teama/robots",
                body(Map.of(
                        "name",
                        "insecure",
                        "actions",
                        List.of("push"),
                        "federation",
                        Map.of("issuer", "http://issuer.example.com", "audience", "g", "claims", Map.of("a", "b")))));
        assertThat(plainHttp.statusCode()).isEqualTo(400);
        assertThat(json(plainHttp).path("errors").path(0).path("message").asText())
                .contains("https");
        assertThat(admin.post(
                                "/api/v1/projects/teama/robots",
                                "{\"name\":\"x\",\"actions\":[\"push\"],\"federation\":\"y\"}".getBytes())
                        .statusCode())
                .isEqualTo(400);
    }
}
