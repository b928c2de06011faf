package io.gatehouse.scan.pipeline;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanResults;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.store.ScanStore;
import io.gatehouse.core.store.ScanStore.IndexKey;
import io.gatehouse.core.store.ScanStore.PackageRow;
import io.gatehouse.core.store.ScanStore.StoredReport;
import io.gatehouse.scan.advisory.PackageKey;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.report.ScanReportJson;
import io.gatehouse.scan.sbom.DetectedPackage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored reports as {@link ScanReport}s: writes an image's report as a row plus its packages (indexed by the
 * key advisories use), an index's as a row naming its children; reads them back whole. As {@link ScanResults} it
 * gives the latest verdict of a manifest, cached briefly per node (the pull gate asks on every pull); saves on
 * this node clear the cache at once, other nodes' saves show within {@link #CACHE_TTL}.
 */
public final class ScanReports implements ScanResults {
    static final Duration CACHE_TTL = Duration.ofSeconds(5);

    private final ScanStore store;
    private final Clock clock;
    private final Map<Digest, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<ScanSummary> summary, Instant until) {}

    public ScanReports(ScanStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<ScanSummary> latest(Digest manifest) {
        Instant now = clock.instant();
        Cached cached = cache.get(manifest);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.summary();
        }
        Optional<ScanSummary> summary = report(manifest, false).map(ScanReport::summary);
        cache.put(manifest, new Cached(summary, now.plus(CACHE_TTL)));
        return summary;
    }

    /** The latest report with its packages; for an index with each platform's report and their union. */
    public Optional<ScanReport> report(Digest artifact) {
        return report(artifact, true);
    }

    /** Whether a scan of the artifact waits or runs. */
    public boolean queued(Digest artifact) {
        return store.queued(artifact);
    }

    private Optional<ScanReport> report(Digest artifact, boolean withPackages) {
        return store.report(artifact).map(stored -> {
            ScanReport header = decode(stored);
            if (stored.children().isEmpty()) {
                List<DetectedPackage> packages = withPackages
                        ? store
                                .packages(List.of(artifact), java.util.OptionalLong.empty())
                                .getOrDefault(artifact, List.of())
                                .stream()
                                .map(row -> ScanReportJson.decodePackage(row.json()))
                                .toList()
                        : List.of();
                return with(header, packages, header.findings(), List.of());
            }
            // An index: its children's current reports (re-matches update them, not the index row).
            List<ScanReport> children = new ArrayList<>();
            for (Digest child : stored.children()) {
                report(child, withPackages).ifPresent(children::add);
            }
            return aggregate(header, children);
        });
    }

    /** An index's report over its platforms' reports: their packages and findings, each finding once. */
    static ScanReport aggregate(ScanReport header, List<ScanReport> children) {
        var packages = new LinkedHashSet<DetectedPackage>();
        var findings = new LinkedHashSet<VulnerabilityFinding>();
        for (ScanReport child : children) {
            packages.addAll(child.packages());
            findings.addAll(child.findings());
        }
        return with(header, List.copyOf(packages), List.copyOf(findings), children);
    }

    static ScanReport with(
            ScanReport r,
            List<DetectedPackage> packages,
            List<VulnerabilityFinding> findings,
            List<ScanReport> children) {
        return new ScanReport(
                r.artifact(),
                r.platform(),
                r.status(),
                r.scannedAt(),
                r.database(),
                r.os(),
                packages,
                findings,
                children,
                r.error());
    }

    /**
     * Saves a scan's report: each child of an index as its own image report first, then the artifact. A failed
     * scan keeps a complete report in place (the store records only the error).
     */
    public void save(ScanReport report, RepositoryName repository, String extractorVersion) {
        for (ScanReport child : report.children()) {
            save(child, repository, extractorVersion);
        }
        boolean index = !report.children().isEmpty();
        ScanReport header = with(report, List.of(), index ? List.of() : report.findings(), List.of());
        var stored = new StoredReport(
                report.artifact(),
                repository,
                report.status(),
                report.scannedAt(),
                extractorVersion,
                report.database() == null ? "" : report.database().version(),
                new String(ScanReportJson.encode(header), StandardCharsets.UTF_8),
                report.children().stream().map(ScanReport::artifact).toList(),
                report.error().isEmpty() ? Optional.empty() : Optional.of(report.error()),
                Optional.empty());
        Optional<List<PackageRow>> packages = index || report.status() == ScanStatus.FAILED
                ? Optional.empty()
                : Optional.of(report.packages().stream().map(ScanReports::row).toList());
        store.save(stored, packages);
        invalidate();
    }

    static PackageRow row(DetectedPackage p) {
        PackageKey key = PackageKey.of(p.ecosystem(), p.sourceName());
        return new PackageRow(new IndexKey(key.ecosystem(), key.name()), ScanReportJson.encodePackage(p));
    }

    static ScanReport decode(StoredReport stored) {
        return ScanReportJson.decode(stored.json().getBytes(StandardCharsets.UTF_8));
    }

    static StoredReport rematched(StoredReport stored, ScanReport report) {
        return new StoredReport(
                stored.artifact(),
                stored.repository(),
                report.status(),
                report.scannedAt(),
                stored.extractorVersion(),
                report.database() == null ? "" : report.database().version(),
                new String(ScanReportJson.encode(report), StandardCharsets.UTF_8),
                List.of(),
                stored.lastError(),
                stored.lastErrorAt());
    }

    /** Drops every cached verdict (an index's verdict depends on its children's reports). */
    void invalidate() {
        cache.clear();
    }
}
