package io.gatehouse.scan.layer;

import static io.gatehouse.scan.layer.TestLayer.DEBIAN_12;
import static io.gatehouse.scan.layer.TestLayer.dpkgStanza;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.layer.TestLayer.Compression;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.Sbom;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Crafted layers are refused with a finding, quickly and without inflating them; broken ones fail the scan. */
class LayerLimitsTest {
    private final ImageExtractor extractor = ImageExtractor.withDefaultExtractors();

    private static TestLayer packages() {
        return new TestLayer()
                .file("etc/os-release", DEBIAN_12)
                .file("var/lib/dpkg/status", dpkgStanza("bash", "5.2.15-2+b2", null));
    }

    @Test
    @Timeout(30)
    void gzipBombOfTwoGibibytesOfZerosIsRefusedByTheRatioAfterAFewMegabytes() throws IOException {
        var consumed = new AtomicLong();
        LayerSource bomb = streamed("sha256:" + "b".repeat(64), consumed, out -> {
            try (var gzip = new GZIPOutputStream(out, 64 * 1024);
                    var tar = new TarArchiveOutputStream(gzip)) {
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                var entry = new TarArchiveEntry("var/lib/dpkg/status");
                entry.setSize(2L << 30);
                tar.putArchiveEntry(entry);
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 2048; i++) tar.write(zeros);
                tar.closeArchiveEntry();
            }
        });
        var after = packages().source(Compression.GZIP);

        Sbom sbom = extractor.extract(List.of(bomb, after), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GATEHOUSE-LAYER-LIMIT");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.subject()).isEqualTo("maxCompressionRatio");
            assertThat(f.layer()).isEqualTo(bomb.digest());
            assertThat(f.detail()).contains(bomb.digest()).contains("200:1");
        });
        // About 8 MiB inflated from a few kilobytes: the 2 GiB were never produced.
        assertThat(consumed.get()).isLessThan(1 << 20);
        // The ratio stops that layer only; the next one is still read.
        assertThat(sbom.packages()).extracting(p -> p.name()).containsExactly("bash");
    }

    @Test
    void tooManyEntriesStopTheImage() throws IOException {
        var many = new TestLayer();
        for (int i = 0; i < 101; i++) many.file("data/f" + i, "x");
        var limits = new ExtractionLimits(1L << 30, 100, 4096, 200, 1 << 20, 4);

        Sbom sbom = extractor.extract(
                List.of(many.source(Compression.GZIP), packages().source(Compression.GZIP)), limits);

        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GATEHOUSE-LAYER-LIMIT");
            assertThat(f.subject()).isEqualTo("maxEntries");
        });
        assertThat(sbom.packages())
                .as("an image-wide limit stops the later layers too")
                .isEmpty();
    }

    @Test
    void totalUncompressedBytesStopTheImage() throws IOException {
        var big = new TestLayer().file("data/blob", new byte[3 << 20], 0644);
        var limits = new ExtractionLimits(2L << 20, 1000, 4096, 200_000, 1 << 20, 4);

        Sbom sbom = extractor.extract(List.of(big.source(Compression.NONE)), limits);

        assertThat(sbom.findings()).extracting(ContentFinding::subject).containsExactly("maxUncompressedBytes");
    }

    @Test
    void tenKilobytePathIsRefusedWithGnuAndPaxLongNames() throws IOException {
        String longName = "a/".repeat(5 * 1024) + "status";
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.LONGFILE_POSIX}) {
            var layer = new TestLayer().longNames(mode).file(longName, "x");

            Sbom sbom = extractor.extract(List.of(layer.source(Compression.GZIP)), ExtractionLimits.DEFAULTS);

            assertThat(sbom.findings()).singleElement().satisfies(f -> {
                assertThat(f.id()).isEqualTo("GATEHOUSE-LAYER-LIMIT");
                assertThat(f.subject()).isEqualTo("maxPathLength");
                assertThat(f.detail()).contains("longer than 4096 bytes").hasSizeLessThan(400);
            });
        }
    }

    @Test
    void hugeGnuLongNameIsRefusedBeforeTheTarReaderBuffersIt() throws IOException {
        // A 64 MiB "name" would be read whole into memory by the tar reader; the header budget stops it at 1 MiB.
        var consumed = new AtomicLong();
        LayerSource layer = streamed("sha256:" + "c".repeat(64), consumed, out -> {
            try (var gzip = new GZIPOutputStream(out);
                    var tar = new TarArchiveOutputStream(gzip)) {
                var longName = new TarArchiveEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME);
                longName.setSize(64L << 20);
                tar.putArchiveEntry(longName);
                byte[] chunk = new byte[1 << 20];
                Arrays.fill(chunk, (byte) 'a');
                for (int i = 0; i < 64; i++) tar.write(chunk);
                tar.closeArchiveEntry();
            }
        });

        Sbom sbom = extractor.extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("maxPathLength");
            assertThat(f.detail()).contains("exceeds 1048576 bytes");
        });
    }

    @Test
    void chainOfPaxHeadersIsRefusedBeforeItExhaustsTheStack() throws IOException {
        // Each PAX header makes the tar reader recurse for the next entry; a long chain is a crafted layer.
        var raw = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(raw)) {
            byte[] record = "16 path=var/x/y\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 1000; i++) {
                var pax = new TarArchiveEntry("PaxHeader/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
                pax.setSize(record.length);
                tar.putArchiveEntry(pax);
                tar.write(record);
                tar.closeArchiveEntry();
            }
        }
        Sbom sbom = extractor.extract(
                List.of(TestLayer.source(TestLayer.compress(raw.toByteArray(), Compression.GZIP))),
                ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo("maxPathLength");
            assertThat(f.detail()).contains("chains more than 256 header records");
        });
    }

    @Test
    void noReadAheadThreadOutlivesAnExtraction() throws IOException {
        var many = new TestLayer();
        for (int i = 0; i < 50; i++) many.file("data/f" + i, "x");
        var limits = new ExtractionLimits(1L << 30, 10, 4096, 200, 1 << 20, 4);

        extractor.extract(List.of(many.source(Compression.GZIP)), limits); // stopped early by maxEntries
        extractor.extract(List.of(packages().source(Compression.ZSTD)), ExtractionLimits.DEFAULTS);

        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .doesNotContain("layer-read-ahead");
    }

    @Test
    void dotDotEscapeIsRefused() throws IOException {
        var layer = new TestLayer()
                .file("etc/os-release", DEBIAN_12)
                .file("../../etc/passwd", "root:x:0:0::/root:/bin/sh\n");

        Sbom sbom = extractor.extract(List.of(layer.source(Compression.GZIP)), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GATEHOUSE-LAYER-UNSAFE-PATH");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.detail()).contains("../../etc/passwd");
        });
    }

    @Test
    void dotDotInsideTheRootIsJustNormalised() throws IOException {
        var layer = new TestLayer()
                .file("./usr/../etc/os-release", DEBIAN_12)
                .file("var//lib/./dpkg/status", dpkgStanza("bash", "5.2.15-2+b2", null));

        Sbom sbom = extractor.extract(List.of(layer.source(Compression.GZIP)), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).isEmpty();
        assertThat(sbom.packages()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("/var/lib/dpkg/status");
            assertThat(p.ecosystem()).isEqualTo("Debian:12");
        });
    }

    @Test
    void fileLargerThanAnExtractorMayBufferIsAFindingOnThatFile() throws IOException {
        var status = new StringBuilder();
        for (int i = 0; i < 2000; i++)
            status.append(dpkgStanza("pkg" + i, "1.0-" + i, null)).append('\n');
        var layer = new TestLayer().file("etc/os-release", DEBIAN_12).file("var/lib/dpkg/status", status.toString());
        var limits = new ExtractionLimits(1L << 30, 1000, 4096, 200, 64 * 1024, 4);

        Sbom sbom = extractor.extract(List.of(layer.source(Compression.GZIP)), limits);

        assertThat(sbom.packages()).isEmpty();
        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GATEHOUSE-LAYER-LIMIT");
            assertThat(f.subject()).isEqualTo("maxFileBytes");
            assertThat(f.path()).isEqualTo("/var/lib/dpkg/status");
        });
    }

    @Test
    void corruptGzipFailsTheScanNamingTheLayer() {
        byte[] gzip = TestLayer.compress(packages().tar(), Compression.GZIP);
        for (int i = 40; i < 60; i++) gzip[i] ^= (byte) 0x5a;
        LayerSource broken = TestLayer.source(gzip);

        assertThatThrownBy(() -> extractor.extract(List.of(broken), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(broken.digest())
                .hasMessageContaining("(1 of 1) is not a readable tar stream");
    }

    @Test
    void truncatedGzipFailsTheScan() {
        byte[] gzip = TestLayer.compress(packages().tar(), Compression.GZIP);
        LayerSource broken = TestLayer.source(Arrays.copyOf(gzip, gzip.length / 2));

        assertThatThrownBy(() -> extractor.extract(List.of(broken), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(broken.digest());
    }

    @Test
    void truncatedTarInsideAnEntryAnExtractorReadsFailsTheScan() {
        // Cut inside the dpkg status entry's data: the extractor sees the failure, which is the layer's.
        var status = new StringBuilder();
        for (int i = 0; i < 200; i++)
            status.append(dpkgStanza("pkg" + i, "1.0-" + i, null)).append('\n');
        byte[] tar =
                new TestLayer().file("var/lib/dpkg/status", status.toString()).tar();
        LayerSource broken = TestLayer.source(Arrays.copyOf(tar, 512 + 4096));

        assertThatThrownBy(() -> extractor.extract(List.of(broken), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining("Truncated TAR archive");
    }

    @Test
    void truncatedZstdFailsTheScan() {
        byte[] zstd = TestLayer.compress(packages().tar(), Compression.ZSTD);
        LayerSource broken = TestLayer.source(Arrays.copyOf(zstd, zstd.length - 10));

        assertThatThrownBy(() -> extractor.extract(List.of(broken), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class);
    }

    @Test
    void xzLayerIsRefusedWithAClearMessage() {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3};
        assertThatThrownBy(() -> extractor.extract(List.of(TestLayer.source(xz)), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining("bzip2 or xz");
    }

    @Test
    void unreadableLayerSourceFailsTheScan() {
        LayerSource missing = new LayerSource() {
            @Override
            public String digest() {
                return "sha256:" + "d".repeat(64);
            }

            @Override
            public String mediaType() {
                return "application/vnd.oci.image.layer.v1.tar";
            }

            @Override
            public InputStream open() throws IOException {
                throw new java.nio.file.NoSuchFileException("blob sha256:ddd");
            }
        };

        assertThatThrownBy(() -> extractor.extract(List.of(missing), ExtractionLimits.DEFAULTS))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining("blob sha256:ddd");
    }

    interface Producer {
        void write(OutputStream out) throws IOException;
    }

    /** A layer produced on demand by a writer thread, so the bomb is never stored; counts what was consumed. */
    static LayerSource streamed(String digest, AtomicLong consumed, Producer producer) {
        return new LayerSource() {
            @Override
            public String digest() {
                return digest;
            }

            @Override
            public String mediaType() {
                return "application/vnd.oci.image.layer.v1.tar+gzip";
            }

            @Override
            public InputStream open() throws IOException {
                var in = new PipedInputStream(1 << 16);
                var out = new PipedOutputStream(in);
                Thread.ofVirtual().start(() -> {
                    try (out) {
                        producer.write(out);
                    } catch (IOException e) {
                        // the reader stopped early: expected for a refused layer
                    }
                });
                return new FilterInputStream(in) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) consumed.addAndGet(n);
                        return n;
                    }
                };
            }
        };
    }
}
