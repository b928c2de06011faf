package io.gatehouse.core.store;

import java.time.Instant;

/** A local user; the password is only ever stored as an Argon2id hash in PHC string form. */
public record UserRecord(String username, String passwordHash, Instant createdAt) {
    @Override
    public String toString() {
        return "UserRecord[" + username + "]";
    }
}
