package io.gatehouse.audit.anomaly;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-key state with a hard cap: past {@code capacity} keys the least recently touched one is forgotten, so a
 * flood of distinct accounts, addresses or repositories cannot grow memory. Not thread-safe; rules guard it.
 */
final class RecentKeys<V> {
    private final int capacity;
    private final LinkedHashMap<String, V> entries;

    RecentKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > RecentKeys.this.capacity;
            }
        };
    }

    V get(String key, Function<String, V> create) {
        return entries.computeIfAbsent(key, create);
    }

    V peek(String key) {
        return entries.get(key);
    }

    void put(String key, V value) {
        entries.put(key, value);
    }

    int size() {
        return entries.size();
    }
}
