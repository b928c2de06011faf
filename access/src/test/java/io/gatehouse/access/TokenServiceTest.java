package io.gatehouse.access;

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
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.SigningKeyRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
    static final String ISSUER = "gatehouse";
    static final String SERVICE = "registry.example.com";
    static final Principal ALICE = new Principal.User("alice", Principal.AuthMethod.BASIC);
    static final Resource FOO = Resource.repository(RepositoryName.parse("team/foo"));
    static final Set<Grant> PULL_PUSH_FOO = Set.of(new Grant(FOO, Action.PULL), new Grant(FOO, Action.PUSH));

    MutableClock clock;
    InMemorySigningKeys keys;
    TokenService tokens;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        keys = new InMemorySigningKeys();
        tokens = new TokenService(keys, TokenSettings.of(ISSUER, SERVICE), clock);
    }

    @Test
    void issuedTokenVerifies() {
        IssuedToken issued = tokens.issue(ALICE, PULL_PUSH_FOO);

        assertThat(issued.issuedAt()).isEqualTo(clock.instant());
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(issued.expiresInSeconds()).isEqualTo(300);
        assertThat(issued.toString()).doesNotContain(issued.token());
        VerifiedToken verified = tokens.verify(issued.token()).orElseThrow();
        assertThat(verified.principal()).isEqualTo(new Principal.User("alice", Principal.AuthMethod.BEARER));
        assertThat(verified.grants()).isEqualTo(PULL_PUSH_FOO);
        assertThat(verified.expiresAt()).isEqualTo(issued.expiresAt());
    }

    @Test
    void tokenCarriesTheAgreedClaimsAndHeader() throws Exception {
        Set<Grant> grants = Set.of(new Grant(FOO, Action.PULL), new Grant(Resource.REGISTRY, Action.CATALOG));
        SignedJWT jwt = SignedJWT.parse(tokens.issue(ALICE, grants).token());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.all().get(0).keyId());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(ISSUER);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly(SERVICE);
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getExpirationTime().toInstant())
                .isEqualTo(clock.instant().plusSeconds(300));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaim("access"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder(
                        Map.of("type", "repository", "name", "team/foo", "actions", List.of("pull")),
                        Map.of("type", "registry", "name", "catalog", "actions", List.of("*")));
    }

    @Test
    void eachTokenHasItsOwnId() throws Exception {
        String a = SignedJWT.parse(tokens.issue(ALICE, PULL_PUSH_FOO).token())
                .getJWTClaimsSet()
                .getJWTID();
        String b = SignedJWT.parse(tokens.issue(ALICE, PULL_PUSH_FOO).token())
                .getJWTClaimsSet()
                .getJWTID();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void ttlIsConfigurable() {
        TokenService hourly =
                new TokenService(keys, TokenSettings.of(ISSUER, SERVICE).withTtl(Duration.ofHours(1)), clock);
        assertThat(hourly.issue(ALICE, Set.of()).expiresInSeconds()).isEqualTo(3600);
    }

    @Test
    void anonymousTokenHasNoSubjectAndVerifiesAsAnonymous() throws Exception {
        String token = tokens.issue(Principal.ANONYMOUS, Set.of(new Grant(FOO, Action.PULL)))
                .token();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject()).isNull();
        assertThat(tokens.verify(token).orElseThrow().principal()).isEqualTo(Principal.ANONYMOUS);
    }

    @Test
    void signingKeyIsCreatedOnceAndSharedByNodes() {
        assertThat(keys.all()).hasSize(1);
        TokenService otherNode = new TokenService(keys, TokenSettings.of(ISSUER, SERVICE), clock);
        assertThat(keys.all()).hasSize(1);

        assertThat(otherNode.verify(tokens.issue(ALICE, PULL_PUSH_FOO).token())).isPresent();
        assertThat(tokens.verify(otherNode.issue(ALICE, PULL_PUSH_FOO).token())).isPresent();
    }

    @Test
    void keyAddedByAnotherNodeIsPickedUpOnUnknownKidAtMostEvery30Seconds() throws Exception {
        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("rotated").generate();
        keys.add(new SigningKeyRecord(
                "rotated", rotated.toJSONString(), clock.instant().plusSeconds(1)));
        TokenService newerNode = new TokenService(keys, TokenSettings.of(ISSUER, SERVICE), clock);
        String token = newerNode.issue(ALICE, PULL_PUSH_FOO).token();
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo("rotated");

        int readsBefore = keys.reads.get();
        assertThat(tokens.verify(token)).isEmpty(); // refreshed at start-up just now
        assertThat(keys.reads.get()).isEqualTo(readsBefore);

        clock.advance(Duration.ofSeconds(30));
        assertThat(tokens.verify(token)).isPresent();
        assertThat(keys.reads.get()).isEqualTo(readsBefore + 1);
    }

    @Test
    void madeUpKeyIdsDoNotTurnIntoStoreReads() throws Exception {
        clock.advance(Duration.ofMinutes(1));
        int readsBefore = keys.reads.get();
        for (int i = 0; i < 50; i++) {
            ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("kid-" + i).generate();
            assertThat(tokens.verify(signWith(stranger, validClaims().build()))).isEmpty();
        }
        assertThat(keys.reads.get()).isEqualTo(readsBefore + 1);
    }

    // --- tampering: each is refused ---

    @Test
    void refusesAlgNone() throws Exception {
        String unsigned = new PlainJWT(validClaims().build()).serialize();
        assertThat(tokens.verify(unsigned)).isEmpty();

        // The same with our kid and a real signature appended.
        String real = tokens.issue(ALICE, PULL_PUSH_FOO).token();
        String[] parts = real.split("\\.");
        String noneHeader =
                b64("{\"alg\":\"none\",\"kid\":\"" + keys.all().get(0).keyId() + "\"}");
        assertThat(tokens.verify(noneHeader + "." + parts[1] + ".")).isEmpty();
        assertThat(tokens.verify(noneHeader + "." + parts[1] + "." + parts[2])).isEmpty();
    }

    @Test
    void refusesEditedAccessClaimWithTheOriginalSignature() throws Exception {
        String real = tokens.issue(ALICE, Set.of(new Grant(FOO, Action.PULL))).token();
        String[] parts = real.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String widened = payload.replace("[\"pull\"]", "[\"pull\",\"push\",\"delete\"]");
        assertThat(widened).isNotEqualTo(payload);

        assertThat(tokens.verify(parts[0] + "." + b64(widened) + "." + parts[2]))
                .isEmpty();
        assertThat(tokens.verify(real)).isPresent();
    }

    @Test
    void refusesEditedSubjectWithTheOriginalSignature() throws Exception {
        String[] parts = tokens.issue(ALICE, PULL_PUSH_FOO).token().split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
        String asAdmin = payload.replace("\"sub\":\"alice\"", "\"sub\":\"admin\"");
        assertThat(asAdmin).isNotEqualTo(payload);
        assertThat(tokens.verify(parts[0] + "." + b64(asAdmin) + "." + parts[2]))
                .isEmpty();
    }

    @Test
    void refusesTokenSignedWithAnotherKeyUnderOurKid() throws Exception {
        ECKey impostor =
                new ECKeyGenerator(Curve.P_256).keyID(keys.all().get(0).keyId()).generate();
        assertThat(tokens.verify(signWith(impostor, validClaims().build()))).isEmpty();
    }

    @Test
    void refusesTokenSignedWithAnUnknownKey() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
        clock.advance(Duration.ofMinutes(1)); // let the ring look in the store too
        assertThat(tokens.verify(signWith(stranger, validClaims().build()))).isEmpty();
    }

    @Test
    void refusesHmacTokenKeyedWithThePublicKey() throws Exception {
        ECKey ours = ourKey();
        byte[] secret = ours.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ours.getKeyID()).build(),
                validClaims().build());
        jwt.sign(new MACSigner(secret));
        assertThat(tokens.verify(jwt.serialize())).isEmpty();
    }

    @Test
    void refusesTokenWithoutKid() throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).build(), validClaims().build());
        jwt.sign(new ECDSASigner(ourKey()));
        assertThat(tokens.verify(jwt.serialize())).isEmpty();
    }

    @Test
    void refusesExpiredTokenButToleratesSmallSkew() {
        String token = tokens.issue(ALICE, PULL_PUSH_FOO).token();
        TokenService freshNode = new TokenService(keys, TokenSettings.of(ISSUER, SERVICE), clock);

        clock.advance(Duration.ofMinutes(5).plusSeconds(29));
        assertThat(freshNode.verify(token)).as("within 30 s of skew").isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(freshNode.verify(token)).isEmpty();
    }

    @Test
    void refusesTokenNotYetValidAndDoesNotRememberTheFailure() throws Exception {
        Instant later = clock.instant().plus(Duration.ofMinutes(2));
        String early =
                signWith(ourKey(), validClaims().notBeforeTime(Date.from(later)).build());

        assertThat(tokens.verify(early)).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.verify(early)).isPresent();
    }

    @Test
    void refusesTokenIssuedInTheFuture() throws Exception {
        Instant later = clock.instant().plus(Duration.ofMinutes(2));
        assertThat(tokens.verify(signWith(
                        ourKey(), validClaims().issueTime(Date.from(later)).build())))
                .isEmpty();
    }

    @Test
    void refusesWrongAudienceAndWrongIssuer() {
        TokenService otherService = new TokenService(keys, TokenSettings.of(ISSUER, "other.example.com"), clock);
        TokenService otherIssuer = new TokenService(keys, TokenSettings.of("someone-else", SERVICE), clock);

        assertThat(tokens.verify(otherService.issue(ALICE, PULL_PUSH_FOO).token()))
                .isEmpty();
        assertThat(tokens.verify(otherIssuer.issue(ALICE, PULL_PUSH_FOO).token()))
                .isEmpty();
    }

    @Test
    void refusesTokensMissingRequiredClaims() throws Exception {
        ECKey key = ourKey();
        List<UnaryOperator<JWTClaimsSet.Builder>> removals = List.of(
                b -> b.expirationTime(null),
                b -> b.issueTime(null),
                b -> b.jwtID(null),
                b -> b.issuer(null),
                b -> b.audience((String) null),
                b -> b.subject(" "));
        for (UnaryOperator<JWTClaimsSet.Builder> removal : removals) {
            assertThat(tokens.verify(signWith(key, removal.apply(validClaims()).build())))
                    .isEmpty();
        }
    }

    @Test
    void refusesMalformedAccessClaimEvenWhenSigned() throws Exception {
        ECKey key = ourKey();
        List<Object> malformed = List.of(
                "repository:team/foo:pull",
                List.of("repository"),
                List.of(Map.of("type", "repository", "name", "team/foo")),
                List.of(Map.of("type", "repository", "name", "team/foo", "actions", "pull")),
                List.of(Map.of("type", "repository", "name", "team/foo", "actions", List.of(1))),
                List.of(Map.of("type", "repository", "name", "../etc", "actions", List.of("pull"))));
        for (Object access : malformed) {
            assertThat(tokens.verify(
                            signWith(key, validClaims().claim("access", access).build())))
                    .as("access=%s", access)
                    .isEmpty();
        }
    }

    @Test
    void unknownAccessEntriesGrantNothing() throws Exception {
        Object access = List.of(
                Map.of("type", "repository", "name", "team/foo", "actions", List.of("pull", "fly")),
                Map.of("type", "plugin", "name", "x", "actions", List.of("pull")));
        VerifiedToken token = tokens.verify(
                        signWith(ourKey(), validClaims().claim("access", access).build()))
                .orElseThrow();
        assertThat(token.grants()).containsExactly(new Grant(FOO, Action.PULL));
    }

    @Test
    void refusesGarbage() {
        for (String garbage :
                new String[] {null, "", "abc", "a.b.c", "a.b", "....", "eyJhbGciOiJFUzI1NiJ9..", "x".repeat(10_000)}) {
            assertThat(tokens.verify(garbage)).isEmpty();
        }
    }

    // --- signing-key rotation ---

    static final Duration ROTATION = Duration.ofHours(1);

    TokenService rotating(Duration ttl) {
        return new TokenService(
                keys, TokenSettings.of(ISSUER, SERVICE).withTtl(ttl).withKeyRotation(ROTATION), clock);
    }

    static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    List<String> storedKeyIds() {
        return keys.all().stream().map(SigningKeyRecord::keyId).toList();
    }

    @Test
    void newTokensCarryTheNewKidOnceTheKeyIsOlderThanTheRotationPeriod() throws Exception {
        TokenService node = rotating(Duration.ofMinutes(5));
        String first = kid(node.issue(ALICE, PULL_PUSH_FOO).token());

        clock.advance(ROTATION.minusSeconds(1));
        assertThat(kid(node.issue(ALICE, PULL_PUSH_FOO).token())).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        String second = kid(node.issue(ALICE, PULL_PUSH_FOO).token());

        assertThat(second).isNotEqualTo(first);
        assertThat(storedKeyIds()).containsExactly(first, second);
        assertThat(node.signingKeys())
                .extracting(PublicSigningKey::keyId, PublicSigningKey::signing)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(first, false),
                        org.assertj.core.groups.Tuple.tuple(second, true));
    }

    @Test
    void tokenSignedByTheOldKeyVerifiesAfterRotationOnEveryNode() {
        TokenService node = rotating(Duration.ofMinutes(5));
        clock.advance(ROTATION.minusMinutes(1));
        String old = node.issue(ALICE, PULL_PUSH_FOO).token();
        clock.advance(Duration.ofMinutes(1));
        String fresh = node.issue(ALICE, PULL_PUSH_FOO).token(); // rotates

        TokenService otherNode = rotating(Duration.ofMinutes(5));
        assertThat(node.verify(old)).as("old key still verifies").isPresent();
        assertThat(otherNode.verify(old)).isPresent();
        assertThat(otherNode.verify(fresh)).isPresent();
    }

    @Test
    void oldKeyIsDeletedOnlyOnceEveryTokenItSignedHasExpired() throws Exception {
        TokenService node = rotating(Duration.ofMinutes(5));
        String oldKid = kid(node.issue(ALICE, PULL_PUSH_FOO).token());
        clock.advance(ROTATION.minusMinutes(1));
        String lastOld = node.issue(ALICE, PULL_PUSH_FOO).token();
        clock.advance(Duration.ofMinutes(1));
        String newKid = kid(node.issue(ALICE, PULL_PUSH_FOO).token());

        // Another node may sign with the old key until it re-reads (30 s); its tokens live 5 min + 30 s skew.
        Duration retention = Duration.ofMinutes(5).plusSeconds(30).plus(SigningKeyRing.REFRESH_INTERVAL);
        clock.advance(retention.minusSeconds(1));
        node.issue(ALICE, Set.of());
        assertThat(storedKeyIds()).containsExactly(oldKid, newKid);

        clock.advance(SigningKeyRing.REFRESH_INTERVAL);
        node.issue(ALICE, Set.of()); // the next use after the refresh interval re-reads and prunes
        assertThat(storedKeyIds()).containsExactly(newKid);
        assertThat(node.verify(lastOld)).as("its tokens had expired anyway").isEmpty();
        assertThat(node.signingKeys()).extracting(PublicSigningKey::keyId).containsExactly(newKid);
    }

    @Test
    void twoNodesDueAtOnceAddOneKeyAndAgreeOnTheSigner() throws Exception {
        TokenService a = rotating(Duration.ofMinutes(5));
        TokenService b = rotating(Duration.ofMinutes(5));
        clock.advance(ROTATION);

        String fromA = kid(a.issue(ALICE, Set.of()).token());
        String fromB = kid(b.issue(ALICE, Set.of()).token());

        assertThat(fromB).as("b re-reads before adding and finds a's key").isEqualTo(fromA);
        assertThat(keys.all()).hasSize(2);
    }

    @Test
    void nodesThatRaceStillConvergeOnTheNewestKey() throws Exception {
        ECKey raced = new ECKeyGenerator(Curve.P_256).keyID("raced").generate();
        var racing = new java.util.concurrent.atomic.AtomicBoolean();
        // Another node's key lands between a's re-read and a's add: both add, and both must sign alike.
        var store = new io.gatehouse.core.store.MetadataStore.SigningKeys() {
            @Override
            public List<SigningKeyRecord> all() {
                return keys.all();
            }

            @Override
            public void add(SigningKeyRecord key) {
                if (racing.getAndSet(false)) {
                    keys.add(new SigningKeyRecord("raced", raced.toJSONString(), key.createdAt()));
                }
                keys.add(key);
            }

            @Override
            public boolean delete(String keyId) {
                return keys.delete(keyId);
            }
        };
        var settings = TokenSettings.of(ISSUER, SERVICE).withKeyRotation(ROTATION);
        TokenService a = new TokenService(store, settings, clock);
        clock.advance(ROTATION);
        racing.set(true);

        String fromA = kid(a.issue(ALICE, Set.of()).token());
        String fromB = kid(
                new TokenService(keys, settings, clock).issue(ALICE, Set.of()).token());

        assertThat(keys.all()).hasSize(3);
        assertThat(fromB).isEqualTo(fromA);
        clock.advance(SigningKeyRing.REFRESH_INTERVAL);
        assertThat(kid(a.issue(ALICE, Set.of()).token())).isEqualTo(fromA);
    }

    @Test
    void keyRotatedElsewhereIsUsedForSigningWithinTheRefreshInterval() throws Exception {
        TokenService a = rotating(Duration.ofMinutes(5));
        TokenService b = rotating(Duration.ofMinutes(5));
        String before = kid(b.issue(ALICE, Set.of()).token());

        String rotated = a.rotateSigningKey(false).keyId();
        assertThat(kid(b.issue(ALICE, Set.of()).token())).isEqualTo(before);
        clock.advance(SigningKeyRing.REFRESH_INTERVAL);
        assertThat(kid(b.issue(ALICE, Set.of()).token())).isEqualTo(rotated);
    }

    @Test
    void rotatingOnRequestKeepsOldTokensValid() throws Exception {
        TokenService node = rotating(Duration.ofMinutes(5));
        String old = node.issue(ALICE, PULL_PUSH_FOO).token();

        PublicSigningKey rotated = node.rotateSigningKey(false);

        assertThat(rotated.signing()).isTrue();
        assertThat(kid(node.issue(ALICE, Set.of()).token())).isEqualTo(rotated.keyId());
        assertThat(node.verify(old)).isPresent();
    }

    @Test
    void revokingOtherKeysRefusesTheirTokensAtOnceEvenWhenCached() throws Exception {
        TokenService node = rotating(Duration.ofMinutes(5));
        TokenService otherNode = rotating(Duration.ofMinutes(5));
        String old = node.issue(ALICE, PULL_PUSH_FOO).token();
        assertThat(node.verify(old)).isPresent();
        assertThat(otherNode.verify(old)).isPresent();

        PublicSigningKey rotated = node.rotateSigningKey(true);

        assertThat(storedKeyIds()).containsExactly(rotated.keyId());
        assertThat(node.verify(old)).as("cached, but its key is gone").isEmpty();
        clock.advance(SigningKeyRing.REFRESH_INTERVAL);
        assertThat(otherNode.verify(old))
                .as("other nodes within the refresh interval")
                .isEmpty();
        assertThat(otherNode.verify(node.issue(ALICE, Set.of()).token())).isPresent();
    }

    @Test
    void jwksPublishesPublicKeysOnly() throws Exception {
        TokenService node = rotating(Duration.ofMinutes(5));
        node.rotateSigningKey(false);

        String json = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(node.jwks());
        var set = com.nimbusds.jose.jwk.JWKSet.parse(json);
        assertThat(set.getKeys())
                .extracting(com.nimbusds.jose.jwk.JWK::getKeyID)
                .containsExactlyElementsOf(storedKeyIds());
        assertThat(set.getKeys()).noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
        assertThat(json).doesNotContain("\"d\"");
        // A relying party can verify our tokens with it.
        SignedJWT jwt = SignedJWT.parse(node.issue(ALICE, Set.of()).token());
        var key = (ECKey) set.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key))).isTrue();
    }

    @Test
    void keyRotationShorterThanAMinuteIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TokenSettings.of(ISSUER, SERVICE).withKeyRotation(Duration.ofSeconds(59)))
                .hasMessageContaining("at least");
    }

    // --- the verification cache ---

    @Test
    void repeatedVerificationIsServedFromTheCache() {
        String token = tokens.issue(ALICE, PULL_PUSH_FOO).token();
        VerifiedToken first = tokens.verify(token).orElseThrow();
        assertThat(tokens.cachedVerifications()).isEqualTo(1);
        assertThat(tokens.verify(token)).containsSame(first);
        assertThat(tokens.cachedVerifications()).isEqualTo(1);
    }

    @Test
    void cacheDoesNotAcceptAnExpiredToken() {
        String token = tokens.issue(ALICE, PULL_PUSH_FOO).token();
        assertThat(tokens.verify(token)).isPresent();

        clock.advance(Duration.ofMinutes(5).plusSeconds(30));
        assertThat(tokens.verify(token)).isEmpty();
        assertThat(tokens.cachedVerifications()).isZero();
    }

    @Test
    void cachedEntriesLiveNoLongerThanTheToken() {
        String token = tokens.issue(ALICE, PULL_PUSH_FOO).token();
        tokens.verify(token);
        clock.advance(Duration.ofMinutes(5));
        assertThat(tokens.cachedVerifications()).isZero();
    }

    @Test
    void failuresAreNotCached() {
        tokens.verify("a.b.c");
        tokens.verify(new TokenService(keys, TokenSettings.of(ISSUER, "other"), clock)
                .issue(ALICE, Set.of())
                .token());
        assertThat(tokens.cachedVerifications()).isZero();
    }

    // --- helpers ---

    JWTClaimsSet.Builder validClaims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(SERVICE)
                .subject("alice")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID("id-" + now.toEpochMilli())
                .claim("access", List.of(Map.of("type", "repository", "name", "team/foo", "actions", List.of("pull"))));
    }

    ECKey ourKey() throws Exception {
        return ECKey.parse(keys.all().get(0).privateJwk());
    }

    static String signWith(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
