package io.gatehouse.scan.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.fixtures.DebianBookwormLayer;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.extract.lang.LanguageFixtures;
import io.gatehouse.scan.extract.lang.PickleExtractor;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.pipeline.TestImages.Stored;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.SbomExtraction;
import io.gatehouse.storage.blob.FileSystemBlobStore;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline over the real stores (H2, file system) with the real Debian 12 layer, a real log4j-core 2.14.1 jar
 * and real OSV advisories plus decoys: exact findings on push, an advisory update alone adding a finding to the
 * stored image without reading its layers, failed re-scans keeping the good report, indexes, model files and
 * artifacts that are not images.
 */
class ScanPipelineTest {
    static final RepositoryName REPO = RepositoryName.parse("team/app");
    static final String LOG4J_JAR = "log4j-core-2.14.1.jar";

    @TempDir
    Path dir;

    MetadataStore metadata;
    FileSystemBlobStore blobs;
    AdvisoryDatabase advisories;
    ScanPipeline pipeline;
    TestImages images;
    final List<Event> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws Exception {
        metadata = JdbcMetadataStore.open(DatabaseSettings.h2(dir.resolve("db")));
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        advisories = new AdvisoryDatabase(
                metadata.advisories(),
                OsvMatcher.withDefaultSchemes(),
                Clock.systemUTC(),
                AdvisoryDatabase.DEFAULT_MAX_AGE,
                events::add);
        advisories.importFrom(OsvFixtures.copyTo(dir.resolve("osv")), "fixtures");
        pipeline = new ScanPipeline(
                metadata,
                blobs,
                advisories,
                ImageExtractor.withDefaultExtractors(),
                events::add,
                Clock.systemUTC(),
                ScanSettings.DEFAULTS.withWorkers(0),
                ScanPipeline.Observer.NONE);
        pipeline.start();
        images = new TestImages(blobs, metadata);
    }

    @AfterEach
    void close() {
        pipeline.close();
        metadata.close();
    }

    Stored debianLayer() {
        return images.blob(REPO, TestImages.LAYER, DebianBookwormLayer.layerTarGz());
    }

    Stored log4jLayer() {
        return images.blob(
                REPO,
                TestImages.LAYER,
                TestImages.tarGz(Map.of("app/lib/" + LOG4J_JAR, LanguageFixtures.mavenJar(LOG4J_JAR))));
    }

    static List<String> findings(ScanReport report) {
        return report.findings().stream()
                .map(f -> f.id() + " " + f.packageName() + " " + f.version())
                .toList();
    }

    void push(Stored manifest) {
        pipeline.pushListener()
                .emit(new Event.ManifestPushed(
                        java.time.Instant.now(), REPO, manifest.digest(), manifest.mediaType(), "v1"));
    }

    @Test
    void aPushedImageGetsExactlyItsFindingsAndAnAdvisoryUpdateAloneAddsOne() throws Exception {
        Stored debian = debianLayer();
        Stored image = images.image(REPO, "v1", List.of(debian, log4jLayer()));
        push(image);
        assertThat(pipeline.reports().report(image.digest()))
                .as("queued, not yet scanned")
                .isEmpty();
        assertThat(pipeline.reports().queued(image.digest())).isTrue();

        assertThat(pipeline.runPending()).isEqualTo(1);

        ScanReport report = pipeline.reports().report(image.digest()).orElseThrow();
        assertThat(report.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(findings(report))
                .containsExactlyInAnyOrder(
                        "DEBIAN-CVE-2023-45853 zlib 1:1.2.13.dfsg-1",
                        "GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1");
        VulnerabilityFinding log4shell = report.findings().stream()
                .filter(f -> f.id().equals("GHSA-jfh8-c2jp-5v3q"))
                .findFirst()
                .orElseThrow();
        assertThat(log4shell.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(log4shell.path()).isEqualTo("/app/lib/" + LOG4J_JAR);
        assertThat(report.packages()).anySatisfy(p -> assertThat(p.name()).isEqualTo("tar"));
        assertThat(report.packages()).hasSizeGreaterThan(80);
        assertThat(events)
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Event.ScanCompleted.class, c -> {
                    assertThat(c.digest()).isEqualTo(image.digest());
                    assertThat(c.trigger()).isEqualTo("push");
                    assertThat(c.counts()).containsEntry("critical", 1);
                }));

        // The layers are gone: a re-match must not need them.
        blobs.delete(debian.digest());
        Path update = Files.createDirectories(dir.resolve("update"));
        Files.write(update.resolve("tar.json"), OsvFixtures.bytes(OsvFixtures.TAR_UPDATE));
        advisories.importFrom(update, "update");
        assertThat(pipeline.runPending()).isEqualTo(1);

        ScanReport after = pipeline.reports().report(image.digest()).orElseThrow();
        assertThat(findings(after))
                .containsExactlyInAnyOrder(
                        "DEBIAN-CVE-2023-45853 zlib 1:1.2.13.dfsg-1",
                        "GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1",
                        "DEBIAN-CVE-2005-2541 tar " + tarVersion(report));
        assertThat(after.database().version()).isNotEqualTo(report.database().version());
        assertThat(after.packages()).isEqualTo(report.packages());
        assertThat(events)
                .filteredOn(e -> e instanceof Event.VulnerabilityFound)
                .singleElement()
                .isInstanceOfSatisfying(Event.VulnerabilityFound.class, v -> {
                    assertThat(v.digest()).isEqualTo(image.digest());
                    assertThat(v.advisoryIds()).containsExactly("DEBIAN-CVE-2005-2541");
                });
        assertThat(pipeline.reports().latest(image.digest()))
                .map(ScanSummary::findings)
                .hasValueSatisfying(f -> assertThat(f).hasSize(3));

        // A failed re-scan (the layer is gone) keeps the last good report.
        pipeline.request(REPO, image.digest());
        assertThat(pipeline.runPending()).isEqualTo(1);
        ScanReport kept = pipeline.reports().report(image.digest()).orElseThrow();
        assertThat(kept.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(findings(kept)).hasSize(3);
        assertThat(metadata.scans().report(image.digest()).orElseThrow().lastError())
                .isPresent();
    }

    @Test
    void anUpdateConcerningNoStoredPackageQueuesNothing() throws Exception {
        Stored image = images.image(REPO, "v1", List.of(log4jLayer()));
        push(image);
        pipeline.runPending();
        Path update = Files.createDirectories(dir.resolve("update"));
        Files.write(update.resolve("tar.json"), OsvFixtures.bytes(OsvFixtures.TAR_UPDATE));
        advisories.importFrom(update, "update");
        assertThat(pipeline.runPending()).isZero();
    }

    @Test
    void anIndexIsScannedPlatformByPlatformAndAggregates() {
        Stored amd64 = images.image(REPO, null, List.of(debianLayer()));
        Stored arm64 = images.image(REPO, null, List.of(log4jLayer()));
        Stored index = images.index(REPO, "multi", Map.of(amd64, "linux/amd64", arm64, "linux/arm64"));
        push(index);
        pipeline.runPending();

        ScanReport report = pipeline.reports().report(index.digest()).orElseThrow();
        assertThat(report.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(report.children())
                .extracting(ScanReport::platform)
                .containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        assertThat(report.findings())
                .extracting(VulnerabilityFinding::id)
                .containsExactlyInAnyOrder("DEBIAN-CVE-2023-45853", "GHSA-jfh8-c2jp-5v3q");
        // Each platform has its own report too (a client pulls the platform manifest by digest).
        assertThat(pipeline.reports().latest(arm64.digest()))
                .hasValueSatisfying(s -> assertThat(s.findings())
                        .extracting(VulnerabilityFinding::id)
                        .containsExactly("GHSA-jfh8-c2jp-5v3q"));
    }

    @Test
    void aPickleModelPushedAsAnArtifactLayerIsScanned() throws Exception {
        Stored model = images.blob(
                REPO, "application/octet-stream", LanguageFixtures.pickles().resolve("model.pt"));
        Stored config = images.blob(REPO, "application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
        Stored artifact = images.manifest(
                REPO, "model", config, List.of(model), Map.of(model.digest(), "model.pt"), Optional.empty());
        push(artifact);
        pipeline.runPending();

        ScanReport report = pipeline.reports().report(artifact.digest()).orElseThrow();
        assertThat(report.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo(PickleExtractor.DANGEROUS_GLOBAL);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.path()).startsWith("/model.pt");
        });
    }

    @Test
    void signaturesAndOtherArtifactsAreUnsupported() {
        Stored image = images.image(REPO, "v1", List.of(log4jLayer()));
        Stored config = images.blob(REPO, "application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
        Stored payload = images.blob(
                REPO, "application/vnd.dev.cosign.simplesigning.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
        Stored signature = images.manifest(REPO, null, config, List.of(payload), Map.of(), Optional.of(image));
        Stored helm = images.manifest(
                REPO,
                "chart",
                images.blob(REPO, "application/vnd.cncf.helm.config.v1+json", "{}".getBytes(StandardCharsets.UTF_8)),
                List.of(images.blob(
                        REPO, "application/vnd.cncf.helm.chart.content.v1.tar+gzip", TestImages.tarGz(Map.of()))),
                Map.of(),
                Optional.empty());
        push(signature);
        push(helm);
        pipeline.runPending();

        assertThat(pipeline.reports().latest(signature.digest()))
                .map(ScanSummary::status)
                .contains(ScanStatus.UNSUPPORTED);
        assertThat(pipeline.reports().latest(helm.digest()))
                .map(ScanSummary::status)
                .contains(ScanStatus.UNSUPPORTED);
    }

    @Test
    void aManifestDeletedBeforeItsScanLeavesNothing() {
        Stored image = images.image(REPO, "v1", List.of(log4jLayer()));
        push(image);
        metadata.manifests().delete(REPO, image.digest());
        assertThat(pipeline.runPending()).isEqualTo(1);
        assertThat(pipeline.reports().report(image.digest())).isEmpty();
        assertThat(pipeline.reports().queued(image.digest())).isFalse();
    }

    /**
     * A scan that runs three leases long keeps its job: another worker finds nothing to claim meanwhile, and the
     * job is scanned once, on its first attempt.
     */
    @Test
    void aScanLongerThanItsLeaseKeepsItsJob() throws Exception {
        pipeline.close();
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        SbomExtraction slow = (layers, limits) -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return ImageExtractor.withDefaultExtractors().extract(layers, limits);
        };
        Duration lease = Duration.ofMillis(300);
        var settings = new ScanSettings(0, Duration.ofSeconds(1), lease, 200, 3, ExtractionLimits.DEFAULTS);
        pipeline = new ScanPipeline(
                metadata,
                blobs,
                advisories,
                slow,
                "slow",
                events::add,
                Clock.systemUTC(),
                settings,
                ScanPipeline.Observer.NONE);
        Stored image = images.image(REPO, "v1", List.of(log4jLayer()));
        push(image);

        var ran = new AtomicInteger();
        Thread worker = Thread.ofPlatform().start(() -> ran.set(pipeline.runPending()));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(3 * lease.toMillis());
        assertThat(metadata.scans().claim("other-node", 10, Optional.empty(), lease, Instant.now()))
                .as("the running scan's lease was renewed")
                .isEmpty();
        release.countDown();
        worker.join(30_000);

        assertThat(ran.get()).isEqualTo(1);
        ScanReport report = pipeline.reports().report(image.digest()).orElseThrow();
        assertThat(report.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(findings(report)).containsExactly("GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1");
        assertThat(pipeline.reports().queued(image.digest())).isFalse();
    }

    private static String tarVersion(ScanReport report) {
        return report.packages().stream()
                .filter(p -> p.name().equals("tar"))
                .findFirst()
                .orElseThrow()
                .sourceVersion();
    }
}
