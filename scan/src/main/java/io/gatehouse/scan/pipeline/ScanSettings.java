package io.gatehouse.scan.pipeline;

import io.gatehouse.scan.sbom.ExtractionLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline runs ({@code scan.*} in the configuration).
 *
 * @param workers threads taking jobs from the queue on this node (0: none, jobs wait for another node or a
 *     test calling {@link ScanPipeline#runPending()})
 * @param pollInterval how often an idle worker looks at the queue (work queued on this node wakes it at once)
 * @param lease how long a claimed job stays a worker's without renewal (the pipeline renews it every third of a
 *     lease while the job runs), so how long a dead worker's job waits before another takes it
 * @param rematchBatch re-match jobs a worker claims, matches and saves together
 * @param maxAttempts claims of one job before it is recorded as FAILED (a layer that kills the worker each time)
 */
public record ScanSettings(
        int workers,
        Duration pollInterval,
        Duration lease,
        int rematchBatch,
        int maxAttempts,
        ExtractionLimits limits) {
    public static final ScanSettings DEFAULTS =
            new ScanSettings(2, Duration.ofSeconds(1), Duration.ofMinutes(10), 200, 3, ExtractionLimits.DEFAULTS);

    public ScanSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(limits, "limits");
        if (workers < 0 || rematchBatch < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("scan.workers >= 0, scan.rematchBatch >= 1, maxAttempts >= 1");
        }
    }

    public ScanSettings withWorkers(int n) {
        return new ScanSettings(n, pollInterval, lease, rematchBatch, maxAttempts, limits);
    }
}
