package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.basic;
import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token signing-key rotation on the running server: on schedule (driven by the server's clock), on an
 * admin's request, and with revocation of every older key; the JWKS and the admin listing follow.
 */
class SigningKeysApiTest {
    @TempDir
    Path dataDir;

    final TestClock clock = new TestClock();

    static String token(TestServer server) throws Exception {
        var answer = RegistryHttp.asAdmin(server).get("/token?service=gatehouse&scope=registry:catalog:*");
        assertThat(answer.statusCode()).isEqualTo(200);
        return json(answer).path("token").asText();
    }

    static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    static int catalog(TestServer server, String token) {
        return RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + token)
                .get("/v2/_catalog")
                .statusCode();
    }

    static List<String> listed(HttpResponse<byte[]> response) {
        List<String> ids = new ArrayList<>();
        for (JsonNode key : json(response).path("keys")) {
            ids.add(key.path("keyId").asText() + (key.path("signing").asBoolean() ? "*" : ""));
        }
        return ids;
    }

    static List<String> published(TestServer server) {
        List<String> ids = new ArrayList<>();
        var jwks = RegistryHttp.anonymous(server).get("/token/jwks");
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(new String(jwks.body(), StandardCharsets.UTF_8)).doesNotContain("\"d\"");
        for (JsonNode key : json(jwks).path("keys")) {
            ids.add(key.path("kid").asText());
        }
        return ids;
    }

    @Test
    void keyRotatesOnScheduleAndTheOldOneVerifiesUntilItsTokensExpire() throws Exception {
        try (var server = TestServer.start(dataDir, Map.of("auth.protection.signingKeyRotation", "1h"), clock)) {
            clock.advance(Duration.ofMinutes(59));
            String old = token(server);
            clock.advance(Duration.ofMinutes(1));
            String fresh = token(server);

            assertThat(kid(fresh)).isNotEqualTo(kid(old));
            assertThat(catalog(server, old)).as("the old key still verifies").isEqualTo(200);
            assertThat(catalog(server, fresh)).isEqualTo(200);
            assertThat(published(server)).containsExactly(kid(old), kid(fresh));

            // TTL 5m + skew 30s + refresh interval 30s after the new key appeared, the old one is gone.
            clock.advance(Duration.ofMinutes(6));
            assertThat(catalog(server, old)).isEqualTo(401);
            assertThat(published(server)).containsExactly(kid(fresh));
            assertThat(server.server().metadata().signingKeys().all()).hasSize(1);
        }
    }

    @Test
    void adminRotatesNowAndMayRevokeEveryOlderKey() throws Exception {
        try (var server = TestServer.start(dataDir, Map.of(), clock)) {
            var admin = RegistryHttp.asAdmin(server);
            var before = admin.get("/api/v1/system/signing-keys");
            assertThat(before.statusCode()).isEqualTo(200);
            String first = token(server);
            assertThat(listed(before)).containsExactly(kid(first) + "*");

            var rotated = admin.post("/api/v1/system/signing-keys/rotate", new byte[0]);
            assertThat(rotated.statusCode()).isEqualTo(200);
            String second = json(rotated).path("signingKey").path("keyId").asText();
            assertThat(listed(rotated)).containsExactly(kid(first), second + "*");
            assertThat(new String(rotated.body(), StandardCharsets.UTF_8)).doesNotContain("\"d\"");
            String secondToken = token(server);
            assertThat(kid(secondToken)).isEqualTo(second);
            assertThat(catalog(server, first))
                    .as("a plain rotation keeps old tokens")
                    .isEqualTo(200);

            var revoked = admin.post(
                    "/api/v1/system/signing-keys/rotate", "{\"revokeOthers\":true}".getBytes(StandardCharsets.UTF_8));
            assertThat(revoked.statusCode()).isEqualTo(200);
            String third = json(revoked).path("signingKey").path("keyId").asText();
            assertThat(json(revoked).path("revokedOthers").asBoolean()).isTrue();
            assertThat(listed(revoked)).containsExactly(third + "*");
            assertThat(catalog(server, first)).isEqualTo(401);
            assertThat(catalog(server, secondToken)).isEqualTo(401);
            assertThat(catalog(server, token(server))).isEqualTo(200);
            assertThat(published(server)).containsExactly(third);
        }
    }

    @Test
    void onlyASystemAdminManagesKeysAndBadBodiesAreClearErrors() throws Exception {
        try (var server = TestServer.start(dataDir, Map.of(), clock)) {
            var admin = RegistryHttp.asAdmin(server);
            assertThat(admin.post(
                                    "/api/v1/users",
                                    "{\"name\":\"alice\",\"password\":\"alice-long-password\"}"
                                            .getBytes(StandardCharsets.UTF_8))
                            .statusCode())
                    .isEqualTo(201);
            var alice = RegistryHttp.anonymous(server).withAuthorization(basic("alice", "alice-long-password"));

            var denied = alice.post("/api/v1/system/signing-keys/rotate", new byte[0]);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(errorCode(denied)).isEqualTo("DENIED");
            assertThat(alice.get("/api/v1/system/signing-keys").statusCode()).isEqualTo(403);
            var anonymous = RegistryHttp.anonymous(server).post("/api/v1/system/signing-keys/rotate", new byte[0]);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(server.server().metadata().signingKeys().all()).hasSize(1);

            for (String body : List.of("{\"revokeOthers\":\"yes\"}", "[true]", "{nope")) {
                var bad = admin.post("/api/v1/system/signing-keys/rotate", body.getBytes(StandardCharsets.UTF_8));
                assertThat(bad.statusCode()).as(body).isEqualTo(400);
                assertThat(json(bad).path("errors").path(0).path("message").asText())
                        .isNotBlank();
            }
            assertThat(server.server().metadata().signingKeys().all()).hasSize(1);
        }
    }
}
