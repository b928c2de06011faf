package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.fixtures.DebianBookwormLayer;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.extract.lang.LanguageFixtures;
import io.gatehouse.scan.pipeline.TestImages;
import io.gatehouse.server.testing.AdminCli;
import io.gatehouse.server.testing.AdminCli.Run;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scanning end to end with the real skopeo: an image of the real Debian 12 root filesystem and a layer holding
 * the real log4j-core 2.14.1 jar is pushed; within seconds {@code gatehouse scan report --json} lists exactly the
 * real advisories that affect it (the decoys do not match). Then an advisory update alone, with no push, adds a
 * finding for tar to the stored image, raises {@code vulnerability.found} and delivers its webhook.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatehouseScanningIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JAR = "log4j-core-2.14.1.jar";
    static final Duration WITHIN = Duration.ofSeconds(20);

    private TestServer server;
    private Skopeo skopeo;
    private Path work;
    private WebhookReceiver receiver;
    private final List<Event.VulnerabilityFound> found = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Skopeo.skipReasonIfMissing().ifPresent(org.junit.jupiter.api.Assumptions::abort);
        work = dir;
        receiver = WebhookReceiver.accepting();
        server = TestServer.start(
                dir.resolve("data"), Map.of("webhooks.allowLoopback", "true", "webhooks.pollInterval", "50ms"));
        server.server().events().subscribe(e -> {
            if (e instanceof Event.VulnerabilityFound v) found.add(v);
        });
        skopeo = Skopeo.create(dir.resolve("skopeo-home"));
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (receiver != null) receiver.close();
    }

    private Run cli(String... args) {
        return AdminCli.run(server, args);
    }

    /** Polls {@code scan report REF --json} until the report satisfies {@code done}; returns it and the wait. */
    private JsonNode reportWhen(String ref, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        Run last = null;
        while (System.nanoTime() < deadline) {
            last = cli("scan", "report", ref, "--json");
            if (last.exit() == 0) {
                JsonNode report = JSON.readTree(last.out());
                if (done.test(report)) return report;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such report of " + ref + " within " + WITHIN + "; last: " + last);
    }

    private static TreeSet<String> findings(JsonNode report) {
        var out = new TreeSet<String>();
        report.path("findings")
                .forEach(f -> out.add(f.path("id").asText() + " "
                        + f.path("package").asText() + " " + f.path("version").asText()));
        return out;
    }

    @Test
    void aPushedImageIsReportedWithinSecondsAndAnAdvisoryUpdateAloneAddsAFinding() throws Exception {
        Run imported = cli(
                "advisories", "import", OsvFixtures.copyTo(work.resolve("osv")).toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        Run hook = cli("webhook", "create", "--url", receiver.url(), "--events", "vulnerability.found,scan.completed");
        assertThat(hook.exit()).as(hook.err()).isZero();

        var layout = OciImageBuilder.create(work.resolve("layout"), 5);
        byte[] debian = Files.readAllBytes(DebianBookwormLayer.layerTarGz());
        byte[] app = TestImages.tarGz(Map.of("app/lib/" + JAR, LanguageFixtures.mavenJar(JAR)));
        var image = layout.imageOfLayers("v1", List.of(debian, app));
        var admin = new Skopeo.Credentials("admin", TestServer.ADMIN_PASSWORD);
        long pushed = System.nanoTime();
        skopeo.copy(layout.ociReference("v1"), null, "docker://" + server.hostPort() + "/teama/app:v1", admin)
                .orThrow();

        JsonNode report =
                reportWhen("teama/app:v1", r -> r.path("status").asText().equals("complete"));
        long seconds = Duration.ofNanos(System.nanoTime() - pushed).toSeconds();
        System.out.printf(
                "pushed and scanned (%d packages) in %d s%n",
                report.path("packages").size(), seconds);
        assertThat(report.path("artifact").asText()).isEqualTo(image.manifest().digest());
        String tarVersion = "";
        for (JsonNode p : report.path("packages")) {
            if (p.path("name").asText().equals("tar"))
                tarVersion = p.path("sourceVersion").asText();
        }
        assertThat(tarVersion).isNotEmpty();
        assertThat(findings(report))
                .containsExactly(
                        "DEBIAN-CVE-2023-45853 zlib 1:1.2.13.dfsg-1",
                        "GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1");
        assertThat(found).isEmpty();

        // An advisory update, no push: the stored image is re-matched from its stored packages.
        Path update = Files.createDirectories(work.resolve("update"));
        Files.write(update.resolve("DEBIAN-CVE-2005-2541.json"), OsvFixtures.bytes(OsvFixtures.TAR_UPDATE));
        assertThat(cli("advisories", "import", update.toString()).out()).contains("1 added");

        JsonNode after =
                reportWhen("teama/app:v1", r -> r.path("findings").toString().contains("DEBIAN-CVE-2005-2541"));
        assertThat(findings(after))
                .containsExactly(
                        "DEBIAN-CVE-2005-2541 tar " + tarVersion,
                        "DEBIAN-CVE-2023-45853 zlib 1:1.2.13.dfsg-1",
                        "GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1");
        assertThat(after.path("scannedAt").asText())
                .as("the layers were not read again")
                .isEqualTo(report.path("scannedAt").asText());
        assertThat(found).singleElement().satisfies(v -> {
            assertThat(v.digest().toString()).isEqualTo(image.manifest().digest());
            assertThat(v.advisoryIds()).containsExactly("DEBIAN-CVE-2005-2541");
        });
        // The webhook: scan.completed for the push, then vulnerability.found (and scan.completed) for the update.
        boolean delivered = false;
        for (int i = 0; i < 5 && !delivered; i++) {
            JsonNode event = JSON.readTree(receiver.next().body());
            if (event.path("type").asText().equals("io.gatehouse.vulnerability.found")) {
                delivered = true;
                assertThat(event.path("data").path("advisories").get(0).asText())
                        .isEqualTo("DEBIAN-CVE-2005-2541");
                assertThat(event.path("subject").asText())
                        .isEqualTo("teama/app@" + image.manifest().digest());
            }
        }
        assertThat(delivered).as("vulnerability.found reached the webhook").isTrue();
    }

    /**
     * The issue's "done when" with the real pipeline, no injected verdict: once its scan finds log4j's critical
     * advisory, a project on {@code --block-severity high} refuses skopeo's pull with the advisory named, while a
     * clean image of the same project pulls; the SBOM is attached as a referrer and reports render as SARIF.
     */
    @Test
    void aScannedCriticalImageIsRefusedUnderBlockSeverityHighWhileACleanOnePulls() throws Exception {
        Run imported = cli(
                "advisories",
                "import",
                OsvFixtures.copyTo(work.resolve("osv-gate")).toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        Run project = cli("project", "create", "teamgate");
        assertThat(project.exit()).as(project.err()).isZero();
        var layout = OciImageBuilder.create(work.resolve("gate-layout"), 7);
        byte[] app = TestImages.tarGz(Map.of("app/lib/" + JAR, LanguageFixtures.mavenJar(JAR)));
        var vulnerable = layout.imageOfLayers("vulnerable", List.of(app));
        Path readme = Files.writeString(work.resolve("README"), "nothing to scan here");
        layout.imageOfLayers("clean", List.of(TestImages.tarGz(Map.of("app/README", readme))));
        var admin = new Skopeo.Credentials("admin", TestServer.ADMIN_PASSWORD);
        for (String tag : List.of("vulnerable", "clean")) {
            skopeo.copy(layout.ociReference(tag), null, "docker://" + server.hostPort() + "/teamgate/app:" + tag, admin)
                    .orThrow();
        }
        JsonNode report = reportWhen(
                "teamgate/app:vulnerable", r -> r.path("status").asText().equals("complete"));
        assertThat(findings(report)).containsExactly("GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1");
        JsonNode clean =
                reportWhen("teamgate/app:clean", r -> r.path("status").asText().equals("complete"));
        assertThat(findings(clean)).isEmpty();

        Run policy = cli("project", "update", "teamgate", "--block-severity", "high");
        assertThat(policy.exit()).as(policy.err()).isZero();
        var refused = skopeo.copy(
                "docker://" + server.hostPort() + "/teamgate/app:vulnerable",
                admin,
                "oci:" + work.resolve("pulled-v") + ":v",
                null);
        assertThat(refused.succeeded())
                .as("the vulnerable image cannot be pulled")
                .isFalse();
        assertThat(refused.output())
                .contains("denied")
                .contains("GHSA-jfh8-c2jp-5v3q (critical, org.apache.logging.log4j:log4j-core 2.14.1)")
                .contains("gatehouse cve allow GHSA-jfh8-c2jp-5v3q --project teamgate");
        skopeo.copy(
                        "docker://" + server.hostPort() + "/teamgate/app:clean",
                        admin,
                        "oci:" + work.resolve("pulled-c") + ":c",
                        null)
                .orThrow();
        Run denied = cli("audit", "query", "--repository", "teamgate/app", "--result", "denied", "--json");
        assertThat(denied.out()).contains("GHSA-jfh8-c2jp-5v3q");

        // The SBOM of the complete scan is attached to the image, for referrer-aware clients.
        String digest = vulnerable.manifest().digest();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        String referrers = "";
        var http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(
                        server.baseUri().resolve("/v2/teamgate/app/referrers/" + digest))
                .header(
                        "Authorization",
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(("admin:" + TestServer.ADMIN_PASSWORD).getBytes()))
                .build();
        while (System.nanoTime() < deadline && !referrers.contains("application/vnd.cyclonedx+json")) {
            referrers = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            Thread.sleep(100);
        }
        assertThat(referrers).contains("\"artifactType\":\"application/vnd.cyclonedx+json\"");

        Run sarif = cli("scan", "report", "teamgate/app:clean", "--format", "sarif");
        assertThat(sarif.exit()).as(sarif.err()).isZero();
        assertThat(JSON.readTree(sarif.out()).path("version").asText()).isEqualTo("2.1.0");
    }
}
