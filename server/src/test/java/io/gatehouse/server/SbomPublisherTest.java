package io.gatehouse.server;

import static io.gatehouse.scan.report.ReportSchemas.assertValidCycloneDx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.AdminOnlyAuthorizer;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.scan.advisory.LocalAdvisories;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.local.ImageArchive;
import io.gatehouse.scan.local.LocalImageFixtures;
import io.gatehouse.scan.local.LocalScan;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.report.SbomPublisher;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SBOM of a real image pushed with skopeo, attached as a referrer on the running server. */
class SbomPublisherTest {
    static final RepositoryName REPO = RepositoryName.parse("demo/app");

    @TempDir
    static Path temp;

    static TestServer server;
    static RegistryHttp http;
    static ScanReport report;

    @BeforeAll
    static void pushAndScan() throws Exception {
        var images = LocalImageFixtures.images();
        server = TestServer.start(temp.resolve("data"));
        http = RegistryHttp.asAdmin(server);
        Process push = new ProcessBuilder(
                        "skopeo",
                        "--policy",
                        images.ociLayout().resolveSibling("policy.json").toString(),
                        "copy",
                        "--dest-tls-verify=false",
                        "--dest-creds",
                        AdminOnlyAuthorizer.ADMIN + ":" + TestServer.ADMIN_PASSWORD,
                        "oci:" + images.ociLayout() + ":latest",
                        "docker://" + server.hostPort() + "/" + REPO.value() + ":1")
                .redirectErrorStream(true)
                .start();
        String out = new String(push.getInputStream().readAllBytes());
        assertThat(push.waitFor(5, TimeUnit.MINUTES) && push.exitValue() == 0)
                .as(out)
                .isTrue();
        var advisories = LocalAdvisories.load(OsvFixtures.copyTo(temp.resolve("osv")), OsvMatcher.withDefaultSchemes());
        try (var archive = ImageArchive.open(images.ociLayout())) {
            report = new LocalScan(
                            ImageExtractor.withDefaultExtractors(),
                            ExtractionLimits.DEFAULTS,
                            advisories.index(),
                            new ScanReport.DatabaseInfo("test", Instant.EPOCH, advisories.advisories()),
                            Clock.systemUTC())
                    .scan(archive);
        }
        awaitThePushScansSbom();
    }

    /**
     * The server scans the push and attaches its SBOM on a worker; the tests publish for the same image, so they
     * start once that has happened rather than racing it.
     */
    private static void awaitThePushScansSbom() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (referrers().path("manifests").isEmpty()) {
            assertThat(System.nanoTime())
                    .as("the push scan attached no SBOM within 60 s")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /**
     * The push scan's attachment changed the repository without anyone's request: the audit log has it, by the
     * registry itself, findable by repository, naming the image and the SBOM manifest it attached.
     */
    @Test
    void theAttachmentIsInTheAuditLog() throws InterruptedException {
        String image = report.artifact().toString();
        JsonNode attached = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (attached == null) {
            JsonNode records = RegistryHttp.json(
                            http.get("/api/v1/audit/records?action=sbom.attach&repository=demo/app&limit=100"))
                    .path("records");
            for (JsonNode r : records) {
                if (image.equals(r.at("/details/subject").asText())) {
                    attached = r;
                }
            }
            assertThat(System.nanoTime())
                    .as("no sbom.attach record within 10 s")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(attached.path("kind").asText()).isEqualTo("admin");
        assertThat(attached.path("principal").asText()).isEqualTo("gatehouse");
        assertThat(attached.path("project").asText()).isEqualTo("demo");
        assertThat(attached.path("repository").asText()).isEqualTo("demo/app");
        assertThat(attached.at("/details/trigger").asText()).isEqualTo("push");
        assertThat(attached.at("/details/manifest").asText())
                .as("the SBOM manifest the referrers list showed")
                .startsWith("sha256:")
                .isNotEqualTo(image);
    }

    @Test
    void theSbomIsListedAsAReferrerOnceAndItsBlobIsCycloneDxWithThePackages() {
        SbomPublisher publisher = server.server().sbomPublisher();
        var first = publisher.publish(REPO, report);
        // A re-match after an advisory update: new time, other findings, same packages.
        var rematched = new ScanReport(
                report.artifact(),
                "",
                ScanStatus.COMPLETE,
                Instant.now().plusSeconds(60),
                report.database(),
                report.os(),
                report.packages(),
                List.of(),
                List.of(),
                "");
        var again = publisher.publish(REPO, rematched);

        assertThat(again.created()).isFalse();
        assertThat(again.manifest()).isEqualTo(first.manifest());
        JsonNode referrers = referrers();
        assertThat(referrers.path("manifests")).hasSize(1);
        JsonNode listed = referrers.path("manifests").get(0);
        assertThat(listed.path("digest").asText()).isEqualTo(first.manifest().toString());
        assertThat(listed.path("artifactType").asText()).isEqualTo("application/vnd.cyclonedx+json");
        assertThat(listed.path("annotations")
                        .path("org.opencontainers.image.created")
                        .asText())
                .isNotBlank();

        JsonNode manifest = RegistryHttp.json(http.get(
                "/v2/demo/app/manifests/" + first.manifest(),
                java.util.Map.of("Accept", "application/vnd.oci.image.manifest.v1+json")));
        assertThat(manifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        assertThat(manifest.at("/subject/digest").asText())
                .isEqualTo(report.artifact().toString());
        var blob =
                http.get("/v2/demo/app/blobs/" + manifest.at("/layers/0/digest").asText());
        assertThat(blob.statusCode()).isEqualTo(200);
        JsonNode bom = assertValidCycloneDx(blob.body());
        List<String> purls = new ArrayList<>();
        bom.path("components").forEach(c -> purls.add(c.path("purl").asText("")));
        assertThat(purls)
                .contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
                .anyMatch(p -> p.startsWith("pkg:deb/debian/zlib1g@"))
                .hasSize(report.packages().size() + 1); // + the operating system
        assertThat(bom.has("vulnerabilities")).isFalse();
    }

    @Test
    void changedPackagesReplaceTheEarlierSbomAndNoSbomGetsAnSbom() {
        SbomPublisher publisher = server.server().sbomPublisher();
        var before = publisher.publish(REPO, report);
        var fewer = new ScanReport(
                report.artifact(),
                "",
                ScanStatus.COMPLETE,
                Instant.now(),
                report.database(),
                report.os(),
                report.packages().subList(1, report.packages().size()),
                List.of(),
                List.of(),
                "");

        var after = publisher.publish(REPO, fewer);

        assertThat(after.created()).isTrue();
        assertThat(after.replaced()).containsExactly(before.manifest());
        assertThat(referrers().path("manifests"))
                .extracting(m -> m.path("digest").asText())
                .containsExactly(after.manifest().toString());
        var ofSbom = new ScanReport(
                after.manifest(),
                "",
                ScanStatus.COMPLETE,
                Instant.now(),
                null,
                java.util.Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                "");
        assertThatThrownBy(() -> publisher.publish(REPO, ofSbom))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is an SBOM itself");
        var failed = new ScanReport(
                report.artifact(),
                "",
                ScanStatus.FAILED,
                Instant.now(),
                null,
                java.util.Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                "layer unreadable");
        assertThatThrownBy(() -> publisher.publish(REPO, failed)).isInstanceOf(IllegalArgumentException.class);
        publisher.publish(REPO, report); // leave the full SBOM for the other test's order independence
    }

    private static JsonNode referrers() {
        var response = http.get("/v2/demo/app/referrers/" + report.artifact());
        assertThat(response.statusCode()).isEqualTo(200);
        return RegistryHttp.json(response);
    }
}
