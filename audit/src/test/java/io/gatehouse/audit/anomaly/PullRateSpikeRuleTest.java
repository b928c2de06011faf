package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.decided;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRateSpikeRuleTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final PullRateSpikeRule rule = new PullRateSpikeRule(
            new PullRateSpikeRule.Settings(Duration.ofMinutes(1), 5, 30, Duration.ofMinutes(30)),
            Duration.ofMinutes(10),
            100);

    private List<Event.AnomalyDetected> pull(Instant at, String repository) {
        return rule.observe(decided(at, "cluster", Action.PULL, repository, "10.0.0.1"));
    }

    /** Steady traffic: {@code perMinute} pulls spread evenly over each of {@code minutes} minutes. */
    private int steady(Instant from, int minutes, int perMinute, String repository) {
        int alerts = 0;
        for (int m = 0; m < minutes; m++) {
            for (int i = 0; i < perMinute; i++) {
                alerts += pull(from.plus(Duration.ofMinutes(m)).plusMillis(60_000L * i / perMinute), repository)
                        .size();
            }
        }
        return alerts;
    }

    @Test
    void steadyTrafficAboveTheFloorDoesNotAlertOnceItsBaselineIsKnown() {
        // 20 a minute is under the floor, so the baseline builds without alerts; then it rises slowly to 40.
        assertThat(steady(T0, 120, 20, "teama/app")).isZero();
        assertThat(steady(T0.plus(Duration.ofMinutes(120)), 60, 40, "teama/app"))
                .isZero();
    }

    @Test
    void aBurstFarAboveTheBaselineAlertsExactlyWhenItCrossesBothLimits() {
        steady(T0, 120, 4, "teama/app"); // baseline about 4 a minute: 5 × 4 = 20, so the floor of 30 decides
        Instant burst = T0.plus(Duration.ofMinutes(120)).plusSeconds(30); // half of the previous minute's 4 count
        int firstAlert = -1;
        for (int i = 1; i <= 100; i++) {
            var alerts = pull(burst, "teama/app");
            if (!alerts.isEmpty() && firstAlert < 0) {
                firstAlert = i;
                var alert = alerts.getFirst();
                assertThat(alert.rule()).isEqualTo("pull-rate-spike");
                assertThat(alert.subject()).isEqualTo("repository:teama/app");
                assertThat(alert.details()).containsEntry("floor", "30").containsEntry("pulls", "30");
            } else if (firstAlert > 0) {
                assertThat(alerts).as("pull %d, in cooldown", i).isEmpty();
            }
        }
        // 2 left of the previous minute's 4 + 28 new = 30, the floor
        assertThat(firstAlert).isEqualTo(28);
    }

    @Test
    void aBusyRepositoryNeedsFactorTimesItsBaselineNotJustTheFloor() {
        steady(T0, 180, 40, "teama/app"); // baseline ≈ 40, so 200 is the bar
        Instant burst = T0.plus(Duration.ofMinutes(180));
        int firstAlert = -1;
        for (int i = 1; i <= 300 && firstAlert < 0; i++) {
            if (!pull(burst.plusMillis(i), "teama/app").isEmpty()) {
                firstAlert = i;
            }
        }
        // a whole previous minute of 40 still counts at the start of this one: 40 + i > 5 × ~40
        assertThat(firstAlert).isBetween(155, 165);
    }

    @Test
    void aSecondSpikeWithinTheCooldownIsQuietAndOneAfterItAlerts() {
        assertThat(burst(T0, 100)).as("first spike").isEqualTo(1);
        assertThat(burst(T0.plus(Duration.ofMinutes(5)), 100))
                .as("within the cooldown")
                .isZero();
        assertThat(burst(T0.plus(Duration.ofMinutes(11)), 100)).as("after it").isEqualTo(1);
    }

    @Test
    void aSpikeThatLastsBecomesTheBaseline() {
        // 360 a minute from nothing: it alerts at once; by the end of the 10-minute cooldown the baseline
        // (half-life 30 m) has risen past a fifth of the rate, so it no longer counts as a spike
        assertThat(steady(T0, 15, 360, "teamb/hot")).isEqualTo(1);
    }

    private int burst(Instant at, int pulls) {
        int alerts = 0;
        for (int i = 0; i < pulls; i++) {
            alerts += pull(at.plusMillis(i), "teamb/hot").size();
        }
        return alerts;
    }

    @Test
    void otherRepositoriesDeniedPullsAndPushesDoNotCount() {
        for (int i = 0; i < 200; i++) {
            assertThat(pull(T0.plusMillis(i), "team" + i + "/app")).isEmpty();
            assertThat(rule.observe(decided(T0.plusMillis(i), "x", Action.PULL, "teama/app", "1.2.3.4", false)))
                    .isEmpty();
            assertThat(rule.observe(decided(T0.plusMillis(i), "x", Action.PUSH, "teama/app", "1.2.3.4")))
                    .isEmpty();
        }
    }

    @Test
    void memoryStaysBoundedUnderManyRepositories() {
        for (int i = 0; i < 100_000; i++) {
            pull(T0.plusMillis(i), "team" + (i % 5000) + "/app" + i);
        }
        assertThat(rule.trackedKeys()).isLessThanOrEqualTo(200);
    }
}
