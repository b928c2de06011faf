package io.gatehouse.audit;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link AuditExporter} on one background thread every {@code period}. A run that finds nothing due
 * costs one listing of the archive; a failed run (archive unreachable) is logged and simply retried next time,
 * since the archive itself says where to continue.
 */
public final class AuditExportSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditExportSchedule.class);

    private final AuditExporter exporter;
    private final ScheduledExecutorService thread;

    public AuditExportSchedule(AuditExporter exporter, Duration period) {
        this.exporter = exporter;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-audit-export");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::run, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            var result = exporter.exportNow();
            if (!result.objects().isEmpty()) {
                log.info(
                        "audit export: {} records in {} object(s) to {}, through record {}",
                        result.records(),
                        result.objects().size(),
                        exporter.describe(),
                        result.exportedThrough());
            }
        } catch (RuntimeException e) {
            log.warn("audit export to {} failed; retrying at the next run: {}", exporter.describe(), e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
