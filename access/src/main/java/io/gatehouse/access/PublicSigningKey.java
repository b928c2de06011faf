package io.gatehouse.access;

import com.nimbusds.jose.jwk.ECKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A token signing key as operators and relying parties may see it: its id, age, whether it signs new tokens,
 * and its public half. The private half never leaves {@link SigningKeyRing}.
 */
public record PublicSigningKey(String keyId, Instant createdAt, boolean signing, ECKey publicKey) {
    public PublicSigningKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(createdAt, "createdAt");
        if (publicKey.isPrivate()) {
            throw new IllegalArgumentException("a public signing key must not carry its private part");
        }
    }
}
