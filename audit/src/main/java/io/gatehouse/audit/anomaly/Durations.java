package io.gatehouse.audit.anomaly;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them in the configuration ({@code 10m}, {@code 1h30m}), for alert texts. */
final class Durations {
    private Durations() {}

    static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
