package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.decided;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MassDeletionRuleTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final MassDeletionRule rule = new MassDeletionRule(
            new MassDeletionRule.Limit(10, Duration.ofMinutes(5)),
            new MassDeletionRule.Limit(20, Duration.ofMinutes(10)),
            Duration.ofMinutes(30),
            100);

    @Test
    void theTenthDeleteByOnePrincipalWithinTheWindowAlerts() {
        for (int i = 1; i <= 9; i++) {
            assertThat(rule.observe(decided(T0.plusSeconds(i), "mallory", Action.DELETE, "teama/app" + i, "x")))
                    .as("delete %d", i)
                    .isEmpty();
        }
        var alerts = rule.observe(decided(T0.plusSeconds(10), "mallory", Action.DELETE, "teamb/app", "x"));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("mass-deletion");
            assertThat(a.subject()).isEqualTo("principal:mallory");
            assertThat(a.details()).containsEntry("deletions", "10").containsEntry("last", "repository:teamb/app");
        });
        assertThat(rule.observe(decided(T0.plusSeconds(11), "mallory", Action.DELETE, "teama/app", "x")))
                .as("cooldown")
                .isEmpty();
    }

    @Test
    void refusedDeletesAndSlowCleanupsDoNotAlert() {
        for (int i = 0; i < 50; i++) {
            assertThat(rule.observe(decided(T0.plusSeconds(i), "bob", Action.DELETE, "teama/app", "x", false)))
                    .isEmpty();
            assertThat(rule.observe(
                            decided(T0.plus(Duration.ofMinutes(1L * i)), "janitor", Action.DELETE, "teama/a", "x")))
                    .isEmpty();
        }
    }

    @Test
    void manyManifestsAndTagsDeletedInOneProjectAlertWhoeverDidIt() {
        var repo = RepositoryName.parse("teama/app");
        int alerts = 0;
        for (int i = 0; i < 19; i++) {
            Event e = i % 2 == 0
                    ? new Event.TagDeleted(T0.plusSeconds(i), repo, "v" + i)
                    : new Event.ManifestDeleted(T0.plusSeconds(i), repo, digest(i));
            alerts += rule.observe(e).size();
        }
        assertThat(alerts).isZero();
        var alert = rule.observe(new Event.TagDeleted(T0.plusSeconds(19), repo, "latest"));
        assertThat(alert)
                .singleElement()
                .extracting(Event.AnomalyDetected::subject)
                .isEqualTo("project:teama");
        // blobs removed (by garbage collection, say) never count
        for (int i = 0; i < 100; i++) {
            assertThat(rule.observe(
                            new Event.BlobDeleted(T0.plusSeconds(100), RepositoryName.parse("teamc/x"), digest(i))))
                    .isEmpty();
        }
    }

    @Test
    void memoryStaysBoundedUnderManyPrincipals() {
        for (int i = 0; i < 50_000; i++) {
            rule.observe(decided(T0.plusMillis(i), "p" + i, Action.DELETE, "team" + i + "/app", "x"));
        }
        assertThat(rule.trackedKeys()).isLessThanOrEqualTo(200);
    }

    private static Digest digest(int i) {
        return Digest.parse("sha256:" + "%064x".formatted(i));
    }
}
