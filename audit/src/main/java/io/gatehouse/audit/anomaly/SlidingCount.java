package io.gatehouse.audit.anomaly;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Counts events within a sliding window, up to a threshold: it keeps at most {@code threshold} timestamps, which
 * is all that is needed to tell whether the threshold was reached.
 */
final class SlidingCount {
    private final int threshold;
    private final Duration window;
    private final ArrayDeque<Instant> times = new ArrayDeque<>();

    SlidingCount(int threshold, Duration window) {
        this.threshold = threshold;
        this.window = window;
    }

    /** Records one event at {@code at}; answers how many fall within the window ending then (at most the threshold). */
    int add(Instant at) {
        times.addLast(at);
        Instant start = at.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(start)) {
            times.removeFirst();
        }
        while (times.size() > threshold) {
            times.removeFirst();
        }
        return times.size();
    }
}
