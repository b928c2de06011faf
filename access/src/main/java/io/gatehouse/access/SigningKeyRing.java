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
import java.util.ArrayList;
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
 * newest stored key; verifies with any stored key, looked up by {@code kid}.
 *
 * <p>Rotation: when the newest key is older than the rotation period, the next signature first adds a new
 * key. Two nodes doing so at once both add one, then both re-read and sign with the same newest (by creation
 * time, then id); the extra key is harmless and is pruned like any other. An older key keeps verifying until
 * every token it can have signed has expired: its successor's creation, plus {@link #REFRESH_INTERVAL} (other
 * nodes may sign with it until they re-read), plus the token lifetime and clock skew. Then it is deleted.
 *
 * <p>Every node re-reads the store at most once per {@link #REFRESH_INTERVAL}, when it next signs or
 * verifies, so keys added, pruned or revoked elsewhere take effect everywhere within that time; made-up key
 * ids therefore cannot turn into database load.
 */
final class SigningKeyRing {
    private static final Logger log = LoggerFactory.getLogger(SigningKeyRing.class);
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    /** The key new tokens are signed with, and the id that goes in their {@code kid} header. */
    record SigningKey(String keyId, JWSSigner signer) {}

    private record Usable(SigningKeyRecord record, ECKey key) {}

    /** Usable keys oldest first; the last one signs. */
    private record Snapshot(List<Usable> keys, SigningKey signing, Map<String, JWSVerifier> verifiers, Instant readAt) {
        Usable newest() {
            return keys.getLast();
        }
    }

    private static final Comparator<Usable> OLDEST_FIRST = Comparator.comparing(
                    (Usable u) -> u.record().createdAt())
            .thenComparing(u -> u.record().keyId());

    private final MetadataStore.SigningKeys store;
    private final Clock clock;
    private final Duration rotation;
    private final Duration retention;
    private volatile Snapshot snapshot;
    // A lock rather than synchronized: the store calls under it must not pin a virtual thread on Java 21.
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param rotation how old the newest key may get before a new one is added
     * @param tokenLifetime the longest a token stays valid after signing (TTL plus allowed clock skew), so a
     *     retired key is kept that much longer
     */
    SigningKeyRing(MetadataStore.SigningKeys store, Clock clock, Duration rotation, Duration tokenLifetime) {
        this.store = store;
        this.clock = clock;
        this.rotation = rotation;
        this.retention = tokenLifetime.plus(REFRESH_INTERVAL);
        List<Usable> usable = readUsable();
        if (usable.isEmpty()) {
            store.add(generate(Optional.empty()));
            usable = readUsable();
            if (usable.isEmpty()) {
                throw new IllegalStateException("the signing key just stored cannot be read back");
            }
        }
        this.snapshot = snapshotOf(usable, clock.instant());
    }

    /** The key to sign with now, rotating first if the newest key is due. */
    SigningKey signingKey() {
        Snapshot current = current();
        if (!isDue(current)) {
            return current.signing();
        }
        lock.lock();
        try {
            current = reload(); // another node may have rotated already
            if (isDue(current)) {
                SigningKeyRecord added =
                        generate(Optional.of(current.newest().record().createdAt()));
                store.add(added);
                current = reload();
                log.info(
                        "token signing key rotated: now signing with {}",
                        current.signing().keyId());
            }
            return current.signing();
        } catch (RuntimeException e) {
            // The store is down: keep signing with the key we have; rotation is retried on the next signature.
            SigningKey fallback = snapshot.signing();
            log.warn("token signing key rotation failed; signing with {} for now", fallback.keyId(), e);
            return fallback;
        } finally {
            lock.unlock();
        }
    }

    Optional<JWSVerifier> verifier(String keyId) {
        return Optional.ofNullable(current().verifiers().get(keyId));
    }

    /** Whether tokens signed by this key still verify (it was neither pruned nor revoked). */
    boolean knows(String keyId) {
        return current().verifiers().containsKey(keyId);
    }

    /** The keys tokens may be verified with, oldest first; never a private part. */
    List<PublicSigningKey> publicKeys() {
        Snapshot current = current();
        String signing = current.signing().keyId();
        return current.keys().stream()
                .map(u -> new PublicSigningKey(
                        u.record().keyId(),
                        u.record().createdAt(),
                        u.record().keyId().equals(signing),
                        u.key().toPublicJWK()))
                .toList();
    }

    /**
     * Adds a new key and signs with it from now on, on every node within {@link #REFRESH_INTERVAL}.
     *
     * @param revokeOthers also delete every other key at once, so tokens they signed stop verifying (after a
     *     key leaked); clients then log in again
     * @return the new signing key's id
     */
    String rotateNow(boolean revokeOthers) {
        lock.lock();
        try {
            SigningKeyRecord added =
                    generate(Optional.of(current().newest().record().createdAt()));
            store.add(added);
            if (revokeOthers) {
                for (SigningKeyRecord other : store.all()) {
                    if (!other.keyId().equals(added.keyId())) {
                        store.delete(other.keyId());
                    }
                }
            }
            Snapshot current = reload();
            log.info(
                    "token signing key rotated on request{}: now signing with {}",
                    revokeOthers ? ", older keys revoked" : "",
                    current.signing().keyId());
            return current.signing().keyId();
        } finally {
            lock.unlock();
        }
    }

    private boolean isDue(Snapshot s) {
        return !clock.instant().isBefore(s.newest().record().createdAt().plus(rotation));
    }

    /** The snapshot, re-read first if it is older than the refresh interval. */
    private Snapshot current() {
        Snapshot s = snapshot;
        if (Duration.between(s.readAt(), clock.instant()).compareTo(REFRESH_INTERVAL) < 0) {
            return s;
        }
        lock.lock();
        try {
            s = snapshot;
            if (Duration.between(s.readAt(), clock.instant()).compareTo(REFRESH_INTERVAL) < 0) {
                return s;
            }
            return reload();
        } catch (RuntimeException e) {
            // Keep verifying with the keys we know rather than refusing every token while the store is down.
            log.warn("cannot re-read token signing keys; using the ones already loaded", e);
            snapshot = new Snapshot(s.keys(), s.signing(), s.verifiers(), clock.instant());
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: reads the store, deletes keys whose tokens have all expired, and publishes the result. */
    private Snapshot reload() {
        Instant now = clock.instant();
        List<Usable> usable = new ArrayList<>(readUsable());
        if (usable.isEmpty()) {
            // Every key was deleted behind our back (by hand): start afresh rather than sign with a dead key.
            store.add(generate(Optional.empty()));
            usable.addAll(readUsable());
            if (usable.isEmpty()) {
                throw new IllegalStateException("the signing key just stored cannot be read back");
            }
        }
        usable.sort(OLDEST_FIRST);
        List<Usable> kept = new ArrayList<>();
        for (int i = 0; i < usable.size() - 1; i++) {
            Usable key = usable.get(i);
            Instant successorCreated = usable.get(i + 1).record().createdAt();
            if (!now.isBefore(successorCreated.plus(retention))) {
                if (store.delete(key.record().keyId())) {
                    log.info(
                            "token signing key {} retired: every token it signed has expired",
                            key.record().keyId());
                }
            } else {
                kept.add(key);
            }
        }
        kept.add(usable.getLast());
        snapshot = snapshotOf(kept, now);
        return snapshot;
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

    private static Snapshot snapshotOf(List<Usable> usable, Instant readAt) {
        List<Usable> sorted = usable.stream().sorted(OLDEST_FIRST).toList();
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        for (Usable u : sorted) {
            try {
                verifiers.put(u.record().keyId(), new ECDSAVerifier(u.key().toPublicJWK()));
            } catch (JOSEException e) {
                log.warn(
                        "ignoring signing key {}: unusable for verification",
                        u.record().keyId());
            }
        }
        Usable newest = sorted.getLast();
        try {
            SigningKey signing = new SigningKey(newest.record().keyId(), new ECDSASigner(newest.key()));
            return new Snapshot(sorted, signing, Map.copyOf(verifiers), readAt);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing key " + newest.record().keyId() + " cannot sign", e);
        }
    }

    /**
     * A new key, created at least a millisecond after {@code newest} (more than the database's timestamp
     * precision), so it is the signer even if the clock has barely moved since.
     */
    private SigningKeyRecord generate(Optional<Instant> newest) {
        Instant now = clock.instant();
        Instant createdAt = newest.map(n -> n.plusMillis(1))
                .filter(now::isBefore) // within a millisecond of the newest: stored times could tie
                .orElse(now);
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .generate();
            return new SigningKeyRecord(key.getKeyID(), key.toJSONString(), createdAt);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a token signing key", e);
        }
    }
}
