package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventBus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
    @Test
    void publishesAlertsOnTheBusItListensToWithoutLoopingAndSurvivesAFailingRule() {
        var bus = new EventBus();
        List<Event> seen = new CopyOnWriteArrayList<>();
        AnomalyRule broken = new AnomalyRule() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<Event.AnomalyDetected> observe(Event event) {
                throw new IllegalStateException("boom");
            }
        };
        var failures = new AuthenticationFailureRule(
                new AuthenticationFailureRule.Limit(2, Duration.ofMinutes(1)),
                new AuthenticationFailureRule.Limit(0, Duration.ofMinutes(1)),
                Duration.ofMinutes(1),
                10);
        bus.subscribe(new AnomalyDetector(List.of(broken, failures), bus));
        bus.subscribe(seen::add);

        Instant t = Instant.parse("2026-03-02T10:00:00Z");
        bus.emit(failed(t, "alice", "10.0.0.1"));
        bus.emit(failed(t, "alice", "10.0.0.1"));

        assertThat(seen).filteredOn(Event.AnomalyDetected.class::isInstance).hasSize(1);
    }
}
