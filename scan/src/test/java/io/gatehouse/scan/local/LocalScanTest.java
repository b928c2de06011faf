package io.gatehouse.scan.local;

import static io.gatehouse.scan.report.ReportSchemas.assertValidCycloneDx;
import static io.gatehouse.scan.report.ReportSchemas.assertValidSarif;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.scan.advisory.LocalAdvisories;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.layer.LayerFormatException;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.report.ReportFormat;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scans real images on disk (written by skopeo) against the real OSV fixtures, decoys included. */
class LocalScanTest {
    static LocalAdvisories advisories;

    @TempDir
    static Path temp;

    @BeforeAll
    static void loadAdvisories() throws IOException {
        advisories = LocalAdvisories.load(OsvFixtures.copyTo(temp.resolve("osv")), OsvMatcher.withDefaultSchemes());
    }

    static ScanReport scan(Path path) throws IOException {
        try (var archive = ImageArchive.open(path)) {
            return new LocalScan(
                            ImageExtractor.withDefaultExtractors(),
                            ExtractionLimits.DEFAULTS,
                            advisories.index(),
                            new ScanReport.DatabaseInfo(advisories.index().version(), null, advisories.advisories()),
                            Clock.fixed(Instant.parse("2026-12-05T06:00:00Z"), ZoneOffset.UTC))
                    .scan(archive);
        }
    }

    /** What a user checks: advisory, package, version, where. */
    static List<String> findings(ScanReport report) {
        return report.findings().stream()
                .map(f -> f.id() + " " + f.packageName() + " " + f.version() + " "
                        + f.severity().label() + " " + f.path())
                .sorted()
                .toList();
    }

    static final List<String> FULL_IMAGE = List.of(
            "DEBIAN-CVE-2023-45853 zlib 1:1.2.13.dfsg-1 unknown /var/lib/dpkg/status",
            "GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1 critical " + LocalImageFixtures.APP_JAR);

    @Test
    void advisoriesLoadInMemoryWithTheMalformedOnesRejected() {
        assertThat(advisories.advisories()).isEqualTo(OsvFixtures.REAL.size() + OsvFixtures.DECOYS.size());
        assertThat(advisories.rejected())
                .extracting(r -> r.source())
                .containsExactlyInAnyOrderElementsOf(OsvFixtures.MALFORMED);
    }

    @Test
    void ociLayoutFindsTheDebianAndLog4jAdvisoriesAndNoDecoy() throws IOException {
        var images = LocalImageFixtures.images();
        ScanReport report = scan(images.ociLayout());

        assertThat(report.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(report.children()).isEmpty();
        assertThat(findings(report)).containsExactlyElementsOf(FULL_IMAGE);
        assertThat(report.os())
                .hasValueSatisfying(os -> assertThat(os.versionId()).isEqualTo("12"));
        assertThat(report.findings())
                .filteredOn(f -> f.id().startsWith("GHSA"))
                .extracting(VulnerabilityFinding::layer)
                .containsExactly(images.appLayer());
        assertThat(report.artifact().toString()).isEqualTo(onlyManifest(images.ociLayout()));
    }

    @Test
    void ociArchiveAndDockerArchiveGiveTheSameFindings() throws IOException {
        var images = LocalImageFixtures.images();
        assertThat(findings(scan(images.ociArchive()))).containsExactlyElementsOf(FULL_IMAGE);
        ScanReport docker = scan(images.dockerArchive());
        assertThat(findings(docker)).containsExactlyElementsOf(FULL_IMAGE);
        // docker save has no manifest: the image id (config digest) names it, the diff_ids its layers
        assertThat(docker.findings()).extracting(VulnerabilityFinding::layer).doesNotContain(images.appLayer());
    }

    @Test
    void multiPlatformIndexIsScannedPlatformByPlatform() throws IOException {
        ScanReport report = scan(LocalImageFixtures.images().multiPlatform());

        assertThat(report.children()).extracting(ScanReport::platform).containsExactly("linux/amd64", "linux/arm64");
        assertThat(findings(report.children().get(0))).containsExactlyElementsOf(FULL_IMAGE);
        assertThat(findings(report.children().get(1))).containsExactly(FULL_IMAGE.get(1));
        assertThat(findings(report)).containsExactlyElementsOf(FULL_IMAGE);
    }

    @Test
    void reportsOfARealImageAreValidSarifAndCycloneDx() throws IOException {
        ScanReport report = scan(LocalImageFixtures.images().multiPlatform());

        JsonNode sarif = assertValidSarif(render(ReportFormat.SARIF, report));
        assertThat(sarif.at("/runs/0/results")).hasSize(3);
        JsonNode bom = assertValidCycloneDx(render(ReportFormat.CYCLONEDX, report));
        assertThat(bom.path("components").size()).isGreaterThan(80);
        assertThat(bom.toString()).contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    }

    @Test
    void aDirectoryWithoutIndexJsonIsNotAnImage() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("no-index"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        assertThatThrownBy(() -> ImageArchive.open(dir))
                .isInstanceOf(ImageArchiveException.class)
                .hasMessageContaining("is not an image: no index.json");
    }

    @Test
    void aMissingPathIsNamed() {
        assertThatThrownBy(() -> ImageArchive.open(temp.resolve("nowhere")))
                .isInstanceOf(ImageArchiveException.class)
                .hasMessageContaining("no such file or directory");
    }

    @Test
    void aFileThatIsNoArchiveIsRefused() throws IOException {
        Path file = Files.writeString(temp.resolve("notes.txt"), "just some text, not an image\n".repeat(40));
        assertThatThrownBy(() -> ImageArchive.open(file))
                .isInstanceOf(ImageArchiveException.class)
                .hasMessageContaining("notes.txt");
    }

    @Test
    void aTruncatedDockerArchiveFailsWithAClearMessage() throws IOException {
        Path full = LocalImageFixtures.images().dockerArchive();
        Path truncated = temp.resolve("truncated.tar");
        try (var in = Files.newInputStream(full);
                var out = Files.newOutputStream(truncated)) {
            out.write(in.readNBytes((int) Math.min(Files.size(full) / 2, Integer.MAX_VALUE - 8)));
        }
        assertThatThrownBy(() -> scan(truncated))
                .isInstanceOfAny(ImageArchiveException.class, LayerFormatException.class)
                .hasMessageMatching("(?s).*(truncated|damaged|missing|not a readable tar).*");
    }

    @Test
    void aTarMemberClimbingOutOfTheArchiveIsRefused() throws IOException {
        Path evil = temp.resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(evil);
                var tar = new TarArchiveOutputStream(out)) {
            for (String name : List.of("manifest.json", "../../etc/cron.d/evil")) {
                byte[] body = "[]".getBytes();
                var entry = new TarArchiveEntry(name, true);
                entry.setSize(body.length);
                tar.putArchiveEntry(entry);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> ImageArchive.open(evil))
                .isInstanceOf(ImageArchiveException.class)
                .hasMessageContaining("unsafe member name '../../etc/cron.d/evil'");
    }

    @Test
    void aLayoutMissingALayerBlobIsRefusedBeforeScanning() throws IOException {
        Path copy = temp.resolve("missing-layer");
        LocalImageFixtures.skopeo("copy", "oci:" + LocalImageFixtures.images().ociLayout() + ":latest", "oci:" + copy);
        String app = LocalImageFixtures.images().appLayer();
        Files.delete(copy.resolve("blobs/sha256").resolve(app.substring("sha256:".length())));
        assertThatThrownBy(() -> ImageArchive.open(copy))
                .isInstanceOf(ImageArchiveException.class)
                .hasMessageContaining("layer " + app)
                .hasMessageContaining("is missing");
    }

    static byte[] render(ReportFormat format, ScanReport report) throws IOException {
        var out = new ByteArrayOutputStream();
        format.render(report, out);
        return out.toByteArray();
    }

    private static String onlyManifest(Path layout) throws IOException {
        JsonNode index = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(layout.resolve("index.json").toFile());
        return index.path("manifests").get(0).path("digest").asText();
    }
}
