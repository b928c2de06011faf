package io.gatehouse.access.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.access.MutableClock;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.core.error.Unauthenticated;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verifier against real signed JWTs, with the issuer's key set held in memory. */
class FederatedTokenVerifierTest {
    static final String ISSUER = "https://ci.example.com";
    static final RobotFederation BINDING =
            new RobotFederation(ISSUER, "gatehouse", Map.of("repository", "org/app", "ref", "refs/heads/release-*"));

    static RSAKey issuerKey;
    static RSAKey strangerKey;

    MutableClock clock;
    FederatedTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("ci-1").generate();
        strangerKey = new RSAKeyGenerator(2048).keyID("ci-1").generate(); // same key id, other key
    }

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        var keys = new ImmutableJWKSet<>(new JWKSet(issuerKey.toPublicJWK()));
        verifier = new FederatedTokenVerifier(
                issuer -> {
                    assertThat(issuer).isEqualTo(ISSUER); // keys only ever of the bound issuer
                    return keys;
                },
                Duration.ofSeconds(30),
                clock);
    }

    JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(List.of("gatehouse", "other"))
                .subject("repo:org/app:ref:refs/heads/release-1")
                .claim("repository", "org/app")
                .claim("ref", "refs/heads/release-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(issuerKey, change.apply(claims()).build());
    }

    static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    Optional<String> check(String token) {
        return verifier.refusal(BINDING, token);
    }

    @Test
    void aTokenFromTheBoundIssuerWithMatchingClaimsIsAccepted() throws Exception {
        assertThat(check(token(c -> c))).isEmpty();
        assertThat(check(token(c -> c.audience("gatehouse")))).isEmpty();
    }

    @Test
    void anotherIssuerIsRefusedEvenWithTheSameKeysAndClaims() throws Exception {
        assertThat(check(token(c -> c.issuer("https://evil.example.com"))))
                .hasValueSatisfying(r -> assertThat(r).contains("iss"));
        assertThat(check(token(c -> c.issuer(ISSUER + "/")))).isPresent();
    }

    @Test
    void anotherAudienceIsRefused() throws Exception {
        assertThat(check(token(c -> c.audience("registry"))))
                .hasValueSatisfying(r -> assertThat(r).contains("aud"));
        assertThat(check(token(c -> c.audience((String) null)))).isPresent();
    }

    @Test
    void everyClaimConditionMustMatchAStringClaim() throws Exception {
        assertThat(check(token(c -> c.claim("repository", "org/other")))).contains("claim repository does not match");
        assertThat(check(token(c -> c.claim("ref", "refs/heads/main")))).contains("claim ref does not match");
        assertThat(check(token(c -> c.claim("ref", "refs/heads/release-2.0")))).isEmpty();
        assertThat(check(token(c -> c.claim("repository", null)))).contains("claim repository does not match");
        assertThat(check(token(c -> c.claim("repository", List.of("org/app")))))
                .contains("claim repository does not match");
    }

    @Test
    void expiryAndNotBeforeHoldWithinTheClockSkew() throws Exception {
        String token = token(c -> c);
        clock.advance(Duration.ofSeconds(300 + 20));
        assertThat(check(token)).isEmpty(); // within 30 s of skew
        clock.advance(Duration.ofSeconds(20));
        assertThat(check(token)).hasValueSatisfying(r -> assertThat(r).containsIgnoringCase("expired"));

        Instant later = clock.instant().plusSeconds(120);
        assertThat(check(token(c -> c.notBeforeTime(Date.from(later))))).isPresent();
        assertThat(check(token(c -> c.expirationTime(null))))
                .hasValueSatisfying(r -> assertThat(r).contains("exp"));
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        assertThat(check(sign(strangerKey, claims().build())))
                .hasValueSatisfying(r -> assertThat(r).containsIgnoringCase("signature"));
    }

    @Test
    void unsignedAndSymmetricallySignedTokensAreRefused() throws Exception {
        assertThat(check(new PlainJWT(claims().build()).serialize())).isPresent();
        var hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        assertThat(check(hmac.serialize())).isPresent();
    }

    @Test
    void garbageIsRefusedWithoutParsingTooMuch() {
        assertThat(check("not-a-token")).contains("not a signed JWT");
        assertThat(check("a.b.c")).contains("not a signed JWT");
        assertThat(check("x".repeat(FederatedTokenVerifier.MAX_TOKEN_LENGTH) + ".a.b"))
                .contains("not a signed JWT");
    }

    @Test
    void federatedRobotsLogInOnlyTheirOwnFederatedRobots() throws Exception {
        var robots = new FederatedRobots(
                name -> name.equals("robot$org+ci") ? Optional.of(BINDING) : Optional.empty(), verifier);
        var caller = robots.login("robot$org+ci", token(c -> c), "nope").orElseThrow();
        assertThat(caller.principal()).isEqualTo(new Principal.Robot("robot$org+ci", Principal.AuthMethod.FEDERATED));

        assertThat(robots.login("robot$org+plain", token(c -> c), "nope")).isEmpty();
        assertThatThrownBy(() -> robots.login("robot$org+ci", "random-string", "nope"))
                .isInstanceOf(Unauthenticated.class)
                .hasMessage("nope");
    }
}
