package io.gatehouse.audit.anomaly;

import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Alerts when one account, or one client address, fails to authenticate {@code threshold} times within a window
 * (password guessing, a leaked-then-rotated secret still in use, a scanner). Failures the login throttle refused
 * count too: they are still attempts.
 */
public final class AuthenticationFailureRule implements AnomalyRule {
    public static final String NAME = "repeated-authentication-failures";

    private final Limit perAccount;
    private final Limit perAddress;
    private final Cooldown cooldown;

    /** @param failures how many failures within {@code window} alert; 0 turns that side off */
    public record Limit(int failures, Duration window) {
        public Limit {
            if (failures < 0 || !window.isPositive()) {
                throw new IllegalArgumentException("failures must not be negative and the window must be positive");
            }
        }
    }

    private final RecentKeys<SlidingCount> accounts;
    private final RecentKeys<SlidingCount> addresses;

    public AuthenticationFailureRule(Limit perAccount, Limit perAddress, Duration cooldown, int maxKeys) {
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.accounts = new RecentKeys<>(maxKeys);
        this.addresses = new RecentKeys<>(maxKeys);
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized List<Event.AnomalyDetected> observe(Event event) {
        if (!(event instanceof Event.AuthenticationFailed f)) {
            return List.of();
        }
        List<Event.AnomalyDetected> alerts = new ArrayList<>(0);
        if (f.account() != null && perAccount.failures() > 0) {
            check(f, "account:" + f.account(), accounts, perAccount, alerts);
        }
        if (f.sourceAddress() != null && perAddress.failures() > 0) {
            check(f, "address:" + f.sourceAddress(), addresses, perAddress, alerts);
        }
        return alerts;
    }

    private void check(
            Event.AuthenticationFailed f,
            String subject,
            RecentKeys<SlidingCount> counts,
            Limit limit,
            List<Event.AnomalyDetected> alerts) {
        int n = counts.get(subject, k -> new SlidingCount(limit.failures(), limit.window()))
                .add(f.at());
        if (n >= limit.failures() && cooldown.tryAlert(subject, f.at())) {
            alerts.add(new Event.AnomalyDetected(
                    f.at(),
                    NAME,
                    subject,
                    n + " failed authentications for " + subject + " within " + Durations.text(limit.window()),
                    Map.of(
                            "failures", Integer.toString(n),
                            "window", Durations.text(limit.window()),
                            "lastReason", String.valueOf(f.reason()),
                            "lastAccount", String.valueOf(f.account()),
                            "lastSourceAddress", String.valueOf(f.sourceAddress()))));
        }
    }

    synchronized int trackedKeys() {
        return accounts.size() + addresses.size() + cooldown.size();
    }
}
