package io.gatehouse.scan.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.fixtures.DebianBookwormLayer;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.Sbom;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks, not timed tests: run with {@code -Dgatehouse.bench=true -DargLine=-Xmx256m}. Throughput of the
 * walker on the debootstrap layer against {@code gzip -dc | tar -t} in the same run, and heap on a generated 2 GiB
 * image (which must complete under {@code -Xmx256m}).
 */
@EnabledIfSystemProperty(
        named = "gatehouse.bench",
        matches = "true",
        disabledReason = "benchmark: -Dgatehouse.bench=true")
class LayerWalkBench {
    private final ImageExtractor extractor = ImageExtractor.withDefaultExtractors();

    @Test
    void throughputAgainstGzipAndTar() throws Exception {
        Path layer = DebianBookwormLayer.layerTarGz();
        long uncompressed;
        try (var in = new GZIPInputStream(Files.newInputStream(layer), 1 << 16)) {
            uncompressed = in.transferTo(OutputStream.nullOutputStream());
        }
        var source = new FileLayer(layer, "sha256:bench");
        extractor.extract(List.of(source), ExtractionLimits.DEFAULTS); // warm-up: JIT, native zlib
        long walker = Long.MAX_VALUE;
        long shell = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            Sbom sbom = extractor.extract(List.of(source), ExtractionLimits.DEFAULTS);
            walker = Math.min(walker, System.nanoTime() - start);
            assertThat(sbom.packages()).hasSizeGreaterThan(80);
            start = System.nanoTime();
            var tar = new ProcessBuilder("sh", "-c", "gzip -dc '" + layer + "' | tar -t > /dev/null")
                    .inheritIO()
                    .start();
            assertThat(tar.waitFor()).isZero();
            shell = Math.min(shell, System.nanoTime() - start);
        }
        double mb = uncompressed / 1e6;
        report(String.format(
                "layer %s: %.0f MB uncompressed; walker %.0f MB/s (%.2f s), gzip -dc | tar -t %.0f MB/s (%.2f s): %.0f%%",
                layer.getFileName(),
                mb,
                mb / (walker / 1e9),
                walker / 1e9,
                mb / (shell / 1e9),
                shell / 1e9,
                100.0 * shell / walker));
    }

    @Test
    void twoGibibyteImageStaysInABoundedHeap(@TempDir Path dir) throws IOException {
        var layers = new ArrayList<LayerSource>();
        long total = 0;
        for (int i = 0; i < 4; i++) {
            Path file = dir.resolve("layer" + i + ".tar.gz");
            total += writeLayer(file, i, 512L << 20);
            layers.add(new FileLayer(file, "sha256:layer" + i));
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);

        long start = System.nanoTime();
        Sbom sbom = extractor.extract(layers, ExtractionLimits.DEFAULTS);
        double seconds = (System.nanoTime() - start) / 1e9;

        long peak =
                heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        assertThat(sbom.findings()).isEmpty();
        assertThat(sbom.packages()).hasSize(4);
        report(String.format(
                "2 GiB image (%d MB uncompressed, 4 layers, 200k files, 100k symlinks): %.1f s, %.0f MB/s;"
                        + " max heap %d MiB, peak heap used (sum of pool peaks) %d MiB",
                total >> 20, seconds, total / 1e6 / seconds, maxHeap >> 20, peak >> 20));
    }

    /** A layer of many small files, symlinks and a few large files, compressible about 1.3:1 like binaries. */
    private static long writeLayer(Path file, int index, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(index).nextBytes(block);
        block = Base64.getEncoder().encode(block);
        long written = 0;
        try (var gzip = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                };
                var tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] status = ("Package: pkg" + index + "\nStatus: install ok installed\nVersion: 1.0-" + index + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            put(tar, "var/lib/dpkg/status.d/pkg" + index, status, status.length);
            byte[] os = "ID=debian\nVERSION_ID=12\n".getBytes(StandardCharsets.UTF_8);
            put(tar, "etc/os-release", os, os.length);
            for (int f = 0; f < 50_000; f++) {
                String name = "usr/share/bench" + index + "/d" + (f / 1000) + "/file-" + f + ".txt";
                written += put(tar, name, block, 4096);
                if (f % 2 == 0) {
                    var link = new TarArchiveEntry(name + ".link", TarConstants.LF_SYMLINK);
                    link.setLinkName("file-" + f + ".txt");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
            }
            for (int big = 0; written < bytes; big++) {
                long size = Math.min(64L << 20, bytes - written);
                var entry = new TarArchiveEntry("opt/bench" + index + "/blob" + big);
                entry.setSize(size);
                tar.putArchiveEntry(entry);
                for (long left = size; left > 0; left -= block.length)
                    tar.write(block, 0, (int) Math.min(block.length, left));
                tar.closeArchiveEntry();
                written += size;
            }
        }
        return written;
    }

    private static long put(TarArchiveOutputStream tar, String name, byte[] content, int length) throws IOException {
        var entry = new TarArchiveEntry(name);
        entry.setSize(length);
        tar.putArchiveEntry(entry);
        tar.write(content, 0, length);
        tar.closeArchiveEntry();
        return length;
    }

    private static void report(String line) throws IOException {
        System.out.println("BENCH " + line);
        Path out = Path.of("target", "bench-layer-walk.txt");
        Files.writeString(
                out, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
