package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Alerts on a pull the registry allowed from outside the networks a project expects its pulls to come from.
 * Unlike a project's allowlist, which refuses, this only tells: the pull is served. Projects without expected
 * networks are not watched. An unknown source address counts as outside.
 */
public final class UnexpectedNetworkRule implements AnomalyRule {
    public static final String NAME = "pull-from-unexpected-network";

    private record Known(List<Cidr> networks, Instant readAt) {}

    private final Function<String, List<Cidr>> expectedNetworks;
    private final Duration refresh;
    private final RecentKeys<Known> known;
    private final Cooldown cooldown;

    /**
     * @param expectedNetworks a project's expected networks (empty: not watched), read from the project settings
     * @param refresh how long a project's networks are used before they are read again; a short per-node cache
     *     keeps a settings read off most pulls
     */
    public UnexpectedNetworkRule(
            Function<String, List<Cidr>> expectedNetworks, Duration refresh, Duration cooldown, int maxKeys) {
        this.expectedNetworks = expectedNetworks;
        this.refresh = refresh;
        this.known = new RecentKeys<>(maxKeys);
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Event.AnomalyDetected> observe(Event event) {
        if (!(event instanceof Event.AccessDecided d)
                || d.request().action() != Action.PULL
                || !d.decision().allowed()
                || !(d.request().resource() instanceof Resource.Repository repository)) {
            return List.of();
        }
        String project = repository.name().project();
        List<Cidr> networks = networks(project, d.at());
        String address = d.request().sourceAddress();
        if (networks.isEmpty() || (address != null && networks.stream().anyMatch(n -> n.contains(address)))) {
            return List.of();
        }
        String shown = address == null ? "unknown" : address;
        synchronized (this) {
            // One alert per project and address: a second stranger is news, the same one pulling on is not.
            if (!cooldown.tryAlert(project + " " + shown, d.at())) {
                return List.of();
            }
        }
        return List.of(new Event.AnomalyDetected(
                d.at(),
                NAME,
                "project:" + project,
                "pull of " + repository.name() + " by "
                        + d.request().principal().name() + " from " + shown
                        + ", outside the project's expected networks",
                Map.of(
                        "repository", repository.name().toString(),
                        "principal", d.request().principal().name(),
                        "sourceAddress", shown,
                        "expectedNetworks",
                                String.join(
                                        ",",
                                        networks.stream().map(Cidr::toString).toList()))));
    }

    private List<Cidr> networks(String project, Instant now) {
        synchronized (this) {
            Known k = known.peek(project);
            if (k != null && now.isBefore(k.readAt().plus(refresh)) && !now.isBefore(k.readAt())) {
                return k.networks();
            }
        }
        List<Cidr> read = List.copyOf(expectedNetworks.apply(project)); // outside the lock: it may be a database read
        synchronized (this) {
            known.put(project, new Known(read, now));
        }
        return read;
    }

    /** Projects and subjects held in memory (each bounded by {@code maxKeys}). */
    synchronized int trackedKeys() {
        return known.size() + cooldown.size();
    }
}
