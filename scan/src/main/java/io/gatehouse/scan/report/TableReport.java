package io.gatehouse.scan.report;

import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A scan report as a plain-text table for a terminal: one section per platform, findings worst first. */
final class TableReport {
    private static final int WIDTH = 48;

    private TableReport() {}

    static void write(ScanReport report, OutputStream out) throws IOException {
        var w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        for (ScanReport image : ReportFindings.leaves(report)) {
            w.printf(
                    "%s%s  %s  %d packages, %d findings%s%n",
                    image.artifact(),
                    image.platform().isEmpty() ? "" : " (" + image.platform() + ")",
                    image.status().name().toLowerCase(java.util.Locale.ROOT),
                    image.packages().size(),
                    image.findings().size(),
                    image.error().isEmpty() ? "" : ": " + image.error());
            List<VulnerabilityFinding> findings =
                    image.findings().stream().sorted(ReportFindings.WORST_FIRST).toList();
            if (findings.isEmpty()) {
                w.println();
                continue;
            }
            w.printf("%-9s %-28s %-32s %-24s %-20s %s%n", "SEVERITY", "ID", "PACKAGE", "VERSION", "FIXED IN", "PATH");
            for (VulnerabilityFinding f : findings) {
                w.printf(
                        "%-9s %-28s %-32s %-24s %-20s %s%n",
                        f.severity().label() + (f.certainty() == Certainty.UNKNOWN ? "?" : ""),
                        f.id(),
                        clip(f.packageName()),
                        clip(f.version()),
                        clip(String.join(", ", f.fixedVersions())),
                        f.path() == null ? "" : f.path());
            }
            w.println();
        }
        if (ReportFindings.leaves(report).stream()
                .anyMatch(r -> r.findings().stream().anyMatch(f -> f.certainty() == Certainty.UNKNOWN))) {
            w.println("?: the version could not be ordered, so the package may be affected; check it by hand.");
        }
        w.flush();
    }

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() <= WIDTH ? s : s.substring(0, WIDTH - 1) + "…";
    }
}
