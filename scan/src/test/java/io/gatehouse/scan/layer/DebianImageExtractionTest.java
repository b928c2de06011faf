package io.gatehouse.scan.layer;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.gatehouse.core.fixtures.DebianBookwormLayer;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.OsRelease;
import io.gatehouse.scan.sbom.Sbom;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian 12 root filesystem made by debootstrap: the SBOM must list exactly what dpkg itself says is
 * installed, with source packages, the {@code Debian:12} ecosystem and purls.
 */
class DebianImageExtractionTest {
    private static Path layer;
    private final ImageExtractor extractor = ImageExtractor.withDefaultExtractors();

    @BeforeAll
    static void buildLayer() {
        layer = DebianBookwormLayer.layerTarGz();
    }

    @Test
    void packagesEqualWhatDpkgQueryReports(@TempDir Path dir) throws Exception {
        FileLayer source = FileLayer.of(layer);

        Sbom sbom = extractor.extract(List.of(source), ExtractionLimits.DEFAULTS);

        List<String> oracle = dpkgQuery(dir);
        assertThat(oracle).hasSizeGreaterThan(80);
        assertThat(sbom.packages())
                .extracting(p -> p.name() + " " + p.version() + " " + p.sourceName() + " " + p.sourceVersion())
                .containsExactlyInAnyOrderElementsOf(oracle);
        assertThat(sbom.os()).map(OsRelease::id).contains("debian");
        assertThat(sbom.os()).map(OsRelease::versionId).contains("12");
        assertThat(sbom.findings()).isEmpty();
        assertThat(sbom.packages()).allSatisfy(p -> {
            assertThat(p.ecosystem()).isEqualTo("Debian:12");
            assertThat(p.layer()).isEqualTo(source.digest());
            assertThat(p.path()).isEqualTo("/var/lib/dpkg/status");
            var purl = parse(p.purl());
            assertThat(List.of(purl.getType(), purl.getNamespace(), purl.getName(), purl.getVersion()))
                    .containsExactly("deb", "debian", p.name(), p.version());
            assertThat(purl.getQualifiers())
                    .containsEntry("distro", "debian-12")
                    .containsKey("arch");
        });
        DetectedPackage libc6 = sbom.packages().stream()
                .filter(p -> p.name().equals("libc6"))
                .findFirst()
                .orElseThrow();
        assertThat(libc6.sourceName()).isEqualTo("glibc");
        assertThat(libc6.purl())
                .isEqualTo("pkg:deb/debian/libc6@" + URLEncoder.encode(libc6.version(), StandardCharsets.UTF_8)
                        + "?arch=amd64&distro=debian-12");
    }

    @Test
    void sameSbomFromGzipZstdAndPlainTar(@TempDir Path dir) throws IOException {
        Path tar = dir.resolve("layer.tar");
        Path zstd = dir.resolve("layer.tar.zst");
        try (var in = new GZIPInputStream(Files.newInputStream(layer), 1 << 16)) {
            Files.copy(in, tar);
        }
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(zstd), 3)) {
            Files.copy(tar, out);
        }

        Sbom fromGzip = extractor.extract(List.of(new FileLayer(layer, "sha256:gz")), ExtractionLimits.DEFAULTS);
        Sbom fromZstd = extractor.extract(List.of(new FileLayer(zstd, "sha256:gz")), ExtractionLimits.DEFAULTS);
        Sbom fromTar = extractor.extract(List.of(new FileLayer(tar, "sha256:gz")), ExtractionLimits.DEFAULTS);

        assertThat(fromGzip.packages()).hasSizeGreaterThan(80);
        assertThat(fromZstd).isEqualTo(fromGzip);
        assertThat(fromTar).isEqualTo(fromGzip);
    }

    private static PackageURL parse(String purl) {
        try {
            return new PackageURL(purl);
        } catch (MalformedPackageURLException e) {
            throw new AssertionError(purl, e);
        }
    }

    /** dpkg's own answer, from the layer's dpkg database. */
    private static List<String> dpkgQuery(Path dir) throws Exception {
        run(dir, "tar", "-xzf", layer.toString(), "-C", dir.toString(), "./var/lib/dpkg");
        Path out = dir.resolve("dpkg-query.txt");
        new ProcessBuilder(
                        "dpkg-query",
                        "--admindir=" + dir.resolve("var/lib/dpkg"),
                        "-W",
                        "-f",
                        "${Package} ${Version} ${source:Package} ${source:Version}\\n")
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
                .waitFor();
        return Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
    }

    private static void run(Path dir, String... command) throws Exception {
        int exit = new ProcessBuilder(command)
                .directory(dir.toFile())
                .inheritIO()
                .start()
                .waitFor();
        assertThat(exit).as(String.join(" ", command)).isZero();
    }
}
