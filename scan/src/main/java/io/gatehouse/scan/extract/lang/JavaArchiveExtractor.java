package io.gatehouse.scan.extract.lang;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Maven artifacts in Java archives ({@code .jar}, {@code .war}, {@code .ear}, Jenkins' {@code .jpi}/{@code .hpi}):
 * every {@code META-INF/maven/&#42;&#42;/pom.properties} (a shaded jar holds many), else the manifest and file name;
 * nested archives (Spring Boot's {@code BOOT-INF/lib}, {@code WEB-INF/lib}, ear modules) are read recursively
 * straight from the enclosing entry's stream, without temporary files.
 *
 * <p>Bounded: nesting to {@link ExtractionLimits#maxNestingDepth()}, entries to {@link ExtractionLimits#maxEntries()},
 * and bytes inflated to {@link ExtractionLimits#maxCompressionRatio()} times the archive's own bytes (at least
 * {@link ExtractionLimits#maxFileBytes()}). An archive past a bound or damaged yields what was found before it,
 * plus a finding that says so.
 */
public final class JavaArchiveExtractor implements Extractor {
    public static final String ARCHIVE_LIMIT = "GATEHOUSE-ARCHIVE-LIMIT";
    public static final String ARCHIVE_DAMAGED = "GATEHOUSE-ARCHIVE-DAMAGED";

    private static final Set<String> SUFFIXES = Set.of(".jar", ".war", ".ear", ".jpi", ".hpi");
    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/[^/]+/[^/]+/pom\\.properties");
    private static final String MANIFEST = "META-INF/MANIFEST.MF";
    /** pom.properties and manifests are small; a huge one is not worth reading. */
    private static final int MAX_METADATA_BYTES = 1 << 20;

    @Override
    public String name() {
        return "java-archive";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return isArchive(path);
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        var outer = new CountingStream(content);
        var walk = new Walk(layer, limits, outer);
        try {
            walk.archive(path, outer, 0);
        } catch (ReadBudget.Exceeded e) {
            walk.finding(
                    ARCHIVE_LIMIT,
                    Severity.MEDIUM,
                    "decompression ratio",
                    "inflates past " + e.getMessage() + " (more than " + limits.maxCompressionRatio()
                            + " times its size): possibly a zip bomb");
        } catch (EntryLimit e) {
            walk.finding(ARCHIVE_LIMIT, Severity.MEDIUM, "entries", e.getMessage());
        } catch (IOException | RuntimeException e) {
            // commons-compress reports damage with either; packages found before it stand
            walk.finding(
                    ARCHIVE_DAMAGED,
                    Severity.UNKNOWN,
                    "damaged archive",
                    "could not be read to the end (" + e.getMessage() + "): packages after the damage are missing");
        }
        return new FileFacts(List.copyOf(walk.packages), walk.findings, java.util.Optional.empty());
    }

    private static boolean isArchive(String path) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 && SUFFIXES.contains(path.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** One top-level archive and everything nested in it. */
    private static final class Walk {
        final String layer;
        final ExtractionLimits limits;
        final ReadBudget inflated;
        final Set<DetectedPackage> packages = new LinkedHashSet<>();
        final List<ContentFinding> findings = new ArrayList<>();
        String findingPath = "";
        long entries;

        Walk(String layer, ExtractionLimits limits, CountingStream outer) {
            this.layer = layer;
            this.limits = limits;
            long ratio = Math.max(1, limits.maxCompressionRatio());
            this.inflated = new ReadBudget(() -> Math.max(
                    limits.maxFileBytes(),
                    outer.count > Long.MAX_VALUE / ratio ? Long.MAX_VALUE : outer.count * ratio));
        }

        void archive(String path, InputStream in, int depth) throws IOException {
            findingPath = path;
            var fromPoms = new ArrayList<MavenCoordinates>();
            byte[] manifest;
            try (var zip = new ZipArchiveInputStream(in, "UTF-8", true, true)) {
                manifest = readEntries(path, zip, depth, fromPoms);
            }
            if (fromPoms.isEmpty()) {
                MavenCoordinates.fromManifest(manifest, fileName(path)).ifPresent(fromPoms::add);
            }
            for (var coordinates : fromPoms) packages.add(toPackage(coordinates, path));
        }

        /** Reads pom.properties and nested archives; returns the manifest's bytes, if any. */
        private byte[] readEntries(String path, ZipArchiveInputStream zip, int depth, List<MavenCoordinates> fromPoms)
                throws IOException {
            byte[] manifest = null;
            for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (++entries > limits.maxEntries()) {
                    throw new EntryLimit(
                            "more than " + limits.maxEntries() + " entries in the archive and those nested in it");
                }
                if (entry.isDirectory()) continue;
                String name = entry.getName();
                if (POM_PROPERTIES.matcher(name).matches()) {
                    BoundedBytes.read(inflated.wrap(zip), MAX_METADATA_BYTES)
                            .flatMap(MavenCoordinates::fromPomProperties)
                            .ifPresent(fromPoms::add);
                } else if (name.equals(MANIFEST)) {
                    manifest = BoundedBytes.read(inflated.wrap(zip), MAX_METADATA_BYTES)
                            .orElse(null);
                } else if (isArchive(name)) {
                    if (depth + 1 > limits.maxNestingDepth()) {
                        finding(
                                ARCHIVE_LIMIT,
                                Severity.MEDIUM,
                                "nesting depth",
                                path + "!/" + name + " is nested more than " + limits.maxNestingDepth()
                                        + " archives deep: not read");
                    } else {
                        archive(path + "!/" + name, inflated.wrap(zip), depth + 1);
                        findingPath = path;
                    }
                }
            }
            return manifest;
        }

        DetectedPackage toPackage(MavenCoordinates c, String path) {
            return new DetectedPackage(
                    "maven",
                    c.name(),
                    c.version(),
                    null,
                    null,
                    "Maven",
                    Purls.of("maven", c.group(), c.artifact(), c.version()),
                    layer,
                    path);
        }

        void finding(String id, Severity severity, String subject, String detail) {
            findings.add(new ContentFinding(id, severity, subject, detail, layer, findingPath));
        }

        private static String fileName(String path) {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private static final class EntryLimit extends IOException {
        EntryLimit(String message) {
            super(message);
        }
    }

    /** Counts the archive's own (compressed) bytes, which the inflation allowance grows with. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public void close() {
            // the layer walker owns the entry stream
        }
    }
}
