package io.gatehouse.access.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How people write an allowlist entry's expiry, and what is refused. */
class ScanPolicyAdministrationTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");

    @Test
    void durationsDatesAndInstantsAreAccepted() {
        assertThat(ScanPolicyAdministration.expiry("30d", NOW)).isEqualTo(Instant.parse("2026-03-31T12:00:00Z"));
        assertThat(ScanPolicyAdministration.expiry(" 12h ", NOW)).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(ScanPolicyAdministration.expiry("90m", NOW)).isEqualTo(Instant.parse("2026-03-01T13:30:00Z"));
        assertThat(ScanPolicyAdministration.expiry("2026-06-30", NOW)).isEqualTo(Instant.parse("2026-06-30T00:00:00Z"));
        assertThat(ScanPolicyAdministration.expiry("2026-06-30T12:34:56Z", NOW))
                .isEqualTo(Instant.parse("2026-06-30T12:34:56Z"));
    }

    @Test
    void pastTooFarAndUnreadableExpiriesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("2026-03-01", NOW))
                .isInstanceOf(Invalid.class)
                .hasMessage("expiry 2026-03-01T00:00:00Z is not in the future");
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("0s", NOW))
                .hasMessageContaining("is not in the future");
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("3651d", NOW))
                .hasMessage("an allowlist entry expires within 3650 days");
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("999999999d", NOW))
                .isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("next week", NOW))
                .hasMessageStartingWith("expiry 'next week' is neither a duration (30d, 12h)");
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("2026-02-30", NOW))
                .isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> ScanPolicyAdministration.expiry("", NOW))
                .hasMessageContaining("an expiry is required");
        assertThat(ScanPolicyAdministration.expiry("3650d", NOW))
                .as("ten years is the limit, and allowed")
                .isEqualTo(NOW.plus(Duration.ofDays(3650)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
