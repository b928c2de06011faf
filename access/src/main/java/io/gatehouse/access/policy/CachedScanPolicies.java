package io.gatehouse.access.policy;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.core.store.ScanPolicyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pull path's view of the policy store: each project's policy and allowlist (with the system list) read at
 * most once per {@code ttl}, so a pull costs no policy query. Changes made through this node's admin API take
 * effect at once (it listens for their {@link Event.AdminChanged}); other nodes see them within {@code ttl}.
 */
public final class CachedScanPolicies implements EventSink {
    /** The admin changes that touch what this cache holds. */
    public static final String POLICY_CHANGE = "scanPolicy.";

    public static final String ALLOWLIST_CHANGE = "cveAllowlist.";

    /** What the gate needs of one project: its policy and every allowlist entry that applies to it. */
    public record Snapshot(ScanPolicy policy, List<CveAllowlistEntry> allowlist) {}

    private record Cached(Snapshot snapshot, long loadedAtMillis) {}

    private final ScanPolicyStore store;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> projects = new ConcurrentHashMap<>();

    public CachedScanPolicies(ScanPolicyStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The project's policy and allowlists (expired entries included: the gate compares with its own now). */
    public Snapshot of(String project) {
        long now = clock.millis();
        Cached cached = projects.get(project);
        if (cached != null && now - cached.loadedAtMillis() < ttl.toMillis()) {
            return cached.snapshot();
        }
        ScanPolicy policy = store.policy(project).orElseGet(() -> ScanPolicy.none(project));
        List<CveAllowlistEntry> entries = new ArrayList<>();
        if (policy.blockAt().isPresent()) { // the allowlists matter only against a threshold
            entries.addAll(store.allowlist(Optional.empty()));
            entries.addAll(store.allowlist(Optional.of(project)));
        }
        Snapshot snapshot = new Snapshot(policy, List.copyOf(entries));
        projects.put(project, new Cached(snapshot, now));
        return snapshot;
    }

    @Override
    public void emit(Event event) {
        if (event instanceof Event.AdminChanged changed
                && (changed.change().startsWith(POLICY_CHANGE)
                        || changed.change().startsWith(ALLOWLIST_CHANGE))) {
            projects.clear();
        }
    }
}
