package io.gatehouse.scan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScanReportJsonTest {
    private static final Digest INDEX = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest AMD64 = Digest.parse("sha256:" + "b".repeat(64));
    private static final String LAYER = "sha256:" + "c".repeat(64);

    static ScanReport sample() {
        var zlib = new DetectedPackage(
                "deb",
                "zlib1g",
                "1:1.2.13.dfsg-1",
                "zlib",
                "1:1.2.13.dfsg-1",
                "Debian:12",
                "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
                LAYER,
                "/var/lib/dpkg/status");
        var finding = new VulnerabilityFinding(
                "DEBIAN-CVE-2023-45853",
                List.of("CVE-2023-45853"),
                "zlib",
                "1:1.2.13.dfsg-1",
                "Debian:12",
                Severity.CRITICAL,
                List.of(),
                zlib.purl(),
                zlib.path(),
                LAYER,
                Certainty.AFFECTED,
                "integer overflow in zipOpenNewFileInZip4_6");
        var db = new ScanReport.DatabaseInfo("2026-12-05T00:00:00Z/2/1", Instant.parse("2026-12-05T00:00:00Z"), 2);
        var child = new ScanReport(
                AMD64,
                "linux/amd64",
                ScanStatus.COMPLETE,
                Instant.parse("2026-12-05T01:02:03.456Z"),
                db,
                Optional.of(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)")),
                List.of(zlib),
                List.of(finding),
                List.of(),
                "");
        return new ScanReport(
                INDEX,
                "",
                ScanStatus.COMPLETE,
                child.scannedAt(),
                db,
                Optional.empty(),
                List.of(zlib),
                List.of(finding),
                List.of(child),
                "");
    }

    @Test
    void decodingWhatWasEncodedGivesTheSameReport() {
        ScanReport report = sample();
        assertThat(ScanReportJson.decode(ScanReportJson.encode(report))).isEqualTo(report);
    }

    @Test
    void aFailedReportWithoutDatabaseRoundTrips() {
        var failed = new ScanReport(
                AMD64,
                "",
                ScanStatus.FAILED,
                Instant.parse("2026-12-05T01:00:00Z"),
                null,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                "layer sha256:cc.. is not a tar stream");
        assertThat(ScanReportJson.decode(ScanReportJson.encode(failed))).isEqualTo(failed);
    }

    @Test
    void theJsonHasTheFieldsTheIssueNames() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ScanReportJson.encode(sample()));
        assertThat(json.get("artifact").asText()).isEqualTo(INDEX.toString());
        assertThat(json.get("status").asText()).isEqualTo("complete");
        assertThat(json.get("scannedAt").asText()).isEqualTo("2026-12-05T01:02:03.456Z");
        assertThat(json.get("database").get("advisories").asLong()).isEqualTo(2);
        JsonNode finding = json.get("findings").get(0);
        assertThat(finding.get("id").asText()).isEqualTo("DEBIAN-CVE-2023-45853");
        assertThat(finding.get("aliases").get(0).asText()).isEqualTo("CVE-2023-45853");
        assertThat(finding.get("package").asText()).isEqualTo("zlib");
        assertThat(finding.get("severity").asText()).isEqualTo("critical");
        assertThat(finding.get("certainty").asText()).isEqualTo("affected");
        assertThat(finding.get("layer").asText()).isEqualTo(LAYER);
        assertThat(finding.get("path").asText()).isEqualTo("/var/lib/dpkg/status");
        assertThat(finding.has("fixedVersions")).isTrue();
        assertThat(finding.has("purl")).isTrue();
        assertThat(json.get("packages").get(0).get("name").asText()).isEqualTo("zlib1g");
        assertThat(json.get("children").get(0).get("platform").asText()).isEqualTo("linux/amd64");
        assertThat(json.get("children").get(0).get("os").get("id").asText()).isEqualTo("debian");
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> ScanReportJson.decode("{\"status\":\"complete\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScanReportJson.decode("[1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
