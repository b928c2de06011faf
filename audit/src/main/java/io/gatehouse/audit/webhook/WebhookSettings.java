package io.gatehouse.audit.webhook;

import java.time.Duration;
import java.util.Objects;

/**
 * How deliveries are made and retried.
 *
 * @param requestTimeout connect plus response time allowed to a receiver per attempt
 * @param pollInterval how often each node looks for due deliveries (new events wake it at once)
 * @param initialBackoff the wait after the first failure; each further failure doubles it, with jitter
 * @param maxBackoff the longest wait between attempts
 * @param maxAttempts attempts before a delivery is dead-lettered
 * @param maxAge how long after the event a delivery is still tried before it is dead-lettered
 */
public record WebhookSettings(
        Duration requestTimeout,
        Duration pollInterval,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxAttempts,
        Duration maxAge) {
    public WebhookSettings {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /**
     * The wait before attempt {@code attempt + 1} after {@code attempt} failed: exponential, capped, with
     * "equal jitter" (half fixed, half random) so receivers coming back are not hit by every node at once.
     *
     * @param random a number in [0, 1)
     */
    public Duration backoff(int attempt, double random) {
        long initial = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long exp = attempt >= 31 ? cap : Math.min(cap, initial * (1L << Math.max(0, attempt - 1)));
        long half = exp / 2;
        return Duration.ofMillis(half + (long) (random * (exp - half + 1)));
    }
}
