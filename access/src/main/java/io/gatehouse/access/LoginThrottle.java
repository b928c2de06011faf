package io.gatehouse.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.core.error.TooManyRequests;
import io.gatehouse.core.error.Unauthenticated;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Limits failed logins per account and per source address. Once an account (or an address) has had
 * {@link Limit#failures()} failures within {@link Limit#window()} of its first one, further attempts are
 * refused with {@link TooManyRequests} until that window ends, before any password is checked: a limited
 * caller learns nothing and costs no Argon2 work. A successful login clears its account's count.
 *
 * <p>Counts live in this node's memory (bounded), so with N nodes behind a load balancer an attacker gets
 * up to N times the limit; a restart forgets them.
 */
public final class LoginThrottle {
    private static final int MAX_TRACKED = 100_000;

    /**
     * @param failures failures allowed per window; 0 turns the limit off
     * @param window how long after the first failure the count lasts
     */
    public record Limit(int failures, Duration window) {
        public static final Limit OFF = new Limit(0, Duration.ofSeconds(1));

        public Limit {
            Objects.requireNonNull(window, "window");
            if (failures < 0) {
                throw new IllegalArgumentException("failures must not be negative");
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive");
            }
        }

        boolean isOff() {
            return failures == 0;
        }
    }

    /**
     * Failures counted since {@code start}, and password checks still running ({@code pending}), which count
     * against the limit too; immutable so a concurrent reader never sees half an update.
     */
    private record Window(Instant start, int failures, int pending) {}

    private final Limit perAccount;
    private final Limit perAddress;
    private final Clock clock;
    private final Cache<String, Window> accounts;
    private final Cache<String, Window> addresses;

    public LoginThrottle(Limit perAccount, Limit perAddress, Clock clock) {
        this.perAccount = Objects.requireNonNull(perAccount, "perAccount");
        this.perAddress = Objects.requireNonNull(perAddress, "perAddress");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.accounts = windows(perAccount, clock);
        this.addresses = windows(perAddress, clock);
    }

    /** No limits at all (library use and tests that do not exercise them). */
    public static LoginThrottle off() {
        return new LoginThrottle(Limit.OFF, Limit.OFF, Clock.systemUTC());
    }

    /** @throws TooManyRequests if the address (may be null: unknown) has used up its failures */
    void checkAddress(String address) {
        if (address != null) {
            check(addresses, perAddress, address, "too many failed logins from your address");
        }
    }

    /** @throws TooManyRequests if the account has used up its failures */
    void checkAccount(String account) {
        if (guessable(account)) {
            check(accounts, perAccount, normalised(account), "too many failed logins for this account");
        }
    }

    /**
     * Robots are exempt from the per-account limit: their secrets are 256 random bits (or signed OIDC tokens),
     * so the limit protects nothing, and their names are predictable, so it would only let a stranger keep a
     * CI pipeline locked out. The per-address limit still applies to them.
     */
    private static boolean guessable(String account) {
        return !account.startsWith("robot$");
    }

    void failedFromAddress(String address) {
        if (address != null) {
            count(addresses, perAddress, address);
        }
    }

    void failedForAccount(String account) {
        if (guessable(account)) {
            count(accounts, perAccount, normalised(account));
        }
    }

    void succeeded(String account) {
        accounts.invalidate(normalised(account));
    }

    private void check(Cache<String, Window> windows, Limit limit, String key, String message) {
        if (limit.isOff()) {
            return;
        }
        Window w = windows.getIfPresent(key);
        if (w == null || w.failures() + w.pending() < limit.failures()) {
            return;
        }
        Duration left = Duration.between(clock.instant(), w.start().plus(limit.window()));
        if (left.isNegative() || left.isZero()) {
            return;
        }
        throw new TooManyRequests(message + "; try again later", limit.failures(), left);
    }

    private void count(Cache<String, Window> windows, Limit limit, String key) {
        if (limit.isOff()) {
            return;
        }
        Instant now = clock.instant();
        windows.asMap().compute(key, (k, w) -> {
            if (w == null || !now.isBefore(w.start().plus(limit.window()))) {
                return new Window(now, 1, w == null ? 0 : w.pending());
            }
            return new Window(w.start(), w.failures() + 1, w.pending());
        });
    }

    /**
     * Runs one password check for {@code account} from {@code address} (null: unknown), holding a place in
     * both limits while it runs: checks still running count like failures, so a burst of concurrent guesses
     * cannot all pass the limit before the first of them has failed. A failure counts against the account
     * here and against the address in the caller; the caller clears the account on success.
     *
     * @throws TooManyRequests if either limit is used up, counting the checks running now
     */
    <T> T passwordCheck(String account, String address, Supplier<T> check) {
        boolean perAccount = guessable(account);
        String accountKey = normalised(account);
        if (perAccount) {
            reserve(accounts, this.perAccount, accountKey, "too many failed logins for this account");
        }
        try {
            if (address != null) {
                reserve(addresses, perAddress, address, "too many failed logins from your address");
            }
            try {
                return check.get();
            } catch (Unauthenticated e) {
                if (perAccount) {
                    count(accounts, this.perAccount, accountKey);
                }
                throw e;
            } finally {
                if (address != null) {
                    release(addresses, perAddress, address);
                }
            }
        } finally {
            if (perAccount) {
                release(accounts, this.perAccount, accountKey);
            }
        }
    }

    private void reserve(Cache<String, Window> windows, Limit limit, String key, String message) {
        if (limit.isOff()) {
            return;
        }
        Instant now = clock.instant();
        Duration[] refusedFor = {null};
        windows.asMap().compute(key, (k, w) -> {
            if (w == null || !now.isBefore(w.start().plus(limit.window()))) {
                return new Window(now, 0, (w == null ? 0 : w.pending()) + 1);
            }
            if (w.failures() + w.pending() >= limit.failures()) {
                refusedFor[0] = Duration.between(now, w.start().plus(limit.window()));
                return w;
            }
            return new Window(w.start(), w.failures(), w.pending() + 1);
        });
        if (refusedFor[0] != null) {
            throw new TooManyRequests(message + "; try again later", limit.failures(), refusedFor[0]);
        }
    }

    private void release(Cache<String, Window> windows, Limit limit, String key) {
        if (!limit.isOff()) {
            windows.asMap()
                    .computeIfPresent(key, (k, w) -> new Window(w.start(), w.failures(), Math.max(0, w.pending() - 1)));
        }
    }

    /** Names differing only in case or surrounding space share a count, so case games buy no extra guesses. */
    private static String normalised(String account) {
        return account.strip().toLowerCase(Locale.ROOT);
    }

    /** Entries vanish when their window ends (measured from the first failure, not the latest). */
    private static Cache<String, Window> windows(Limit limit, Clock clock) {
        long windowNanos = limit.window().toNanos();
        return Caffeine.newBuilder()
                .maximumSize(MAX_TRACKED)
                .expireAfter(new Expiry<String, Window>() {
                    @Override
                    public long expireAfterCreate(String key, Window value, long currentTime) {
                        return windowNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Window value, long currentTime, long currentDuration) {
                        long elapsed = ChronoUnit.NANOS.between(value.start(), clock.instant());
                        return Math.max(0, windowNanos - elapsed);
                    }

                    @Override
                    public long expireAfterRead(String key, Window value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(() -> ChronoUnit.NANOS.between(Instant.EPOCH, clock.instant()))
                .executor(Runnable::run)
                .build();
    }
}
