package io.gatehouse.server;

import static io.gatehouse.scan.report.ReportSchemas.assertValidCycloneDx;
import static io.gatehouse.scan.report.ReportSchemas.assertValidSarif;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.local.LocalImageFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse scan local} on real images written by skopeo, with the real OSV fixtures (decoys included). */
class ScanLocalCommandTest {
    @TempDir
    static Path temp;

    static Path osvZip;
    static LocalImageFixtures.Images images;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void fixtures() throws IOException {
        images = LocalImageFixtures.images();
        var entries = new LinkedHashMap<String, byte[]>();
        for (String name : OsvFixtures.REAL) entries.put("osv/" + name, OsvFixtures.bytes(name));
        for (String name : OsvFixtures.DECOYS) entries.put("osv/" + name, OsvFixtures.bytes(name));
        osvZip = OsvFixtures.zip(temp.resolve("all.zip"), entries);
    }

    static Run scan(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        var all = new java.util.ArrayList<>(List.of("scan", "local"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void tableOfAnOciLayoutListsTheRealFindingsAndExitsZeroWithoutFailOn() {
        Run run = scan(images.ociLayout().toString(), "--advisories", osvZip.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("7 advisories loaded", "(oci-layout, 1 image)", "2 findings");
        assertThat(run.out().lines().filter(l -> l.contains("GHSA-") || l.contains("CVE-")))
                .satisfiesExactly(
                        l -> assertThat(l)
                                .startsWith("critical  GHSA-jfh8-c2jp-5v3q")
                                .contains("2.15.0", LocalImageFixtures.APP_JAR),
                        l -> assertThat(l)
                                .startsWith("unknown   DEBIAN-CVE-2023-45853")
                                .contains("zlib"));
    }

    @Test
    void failOnExitsOneWhenAFindingReachesTheThreshold() {
        Run critical =
                scan(images.dockerArchive().toString(), "--advisories", osvZip.toString(), "--fail-on", "critical");
        assertThat(critical.exit()).as(critical.err()).isEqualTo(1);
        assertThat(critical.err()).contains("(docker-archive, 1 image)", "1 finding reach --fail-on critical");

        Run noAdvisories = scan(images.ociArchive().toString(), "--fail-on", "low");
        assertThat(noAdvisories.exit()).as(noAdvisories.err()).isZero();
        assertThat(noAdvisories.err()).contains("packages are listed but not matched");
    }

    @Test
    void sarifAndCycloneDxOfAMultiPlatformIndexAreValid() throws IOException {
        Path sarif = temp.resolve("report.sarif");
        Run run = scan(
                images.multiPlatform().toString(),
                "--advisories",
                osvZip.toString(),
                "--format",
                "sarif",
                "-o",
                sarif.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("(oci-layout, 2 images)");
        assertThat(assertValidSarif(Files.readAllBytes(sarif)).at("/runs/0/results"))
                .hasSize(3);

        Run bom = scan(images.multiPlatform().toString(), "--advisories", osvZip.toString(), "--format", "cyclonedx");
        assertThat(bom.exit()).as(bom.err()).isZero();
        var vex =
                assertValidCycloneDx(bom.out().getBytes(StandardCharsets.UTF_8)).path("vulnerabilities");
        assertThat(vex)
                .extracting(v -> v.path("id").asText())
                .containsExactly("GHSA-jfh8-c2jp-5v3q", "DEBIAN-CVE-2023-45853");
    }

    @Test
    void errorsExitTwoWithAClearMessage() throws IOException {
        Path noIndex = Files.createDirectories(temp.resolve("no-index"));
        Files.writeString(noIndex.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Path truncated = temp.resolve("truncated.tar");
        try (var in = Files.newInputStream(images.dockerArchive());
                var out = Files.newOutputStream(truncated)) {
            out.write(in.readNBytes(3 << 20));
        }
        Path evil = temp.resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(evil);
                var tar = new TarArchiveOutputStream(out)) {
            var entry = new TarArchiveEntry("../../etc/passwd", true);
            entry.setSize(1);
            tar.putArchiveEntry(entry);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        String layout = images.ociLayout().toString();

        assertError(scan(temp.resolve("nowhere").toString()), "does not exist");
        assertError(scan(noIndex.toString()), "is not an image: no index.json");
        assertError(scan(truncated.toString()), "truncated.tar");
        assertError(scan(evil.toString()), "unsafe member name '../../etc/passwd'");
        assertError(scan(layout, "--advisories", temp.resolve("missing.zip").toString()), "missing.zip does not exist");
        assertError(scan(layout, "--advisories", evil.toString()), "not a zip file or directory");
        assertError(scan(layout, "--format", "xml"), "--format must be table, sarif, cyclonedx or json");
        assertError(scan(layout, "--fail-on", "severe"), "--fail-on must be critical, high, medium or low");
    }

    private static void assertError(Run run, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("gatehouse: scan local: ").contains(message);
    }
}
