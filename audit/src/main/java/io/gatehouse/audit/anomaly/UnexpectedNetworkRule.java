package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts on a pull the registry allowed from outside the networks a project expects its pulls to come from.
 * Unlike a project's allowlist, which refuses, this only tells: the pull is served. Projects without expected
 * networks are not watched. An unknown source address counts as outside.
 */
public final class UnexpectedNetworkRule implements AnomalyRule {
    public static final String NAME = "pull-from-unexpected-network";

    private final Map<String, List<Cidr>> expected;
    private final Cooldown cooldown;

    /** @param expected per project, the networks its pulls are expected from */
    public UnexpectedNetworkRule(Map<String, List<Cidr>> expected, Duration cooldown, int maxKeys) {
        this.expected = Map.copyOf(expected);
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    /**
     * Reads {@code "teama=10.0.0.0/8,192.168.0.0/16; teamb=fd00::/8"}: projects separated by {@code ;}, each
     * with its comma-separated networks. Empty: no project is watched.
     */
    public static Map<String, List<Cidr>> parseExpected(String text) {
        Map<String, List<Cidr>> expected = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String project = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (project.isEmpty()) {
                throw new IllegalArgumentException(
                        "expected PROJECT=CIDR,CIDR; ..., e.g. 'teama=10.0.0.0/8', got '" + entry.strip() + "'");
            }
            List<Cidr> networks = new ArrayList<>();
            for (String cidr : entry.substring(eq + 1).split(",")) {
                if (!cidr.isBlank()) {
                    try {
                        networks.add(Cidr.parse(cidr));
                    } catch (Invalid e) {
                        throw new IllegalArgumentException("project " + project + ": " + e.getMessage());
                    }
                }
            }
            if (networks.isEmpty() || expected.put(project, List.copyOf(networks)) != null) {
                throw new IllegalArgumentException(
                        "project " + project + " must be named once, with at least one network");
            }
        }
        return expected;
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
        List<Cidr> networks = expected.get(project);
        String address = d.request().sourceAddress();
        if (networks == null || (address != null && networks.stream().anyMatch(n -> n.contains(address)))) {
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

    /** Subjects currently in cooldown (bounded by {@code maxKeys}). */
    synchronized int trackedKeys() {
        return cooldown.size();
    }
}
