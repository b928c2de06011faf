package io.gatehouse.scan.report;

import io.gatehouse.core.scan.VulnerabilityFinding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The findings of a report as the formats list them: per platform for a multi-platform index (its own findings
 * are the union of its children's), worst first.
 */
record ReportFindings(String platform, VulnerabilityFinding finding) {
    static final Comparator<VulnerabilityFinding> WORST_FIRST = Comparator.comparing(VulnerabilityFinding::severity)
            .thenComparing(VulnerabilityFinding::id)
            .thenComparing(f -> nullToEmpty(f.packageName()))
            .thenComparing(f -> nullToEmpty(f.path()));

    static List<ReportFindings> of(ScanReport report) {
        var out = new ArrayList<ReportFindings>();
        for (ScanReport leaf : leaves(report)) {
            leaf.findings().stream().sorted(WORST_FIRST).forEach(f -> out.add(new ReportFindings(leaf.platform(), f)));
        }
        return out;
    }

    /** The images of a report: itself, or its platforms (recursively) when it is an index. */
    static List<ScanReport> leaves(ScanReport report) {
        if (report.children().isEmpty()) return List.of(report);
        var out = new ArrayList<ScanReport>();
        report.children().forEach(c -> out.addAll(leaves(c)));
        return out;
    }

    static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
