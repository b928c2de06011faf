package io.gatehouse.scan.report;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.scan.advisory.AdvisoryIndex;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import io.gatehouse.scan.sbom.Sbom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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

    /**
     * The COMPLETE report of one image: its SBOM's packages matched against {@code index}, plus the SBOM's
     * content findings (a dangerous pickle, a refused layer) as findings of their own.
     */
    public static ScanReport of(
            Digest artifact, String platform, Sbom sbom, AdvisoryIndex index, DatabaseInfo database, Instant at) {
        var findings = new ArrayList<VulnerabilityFinding>();
        for (DetectedPackage p : sbom.packages()) {
            findings.addAll(index.findingsFor(p));
        }
        for (ContentFinding c : sbom.findings()) {
            findings.add(new VulnerabilityFinding(
                    c.id(),
                    List.of(),
                    c.subject(),
                    "",
                    "",
                    c.severity(),
                    List.of(),
                    "",
                    c.path(),
                    c.layer(),
                    VulnerabilityFinding.Certainty.AFFECTED,
                    c.detail()));
        }
        return new ScanReport(
                artifact,
                platform,
                ScanStatus.COMPLETE,
                at,
                database,
                sbom.os(),
                sbom.packages(),
                findings,
                List.of(),
                "");
    }

    /**
     * The report of a multi-platform index: the union of its platforms' packages and findings; FAILED when any
     * platform failed (its error named), else COMPLETE.
     */
    public static ScanReport ofIndex(Digest index, List<ScanReport> platforms, DatabaseInfo database, Instant at) {
        var packages = new LinkedHashSet<DetectedPackage>();
        var findings = new LinkedHashSet<VulnerabilityFinding>();
        var errors = new ArrayList<String>();
        for (ScanReport p : platforms) {
            packages.addAll(p.packages());
            findings.addAll(p.findings());
            if (p.status() == ScanStatus.FAILED) errors.add(p.platform() + ": " + p.error());
        }
        return new ScanReport(
                index,
                "",
                errors.isEmpty() ? ScanStatus.COMPLETE : ScanStatus.FAILED,
                at,
                database,
                Optional.empty(),
                List.copyOf(packages),
                List.copyOf(findings),
                platforms,
                String.join("; ", errors));
    }

    public ScanSummary summary() {
        return new ScanSummary(artifact, status, scannedAt, findings);
    }
}
