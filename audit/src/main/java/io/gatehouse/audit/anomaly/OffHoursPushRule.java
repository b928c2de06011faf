package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Alerts on a push the registry allowed outside working hours, once per principal per cooldown. */
public final class OffHoursPushRule implements AnomalyRule {
    public static final String NAME = "push-outside-working-hours";

    private final WorkingHours hours;
    private final Cooldown cooldown;

    public OffHoursPushRule(WorkingHours hours, Duration cooldown, int maxKeys) {
        this.hours = hours;
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Event.AnomalyDetected> observe(Event event) {
        if (!(event instanceof Event.AccessDecided d)
                || d.request().action() != Action.PUSH
                || !d.decision().allowed()
                || hours.contains(d.at())) {
            return List.of();
        }
        String principal = d.request().principal().name();
        synchronized (this) {
            // One image push is many push decisions (each blob, the manifest): one alert covers them.
            if (!cooldown.tryAlert(principal, d.at())) {
                return List.of();
            }
        }
        String localTime = d.at().atZone(hours.zone()).toLocalDateTime().withNano(0) + " " + hours.zone();
        return List.of(new Event.AnomalyDetected(
                d.at(),
                NAME,
                "principal:" + principal,
                "push to " + d.request().resource() + " by " + principal + " at " + localTime
                        + ", outside working hours",
                Map.of(
                        "resource", d.request().resource().toString(),
                        "principal", principal,
                        "localTime", localTime,
                        "sourceAddress", String.valueOf(d.request().sourceAddress()),
                        "workingHours", hours.toString())));
    }

    synchronized int trackedKeys() {
        return cooldown.size();
    }
}
