package io.gatehouse.access;

import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.SigningKeyRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link MetadataStore.SigningKeys} for unit tests of this module; the JDBC implementation
 * belongs to the storage module and is tested there. Counts reads so tests can see key-ring refreshes.
 */
final class InMemorySigningKeys implements MetadataStore.SigningKeys {
    private final List<SigningKeyRecord> keys = new CopyOnWriteArrayList<>();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public List<SigningKeyRecord> all() {
        reads.incrementAndGet();
        return List.copyOf(keys);
    }

    @Override
    public void add(SigningKeyRecord key) {
        keys.add(key);
    }

    @Override
    public boolean delete(String keyId) {
        return keys.removeIf(k -> k.keyId().equals(keyId));
    }
}
