package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.SingleSignOnStore;
import java.time.Instant;
import java.util.Optional;

/** {@link SingleSignOnStore} over the {@code oidc_*} tables (V4). */
final class JdbcSingleSignOn implements SingleSignOnStore {
    private final Database db;

    JdbcSingleSignOn(Database db) {
        this.db = db;
    }

    @Override
    public void savePendingLogin(PendingLogin login, Instant now) {
        db.write(h -> {
            h.createUpdate("DELETE FROM oidc_pending_logins WHERE expires_at < :now")
                    .bind("now", Database.timestamp(now))
                    .execute();
            return h.createUpdate(
                            "INSERT INTO oidc_pending_logins (state, nonce, code_verifier, redirect_uri, expires_at)"
                                    + " VALUES (:state, :nonce, :verifier, :redirect, :expires)")
                    .bind("state", login.state())
                    .bind("nonce", login.nonce())
                    .bind("verifier", login.codeVerifier())
                    .bind("redirect", login.redirectUri())
                    .bind("expires", Database.timestamp(login.expiresAt()))
                    .execute();
        });
    }

    @Override
    public Optional<PendingLogin> takePendingLogin(String state) {
        // Read and delete in one transaction; only the caller whose DELETE removed the row gets it.
        return db.write(
                h -> {
                    Optional<PendingLogin> found = h.createQuery(
                                    "SELECT state, nonce, code_verifier, redirect_uri, expires_at FROM oidc_pending_logins"
                                            + " WHERE state = :state")
                            .bind("state", state)
                            .map((rs, ctx) -> new PendingLogin(
                                    rs.getString("state"),
                                    rs.getString("nonce"),
                                    rs.getString("code_verifier"),
                                    rs.getString("redirect_uri"),
                                    Database.instant(rs, "expires_at")))
                            .findOne();
                    if (found.isEmpty()) {
                        return found;
                    }
                    int deleted = h.createUpdate("DELETE FROM oidc_pending_logins WHERE state = :state")
                            .bind("state", state)
                            .execute();
                    return deleted == 1 ? found : Optional.<PendingLogin>empty();
                },
                Optional::isPresent);
    }

    @Override
    public Optional<String> userOf(String issuer, String subject) {
        return db.read(
                h -> h.createQuery("SELECT username FROM oidc_identities WHERE issuer = :issuer AND subject = :subject")
                        .bind("issuer", issuer)
                        .bind("subject", subject)
                        .mapTo(String.class)
                        .findOne());
    }

    @Override
    public boolean isSingleSignOnUser(String username) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM oidc_identities WHERE username = :username")
                        .bind("username", username)
                        .mapTo(Integer.class)
                        .one())
                > 0;
    }

    @Override
    public boolean onboard(String username, String unusablePasswordHash, String issuer, String subject, Instant at) {
        return db.write(
                h -> {
                    if (!PrincipalNames.claim(h, username, PrincipalNames.USER)) {
                        return false;
                    }
                    h.createUpdate(
                                    "INSERT INTO users (username, password_hash, created_at) VALUES (:username, :hash, :at)")
                            .bind("username", username)
                            .bind("hash", unusablePasswordHash)
                            .bind("at", Database.timestamp(at))
                            .execute();
                    h.createUpdate("INSERT INTO oidc_identities (username, issuer, subject, created_at)"
                                    + " VALUES (:username, :issuer, :subject, :at)")
                            .bind("username", username)
                            .bind("issuer", issuer)
                            .bind("subject", subject)
                            .bind("at", Database.timestamp(at))
                            .execute();
                    return true;
                },
                created -> created);
    }

    @Override
    public Optional<String> cliSecretHash(String username) {
        return db.read(h -> h.createQuery("SELECT cli_secret_hash FROM oidc_identities"
                        + " WHERE username = :username AND cli_secret_hash IS NOT NULL")
                .bind("username", username)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public boolean setCliSecretHash(String username, Optional<String> hash, Instant at) {
        return db.write(
                        h -> hash.isPresent()
                                ? h.createUpdate("UPDATE oidc_identities SET cli_secret_hash = :hash,"
                                                + " cli_secret_created_at = :at WHERE username = :username")
                                        .bind("hash", hash.get())
                                        .bind("at", Database.timestamp(at))
                                        .bind("username", username)
                                        .execute()
                                : h.createUpdate("UPDATE oidc_identities SET cli_secret_hash = NULL,"
                                                + " cli_secret_created_at = NULL WHERE username = :username")
                                        .bind("username", username)
                                        .execute(),
                        n -> n > 0)
                > 0;
    }
}
