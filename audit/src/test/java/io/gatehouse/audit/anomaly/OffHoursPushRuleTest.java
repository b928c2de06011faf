package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.decided;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.access.Action;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OffHoursPushRuleTest {
    final OffHoursPushRule rule =
            new OffHoursPushRule(WorkingHours.parse("Mon-Fri 07:00-19:00 Europe/Berlin"), Duration.ofHours(1), 100);

    private boolean alerts(String instant) {
        return !rule.observe(decided(Instant.parse(instant), "ci-" + instant, Action.PUSH, "teama/app", "10.0.0.1"))
                .isEmpty();
    }

    @Test
    void judgesThePushOnTheWallClockOfTheConfiguredZoneInWinter() {
        // Berlin is UTC+1 in winter: 07:00 local is 06:00Z, 19:00 local is 18:00Z. Mon 2 Mar 2026.
        assertThat(alerts("2026-03-02T05:59:59Z")).as("06:59:59 local").isTrue();
        assertThat(alerts("2026-03-02T06:00:00Z")).as("07:00 local").isFalse();
        assertThat(alerts("2026-03-02T17:59:59Z")).as("18:59:59 local").isFalse();
        assertThat(alerts("2026-03-02T18:00:00Z")).as("19:00 local").isTrue();
    }

    @Test
    void movesWithDaylightSavingTimeOnBothSidesOfTheChange() {
        // Clocks go forward on Sun 29 Mar 2026; Fri 27 Mar is still UTC+1, Mon 30 Mar is UTC+2.
        assertThat(alerts("2026-03-27T05:30:00Z")).as("Fri 06:30 CET").isTrue();
        assertThat(alerts("2026-03-27T06:30:00Z")).as("Fri 07:30 CET").isFalse();
        assertThat(alerts("2026-03-30T04:30:00Z")).as("Mon 06:30 CEST").isTrue();
        assertThat(alerts("2026-03-30T05:30:00Z")).as("Mon 07:30 CEST").isFalse();
        assertThat(alerts("2026-03-30T17:30:00Z")).as("Mon 19:30 CEST").isTrue();
        // and back on Sun 25 Oct 2026: Mon 26 Oct is UTC+1 again
        assertThat(alerts("2026-10-23T16:30:00Z")).as("Fri 18:30 CEST").isFalse();
        assertThat(alerts("2026-10-26T05:30:00Z")).as("Mon 06:30 CET").isTrue();
        assertThat(alerts("2026-10-26T17:30:00Z")).as("Mon 18:30 CET").isFalse();
    }

    @Test
    void weekendsAreOutsideWorkingHours() {
        assertThat(alerts("2026-03-07T12:00:00Z")).as("Saturday noon").isTrue();
    }

    @Test
    void onePushOfManyBlobsAlertsOnceAndAgainAfterTheCooldown() {
        Instant night = Instant.parse("2026-03-03T01:00:00Z");
        var first = rule.observe(decided(night, "ci", Action.PUSH, "teama/app", "10.0.0.1"));
        assertThat(first).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("push-outside-working-hours");
            assertThat(a.subject()).isEqualTo("principal:ci");
            assertThat(a.details()).containsEntry("localTime", "2026-03-03T02:00 Europe/Berlin");
        });
        for (int i = 1; i < 20; i++) {
            assertThat(rule.observe(decided(night.plusSeconds(i), "ci", Action.PUSH, "teama/app", "10.0.0.1")))
                    .isEmpty();
        }
        assertThat(rule.observe(decided(night.plus(Duration.ofMinutes(59)), "ci", Action.PUSH, "teama/app", "x")))
                .isEmpty();
        assertThat(rule.observe(decided(night.plus(Duration.ofMinutes(60)), "ci", Action.PUSH, "teama/app", "x")))
                .hasSize(1);
    }

    @Test
    void deniedPushesPullsAndDeletesAreNotItsBusiness() {
        Instant night = Instant.parse("2026-03-03T01:00:00Z");
        assertThat(rule.observe(decided(night, "a", Action.PUSH, "teama/app", "x", false)))
                .isEmpty();
        assertThat(rule.observe(decided(night, "b", Action.PULL, "teama/app", "x")))
                .isEmpty();
        assertThat(rule.observe(decided(night, "c", Action.DELETE, "teama/app", "x")))
                .isEmpty();
    }

    @Test
    void workingHoursRefuseWhatTheyCannotRead() {
        assertThatThrownBy(() -> WorkingHours.parse("Mon-Fri 07:00-19:00"))
                .hasMessageContaining("expected DAYS HH:MM-HH:MM ZONE");
        assertThatThrownBy(() -> WorkingHours.parse("Mon-Fry 07:00-19:00 UTC"))
                .hasMessageContaining("unknown day 'Fry'");
        assertThatThrownBy(() -> WorkingHours.parse("Mon-Fri 7-19 UTC")).hasMessageContaining("HH:MM-HH:MM");
        assertThatThrownBy(() -> WorkingHours.parse("Mon-Fri 19:00-07:00 UTC"))
                .hasMessageContaining("after their start");
        assertThatThrownBy(() -> WorkingHours.parse("Mon-Fri 07:00-19:00 Mars/Olympus"))
                .hasMessageContaining("unknown time zone 'Mars/Olympus'");
        assertThat(WorkingHours.parse("Sat,Sun 10:00-12:00 UTC").contains(Instant.parse("2026-03-08T11:00:00Z")))
                .isTrue();
    }
}
