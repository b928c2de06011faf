package io.gatehouse.access.policy;

import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.core.store.ScanPolicyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A policy store in memory that counts its reads, for the gate's and the cache's unit tests. */
public final class InMemoryScanPolicies implements ScanPolicyStore {
    final Map<String, ScanPolicy> policies = new ConcurrentHashMap<>();
    final List<CveAllowlistEntry> entries = new CopyOnWriteArrayList<>();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Optional<ScanPolicy> policy(String project) {
        reads.incrementAndGet();
        return Optional.ofNullable(policies.get(project));
    }

    @Override
    public void putPolicy(ScanPolicy policy, String updatedBy, Instant updatedAt) {
        policies.put(policy.project(), policy);
    }

    @Override
    public List<CveAllowlistEntry> allowlist(Optional<String> project) {
        reads.incrementAndGet();
        List<CveAllowlistEntry> out = new ArrayList<>();
        entries.stream().filter(e -> e.project().equals(project)).forEach(out::add);
        out.sort(Comparator.comparing(CveAllowlistEntry::id));
        return out;
    }

    @Override
    public void putAllowlistEntry(CveAllowlistEntry entry) {
        removeAllowlistEntry(entry.project(), entry.id());
        entries.add(entry);
    }

    @Override
    public boolean removeAllowlistEntry(Optional<String> project, String id) {
        return entries.removeIf(e -> e.project().equals(project) && e.id().equals(id));
    }
}
