package io.gatehouse.server.cli;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.scan.advisory.AdvisoryIndex;
import io.gatehouse.scan.advisory.LocalAdvisories;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.local.ImageArchive;
import io.gatehouse.scan.local.LocalScan;
import io.gatehouse.scan.match.OsvAdvisoryIndex;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.report.ReportFormat;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse scan local PATH}: scans an image on disk before it is pushed, offline, with the registry's own
 * extractors and matcher. Exit codes: 0 scanned and nothing reached {@code --fail-on}; 1 findings reached it; 2
 * the scan could not run (missing path, not an image, damaged archive, unreadable advisories).
 */
@Command(
        name = "local",
        description = "Scan an image on disk before pushing it: an OCI image layout directory (skopeo copy ..."
                + " oci:DIR), an oci-archive tar, or a docker save / docker-archive tar. Offline: advisories come"
                + " from --advisories. Exit 0 clean, 1 when findings reach --fail-on, 2 on errors.")
public final class ScanLocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The image layout directory or image tarball.")
    Path path;

    @Option(
            names = "--advisories",
            paramLabel = "OSV_ZIP_OR_DIR",
            description = "OSV advisories (an OSV all.zip dump or a directory of OSV JSON files) to match against;"
                    + " without it packages are listed but not matched.")
    Path advisories;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (default), sarif, cyclonedx (SBOM + VEX) or json.")
    String format;

    @Option(
            names = "--fail-on",
            paramLabel = "SEVERITY",
            description = "Exit 1 when a finding is this severe or worse: critical, high, medium or low.")
    String failOn;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write the report to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            ReportFormat reportFormat = ReportFormat.parse(format);
            Severity threshold = failOn == null ? null : parseThreshold(failOn);
            if (!Files.exists(path)) return fail(err, path + " does not exist");
            LoadedIndex loaded = loadAdvisories(err);
            ScanReport report;
            try (ImageArchive archive = ImageArchive.open(path)) {
                var scan = new LocalScan(
                        ImageExtractor.withDefaultExtractors(),
                        ExtractionLimits.DEFAULTS,
                        loaded.index(),
                        new ScanReport.DatabaseInfo(loaded.index().version(), null, loaded.count()),
                        Clock.systemUTC());
                report = scan.scan(archive);
                err.printf(
                        "scanned %s (%s, %d image%s): %d packages, %d findings%n",
                        archive.digest(),
                        archive.kind(),
                        archive.images().size(),
                        archive.images().size() == 1 ? "" : "s",
                        report.packages().size(),
                        report.findings().size());
            }
            write(reportFormat, report);
            if (threshold != null) {
                long reaching = report.findings().stream()
                        .map(VulnerabilityFinding::severity)
                        .filter(s -> s.reaches(threshold))
                        .count();
                if (reaching > 0) {
                    err.printf(
                            "%d finding%s reach --fail-on %s%n", reaching, reaching == 1 ? "" : "s", threshold.label());
                    err.flush();
                    return 1;
                }
            }
            err.flush();
            return 0;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            return fail(err, e.getMessage());
        }
    }

    private record LoadedIndex(AdvisoryIndex index, long count) {}

    private LoadedIndex loadAdvisories(PrintWriter err) throws IOException {
        if (advisories == null) {
            err.println("no --advisories given: packages are listed but not matched against any advisory");
            return new LoadedIndex(OsvAdvisoryIndex.empty(), 0);
        }
        if (!Files.exists(advisories)) throw new IllegalArgumentException(advisories + " does not exist");
        var local = LocalAdvisories.load(advisories, OsvMatcher.withDefaultSchemes());
        err.printf("%d advisories loaded from %s", local.advisories(), advisories);
        err.println(local.rejectedCount() == 0 ? "" : ", " + local.rejectedCount() + " files rejected:");
        local.rejected().forEach(r -> err.println("  " + r.source() + ": " + r.reason()));
        return new LoadedIndex(local.index(), local.advisories());
    }

    private void write(ReportFormat reportFormat, ScanReport report) throws IOException {
        if (output != null) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
                reportFormat.render(report, out);
            }
            return;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.flush();
        var buffer = new java.io.ByteArrayOutputStream();
        reportFormat.render(report, buffer);
        stdout.print(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
        stdout.flush();
    }

    private static Severity parseThreshold(String text) {
        return Severity.parse(text)
                .filter(s -> s != Severity.UNKNOWN)
                .orElseThrow(() -> new IllegalArgumentException(
                        "--fail-on must be critical, high, medium or low, not '" + text + "'"));
    }

    private static int fail(PrintWriter err, String message) {
        err.println("gatehouse: scan local: " + message);
        err.flush();
        return 2;
    }
}
