package io.gatehouse.core.scan;

import io.gatehouse.core.model.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What policy needs of a scan: its status and findings (advisory and content findings alike). */
public record ScanSummary(Digest artifact, ScanStatus status, Instant scannedAt, List<VulnerabilityFinding> findings) {
    public ScanSummary {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(status, "status");
        findings = List.copyOf(findings);
    }
}
