package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.util.List;
import java.util.Optional;

final class JdbcUsers implements MetadataStore.Users {
    private final Database db;

    JdbcUsers(Database db) {
        this.db = db;
    }

    @Override
    public Optional<UserRecord> find(String username) {
        return db.read(h -> h.createQuery(
                        "SELECT username, password_hash, created_at FROM users WHERE username = :username")
                .bind("username", username)
                .map((rs, ctx) -> new UserRecord(
                        rs.getString("username"), rs.getString("password_hash"), Database.instant(rs, "created_at")))
                .findOne());
    }

    /** Creates the user; false if the name is taken by a user or a robot (one namespace, see {@link PrincipalNames}). */
    @Override
    public boolean create(UserRecord user) {
        return db.write(
                h -> {
                    if (!PrincipalNames.claim(h, user.username(), PrincipalNames.USER)) {
                        return false;
                    }
                    h.createUpdate(
                                    "INSERT INTO users (username, password_hash, created_at) VALUES (:username, :hash, :createdAt)")
                            .bind("username", user.username())
                            .bind("hash", user.passwordHash())
                            .bind("createdAt", Database.timestamp(user.createdAt()))
                            .execute();
                    return true;
                },
                created -> created);
    }

    @Override
    public List<UserRecord> all() {
        return db.read(h -> h.createQuery("SELECT username, password_hash, created_at FROM users ORDER BY username")
                .map((rs, ctx) -> new UserRecord(
                        rs.getString("username"), rs.getString("password_hash"), Database.instant(rs, "created_at")))
                .list());
    }
}
