package io.gatehouse.access.oidc;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.store.SingleSignOnStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Personal CLI secrets of single sign-on users: docker, podman and skopeo cannot follow a browser login, so
 * such a user logs in to them with its name and this secret. The secret is shown once and stored as an
 * Argon2id hash; a new one replaces the old, and a revoked one stops working at once.
 */
public final class CliSecrets {
    private static final int SECRET_BYTES = 32;

    private final SingleSignOnStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CliSecrets(SingleSignOnStore store, PasswordHasher hasher, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A new secret for the user, replacing any previous one.
     *
     * @throws Invalid if the user is not a single sign-on user (local users log in with their password)
     */
    public String create(String username) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = "ghcli_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        if (!store.setCliSecretHash(username, Optional.of(hasher.hash(secret.toCharArray())), clock.instant())) {
            throw notSingleSignOn();
        }
        return secret;
    }

    /** Removes the user's secret. */
    public void revoke(String username) {
        if (!store.setCliSecretHash(username, Optional.empty(), clock.instant())) {
            throw notSingleSignOn();
        }
    }

    private static Invalid notSingleSignOn() {
        return new Invalid(
                Invalid.Kind.PARAMETER,
                "CLI secrets are for single sign-on users; local users and robots log in with their own password or secret");
    }
}
