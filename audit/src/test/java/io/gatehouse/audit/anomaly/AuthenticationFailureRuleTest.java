package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthenticationFailureRuleTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final AuthenticationFailureRule rule = new AuthenticationFailureRule(
            new AuthenticationFailureRule.Limit(3, Duration.ofMinutes(5)),
            new AuthenticationFailureRule.Limit(5, Duration.ofMinutes(5)),
            Duration.ofMinutes(15),
            100);

    @Test
    void theThirdFailureOfOneAccountWithinTheWindowAlertsNotTheSecond() {
        assertThat(rule.observe(failed(T0, "alice", null))).isEmpty();
        assertThat(rule.observe(failed(T0.plusSeconds(60), "alice", null))).isEmpty();
        var alerts = rule.observe(failed(T0.plusSeconds(120), "alice", null));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("repeated-authentication-failures");
            assertThat(a.subject()).isEqualTo("account:alice");
            assertThat(a.at()).isEqualTo(T0.plusSeconds(120));
            assertThat(a.details()).containsEntry("failures", "3");
        });
    }

    @Test
    void failuresSpreadWiderThanTheWindowDoNotAlert() {
        for (int i = 0; i < 10; i++) {
            assertThat(rule.observe(failed(T0.plus(Duration.ofMinutes(3L * i)), "bob", null)))
                    .as("failure %d", i)
                    .isEmpty();
        }
    }

    @Test
    void aLastingAttackAlertsOncePerCooldownThenAgain() {
        int alerts = 0;
        for (int i = 0; i < 60; i++) { // one failure every 20 s for 20 minutes
            alerts +=
                    rule.observe(failed(T0.plusSeconds(20L * i), "carol", null)).size();
        }
        // at 40 s (the third), then not before 40 s + 15 min: one more at 15:40
        assertThat(alerts).isEqualTo(2);
    }

    @Test
    void oneAddressTryingManyAccountsAlertsForTheAddress() {
        Event.AnomalyDetected found = null;
        for (int i = 0; i < 5; i++) {
            var alerts = rule.observe(failed(T0.plusSeconds(i), "user" + i, "203.0.113.9"));
            if (i < 4) {
                assertThat(alerts).as("failure %d", i).isEmpty();
            } else {
                found = alerts.getFirst();
            }
        }
        assertThat(found.subject()).isEqualTo("address:203.0.113.9");
        assertThat(found.details()).containsEntry("failures", "5").doesNotContainKey("password");
    }

    @Test
    void aZeroLimitTurnsThatSideOff() {
        var accountsOnly = new AuthenticationFailureRule(
                new AuthenticationFailureRule.Limit(2, Duration.ofMinutes(1)),
                new AuthenticationFailureRule.Limit(0, Duration.ofMinutes(1)),
                Duration.ofMinutes(1),
                10);
        for (int i = 0; i < 10; i++) {
            assertThat(accountsOnly.observe(failed(T0, null, "203.0.113.9"))).isEmpty();
        }
    }

    @Test
    void memoryStaysBoundedUnderManyAccountsAndAddresses() {
        var small = new AuthenticationFailureRule(
                new AuthenticationFailureRule.Limit(3, Duration.ofMinutes(5)),
                new AuthenticationFailureRule.Limit(3, Duration.ofMinutes(5)),
                Duration.ofMinutes(5),
                50);
        for (int i = 0; i < 100_000; i++) {
            small.observe(failed(T0.plusMillis(i), "user" + i, "10.0." + (i / 256 % 256) + "." + (i % 256)));
        }
        assertThat(small.trackedKeys()).isLessThanOrEqualTo(150);
        // and it still works for a new attacker afterwards
        small.observe(failed(T0.plusSeconds(200), "eve", null));
        small.observe(failed(T0.plusSeconds(201), "eve", null));
        assertThat(small.observe(failed(T0.plusSeconds(202), "eve", null))).hasSize(1);
    }
}
