package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tampered bearer tokens sent to the running server in {@code Authorization: Bearer}: each is a 401 with the
 * OCI {@code UNAUTHORIZED} body and a Bearer challenge, never a 500 and never access. Forgeries that need
 * our private key (to show that a claim check, not the signature, refuses them) take it from the store, as
 * only an insider could.
 */
class TokenTamperingTest {
    @TempDir
    static Path dataDir;

    static final TestClock clock = new TestClock();
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir, Map.of(), clock);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A real token for the admin, good for the catalog. */
    static String realToken() {
        var answer = RegistryHttp.asAdmin(server).get("/token?service=gatehouse&scope=registry:catalog:*");
        assertThat(answer.statusCode()).isEqualTo(200);
        return json(answer).path("token").asText();
    }

    static HttpResponse<byte[]> catalogWith(String token) {
        return RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + token)
                .get("/v2/_catalog");
    }

    static void assertRefused(String token) {
        var response = catalogWith(token);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(errorCode(response)).isEqualTo("UNAUTHORIZED");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("Exception");
    }

    static ECKey ourKey() throws Exception {
        var keys = server.server().metadata().signingKeys().all();
        return ECKey.parse(keys.getLast().privateJwk());
    }

    static JWTClaimsSet.Builder validClaims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer("gatehouse")
                .audience("gatehouse")
                .subject("admin")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID("forged-" + now.toEpochMilli())
                .claim("access", List.of(Map.of("type", "registry", "name", "catalog", "actions", List.of("*"))));
    }

    static String sign(ECKey key, String kid, UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
        var header = new JWSHeader.Builder(JWSAlgorithm.ES256);
        if (kid != null) {
            header.keyID(kid);
        }
        SignedJWT jwt = new SignedJWT(header.build(), edit.apply(validClaims()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    @Test
    void theRealTokenAndAFaithfulForgeryWork() throws Exception {
        assertThat(catalogWith(realToken()).statusCode()).isEqualTo(200);
        ECKey key = ourKey();
        assertThat(catalogWith(sign(key, key.getKeyID(), b -> b)).statusCode())
                .as("the forging helper itself is sound, so each refusal below is for its one defect")
                .isEqualTo(200);
    }

    @Test
    void algNoneIsRefused() {
        String[] parts = realToken().split("\\.");
        String none = b64("{\"alg\":\"none\",\"kid\":\"" + ourKeyId() + "\"}");
        assertRefused(none + "." + parts[1] + ".");
        assertRefused(none + "." + parts[1] + "." + parts[2]);
    }

    @Test
    void hs256KeyedWithThePublishedPublicKeyIsRefused() throws Exception {
        var jwks = RegistryHttp.anonymous(server).get("/token/jwks");
        assertThat(jwks.statusCode()).isEqualTo(200);
        ECKey published = ECKey.parse(json(jwks).path("keys").path(0).toString());
        assertThat(published.isPrivate()).isFalse();
        for (byte[] secret : List.of(
                published.toJSONString().getBytes(StandardCharsets.UTF_8),
                published.toECPublicKey().getEncoded())) {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(published.getKeyID())
                            .build(),
                    validClaims().build());
            jwt.sign(new MACSigner(pad(secret)));
            assertRefused(jwt.serialize());
        }
    }

    @Test
    void anotherEcKeyUnderOurKidIsRefused() throws Exception {
        ECKey impostor = new ECKeyGenerator(Curve.P_256).generate();
        assertRefused(sign(impostor, ourKeyId(), b -> b));
    }

    @Test
    void editedAccessClaimWithTheOriginalSignatureIsRefused() {
        var answer = RegistryHttp.asAdmin(server).get("/token?service=gatehouse&scope=repository:teama/app:pull");
        String[] parts = json(answer).path("token").asText().split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String widened = payload.replace(
                "\"access\":[{\"type\":\"repository\",\"name\":\"teama/app\",\"actions\":[\"pull\"]}]",
                "\"access\":[{\"type\":\"registry\",\"name\":\"catalog\",\"actions\":[\"*\"]}]");
        assertThat(widened).isNotEqualTo(payload);
        assertRefused(parts[0] + "." + b64(widened) + "." + parts[2]);
    }

    @Test
    void expiredTokenIsRefused() {
        String token = realToken();
        assertThat(catalogWith(token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(5).plusSeconds(31)); // TTL plus the allowed clock skew
        assertRefused(token);
    }

    @Test
    void notYetValidTokenIsRefused() throws Exception {
        ECKey key = ourKey();
        assertRefused(sign(
                key,
                key.getKeyID(),
                b -> b.notBeforeTime(Date.from(clock.instant().plus(Duration.ofMinutes(2))))));
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        ECKey key = ourKey();
        assertRefused(sign(key, key.getKeyID(), b -> b.audience("another-registry")));
    }

    @Test
    void wrongIssuerIsRefused() throws Exception {
        ECKey key = ourKey();
        assertRefused(sign(key, key.getKeyID(), b -> b.issuer("someone-else")));
    }

    @Test
    void missingKidIsRefused() throws Exception {
        assertRefused(sign(ourKey(), null, b -> b));
    }

    @Test
    void garbageAndTruncatedTokensAreRefused() {
        String real = realToken();
        assertRefused(real.substring(0, real.length() - 6));
        assertRefused(real.substring(0, real.lastIndexOf('.')));
        assertRefused("garbage");
        assertRefused("a.b.c");
    }

    static String ourKeyId() {
        return server.server().metadata().signingKeys().all().getLast().keyId();
    }

    /** HS256 needs at least 256 bits of secret; an attacker would pad the same way. */
    static byte[] pad(byte[] secret) {
        return secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
    }
}
