package io.gatehouse.storage.jdbc;

import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.SigningKeyRecord;
import java.util.List;

final class JdbcSigningKeys implements MetadataStore.SigningKeys {
    private final Database db;

    JdbcSigningKeys(Database db) {
        this.db = db;
    }

    /** Oldest first. */
    @Override
    public List<SigningKeyRecord> all() {
        return db.read(h -> h.createQuery(
                        "SELECT key_id, private_jwk, created_at FROM signing_keys ORDER BY created_at, key_id")
                .map((rs, ctx) -> new SigningKeyRecord(
                        rs.getString("key_id"), rs.getString("private_jwk"), Database.instant(rs, "created_at")))
                .list());
    }

    /** Adds a key; a key id already in use is a {@link Conflict} (keys are never replaced in place). */
    @Override
    public void add(SigningKeyRecord key) {
        int inserted = db.write(
                h -> h.createUpdate(
                                "INSERT INTO signing_keys (key_id, private_jwk, created_at) VALUES (:keyId, :jwk, :createdAt)"
                                        + " ON CONFLICT DO NOTHING")
                        .bind("keyId", key.keyId())
                        .bind("jwk", key.privateJwk())
                        .bind("createdAt", Database.timestamp(key.createdAt()))
                        .execute(),
                n -> n > 0);
        if (inserted == 0) {
            throw new Conflict("signing key id already in use");
        }
    }

    @Override
    public boolean delete(String keyId) {
        int deleted = db.write(
                h -> h.createUpdate("DELETE FROM signing_keys WHERE key_id = :keyId")
                        .bind("keyId", keyId)
                        .execute(),
                n -> n > 0);
        return deleted > 0;
    }
}
