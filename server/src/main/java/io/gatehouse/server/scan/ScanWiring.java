package io.gatehouse.server.scan;

import io.gatehouse.core.event.EventBus;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.ScanStore.Trigger;
import io.gatehouse.http.Route;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.pipeline.ScanPipeline;
import io.gatehouse.scan.pipeline.ScanReports;
import io.gatehouse.scan.pipeline.ScanSettings;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.server.config.ConfigValidator;
import io.gatehouse.server.config.GatehouseConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scanning in the server: the pipeline from {@code scan.*}, subscribed to pushes, with its routes and metrics
 * ({@code gatehouse_scan_queue_depth{trigger}}, {@code gatehouse_scans_total{trigger,status}},
 * {@code gatehouse_scan_duration_seconds{trigger}}).
 */
public final class ScanWiring implements AutoCloseable {
    private static final Duration DEPTH_CACHE = Duration.ofSeconds(5);

    private final ScanPipeline pipeline;
    private final MetadataStore metadata;
    private volatile Map<Trigger, Long> depth = Map.of();
    private volatile Instant depthAt = Instant.EPOCH;

    public ScanWiring(
            GatehouseConfig.Scan config,
            MetadataStore metadata,
            BlobStore blobs,
            AdvisoryDatabase advisories,
            EventBus events,
            Clock clock,
            MeterRegistry registry) {
        this.metadata = metadata;
        this.pipeline = new ScanPipeline(
                metadata,
                blobs,
                advisories,
                ImageExtractor.withDefaultExtractors(),
                events,
                clock,
                settings(config),
                (trigger, status, took) -> {
                    String t = trigger.label();
                    Counter.builder("gatehouse.scans")
                            .tag("trigger", t)
                            .tag("status", status.name().toLowerCase(Locale.ROOT))
                            .register(registry)
                            .increment();
                    Timer.builder("gatehouse.scan.duration")
                            .tag("trigger", t)
                            .register(registry)
                            .record(took);
                });
        events.subscribe(pipeline.pushListener());
        for (Trigger trigger : Trigger.values()) {
            Gauge.builder("gatehouse.scan.queue.depth", this, w -> w.depth(trigger))
                    .tag("trigger", trigger.label())
                    .description("scan jobs waiting or running")
                    .register(registry);
        }
    }

    static ScanSettings settings(GatehouseConfig.Scan c) {
        var x = c.extraction();
        return new ScanSettings(
                c.workers(),
                ConfigValidator.duration("scan.pollInterval", c.pollInterval()),
                ConfigValidator.duration("scan.lease", c.lease()),
                c.rematchBatch(),
                c.maxAttempts(),
                new ExtractionLimits(
                        x.maxUncompressedBytes(),
                        x.maxEntries(),
                        x.maxPathLength(),
                        x.maxCompressionRatio(),
                        x.maxFileBytes(),
                        x.maxNestingDepth()));
    }

    /** One query for all four gauges per scrape, at most every few seconds. */
    private double depth(Trigger trigger) {
        Instant now = Instant.now();
        if (Duration.between(depthAt, now).compareTo(DEPTH_CACHE) > 0) {
            try {
                depth = metadata.scans().depth();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            depthAt = now;
        }
        return depth.getOrDefault(trigger, 0L);
    }

    public ScanPipeline pipeline() {
        return pipeline;
    }

    public ScanReports reports() {
        return pipeline.reports();
    }

    public List<Route> routes() {
        return new ScansHandler(pipeline, metadata).routes();
    }

    public void start() {
        pipeline.start();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
