package io.gatehouse.scan.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/** The ways a {@link ScanReport} is written out, as {@code --format} names them. */
public enum ReportFormat {
    /** The report as {@code scan report --json} prints it and the API answers it ({@link ScanReportJson}). */
    JSON {
        @Override
        public void render(ScanReport report, OutputStream out) throws IOException {
            out.write(ScanReportJson.encodePretty(report).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write('\n');
        }
    },
    /** SARIF 2.1.0, for code scanning dashboards. */
    SARIF {
        @Override
        public void render(ScanReport report, OutputStream out) throws IOException {
            SarifReport.write(report, out);
        }
    },
    /** CycloneDX 1.6 JSON: the SBOM with the findings as VEX. */
    CYCLONEDX {
        @Override
        public void render(ScanReport report, OutputStream out) throws IOException {
            CycloneDxReport.write(report, true, out);
        }
    },
    /** A plain-text table for people. */
    TABLE {
        @Override
        public void render(ScanReport report, OutputStream out) throws IOException {
            TableReport.write(report, out);
        }
    };

    /** Writes {@code report} to {@code out}; does not close it. */
    public abstract void render(ScanReport report, OutputStream out) throws IOException;

    /** A {@code --format} value, any case; the message names the choices. */
    public static ReportFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be table, sarif, cyclonedx or json, not '" + text + "'");
        }
    }

    /** The lower-case name, as {@code --format} takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Gatehouse version reports name as their tool: the jar's {@code Implementation-Version}, else "dev". */
    static String toolVersion() {
        String version = ReportFormat.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
