package io.gatehouse.audit.anomaly;

import static io.gatehouse.audit.anomaly.SyntheticEvents.decided;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.model.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UnexpectedNetworkRuleTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    final Map<String, List<Cidr>> settings =
            new ConcurrentHashMap<>(Map.of("teama", List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"))));
    final AtomicInteger reads = new AtomicInteger();
    final UnexpectedNetworkRule rule = new UnexpectedNetworkRule(
            project -> {
                reads.incrementAndGet();
                return settings.getOrDefault(project, List.of());
            },
            Duration.ofSeconds(30),
            Duration.ofHours(1),
            100);

    @Test
    void pullsFromExpectedNetworksAreQuiet() {
        assertThat(rule.observe(decided(T0, "cluster", Action.PULL, "teama/app", "10.1.2.3")))
                .isEmpty();
        assertThat(rule.observe(decided(T0, "cluster", Action.PULL, "teama/app", "fd00::1")))
                .isEmpty();
    }

    @Test
    void aPullFromElsewhereAlertsOncePerAddress() {
        var alerts = rule.observe(decided(T0, "cluster", Action.PULL, "teama/app", "198.51.100.7"));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("pull-from-unexpected-network");
            assertThat(a.subject()).isEqualTo("project:teama");
            assertThat(a.details())
                    .containsEntry("sourceAddress", "198.51.100.7")
                    .containsEntry("repository", "teama/app")
                    .containsEntry("expectedNetworks", "10.0.0.0/8,fd00::/8");
        });
        assertThat(rule.observe(decided(T0.plusSeconds(1), "cluster", Action.PULL, "teama/app", "198.51.100.7")))
                .as("same address, cooldown")
                .isEmpty();
        assertThat(rule.observe(decided(T0.plusSeconds(2), "cluster", Action.PULL, "teama/db", "198.51.100.8")))
                .as("another address is news")
                .hasSize(1);
        assertThat(rule.observe(
                        decided(T0.plus(Duration.ofHours(1)), "cluster", Action.PULL, "teama/app", "198.51.100.7")))
                .as("after the cooldown")
                .hasSize(1);
    }

    @Test
    void anUnknownAddressCountsAsOutside() {
        assertThat(rule.observe(decided(T0, "cluster", Action.PULL, "teama/app", null)))
                .singleElement()
                .satisfies(a -> assertThat(a.details()).containsEntry("sourceAddress", "unknown"));
    }

    @Test
    void projectsWithoutExpectedNetworksDeniedPullsAndPushesAreNotWatched() {
        assertThat(rule.observe(decided(T0, "x", Action.PULL, "teamb/app", "198.51.100.7")))
                .isEmpty();
        assertThat(rule.observe(decided(T0, "x", Action.PULL, "teama/app", "198.51.100.7", false)))
                .isEmpty();
        assertThat(rule.observe(decided(T0, "x", Action.PUSH, "teama/app", "198.51.100.7")))
                .isEmpty();
    }

    @Test
    void changedSettingsTakeEffectAfterTheRefreshAndAreNotReadOnEveryPull() {
        for (int i = 0; i < 100; i++) {
            rule.observe(decided(T0.plusMillis(i), "cluster", Action.PULL, "teama/app", "10.1.2.3"));
        }
        assertThat(reads).as("one read for 100 pulls").hasValue(1);
        settings.put("teama", List.of(Cidr.parse("192.168.0.0/16")));

        assertThat(rule.observe(decided(T0.plusSeconds(29), "cluster", Action.PULL, "teama/app", "10.1.2.3")))
                .as("still the old networks")
                .isEmpty();
        assertThat(rule.observe(decided(T0.plusSeconds(30), "cluster", Action.PULL, "teama/app", "10.1.2.3")))
                .as("read again")
                .singleElement()
                .satisfies(a -> assertThat(a.details()).containsEntry("expectedNetworks", "192.168.0.0/16"));
        assertThat(reads).hasValue(2);
    }

    @Test
    void memoryStaysBoundedUnderManyAddresses() {
        for (int i = 0; i < 70_000; i++) {
            rule.observe(decided(T0, "x", Action.PULL, "teama/app", "198.51." + (i / 256) % 256 + "." + i % 256));
            rule.observe(decided(T0, "x", Action.PULL, "team" + i + "/app", "198.51.100.1"));
        }
        assertThat(rule.trackedKeys()).isLessThanOrEqualTo(200);
    }
}
