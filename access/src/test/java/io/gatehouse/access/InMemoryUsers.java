package io.gatehouse.access;

import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link MetadataStore.Users} for unit tests of this module. The interface is two methods; the
 * JDBC implementation belongs to the storage module and is tested there (its {@code MetadataStoreContract}
 * on H2 and PostgreSQL), so a fake is enough here. It counts lookups so tests can see what a cache saved.
 */
class InMemoryUsers implements MetadataStore.Users {
    private final Map<String, UserRecord> users = new ConcurrentHashMap<>();
    final AtomicInteger finds = new AtomicInteger();

    @Override
    public Optional<UserRecord> find(String username) {
        finds.incrementAndGet();
        return Optional.ofNullable(users.get(username));
    }

    @Override
    public boolean create(UserRecord user) {
        return users.putIfAbsent(user.username(), user) == null;
    }

    @Override
    public List<UserRecord> all() {
        return users.values().stream()
                .sorted(java.util.Comparator.comparing(UserRecord::username))
                .toList();
    }

    /** Replaces a user's record, as a password change would. */
    void replace(UserRecord user) {
        users.put(user.username(), user);
    }
}
