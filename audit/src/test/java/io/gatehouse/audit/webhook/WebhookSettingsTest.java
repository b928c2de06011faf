package io.gatehouse.audit.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {
    final WebhookSettings settings = new WebhookSettings(
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofHours(1),
            10,
            Duration.ofHours(24));

    @Test
    void backoffDoublesWithJitterAndStopsAtTheCap() {
        assertThat(settings.backoff(1, 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.backoff(1, 0.999)).isBetween(Duration.ofMillis(9_990), Duration.ofSeconds(10));
        assertThat(settings.backoff(2, 0.0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.backoff(4, 0.999)).isBetween(Duration.ofSeconds(79), Duration.ofSeconds(80));
        assertThat(settings.backoff(9, 0.999)).isBetween(Duration.ofSeconds(2_557), Duration.ofSeconds(2_560));
        assertThat(settings.backoff(10, 0.999)).as("capped").isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
        assertThat(settings.backoff(40, 0.5)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
    }
}
