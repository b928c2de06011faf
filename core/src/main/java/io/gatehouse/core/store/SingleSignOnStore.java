package io.gatehouse.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What single sign-on keeps between requests, so any node can finish a login another node started: logins in
 * progress (single-use, short-lived), which local user an identity-provider account became, and that user's
 * CLI secret hash.
 */
public interface SingleSignOnStore {

    /** Stores a login in progress and forgets those that expired before {@code now}. */
    void savePendingLogin(PendingLogin login, Instant now);

    /** Removes and returns the login started with {@code state}: a state works once, whatever happens next. */
    Optional<PendingLogin> takePendingLogin(String state);

    /** The local user an identity-provider account was onboarded as. */
    Optional<String> userOf(String issuer, String subject);

    /** Whether the user was onboarded through single sign-on (as opposed to a local user). */
    boolean isSingleSignOnUser(String username);

    /**
     * Creates a user without a usable password, linked to the provider account, in one transaction.
     *
     * @return false if the name is taken (by a local user, a robot, or another provider account)
     */
    boolean onboard(String username, String unusablePasswordHash, String issuer, String subject, Instant at);

    /** The Argon2id hash of the user's CLI secret, if one is set. */
    Optional<String> cliSecretHash(String username);

    /** Sets (or, with an empty hash, removes) the user's CLI secret; false if the user is not an SSO user. */
    boolean setCliSecretHash(String username, Optional<String> hash, Instant at);

    /**
     * A login started at the provider and not finished yet. Holds the PKCE verifier and nonce, which are
     * secrets until the login completes.
     */
    record PendingLogin(String state, String nonce, String codeVerifier, String redirectUri, Instant expiresAt) {
        public PendingLogin {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(codeVerifier, "codeVerifier");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        @Override
        public String toString() {
            return "PendingLogin[expiresAt=" + expiresAt + "]";
        }
    }
}
