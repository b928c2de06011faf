package io.gatehouse.scan.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.ScanStore.Trigger;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.storage.blob.FileSystemBlobStore;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-match budget of issue 5 end to end, as a benchmark (not a timed test): {@code bench/rematch}, or
 * {@code mvn verify -pl scan -am -Dtest=RematchBenchmark -Dgatehouse.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>The store (H2 on disk, durable commits: every write transaction fsynced before it returns) holds 10,000
 * scanned images of 300 packages each: 50 Debian base packages every image shares, 20 language packages with
 * advisories and 230 without, drawn from pools as in {@code RematchSpeedTest}; the database holds 50,000
 * advisories. The update measured is an OSV delta of 1,000 advisories: 995 changed language advisories and 5 new
 * ones for base packages, so every stored image must be re-matched. Timed: from {@code importFrom} of the update
 * to the last report saved (import, snapshot rebuild, set-based queueing, re-matching on {@code scan.workers}
 * threads).
 */
@EnabledIfSystemProperty(
        named = "gatehouse.bench",
        matches = "true",
        disabledReason = "benchmark: -Dgatehouse.bench=true")
class RematchBenchmark {
    static final String[] ECOSYSTEMS = {"npm", "Maven", "PyPI"};
    static final int IMAGES = Integer.getInteger("gatehouse.bench.images", 10_000);
    static final int WORKERS = Integer.getInteger("gatehouse.bench.workers", 2);
    static final int BASE = 50;
    static final RepositoryName REPO = RepositoryName.parse("bench/app");

    @TempDir
    Path dir;

    @Test
    void tenThousandStoredSbomsAreReMatchedAfterAnAdvisoryUpdate() throws Exception {
        Path db = dir.resolve("db");
        String cache = System.getProperty("gatehouse.bench.cache", "");
        Path cached = cache.isEmpty() ? null : Path.of(cache, IMAGES + "-images");
        if (cached != null && Files.isDirectory(cached)) {
            copyTree(cached, db); // a stored setup from an earlier run (the code under test may have changed since)
            System.out.printf("setup: copied from %s%n", cached);
        } else {
            setUp(db);
            if (cached != null) {
                copyTree(db, cached);
            }
        }
        try (MetadataStore metadata = JdbcMetadataStore.open(DatabaseSettings.h2(db))) {
            var advisories = advisories(metadata);
            // Listeners run in order after the new snapshot: one before the pipeline's (which queues the re-matches)
            // and one after it tell the import and snapshot time from the queueing time.
            var snapshotAt = new java.util.concurrent.atomic.AtomicLong();
            var queuedAt = new java.util.concurrent.atomic.AtomicLong();
            advisories.onChange(c -> snapshotAt.set(System.nanoTime()));
            var pipeline = pipeline(metadata, advisories);
            advisories.onChange(c -> queuedAt.set(System.nanoTime()));

            // The update: 995 changed language advisories and 5 new ones for base packages every image holds.
            Map<String, byte[]> delta = new LinkedHashMap<>();
            for (int i = 0; i < 995; i++) {
                delta.put("a" + i * 50 + ".json", languageAdvisory(i * 50, "2025-01-01T00:00:00Z"));
            }
            for (int b = 0; b < 5; b++) {
                delta.put("d" + b + ".json", debianAdvisory(b));
            }
            Path update = OsvFixtures.zip(dir.resolve("update.zip"), delta);
            List<Long> done = new CopyOnWriteArrayList<>();
            List<Long> cpu = new CopyOnWriteArrayList<>();

            long start = System.nanoTime();
            var result = advisories.importFrom(update, "bench update");
            long imported = System.nanoTime();
            long queued = metadata.scans().depth().get(Trigger.REMATCH);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    done.add((long) pipeline.runPending());
                    cpu.add(java.lang.management.ManagementFactory.getThreadMXBean()
                            .getCurrentThreadCpuTime());
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            long end = System.nanoTime();

            long rematched = done.stream().mapToLong(Long::longValue).sum();
            System.out.printf(
                    "advisory update (%d added, %d updated, %d packages changed) -> %,d images re-matched: %d ms"
                            + " total (import + snapshot %d ms, queueing %d ms, re-matching on %d threads %d ms, their"
                            + " CPU %d ms; load average %.1f)%n",
                    result.added(),
                    result.updated(),
                    result.changedPackages().size(),
                    rematched,
                    (end - start) / 1_000_000,
                    (snapshotAt.get() - start) / 1_000_000,
                    (queuedAt.get() - snapshotAt.get()) / 1_000_000,
                    WORKERS,
                    (end - imported) / 1_000_000,
                    cpu.stream().mapToLong(Long::longValue).sum() / 1_000_000,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
            assertThat(queued).isEqualTo(IMAGES);
            assertThat(rematched).isEqualTo(IMAGES);
            // Every image now lists the new base-package advisories.
            Digest last = Digest.sha256(("image " + (IMAGES - 1)).getBytes(StandardCharsets.UTF_8));
            assertThat(pipeline.reports().latest(last).orElseThrow().findings())
                    .extracting(VulnerabilityFinding::id)
                    .contains("DEBIAN-BENCH-0", "DEBIAN-BENCH-4");
        }
    }

    /** The stored state: 50,000 advisories and IMAGES scanned images, not timed. */
    private void setUp(Path db) throws Exception {
        var random = new Random(5);
        try (MetadataStore metadata = JdbcMetadataStore.open(DatabaseSettings.h2(db))) {
            var advisories = advisories(metadata);
            var pipeline = pipeline(metadata, advisories);
            long t = System.nanoTime();
            Map<String, byte[]> base = new LinkedHashMap<>();
            for (int i = 0; i < 50_000; i++) {
                base.put("a" + i + ".json", languageAdvisory(i, "2024-01-01T00:00:00Z"));
            }
            advisories.importFrom(OsvFixtures.zip(dir.resolve("all.zip"), base), "bench");
            System.out.printf("setup: 50,000 advisories imported in %d ms%n", millis(t));

            String extractors = ScanPipeline.extractorVersion(ImageExtractor.withDefaultExtractors());
            t = System.nanoTime();
            List<DetectedPackage> pool = pool(random);
            var index = advisories.index();
            var database = new ScanReport.DatabaseInfo(index.version(), Instant.now(), 50_000);
            var findingsCount = new java.util.concurrent.atomic.AtomicLong();
            var saver = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> saves = new ArrayList<>();
            for (int image = 0; image < IMAGES; image++) {
                List<DetectedPackage> packages = new ArrayList<>(300);
                for (int b = 0; b < BASE; b++) {
                    packages.add(debian(b));
                }
                for (int p = 0; p < 250; p++) {
                    int id = p < 20 ? random.nextInt(10_000) : 10_000 + random.nextInt(20_000);
                    packages.add(pool.get(id * 4 + random.nextInt(4)));
                }
                List<VulnerabilityFinding> matched = new ArrayList<>();
                packages.forEach(p -> matched.addAll(index.findingsFor(p)));
                findingsCount.addAndGet(matched.size());
                Digest digest = Digest.sha256(("image " + image).getBytes(StandardCharsets.UTF_8));
                saves.add(saver.submit(() -> pipeline.reports()
                        .save(
                                new ScanReport(
                                        digest,
                                        "",
                                        ScanStatus.COMPLETE,
                                        Instant.now(),
                                        database,
                                        Optional.empty(),
                                        packages,
                                        matched,
                                        List.of(),
                                        ""),
                                REPO,
                                extractors)));
            }
            for (var f : saves) {
                f.get();
            }
            saver.shutdown();
            long findings = findingsCount.get();
            System.out.printf(
                    "setup: %,d images of 300 packages (%,d findings) stored in %d ms%n", IMAGES, findings, millis(t));
            awaitCompaction(db);
        }
    }

    /**
     * Waits (up to 5 minutes) until the store's background compaction has re-written the chunks the setup's
     * 10,000 small durable transactions left mostly dead, as it would on a server in the time between pushes
     * and an advisory update; a minute-long burst of writes leaves the file far larger than its live data.
     */
    private static void awaitCompaction(Path db) throws Exception {
        var settings = DatabaseSettings.h2(db);
        long t = System.nanoTime();
        try (var c = java.sql.DriverManager.getConnection(
                        settings.jdbcUrl(), settings.username(), settings.password());
                var s = c.createStatement()) {
            int fill = 0;
            while (millis(t) < 300_000) {
                try (var rs = s.executeQuery("SELECT setting_value FROM information_schema.settings"
                        + " WHERE setting_name = 'info.CHUNKS_FILL_RATE'")) {
                    rs.next();
                    fill = Integer.parseInt(rs.getString(1));
                }
                if (fill >= 50) {
                    break;
                }
                Thread.sleep(1000);
            }
            System.out.printf(
                    "setup: background compaction brought the chunks to %d%% live in %d ms (file %,d MB)%n",
                    fill, millis(t), Files.size(db.resolve("db").resolve("gatehouse.mv.db")) >> 20);
        }
    }

    private static AdvisoryDatabase advisories(MetadataStore metadata) {
        return new AdvisoryDatabase(
                metadata.advisories(),
                OsvMatcher.withDefaultSchemes(),
                Clock.systemUTC(),
                AdvisoryDatabase.DEFAULT_MAX_AGE,
                e -> {});
    }

    /** Without workers: the benchmark runs the queue on its own threads. */
    private ScanPipeline pipeline(MetadataStore metadata, AdvisoryDatabase advisories) {
        return new ScanPipeline(
                metadata,
                new FileSystemBlobStore(dir.resolve("blobs")),
                advisories,
                ImageExtractor.withDefaultExtractors(),
                e -> {},
                Clock.systemUTC(),
                ScanSettings.DEFAULTS.withWorkers(0),
                ScanPipeline.Observer.NONE);
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    static DetectedPackage debian(int b) {
        return new DetectedPackage(
                "deb",
                "libbase" + b,
                "1.0-" + b,
                "base" + b,
                "1.0-" + b,
                "Debian:12",
                "pkg:deb/debian/libbase" + b + "@1.0-" + b + "?arch=amd64&distro=debian-12",
                "sha256:" + "b".repeat(64),
                "/var/lib/dpkg/status");
    }

    static List<DetectedPackage> pool(Random random) {
        List<DetectedPackage> pool = new ArrayList<>();
        for (int id = 0; id < 30_000; id++) {
            String eco = ECOSYSTEMS[id % 3];
            for (int v = 0; v < 4; v++) {
                String version = random.nextInt(9) + "." + random.nextInt(6) + "." + random.nextInt(5);
                String name = name(eco, id);
                pool.add(new DetectedPackage(
                        eco.toLowerCase(java.util.Locale.ROOT).replace("maven", "maven"),
                        name,
                        version,
                        null,
                        null,
                        eco,
                        "pkg:" + eco.toLowerCase(java.util.Locale.ROOT) + "/" + name + "@" + version,
                        "sha256:" + "c".repeat(64),
                        "/app/" + name));
            }
        }
        return pool;
    }

    static String name(String ecosystem, int id) {
        return ecosystem.equals("Maven") ? "org.example:lib" + id : "lib-" + id;
    }

    /** Five advisories per package name (as in RematchSpeedTest), two ECOSYSTEM ranges each. */
    static byte[] languageAdvisory(int i, String modified) {
        String eco = ECOSYSTEMS[i % 3];
        int major = i % 7;
        return ("""
                {"id":"GHSA-BENCH-%d","modified":"%s","aliases":["CVE-2024-%d"],"summary":"generated",
                 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                 "affected":[{"package":{"ecosystem":"%s","name":"%s"},"ranges":[{"type":"ECOSYSTEM","events":[
                   {"introduced":"0"},{"fixed":"%d.0.0"},{"introduced":"%d.0.0"},{"fixed":"%d.%d.3"}]}]}]}
                """)
                .formatted(i, modified, i, eco, name(eco, i % 10_000), major, major + 1, major + 1, i % 5)
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] debianAdvisory(int b) {
        return ("""
                {"id":"DEBIAN-BENCH-%d","modified":"2025-01-01T00:00:00Z","summary":"generated",
                 "affected":[{"package":{"ecosystem":"Debian:12","name":"base%d"},
                   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}
                """).formatted(b, b).getBytes(StandardCharsets.UTF_8);
    }
}
