package io.gatehouse.server.advisory;

import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisory database's age and size as Prometheus gauges ({@code gatehouse_advisory_database_age_seconds},
 * NaN until the first import; {@code gatehouse_advisories}), and a once-a-minute staleness check, so the stale
 * alert is raised even when nobody looks at /readyz.
 */
public final class AdvisoryMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdvisoryMetrics.class);

    private final AdvisoryDatabase database;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("advisory-staleness").factory());

    public AdvisoryMetrics(AdvisoryDatabase database, MeterRegistry registry) {
        this.database = database;
        Gauge.builder(
                        "gatehouse.advisory.database.age",
                        database,
                        d -> d.status().age().map(a -> (double) a.toSeconds()).orElse(Double.NaN))
                .baseUnit("seconds")
                .description("time since the last advisory import; NaN before the first")
                .register(registry);
        Gauge.builder("gatehouse.advisories", database, d -> d.status().advisories())
                .description("advisories in the database")
                .register(registry);
    }

    public void start() {
        checker.scheduleWithFixedDelay(this::check, 0, 1, TimeUnit.MINUTES);
    }

    private void check() {
        try {
            database.checkStaleness();
        } catch (RuntimeException e) {
            log.warn("advisory staleness check failed", e);
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
