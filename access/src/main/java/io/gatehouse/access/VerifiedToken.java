package io.gatehouse.access;

import io.gatehouse.core.access.Principal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a valid token says: who it was issued to ({@link Principal.Anonymous} for a token without a
 * subject, otherwise a user authenticated by {@link Principal.AuthMethod#BEARER}), what it grants, and until
 * when.
 */
public record VerifiedToken(Principal principal, Set<Grant> grants, Instant expiresAt) {
    public VerifiedToken {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(expiresAt, "expiresAt");
        grants = Set.copyOf(grants);
    }
}
