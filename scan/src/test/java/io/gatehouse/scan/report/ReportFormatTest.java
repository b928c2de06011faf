package io.gatehouse.scan.report;

import static io.gatehouse.scan.report.ReportSchemas.assertValidCycloneDx;
import static io.gatehouse.scan.report.ReportSchemas.assertValidSarif;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
    static final String LAYER_OS = "sha256:" + "a".repeat(64);
    static final String LAYER_APP = "sha256:" + "b".repeat(64);
    static final DetectedPackage ZLIB = new DetectedPackage(
            "deb",
            "zlib1g",
            "1:1.2.13.dfsg-1",
            "zlib",
            "1:1.2.13.dfsg-1",
            "Debian:12",
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
            LAYER_OS,
            "/var/lib/dpkg/status");
    static final DetectedPackage LOG4J = new DetectedPackage(
            "maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            null,
            null,
            "Maven",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            LAYER_APP,
            "/app/log4j-core-2.14.1.jar");
    static final DetectedPackage ODD = new DetectedPackage(
            "pypi",
            "weird",
            "not a version",
            null,
            null,
            "PyPI",
            "pkg:pypi/weird@not%20a%20version",
            LAYER_APP,
            "/usr/lib/python3/dist-packages/weird-x.dist-info/METADATA");

    static ScanReport report() {
        var findings = List.of(
                finding("DEBIAN-CVE-2023-45853", List.of(), ZLIB, Severity.UNKNOWN, List.of(), Certainty.AFFECTED),
                finding(
                        "GHSA-jfh8-c2jp-5v3q",
                        List.of("CVE-2021-44228"),
                        LOG4J,
                        Severity.CRITICAL,
                        List.of("2.15.0"),
                        Certainty.AFFECTED),
                finding("GHSA-weird-0000-0000", List.of(), ODD, Severity.HIGH, List.of("2.0"), Certainty.UNKNOWN),
                new VulnerabilityFinding(
                        "GATEHOUSE-PICKLE-GLOBAL",
                        List.of(),
                        "posix.system",
                        "",
                        "",
                        Severity.CRITICAL,
                        List.of(),
                        "",
                        "/models/evil.pkl",
                        LAYER_APP,
                        Certainty.AFFECTED,
                        "imports posix.system"));
        return new ScanReport(
                Digest.sha256("image".getBytes(StandardCharsets.UTF_8)),
                "",
                ScanStatus.COMPLETE,
                Instant.parse("2026-12-05T06:00:00Z"),
                new ScanReport.DatabaseInfo("v42", Instant.EPOCH, 4),
                Optional.of(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)")),
                List.of(ZLIB, LOG4J, ODD),
                findings,
                List.of(),
                "");
    }

    static VulnerabilityFinding finding(
            String id, List<String> aliases, DetectedPackage p, Severity s, List<String> fixed, Certainty c) {
        return new VulnerabilityFinding(
                id,
                aliases,
                p.sourceName(),
                p.sourceVersion(),
                p.ecosystem(),
                s,
                fixed,
                p.purl(),
                p.path(),
                p.layer(),
                c,
                id + " summary");
    }

    static byte[] render(ReportFormat format, ScanReport report) throws IOException {
        var out = new ByteArrayOutputStream();
        format.render(report, out);
        return out.toByteArray();
    }

    @Test
    void sarifHasOneRulePerAdvisoryAndOneResultPerFindingAtItsPathInsideTheImage() throws IOException {
        JsonNode sarif = assertValidSarif(render(ReportFormat.SARIF, report()));

        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        JsonNode run = sarif.path("runs").get(0);
        assertThat(run.at("/tool/driver/name").asText()).isEqualTo("Gatehouse");
        assertThat(run.at("/tool/driver/version").asText()).isNotBlank();
        List<String> rules = new ArrayList<>();
        run.at("/tool/driver/rules")
                .forEach(r -> rules.add(r.path("id").asText()
                        + " " + r.at("/properties/security-severity").asText("-")
                        + " " + r.at("/defaultConfiguration/level").asText()));
        assertThat(rules)
                .containsExactly(
                        "GATEHOUSE-PICKLE-GLOBAL 9.0 error",
                        "GHSA-jfh8-c2jp-5v3q 9.0 error",
                        "GHSA-weird-0000-0000 7.0 error",
                        "DEBIAN-CVE-2023-45853 - note");
        List<String> results = new ArrayList<>();
        run.path("results")
                .forEach(r -> results.add(r.path("ruleId").asText() + " @ "
                        + r.at("/locations/0/physicalLocation/artifactLocation/uri")
                                .asText() + " in "
                        + r.at("/locations/0/logicalLocations/0/name").asText() + " rule#"
                        + r.path("ruleIndex").asInt()));
        assertThat(results)
                .containsExactly(
                        "GATEHOUSE-PICKLE-GLOBAL @ models/evil.pkl in " + LAYER_APP + " rule#0",
                        "GHSA-jfh8-c2jp-5v3q @ app/log4j-core-2.14.1.jar in " + LAYER_APP + " rule#1",
                        "GHSA-weird-0000-0000 @ usr/lib/python3/dist-packages/weird-x.dist-info/METADATA in "
                                + LAYER_APP + " rule#2",
                        "DEBIAN-CVE-2023-45853 @ var/lib/dpkg/status in " + LAYER_OS + " rule#3");
        JsonNode log4j = run.path("results").get(1);
        assertThat(log4j.at("/message/text").asText())
                .isEqualTo("org.apache.logging.log4j:log4j-core 2.14.1 is affected by GHSA-jfh8-c2jp-5v3q (critical);"
                        + " fixed in 2.15.0: GHSA-jfh8-c2jp-5v3q summary");
        assertThat(log4j.at("/properties/purl").asText()).isEqualTo(LOG4J.purl());
        assertThat(run.path("results").get(2).at("/message/text").asText()).contains("may be affected");
        assertThat(run.at("/tool/driver/rules/1/properties/tags").toString()).contains("CVE-2021-44228");
    }

    @Test
    void cycloneDxListsPackagesWithPurlsAndFindingsAsVexAffectingThem() throws IOException {
        JsonNode bom = assertValidCycloneDx(render(ReportFormat.CYCLONEDX, report()));

        assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(bom.at("/metadata/component/type").asText()).isEqualTo("container");
        assertThat(bom.at("/metadata/tools/components/0/name").asText()).isEqualTo("Gatehouse");
        List<String> components = new ArrayList<>();
        bom.path("components")
                .forEach(c -> components.add(c.path("type").asText() + " "
                        + c.path("name").asText() + " " + c.path("version").asText() + " "
                        + c.path("purl").asText("-")));
        assertThat(components)
                .containsExactly(
                        "operating-system debian 12 -",
                        "library zlib1g 1:1.2.13.dfsg-1 " + ZLIB.purl(),
                        "library org.apache.logging.log4j:log4j-core 2.14.1 " + LOG4J.purl(),
                        "library weird not a version " + ODD.purl(),
                        "file /models/evil.pkl  -");
        List<String> vulns = new ArrayList<>();
        bom.path("vulnerabilities")
                .forEach(v -> vulns.add(v.path("id").asText() + " "
                        + v.at("/ratings/0/severity").asText() + " "
                        + v.at("/analysis/state").asText() + " -> "
                        + component(bom, v.at("/affects/0/ref").asText()) + " "
                        + v.at("/affects/0/versions/0/status").asText("-")));
        assertThat(vulns)
                .containsExactly(
                        "GATEHOUSE-PICKLE-GLOBAL critical exploitable -> /models/evil.pkl -",
                        "GHSA-jfh8-c2jp-5v3q critical exploitable -> org.apache.logging.log4j:log4j-core affected",
                        "GHSA-weird-0000-0000 high in_triage -> weird unknown",
                        "DEBIAN-CVE-2023-45853 unknown exploitable -> zlib1g affected");
        JsonNode log4j = bom.path("vulnerabilities").get(1);
        assertThat(log4j.at("/references/0/id").asText()).isEqualTo("CVE-2021-44228");
        assertThat(log4j.path("recommendation").asText()).isEqualTo("Upgrade to 2.15.0");
    }

    @Test
    void sameReportGivesTheSameBytes() throws IOException {
        assertThat(render(ReportFormat.CYCLONEDX, report())).isEqualTo(render(ReportFormat.CYCLONEDX, report()));
        assertThat(render(ReportFormat.SARIF, report())).isEqualTo(render(ReportFormat.SARIF, report()));
    }

    @Test
    void sbomWithoutVexIsValidAndHasNoVulnerabilities() {
        JsonNode bom = assertValidCycloneDx(CycloneDxReport.bytes(report(), false));
        assertThat(bom.has("vulnerabilities")).isFalse();
        assertThat(bom.path("components")).hasSize(4);
    }

    @Test
    void multiPlatformReportsNameThePlatformOfEachFinding() throws IOException {
        ScanReport amd = withPlatform(report(), "linux/amd64");
        ScanReport arm = withPlatform(report(), "linux/arm64");
        ScanReport index = ScanReport.ofIndex(
                Digest.sha256("index".getBytes(StandardCharsets.UTF_8)),
                List.of(amd, arm),
                amd.database(),
                amd.scannedAt());

        JsonNode sarif = assertValidSarif(render(ReportFormat.SARIF, index));
        assertThat(sarif.at("/runs/0/results")).hasSize(8);
        assertThat(sarif.at("/runs/0/results/4/properties/platform").asText()).isEqualTo("linux/arm64");
        assertValidCycloneDx(render(ReportFormat.CYCLONEDX, index));
        String table = new String(render(ReportFormat.TABLE, index), StandardCharsets.UTF_8);
        assertThat(table).contains("(linux/amd64)", "(linux/arm64)");
    }

    @Test
    void tableListsFindingsWorstFirstAndMarksUnknownCertainty() throws IOException {
        String table = new String(render(ReportFormat.TABLE, report()), StandardCharsets.UTF_8);
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).contains("complete", "3 packages, 4 findings");
        assertThat(lines.get(1)).startsWith("SEVERITY");
        assertThat(lines.get(2)).startsWith("critical  GATEHOUSE-PICKLE-GLOBAL");
        assertThat(lines.get(3)).startsWith("critical  GHSA-jfh8-c2jp-5v3q").contains("2.15.0", "/app/log4j");
        assertThat(lines.get(4)).startsWith("high?     GHSA-weird-0000-0000");
        assertThat(lines.get(5)).startsWith("unknown   DEBIAN-CVE-2023-45853");
        assertThat(table).contains("?: the version could not be ordered");
    }

    @Test
    void jsonIsTheReportCodecsFormRoundTripping() throws Exception {
        ScanReport report = report();
        assertThat(ScanReportJson.decode(render(ReportFormat.JSON, report))).isEqualTo(report);
    }

    private static ScanReport withPlatform(ScanReport r, String platform) {
        return new ScanReport(
                r.artifact(),
                platform,
                r.status(),
                r.scannedAt(),
                r.database(),
                r.os(),
                r.packages(),
                r.findings(),
                List.of(),
                "");
    }

    private static String component(JsonNode bom, String ref) {
        for (JsonNode c : bom.path("components")) {
            if (c.path("bom-ref").asText().equals(ref)) return c.path("name").asText();
        }
        return "missing " + ref;
    }
}
