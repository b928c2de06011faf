package io.gatehouse.audit.anomaly;

import java.time.Duration;
import java.time.Instant;

/** Remembers when each subject last alerted, so a lasting condition alerts once per period, not per event. */
final class Cooldown {
    private final Duration period;
    private final RecentKeys<Instant> lastAlert;

    Cooldown(Duration period, int maxSubjects) {
        this.period = period;
        this.lastAlert = new RecentKeys<>(maxSubjects);
    }

    /** Whether the subject may alert at {@code now}; if so, starts its quiet period. */
    boolean tryAlert(String subject, Instant now) {
        Instant last = lastAlert.peek(subject);
        if (last != null && now.isBefore(last.plus(period))) {
            return false;
        }
        lastAlert.put(subject, now);
        return true;
    }

    int size() {
        return lastAlert.size();
    }
}
