package io.gatehouse.scan.layer;

import static io.gatehouse.scan.layer.TestLayer.DEBIAN_12;
import static io.gatehouse.scan.layer.TestLayer.dpkgStanza;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.layer.TestLayer.Compression;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.OsRelease;
import io.gatehouse.scan.sbom.Sbom;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whiteouts, opaque directories, re-added files and links across layers, with the real OS extractors. */
class ImageExtractorLayersTest {
    private static final String STATUS_D = "var/lib/dpkg/status.d/";
    private final ImageExtractor extractor = ImageExtractor.withDefaultExtractors();

    /** Layer 1 of a distroless-like image: four packages, one file each, and os-release behind a symlink. */
    private static TestLayer base() {
        return new TestLayer()
                .dir("./etc")
                .symlink("./etc/os-release", "../usr/lib/os-release")
                .file("./usr/lib/os-release", DEBIAN_12)
                .file(STATUS_D + "base-files", dpkgStanza("base-files", "12.4+deb12u5", null))
                .file(STATUS_D + "libc6", dpkgStanza("libc6", "2.36-9+deb12u4", "glibc"))
                .file(
                        STATUS_D + "libc6.md5sums",
                        "d41d8cd98f00b204e9800998ecf8427e  usr/lib/x86_64-linux-gnu/libc.so.6\n")
                .file(STATUS_D + "zlib1g", dpkgStanza("zlib1g", "1:1.2.13.dfsg-1", "zlib (1:1.2.13.dfsg-1)"))
                .file(STATUS_D + "tzdata", dpkgStanza("tzdata", "2024a-0+deb12u1", null));
    }

    private Sbom extract(TestLayer... layers) throws IOException {
        List<LayerSource> sources = java.util.Arrays.stream(layers)
                .map(l -> l.source(Compression.GZIP))
                .toList();
        return extractor.extract(sources, ExtractionLimits.DEFAULTS);
    }

    private static List<String> names(Sbom sbom) {
        return sbom.packages().stream()
                .map(p -> p.name() + "@" + p.version())
                .sorted()
                .toList();
    }

    @Test
    void oneLayerGivesEveryPackageWithSourceEcosystemAndPurl() throws IOException {
        var layer = base().source(Compression.GZIP);
        Sbom sbom = extractor.extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.os()).contains(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)"));
        assertThat(sbom.findings()).isEmpty();
        assertThat(names(sbom))
                .containsExactly(
                        "base-files@12.4+deb12u5",
                        "libc6@2.36-9+deb12u4",
                        "tzdata@2024a-0+deb12u1",
                        "zlib1g@1:1.2.13.dfsg-1");
        DetectedPackage libc6 = sbom.packages().stream()
                .filter(p -> p.name().equals("libc6"))
                .findFirst()
                .orElseThrow();
        assertThat(libc6)
                .isEqualTo(new DetectedPackage(
                        "deb",
                        "libc6",
                        "2.36-9+deb12u4",
                        "glibc",
                        "2.36-9+deb12u4",
                        "Debian:12",
                        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
                        layer.digest(),
                        "/var/lib/dpkg/status.d/libc6"));
        DetectedPackage zlib = sbom.packages().stream()
                .filter(p -> p.name().equals("zlib1g"))
                .findFirst()
                .orElseThrow();
        assertThat(zlib.sourceName()).isEqualTo("zlib");
        assertThat(zlib.sourceVersion()).isEqualTo("1:1.2.13.dfsg-1");
    }

    @Test
    void whiteoutInAHigherLayerRemovesTheLowerFile() throws IOException {
        Sbom sbom = extract(base(), new TestLayer().whiteout(STATUS_D + "tzdata"));

        assertThat(names(sbom))
                .containsExactly("base-files@12.4+deb12u5", "libc6@2.36-9+deb12u4", "zlib1g@1:1.2.13.dfsg-1");
    }

    @Test
    void whiteoutOfADirectoryRemovesEverythingUnderIt() throws IOException {
        Sbom sbom = extract(base(), new TestLayer().whiteout("var/lib/dpkg"));

        assertThat(sbom.packages()).isEmpty();
        assertThat(sbom.os()).isPresent();
    }

    @Test
    void fileReAddedAboveAWhiteoutWinsAndNamesItsLayer() throws IOException {
        var top = new TestLayer().file(STATUS_D + "libc6", dpkgStanza("libc6", "2.36-9+deb12u7", "glibc"));
        LayerSource third = top.source(Compression.GZIP);
        Sbom sbom = extractor.extract(
                List.of(
                        base().source(Compression.GZIP),
                        new TestLayer().whiteout(STATUS_D + "libc6").source(Compression.GZIP),
                        third),
                ExtractionLimits.DEFAULTS);

        assertThat(names(sbom)).contains("libc6@2.36-9+deb12u7").doesNotContain("libc6@2.36-9+deb12u4");
        assertThat(sbom.packages())
                .filteredOn(p -> p.name().equals("libc6"))
                .singleElement()
                .extracting(DetectedPackage::layer)
                .isEqualTo(third.digest());
    }

    @Test
    void whiteoutOnlyHidesLowerLayersNotAFileAddedInItsOwnLayer() throws IOException {
        // The re-added file comes first in the tar: the whiteout after it must not delete it.
        var second = new TestLayer()
                .file(STATUS_D + "libc6", dpkgStanza("libc6", "2.36-9+deb12u7", "glibc"))
                .whiteout(STATUS_D + "libc6");

        assertThat(names(extract(base(), second)))
                .contains("libc6@2.36-9+deb12u7")
                .doesNotContain("libc6@2.36-9+deb12u4");
    }

    @Test
    void opaqueDirectoryHidesLowerContentButKeepsItsOwn() throws IOException {
        var second = new TestLayer()
                .opaque("var/lib/dpkg/status.d")
                .file(STATUS_D + "base-files", dpkgStanza("base-files", "12.4+deb12u6", null));

        assertThat(names(extract(base(), second))).containsExactly("base-files@12.4+deb12u6");
    }

    @Test
    void fileOverwrittenInAHigherLayerReplacesTheLowerOne() throws IOException {
        var lower = new TestLayer()
                .file("etc/os-release", DEBIAN_12)
                .file(
                        "var/lib/dpkg/status",
                        dpkgStanza("bash", "5.2.15-2+b2", "bash (5.2.15-2)") + "\n"
                                + dpkgStanza("dash", "0.5.12-2", null));
        var upper = new TestLayer().file("var/lib/dpkg/status", dpkgStanza("bash", "5.2.15-2+b7", "bash (5.2.15-2)"));

        Sbom sbom = extract(lower, upper);

        assertThat(names(sbom)).containsExactly("bash@5.2.15-2+b7");
        assertThat(sbom.packages().getFirst().sourceVersion()).isEqualTo("5.2.15-2");
    }

    @Test
    void deinstalledPackagesAreLeftOut() throws IOException {
        var layer = new TestLayer()
                .file("etc/os-release", DEBIAN_12)
                .file(
                        "var/lib/dpkg/status",
                        "Package: kept\nStatus: install ok installed\nVersion: 1.0-1\n\n"
                                + "Package: removed\nStatus: deinstall ok config-files\nVersion: 2.0-1\n\n"
                                + "Package: half\nStatus: install ok half-installed\nVersion: 3.0-1\n");

        assertThat(names(extract(layer))).containsExactly("kept@1.0-1");
    }

    @Test
    void osReleaseSymlinkIsConfinedToTheImageRoot() throws IOException {
        // ../ above the root stays at the root, as in a container: the link still names /usr/lib/os-release.
        var layer = new TestLayer()
                .symlink("etc/os-release", "../../../../usr/lib/os-release")
                .file("usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n");

        assertThat(extract(layer).os()).map(OsRelease::versionId).contains("24.04");
    }

    @Test
    void osReleaseThroughADirectorySymlinkInAHigherLayer() throws IOException {
        // usr-merge style: /etc is a link in the upper layer, the file lives in the lower one.
        var lower = new TestLayer()
                .file("usr/lib/os-release", DEBIAN_12)
                .file("usr/etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n");
        var upper = new TestLayer().symlink("etc", "usr/etc");

        // /usr/etc/os-release is not a path os-release is read from, so the fallback /usr/lib/os-release decides.
        assertThat(extract(lower, upper).os()).map(OsRelease::id).contains("debian");
    }

    @Test
    void etcOsReleaseWinsOverUsrLib() throws IOException {
        var layer = new TestLayer()
                .file("etc/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n")
                .file("usr/lib/os-release", DEBIAN_12)
                .file("var/lib/dpkg/status", dpkgStanza("libssl3", "3.0.2-0ubuntu1.15", "openssl"));

        Sbom sbom = extract(layer);

        assertThat(sbom.packages()).singleElement().satisfies(p -> {
            assertThat(p.ecosystem()).isEqualTo("Ubuntu:22.04");
            assertThat(p.purl()).isEqualTo("pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04");
        });
    }

    @Test
    void symlinkLoopLeavesTheDistributionUnknownAndSaysSo() throws IOException {
        var layer = new TestLayer()
                .symlink("etc/os-release", "os-release2")
                .symlink("etc/os-release2", "os-release")
                .file("var/lib/dpkg/status", dpkgStanza("bash", "5.2.15-2+b2", null));

        Sbom sbom = extract(layer);

        assertThat(sbom.os()).isEmpty();
        assertThat(sbom.packages()).singleElement().satisfies(p -> {
            assertThat(p.ecosystem()).isEmpty();
            assertThat(p.purl()).isEqualTo("pkg:deb/bash@5.2.15-2%2Bb2?arch=amd64");
        });
        assertThat(sbom.findings())
                .singleElement()
                .satisfies(f -> assertThat(f.id()).isEqualTo(ImageExtractor.UNKNOWN_OS_FINDING));
    }

    @Test
    void osReleaseThroughAHardLink() throws IOException {
        var layer = new TestLayer()
                .file("usr/lib/os-release", "ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n")
                .hardlink("etc/os-release", "usr/lib/os-release");

        assertThat(extract(layer).os()).map(OsRelease::versionId).contains("3.19.1");
    }

    @Test
    void sameLayerGivesTheSameSbomWhateverItsCompression() throws IOException {
        byte[] tar = base().tar();
        Sbom gzip = extractor.extract(
                List.of(TestLayer.source(TestLayer.compress(tar, Compression.GZIP))), ExtractionLimits.DEFAULTS);
        Sbom zstd = extractor.extract(
                List.of(TestLayer.source(TestLayer.compress(tar, Compression.ZSTD))), ExtractionLimits.DEFAULTS);
        Sbom plain = extractor.extract(List.of(TestLayer.source(tar)), ExtractionLimits.DEFAULTS);

        assertThat(names(gzip)).hasSize(4);
        assertThat(withoutLayer(zstd)).isEqualTo(withoutLayer(gzip));
        assertThat(withoutLayer(plain)).isEqualTo(withoutLayer(gzip));
    }

    /** The stored bytes differ, so their digests do; everything else must not. */
    static Sbom withoutLayer(Sbom sbom) {
        return new Sbom(
                sbom.os(),
                sbom.packages().stream()
                        .map(p -> new DetectedPackage(
                                p.type(),
                                p.name(),
                                p.version(),
                                p.sourceName(),
                                p.sourceVersion(),
                                p.ecosystem(),
                                p.purl(),
                                "",
                                p.path()))
                        .toList(),
                sbom.findings());
    }
}
