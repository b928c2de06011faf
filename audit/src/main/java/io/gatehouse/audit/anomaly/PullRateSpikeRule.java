package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Alerts when one repository is pulled far more than usual: the pulls in the last window (an estimate over two
 * fixed windows, the usual sliding-window counter) reach {@code floor} and exceed {@code factor} times the
 * repository's baseline, an exponentially decayed average of its pulls per window with the given half-life.
 *
 * <p>The key is the repository: an access decision names the repository, not the digest or tag, and every
 * allowed pull request (manifest, blob, tag list) counts. A repository first seen (or forgotten under the key
 * cap) has a baseline of zero, so only the floor holds it back.
 */
public final class PullRateSpikeRule implements AnomalyRule {
    public static final String NAME = "pull-rate-spike";

    /**
     * @param window the span rates are measured over, e.g. 1 minute
     * @param factor how many times the baseline counts as a spike (more than 1)
     * @param floor the least number of pulls in a window that can alert, however low the baseline
     * @param baselineHalfLife how fast old traffic stops counting towards the baseline
     */
    public record Settings(Duration window, double factor, int floor, Duration baselineHalfLife) {
        public Settings {
            if (!window.isPositive() || !baselineHalfLife.isPositive()) {
                throw new IllegalArgumentException("window and baselineHalfLife must be positive");
            }
            if (!(factor > 1) || floor < 1) {
                throw new IllegalArgumentException("factor must be more than 1 and floor at least 1");
            }
        }
    }

    private static final class Rate {
        long bucket = Long.MIN_VALUE;
        int current;
        int previous;
        double baseline;
    }

    private final Settings settings;
    private final long windowMillis;
    private final double decay;
    private final RecentKeys<Rate> rates;
    private final Cooldown cooldown;

    public PullRateSpikeRule(Settings settings, Duration cooldown, int maxKeys) {
        this.settings = settings;
        this.windowMillis = settings.window().toMillis();
        this.decay = Math.pow(
                0.5, (double) windowMillis / settings.baselineHalfLife().toMillis());
        this.rates = new RecentKeys<>(maxKeys);
        this.cooldown = new Cooldown(cooldown, maxKeys);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Event.AnomalyDetected> observe(Event event) {
        if (!(event instanceof Event.AccessDecided d)
                || d.request().action() != Action.PULL
                || !d.decision().allowed()
                || !(d.request().resource() instanceof Resource.Repository repository)) {
            return List.of();
        }
        String key = repository.name().toString();
        double recent;
        double baseline;
        synchronized (this) {
            Rate rate = rates.get(key, k -> new Rate());
            long millis = d.at().toEpochMilli();
            long bucket = Math.floorDiv(millis, windowMillis);
            roll(rate, bucket);
            rate.current++;
            double elapsed = (double) (millis - Math.max(bucket, rate.bucket) * windowMillis) / windowMillis;
            recent = rate.previous * (1 - Math.min(1, Math.max(0, elapsed))) + rate.current;
            baseline = rate.baseline;
            if (recent < settings.floor()
                    || recent <= settings.factor() * baseline
                    || !cooldown.tryAlert(key, d.at())) {
                return List.of();
            }
        }
        return List.of(alert(d.at(), key, recent, baseline));
    }

    /** Closes the windows that have ended: each folds its count (zero if nothing came) into the baseline. */
    private void roll(Rate rate, long bucket) {
        if (rate.bucket == Long.MIN_VALUE) {
            rate.bucket = bucket;
            return;
        }
        if (bucket <= rate.bucket) {
            return; // late event from a slower thread: count it in the open window
        }
        long closed = bucket - rate.bucket;
        rate.baseline = rate.baseline * decay + rate.current * (1 - decay);
        // The remaining closed windows were empty; past ~10k of them the baseline is zero anyway.
        rate.baseline *= Math.pow(decay, Math.min(closed - 1, 10_000));
        rate.previous = closed == 1 ? rate.current : 0;
        rate.current = 0;
        rate.bucket = bucket;
    }

    private Event.AnomalyDetected alert(Instant at, String repository, double recent, double baseline) {
        String perWindow = String.format(Locale.ROOT, "%.0f", recent);
        String usual = String.format(Locale.ROOT, "%.1f", baseline);
        return new Event.AnomalyDetected(
                at,
                NAME,
                "repository:" + repository,
                perWindow + " pulls of " + repository + " in the last " + Durations.text(settings.window())
                        + ", usually " + usual,
                Map.of(
                        "pulls", perWindow,
                        "baseline", usual,
                        "window", Durations.text(settings.window()),
                        "factor", Double.toString(settings.factor()),
                        "floor", Integer.toString(settings.floor())));
    }

    synchronized int trackedKeys() {
        return rates.size() + cooldown.size();
    }
}
