package io.gatehouse.scan.report;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A full scan report of one artifact: for an image its packages and findings; for a multi-platform index the
 * union of its platforms' packages and findings, with each platform's own report in {@code children}.
 *
 * @param platform {@code os/arch[/variant]} of an image inside an index, empty otherwise
 * @param database the advisory database the findings were matched against
 * @param findings advisory findings and content findings (dangerous pickles, refused layers) alike
 * @param error why the scan failed (status FAILED), empty otherwise
 */
public record ScanReport(
        Digest artifact,
        String platform,
        ScanStatus status,
        Instant scannedAt,
        DatabaseInfo database,
        Optional<OsRelease> os,
        List<DetectedPackage> packages,
        List<VulnerabilityFinding> findings,
        List<ScanReport> children,
        String error) {

    /**
     * @param version the advisory snapshot's version ({@code AdvisoryIndex#version()})
     * @param importedAt when the database was last imported; {@code advisories} how many it holds
     */
    public record DatabaseInfo(String version, Instant importedAt, long advisories) {}

    public ScanReport {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(status, "status");
        platform = platform == null ? "" : platform;
        os = os == null ? Optional.empty() : os;
        packages = List.copyOf(packages);
        findings = List.copyOf(findings);
        children = List.copyOf(children);
        error = error == null ? "" : error;
    }

    public ScanSummary summary() {
        return new ScanSummary(artifact, status, scannedAt, findings);
    }
}
