package io.gatehouse.audit.anomaly;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every event to the anomaly rules and publishes what they raise as {@link Event.AnomalyDetected} (for the
 * audit log and webhooks) with a WARN log line (for whoever reads logs). Subscribe it to the event bus; it
 * ignores anomalies, so its own alerts do not loop back. Rules keep their state in memory, per node.
 */
public final class AnomalyDetector implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(AnomalyDetector.class);

    private final List<AnomalyRule> rules;
    private final EventSink alerts;

    /** @param alerts where alerts go (the server's event bus) */
    public AnomalyDetector(List<AnomalyRule> rules, EventSink alerts) {
        this.rules = List.copyOf(rules);
        this.alerts = alerts;
    }

    public List<AnomalyRule> rules() {
        return rules;
    }

    @Override
    public void emit(Event event) {
        if (event instanceof Event.AnomalyDetected) {
            return;
        }
        for (AnomalyRule rule : rules) {
            List<Event.AnomalyDetected> raised;
            try {
                raised = rule.observe(event);
            } catch (RuntimeException e) {
                log.warn(
                        "anomaly rule {} failed on {}",
                        rule.name(),
                        event.getClass().getSimpleName(),
                        e);
                continue;
            }
            for (Event.AnomalyDetected alert : raised) {
                // Details hold names, addresses and counts only: rules never copy credentials into them.
                log.warn("anomaly {} on {}: {} {}", alert.rule(), alert.subject(), alert.summary(), alert.details());
                alerts.emit(alert);
            }
        }
    }
}
