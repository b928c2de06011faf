package io.gatehouse.access;

import java.time.Duration;
import java.time.Instant;

/** A freshly signed token, for the token endpoint's answer. {@link #toString()} never shows the token. */
public record IssuedToken(String token, Instant issuedAt, Instant expiresAt) {

    /** Whole seconds from issue to expiry, for {@code expires_in}. */
    public long expiresInSeconds() {
        return Duration.between(issuedAt, expiresAt).toSeconds();
    }

    @Override
    public String toString() {
        return "IssuedToken[issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
    }
}
