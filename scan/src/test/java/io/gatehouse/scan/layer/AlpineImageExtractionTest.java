package io.gatehouse.scan.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.layer.TestLayer.Compression;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.Sbom;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An Alpine 3.19 layer: apk's installed database (records in Alpine's own format) and its os-release. */
class AlpineImageExtractionTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = AlpineImageExtractionTest.class.getResourceAsStream("/os/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void apkPackagesGetTheAlpineEcosystemOriginAndPurl() throws IOException {
        LayerSource layer = new TestLayer()
                .file("etc/os-release", resource("alpine-3.19-os-release"))
                .file("lib/apk/db/installed", resource("alpine-3.19-installed"))
                .source(Compression.GZIP);

        Sbom sbom = ImageExtractor.withDefaultExtractors().extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).isEmpty();
        String path = "/lib/apk/db/installed";
        assertThat(sbom.packages())
                .containsExactlyInAnyOrder(
                        new DetectedPackage(
                                "apk",
                                "musl",
                                "1.2.4_git20230717-r4",
                                "musl",
                                "1.2.4_git20230717-r4",
                                "Alpine:v3.19",
                                "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1",
                                layer.digest(),
                                path),
                        new DetectedPackage(
                                "apk",
                                "busybox",
                                "1.36.1-r15",
                                "busybox",
                                "1.36.1-r15",
                                "Alpine:v3.19",
                                "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1",
                                layer.digest(),
                                path),
                        new DetectedPackage(
                                "apk",
                                "libcrypto3",
                                "3.1.4-r5",
                                "openssl",
                                "3.1.4-r5",
                                "Alpine:v3.19",
                                "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1",
                                layer.digest(),
                                path),
                        new DetectedPackage(
                                "apk",
                                "libssl3",
                                "3.1.4-r5",
                                "openssl",
                                "3.1.4-r5",
                                "Alpine:v3.19",
                                "pkg:apk/alpine/libssl3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1",
                                layer.digest(),
                                path));
    }
}
