package io.gatehouse.core.store;

import java.time.Instant;

/** A token signing key (a private JWK) shared by all nodes through the database. */
public record SigningKeyRecord(String keyId, String privateJwk, Instant createdAt) {
    @Override
    public String toString() {
        return "SigningKeyRecord[" + keyId + "]";
    }
}
