package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Alerts on many deletions within a window: by one principal (its allowed delete decisions: manifests, tags and
 * blobs it was let delete) or in one project (manifests and tags actually deleted, whoever did it). Blob
 * deletions alone do not count towards a project: garbage collection removes blobs in bulk by design.
 */
public final class MassDeletionRule implements AnomalyRule {
    public static final String NAME = "mass-deletion";

    private final Limit perPrincipal;
    private final Limit perProject;
    private final RecentKeys<SlidingCount> counts;
    private final Cooldown cooldown;

    /** @param deletions how many within {@code window} alert; 0 turns that side off */
    public record Limit(int deletions, Duration window) {
        public Limit {
            if (deletions < 0 || !window.isPositive()) {
                throw new IllegalArgumentException("deletions must not be negative and the window must be positive");
            }
        }
    }

    public MassDeletionRule(Limit perPrincipal, Limit perProject, Duration cooldown, int maxKeys) {
        this.perPrincipal = perPrincipal;
        this.perProject = perProject;
        this.counts = new RecentKeys<>(maxKeys);
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized List<Event.AnomalyDetected> observe(Event event) {
        return switch (event) {
            case Event.AccessDecided d
            when d.request().action() == Action.DELETE && d.decision().allowed() && perPrincipal.deletions() > 0 ->
                check(
                        "principal:" + d.request().principal().name(),
                        perPrincipal,
                        d.at(),
                        d.request().resource().toString());
            case Event.ManifestDeleted m
            when perProject.deletions() > 0 ->
                check("project:" + m.repository().project(), perProject, m.at(), m.repository() + "@" + m.digest());
            case Event.TagDeleted t
            when perProject.deletions() > 0 ->
                check("project:" + t.repository().project(), perProject, t.at(), t.repository() + ":" + t.tag());
            default -> List.of();
        };
    }

    private List<Event.AnomalyDetected> check(String subject, Limit limit, java.time.Instant at, String last) {
        int n = counts.get(subject, k -> new SlidingCount(limit.deletions(), limit.window()))
                .add(at);
        if (n < limit.deletions() || !cooldown.tryAlert(subject, at)) {
            return List.of();
        }
        return List.of(new Event.AnomalyDetected(
                at,
                NAME,
                subject,
                n + " deletions (" + subject + ") within " + Durations.text(limit.window()),
                Map.of("deletions", Integer.toString(n), "window", Durations.text(limit.window()), "last", last)));
    }

    synchronized int trackedKeys() {
        return counts.size() + cooldown.size();
    }
}
