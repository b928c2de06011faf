package io.gatehouse.access;

import java.time.Duration;
import java.util.Objects;

/**
 * How tokens are issued and checked.
 *
 * @param issuer the {@code iss} claim written and required
 * @param audience the {@code aud} claim written and required: the service name clients send as
 *     {@code service} to the token endpoint and see in the {@code WWW-Authenticate} challenge
 * @param ttl how long an issued token is valid
 * @param clockSkew how far nodes' clocks may disagree when checking {@code exp}, {@code nbf} and {@code iat}
 * @param keyRotation how old the newest signing key may get before a new one replaces it as the signer
 */
public record TokenSettings(String issuer, String audience, Duration ttl, Duration clockSkew, Duration keyRotation) {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KEY_ROTATION = Duration.ofHours(24);
    private static final Duration MAX_TTL = Duration.ofHours(24);
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Shorter would churn keys (each rotation is a database write and a refresh on every node). */
    public static final Duration MIN_KEY_ROTATION = Duration.ofMinutes(1);

    public TokenSettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(keyRotation, "keyRotation");
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("token issuer must not be blank");
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("token audience (service name) must not be blank");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("token ttl must be positive and at most " + MAX_TTL);
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("token clock skew must be between 0 and " + MAX_CLOCK_SKEW);
        }
        if (keyRotation.compareTo(MIN_KEY_ROTATION) < 0) {
            throw new IllegalArgumentException("signing key rotation must be at least " + MIN_KEY_ROTATION);
        }
    }

    /** With the default key rotation (daily). */
    public TokenSettings(String issuer, String audience, Duration ttl, Duration clockSkew) {
        this(issuer, audience, ttl, clockSkew, DEFAULT_KEY_ROTATION);
    }

    /** Five-minute tokens with 30 seconds of clock skew allowed. */
    public static TokenSettings of(String issuer, String audience) {
        return new TokenSettings(issuer, audience, DEFAULT_TTL, DEFAULT_CLOCK_SKEW);
    }

    public TokenSettings withTtl(Duration newTtl) {
        return new TokenSettings(issuer, audience, newTtl, clockSkew, keyRotation);
    }

    public TokenSettings withKeyRotation(Duration newRotation) {
        return new TokenSettings(issuer, audience, ttl, clockSkew, newRotation);
    }
}
