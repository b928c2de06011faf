package io.gatehouse.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * The caller is refused for a while because of too many recent failures (failed logins). Protocols answer
 * 429 and show the limit: {@code Retry-After} and the {@code RateLimit-*} headers.
 *
 * @see #limit() how many failures the window allows
 * @see #retryAfter() how long until the caller may try again (at least one second)
 */
public final class TooManyRequests extends RegistryException {
    private final int limit;
    private final Duration retryAfter;

    public TooManyRequests(String message, int limit, Duration retryAfter) {
        super(message, null, null);
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
        this.retryAfter = retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter;
    }

    public int limit() {
        return limit;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds to wait, rounded up, for {@code Retry-After} and {@code RateLimit-Reset}. */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds();
        return retryAfter.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1;
    }
}
