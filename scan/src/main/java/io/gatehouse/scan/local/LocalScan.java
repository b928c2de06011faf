package io.gatehouse.scan.local;

import io.gatehouse.scan.advisory.AdvisoryIndex;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.report.ScanReport.DatabaseInfo;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.SbomExtraction;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Scans an image on disk with the same extractors and matcher the registry uses: each platform's layers become an
 * SBOM, matched against an advisory index (built in memory from OSV files, see {@code LocalAdvisories}). One
 * platform gives its own report; several give an index report with one child per platform.
 */
public final class LocalScan {
    private final SbomExtraction extraction;
    private final ExtractionLimits limits;
    private final AdvisoryIndex index;
    private final DatabaseInfo database;
    private final Clock clock;

    public LocalScan(
            SbomExtraction extraction,
            ExtractionLimits limits,
            AdvisoryIndex index,
            DatabaseInfo database,
            Clock clock) {
        this.extraction = extraction;
        this.limits = limits;
        this.index = index;
        this.database = database;
        this.clock = clock;
    }

    /** @throws IOException when a layer cannot be read at all (damaged archive, not a tar stream) */
    public ScanReport scan(ImageArchive archive) throws IOException {
        Instant at = clock.instant();
        var images = archive.images();
        // A single image is reported as itself; its platform is only worth naming inside an index.
        boolean single = images.size() == 1 && images.getFirst().manifest().equals(archive.digest());
        var reports = new ArrayList<ScanReport>();
        for (ImageArchive.LocalImage image : images) {
            var sbom = extraction.extract(image.layers(), limits);
            reports.add(ScanReport.of(image.manifest(), single ? "" : image.platform(), sbom, index, database, at));
        }
        if (single) return reports.getFirst();
        return ScanReport.ofIndex(archive.digest(), reports, database, at);
    }
}
