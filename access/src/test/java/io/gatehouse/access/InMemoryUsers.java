package io.gatehouse.access;

import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link MetadataStore.Users} for unit tests of this module. The interface is two methods and
 * the JDBC implementation is tested against H2 and PostgreSQL in the storage module's contract suite, so a
 * fake is enough here. It counts lookups so tests can see what a cache saved.
 */
final class InMemoryUsers implements MetadataStore.Users {
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

  /** Replaces a user's record, as a password change would. */
  void replace(UserRecord user) {
    users.put(user.username(), user);
  }
}
