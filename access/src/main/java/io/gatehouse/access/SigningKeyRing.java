package io.gatehouse.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.SigningKeyRecord;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 keys tokens are signed with, shared by all nodes through the metadata store. Signs with the
 * newest stored key; verifies with any stored key, looked up by {@code kid}. A {@code kid} it does not know
 * (another node created or rotated a key) makes it re-read the store, at most once per
 * {@link #REFRESH_INTERVAL} so that made-up key ids cannot turn into database load.
 */
final class SigningKeyRing {
    private static final Logger log = LoggerFactory.getLogger(SigningKeyRing.class);
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    /** The key new tokens are signed with, and the id that goes in their {@code kid} header. */
    record SigningKey(String keyId, JWSSigner signer) {}

    private record Snapshot(SigningKey signing, Map<String, JWSVerifier> verifiers) {}

    private record Usable(SigningKeyRecord record, ECKey key) {}

    private final MetadataStore.SigningKeys store;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private Instant lastRefresh; // guarded by refreshLock

    SigningKeyRing(MetadataStore.SigningKeys store, Clock clock) {
        this.store = store;
        this.clock = clock;
        List<Usable> usable = readUsable();
        if (usable.isEmpty()) {
            store.add(generate());
            usable = readUsable();
            if (usable.isEmpty()) {
                throw new IllegalStateException("the signing key just stored cannot be read back");
            }
        }
        this.snapshot = snapshotOf(usable);
        this.lastRefresh = clock.instant();
    }

    SigningKey signingKey() {
        return snapshot.signing();
    }

    Optional<JWSVerifier> verifier(String keyId) {
        JWSVerifier known = snapshot.verifiers().get(keyId);
        if (known != null) {
            return Optional.of(known);
        }
        // A lock rather than synchronized: the store read below must not pin a virtual thread on Java 21.
        refreshLock.lock();
        try {
            Instant now = clock.instant();
            if (Duration.between(lastRefresh, now).compareTo(REFRESH_INTERVAL) >= 0) {
                lastRefresh = now;
                List<Usable> usable = readUsable();
                if (!usable.isEmpty()) {
                    snapshot = snapshotOf(usable);
                }
            }
            return Optional.ofNullable(snapshot.verifiers().get(keyId));
        } finally {
            refreshLock.unlock();
        }
    }

    private List<Usable> readUsable() {
        return store.all().stream().flatMap(r -> parse(r).stream()).toList();
    }

    private static Optional<Usable> parse(SigningKeyRecord record) {
        try {
            JWK jwk = JWK.parse(record.privateJwk());
            if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()) && ec.isPrivate()) {
                return Optional.of(new Usable(record, ec));
            }
            log.warn("ignoring signing key {}: not a private P-256 key", record.keyId());
        } catch (ParseException | RuntimeException e) {
            // The message could quote key material; name the key only.
            log.warn("ignoring signing key {}: unreadable JWK", record.keyId());
        }
        return Optional.empty();
    }

    private static Snapshot snapshotOf(List<Usable> usable) {
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        for (Usable u : usable) {
            try {
                verifiers.put(u.record().keyId(), new ECDSAVerifier(u.key().toPublicJWK()));
            } catch (JOSEException e) {
                log.warn(
                        "ignoring signing key {}: unusable for verification",
                        u.record().keyId());
            }
        }
        Usable newest = usable.stream()
                .max(Comparator.comparing((Usable u) -> u.record().createdAt())
                        .thenComparing(u -> u.record().keyId()))
                .orElseThrow();
        try {
            SigningKey signing = new SigningKey(newest.record().keyId(), new ECDSASigner(newest.key()));
            return new Snapshot(signing, Map.copyOf(verifiers));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing key " + newest.record().keyId() + " cannot sign", e);
        }
    }

    private SigningKeyRecord generate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .generate();
            return new SigningKeyRecord(key.getKeyID(), key.toJSONString(), clock.instant());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a token signing key", e);
        }
    }
}
