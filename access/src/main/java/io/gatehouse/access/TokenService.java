package io.gatehouse.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.store.MetadataStore;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Issues and verifies the registry's short-lived bearer tokens: ES256 JWTs with a {@code kid} header and a
 * Docker-style {@code access} claim ({@code [{"type":"repository","name":"foo/bar","actions":["pull"]}]}).
 * The key comes from {@link MetadataStore.SigningKeys}, so every node verifies every node's tokens.
 *
 * <p>Clients send the same token on every request, so a successful verification is cached under the token
 * string until the token expires (never longer), and honoured only while the key that signed it still
 * verifies (a revoked key takes its tokens with it); failures are not cached.
 *
 * <p>The signing key rotates ({@link TokenSettings#keyRotation()}); see {@link SigningKeyRing}.
 */
public final class TokenService {
    static final String ACCESS_CLAIM = "access";
    /** Marks tokens of robot accounts, so their bearer is decided as the robot, not as a user of that name. */
    static final String KIND_CLAIM = "gatehouse_kind";
    /** The kind of the token a single sign-on login returns (see {@link Principal.AuthMethod#SINGLE_SIGN_ON}). */
    static final String SSO_LOGIN_KIND = "sso-login";

    static final String ROBOT_KIND = "robot";
    private static final int MAX_TOKEN_LENGTH = 8 * 1024;
    private static final int CACHE_SIZE = 10_000;

    private final TokenSettings settings;
    private final Clock clock;
    private final SigningKeyRing keys;
    private final Cache<String, Remembered> verified;
    private final SecureRandom random = new SecureRandom();

    /**
     * Loads the signing keys from the store, creating and storing one if there is none.
     *
     * @param clock the source of {@code iat}/{@code exp} and of "now" when checking them; also drives the cache
     */
    public TokenService(MetadataStore.SigningKeys signingKeys, TokenSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = new SigningKeyRing(
                Objects.requireNonNull(signingKeys, "signingKeys"),
                clock,
                settings.keyRotation(),
                settings.ttl().plus(settings.clockSkew()));
        this.verified = Caffeine.newBuilder()
                .maximumSize(CACHE_SIZE)
                .expireAfter(untilTokenExpiry(clock))
                .ticker(() -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant()))
                .executor(Runnable::run)
                .build();
    }

    public TokenService(MetadataStore.SigningKeys signingKeys, TokenSettings settings) {
        this(signingKeys, settings, Clock.systemUTC());
    }

    public TokenSettings settings() {
        return settings;
    }

    /**
     * A signed token for the principal carrying exactly the given grants. An anonymous principal gets a
     * token without {@code sub}. Decide the grants first ({@code AccessDecisionPoint.grantable}).
     */
    public IssuedToken issue(Principal principal, Set<Grant> grants) {
        Objects.requireNonNull(principal, "principal");
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(settings.ttl());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .audience(settings.audience())
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .jwtID(newTokenId())
                .claim(ACCESS_CLAIM, accessClaim(grants));
        switch (principal) {
            case Principal.User user
            when user.authMethod() == Principal.AuthMethod.SINGLE_SIGN_ON ->
                claims.subject(user.name()).claim(KIND_CLAIM, SSO_LOGIN_KIND);
            case Principal.User user -> claims.subject(user.name());
            case Principal.Robot robot -> claims.subject(robot.name()).claim(KIND_CLAIM, ROBOT_KIND);
            case Principal.Anonymous anonymous -> {}
        }
        SigningKeyRing.SigningKey key = keys.signingKey();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.keyId())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
        return new IssuedToken(jwt.serialize(), issuedAt, expiresAt);
    }

    /**
     * What the token says, if it is one of ours and valid now: ES256 only, a known {@code kid}, a good
     * signature, our issuer and audience, within {@code nbf}..{@code exp} (give or take the clock skew), and a
     * well-formed {@code access} claim. Anything else is empty.
     */
    public Optional<VerifiedToken> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Remembered cached = verified.getIfPresent(token);
        if (cached != null) {
            if (now.isBefore(cached.token().expiresAt()) && keys.knows(cached.keyId())) {
                return Optional.of(cached.token());
            }
            verified.invalidate(token);
        }
        Optional<Remembered> result = verifyUncached(token, now);
        result.filter(r -> now.isBefore(r.token().expiresAt())).ifPresent(r -> verified.put(token, r));
        return result.map(Remembered::token);
    }

    /**
     * Signs new tokens with a fresh key from now on (every node within a refresh interval).
     *
     * @param revokeOthers delete every older key at once, so the tokens they signed stop verifying
     * @return the new signing key
     */
    public PublicSigningKey rotateSigningKey(boolean revokeOthers) {
        String keyId = keys.rotateNow(revokeOthers);
        return keys.publicKeys().stream()
                .filter(k -> k.keyId().equals(keyId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the new signing key is not in the store"));
    }

    /** The keys tokens are verified with, oldest first; the last one signs. Public halves only. */
    public List<PublicSigningKey> signingKeys() {
        return keys.publicKeys();
    }

    /** The public keys as a JSON Web Key Set ({@code {"keys":[...]}}), for relying parties verifying our tokens. */
    public Map<String, Object> jwks() {
        return new JWKSet(signingKeys().stream().map(k -> (JWK) k.publicKey()).toList()).toJSONObject(true);
    }

    /** A verified token and the key that signed it, so revoking the key also forgets the token. */
    private record Remembered(VerifiedToken token, String keyId) {}

    /** How many verified tokens are remembered (for tests). */
    long cachedVerifications() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private Optional<Remembered> verifyUncached(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || header.getKeyID() == null) {
                return Optional.empty();
            }
            Optional<JWSVerifier> verifier = keys.verifier(header.getKeyID());
            if (verifier.isEmpty() || !jwt.verify(verifier.get())) {
                return Optional.empty();
            }
            return accept(jwt.getJWTClaimsSet(), now).map(t -> new Remembered(t, header.getKeyID()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            // Hostile input: whatever the parser or a claim (an invalid repository name) throws means "not valid".
            return Optional.empty();
        }
    }

    private Optional<VerifiedToken> accept(JWTClaimsSet claims, Instant now) throws ParseException {
        Duration skew = settings.clockSkew();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        Date iat = claims.getIssueTime();
        if (!settings.issuer().equals(claims.getIssuer())
                || claims.getAudience() == null
                || !claims.getAudience().contains(settings.audience())
                || exp == null
                || iat == null
                || claims.getJWTID() == null
                || !now.isBefore(exp.toInstant().plus(skew))
                || (nbf != null && nbf.toInstant().isAfter(now.plus(skew)))
                || iat.toInstant().isAfter(now.plus(skew))) {
            return Optional.empty();
        }
        String subject = claims.getSubject();
        Principal principal;
        if (subject == null) {
            principal = Principal.ANONYMOUS;
        } else if (subject.isBlank()) {
            return Optional.empty();
        } else if (ROBOT_KIND.equals(claims.getClaim(KIND_CLAIM))) {
            principal = new Principal.Robot(subject, Principal.AuthMethod.BEARER);
        } else if (SSO_LOGIN_KIND.equals(claims.getClaim(KIND_CLAIM))) {
            principal = new Principal.User(subject, Principal.AuthMethod.SINGLE_SIGN_ON);
        } else {
            principal = new Principal.User(subject, Principal.AuthMethod.BEARER);
        }
        return grantsOf(claims.getClaim(ACCESS_CLAIM))
                .map(grants -> new VerifiedToken(principal, grants, exp.toInstant()));
    }

    /** The grants in an {@code access} claim; empty if the claim is not a list of well-formed entries. */
    private static Optional<Set<Grant>> grantsOf(Object claim) {
        if (claim == null) {
            return Optional.of(Set.of());
        }
        if (!(claim instanceof List<?> entries)) {
            return Optional.empty();
        }
        Set<Grant> grants = new LinkedHashSet<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map)
                    || !(map.get("type") instanceof String type)
                    || !(map.get("name") instanceof String name)
                    || !(map.get("actions") instanceof List<?> actions)) {
                return Optional.empty();
            }
            List<String> actionNames = new ArrayList<>();
            for (Object action : actions) {
                if (!(action instanceof String actionName)) {
                    return Optional.empty();
                }
                actionNames.add(actionName);
            }
            Scope.fromParts(type, name, actionNames).ifPresent(s -> grants.addAll(s.grants()));
        }
        return Optional.of(grants);
    }

    private static List<Map<String, Object>> accessClaim(Set<Grant> grants) {
        List<Map<String, Object>> access = new ArrayList<>();
        for (Scope scope : Scope.fromGrants(grants)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", scope.type());
            entry.put("name", scope.name());
            entry.put("actions", scope.actionNames());
            access.add(entry);
        }
        return access;
    }

    private String newTokenId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private static Expiry<String, Remembered> untilTokenExpiry(Clock clock) {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(String token, Remembered value, long currentTime) {
                return remaining(value);
            }

            @Override
            public long expireAfterUpdate(String token, Remembered value, long currentTime, long currentDuration) {
                return remaining(value);
            }

            @Override
            public long expireAfterRead(String token, Remembered value, long currentTime, long currentDuration) {
                return currentDuration;
            }

            private long remaining(Remembered value) {
                return Math.max(
                        0,
                        ChronoUnit.NANOS.between(clock.instant(), value.token().expiresAt()));
            }
        };
    }
}
