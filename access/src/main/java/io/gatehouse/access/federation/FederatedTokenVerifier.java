package io.gatehouse.access.federation;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.core.access.policy.RobotFederation;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks an external OIDC token against a robot's {@link RobotFederation}: a signature by one of the bound
 * issuer's keys (asymmetric algorithms only, so a key set cannot be misused as an HMAC secret), {@code iss}
 * exactly the bound issuer, the bound audience among {@code aud}, {@code exp} present and {@code exp}/{@code
 * nbf} within the clock skew, and every claim condition met by a string claim.
 */
public final class FederatedTokenVerifier {
    /** Longer than any JWT a CI system or Kubernetes issues; refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA,
            JWSAlgorithm.Ed25519);

    private final Function<String, JWKSource<SecurityContext>> keysOfIssuer;
    private final Duration clockSkew;
    private final Clock clock;

    /** @param keysOfIssuer the key source of a bound issuer ({@link IssuerKeys#of}) */
    public FederatedTokenVerifier(
            Function<String, JWKSource<SecurityContext>> keysOfIssuer, Duration clockSkew, Clock clock) {
        this.keysOfIssuer = Objects.requireNonNull(keysOfIssuer, "keysOfIssuer");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Why the token does not log the robot in, for the log (it never quotes the token); empty if it does.
     */
    public Optional<String> refusal(RobotFederation binding, String token) {
        if (token.length() > MAX_TOKEN_LENGTH
                || token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.of("not a signed JWT");
        }
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keysOfIssuer.apply(binding.issuer())));
        var claimsVerifier =
                new DefaultJWTClaimsVerifier<SecurityContext>(
                        Set.of(binding.audience()),
                        new JWTClaimsSet.Builder().issuer(binding.issuer()).build(),
                        Set.of("iss", "aud", "exp"),
                        Set.of()) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant());
                    }
                };
        claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return Optional.of("not a signed JWT");
        } catch (BadJOSEException e) {
            return Optional.of(e.getMessage());
        } catch (JOSEException e) {
            return Optional.of("cannot get the keys of " + binding.issuer() + ": " + e.getMessage());
        }
        for (Map.Entry<String, String> condition : binding.claims().entrySet()) {
            Object value = claims.getClaim(condition.getKey());
            if (!(value instanceof String text) || !RobotFederation.matches(condition.getValue(), text)) {
                return Optional.of("claim " + condition.getKey() + " does not match");
            }
        }
        return Optional.empty();
    }
}
