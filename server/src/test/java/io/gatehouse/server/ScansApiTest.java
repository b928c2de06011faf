package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.extract.lang.LanguageFixtures;
import io.gatehouse.scan.pipeline.TestImages;
import io.gatehouse.server.testing.AdminCli.Run;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans through the real server: a push queues a scan (the push does not wait), the CLI asks for one and waits,
 * prints the report as the issue's JSON; who may read reports and request scans; errors are OCI JSON.
 */
class ScansApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JAR = "log4j-core-2.14.1.jar";

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    /** Pushes an image of one layer holding log4j-core 2.14.1 over the OCI API; returns its digest. */
    static Digest pushLog4jImage(RegistryHttp http, String repo, String tag) throws Exception {
        byte[] layer = TestImages.tarGz(Map.of("app/lib/" + JAR, LanguageFixtures.mavenJar(JAR)));
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(layer, config)) {
            var r = http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob);
            assertThat(r.statusCode()).isEqualTo(201);
        }
        byte[] manifest = JSON.writeValueAsBytes(Map.of(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.manifest.v1+json",
                "config",
                descriptor("application/vnd.oci.image.config.v1+json", config),
                "layers",
                List.of(descriptor(TestImages.LAYER, layer))));
        var put = http.put(
                "/v2/" + repo + "/manifests/" + tag,
                manifest,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(put.statusCode()).isEqualTo(201);
        return Digest.sha256(manifest);
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] content) {
        return Map.of("mediaType", mediaType, "digest", Digest.sha256(content).toString(), "size", content.length);
    }

    @Test
    void pushScanWaitAndReport() throws Exception {
        try (var server = TestServer.start(dataDir)) {
            List<Event> scanEvents = new CopyOnWriteArrayList<>();
            server.server().events().subscribe(e -> {
                if (e instanceof Event.ScanCompleted) scanEvents.add(e);
            });
            assertThat(WebhookCommandsTest.admin(
                                    server,
                                    "advisories",
                                    "import",
                                    OsvFixtures.copyTo(work.resolve("osv")).toString())
                            .exit())
                    .isZero();
            var admin = RegistryHttp.asAdmin(server);
            Digest digest = pushLog4jImage(admin, "teama/app", "v1");

            Run scan = WebhookCommandsTest.admin(server, "scan", "teama/app:v1", "--wait", "--timeout", "PT30S");
            assertThat(scan.exit()).as(scan.err()).isZero();
            assertThat(scan.out())
                    .startsWith(digest + ": complete, 1 packages, 1 findings, 1 critical")
                    .contains(
                            "CRITICAL GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core 2.14.1 (fixed in 2.15.0)");

            Run report = WebhookCommandsTest.admin(server, "scan", "report", "teama/app@" + digest, "--json");
            assertThat(report.exit()).as(report.err()).isZero();
            JsonNode json = JSON.readTree(report.out());
            assertThat(json.path("artifact").asText()).isEqualTo(digest.toString());
            assertThat(json.path("status").asText()).isEqualTo("complete");
            List<String> ids = new ArrayList<>();
            json.path("findings").forEach(f -> ids.add(f.path("id").asText()));
            assertThat(ids).containsExactly("GHSA-jfh8-c2jp-5v3q");
            JsonNode finding = json.path("findings").path(0);
            assertThat(finding.path("package").asText()).isEqualTo("org.apache.logging.log4j:log4j-core");
            assertThat(finding.path("path").asText()).isEqualTo("/app/lib/" + JAR);
            assertThat(finding.path("severity").asText()).isEqualTo("critical");
            assertThat(json.path("database").path("advisories").asLong()).isEqualTo(7);
            // The push queued a scan; the request either merged into it (not yet claimed) or ran beside it.
            assertThat(scanEvents)
                    .extracting(e -> ((Event.ScanCompleted) e).trigger())
                    .contains("push")
                    .isSubsetOf("push", "demand");

            var metrics = new String(admin.get("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics)
                    .contains("gatehouse_scans_total{status=\"complete\",trigger=\"push\"} 1.0")
                    .contains("gatehouse_scan_queue_depth{trigger=\"push\"}")
                    // (the push of the SBOM attached to the image is a push scan too: unsupported)
                    .contains("gatehouse_scan_duration_seconds_count{trigger=\"push\"} ");

            Run unknown = WebhookCommandsTest.admin(server, "scan", "report", "teama/app:nope");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("manifest nope not found in teama/app");
        }
    }

    @Test
    void readersReadReportsWritersRequestScans() throws Exception {
        try (var server = TestServer.start(dataDir, Map.of("scan.workers", "0"))) {
            var admin = RegistryHttp.asAdmin(server);
            AdminApiTest.expect(AdminApiTest.post(admin, "/api/v1/projects", Map.of("name", "teama")), 201);
            for (String user : List.of("rita", "will", "nora")) {
                AdminApiTest.expect(
                        AdminApiTest.post(
                                admin, "/api/v1/users", Map.of("name", user, "password", user + "-password-1")),
                        201);
            }
            AdminApiTest.expect(
                    AdminApiTest.post(
                            admin, "/api/v1/projects/teama/bindings", Map.of("role", "reader", "user", "rita")),
                    201);
            AdminApiTest.expect(
                    AdminApiTest.post(
                            admin, "/api/v1/projects/teama/bindings", Map.of("role", "writer", "user", "will")),
                    201);
            Digest digest = pushLog4jImage(admin, "teama/app", "v1");
            var reader = as(server, "rita");
            var writer = as(server, "will");
            var nobody = as(server, "nora");
            String report = "/api/v1/repositories/teama/app/scans/v1";
            String request = "/api/v1/repositories/teama/app/scans?reference=v1";

            // Queued by the push, not scanned (no worker on this node): pending, and said so.
            HttpResponse<byte[]> pending = reader.get(report);
            assertThat(pending.statusCode()).isEqualTo(200);
            assertThat(pending.headers().firstValue("Gatehouse-Scan-Pending")).hasValue("true");
            assertThat(RegistryHttp.json(pending).path("status").asText()).isEqualTo("pending");
            assertThat(RegistryHttp.json(pending).path("artifact").asText()).isEqualTo(digest.toString());

            assertThat(reader.post(request, new byte[0]).statusCode())
                    .as("a reader may not ask")
                    .isEqualTo(403);
            assertThat(RegistryHttp.errorCode(reader.post(request, new byte[0])))
                    .isEqualTo("DENIED");
            var queued = writer.post(request, new byte[0]);
            assertThat(queued.statusCode()).isEqualTo(202);
            assertThat(RegistryHttp.json(queued).path("artifact").asText()).isEqualTo(digest.toString());
            assertThat(admin.post(
                                    "/api/v1/repositories/teama/app/scans",
                                    ("{\"reference\":\"" + digest + "\"}").getBytes(StandardCharsets.UTF_8))
                            .statusCode())
                    .isEqualTo(202);
            assertThat(nobody.get(report).statusCode()).isEqualTo(403);
            assertThat(RegistryHttp.anonymous(server).get(report).statusCode()).isEqualTo(401);

            // Errors are OCI JSON errors, never a 500.
            var unknown = reader.get("/api/v1/repositories/teama/app/scans/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(RegistryHttp.errorCode(unknown)).isEqualTo("MANIFEST_UNKNOWN");
            var noReference = writer.post("/api/v1/repositories/teama/app/scans", new byte[0]);
            assertThat(noReference.statusCode()).isEqualTo(400);
            var badReference = writer.post("/api/v1/repositories/teama/app/scans?reference=not%20a%20tag", new byte[0]);
            assertThat(badReference.statusCode()).isEqualTo(400);

            // Scanned: the report, and nothing pending.
            server.server().scans().pipeline().runPending();
            HttpResponse<byte[]> done = reader.get(report);
            assertThat(done.headers().firstValue("Gatehouse-Scan-Pending")).hasValue("false");
            assertThat(RegistryHttp.json(done).path("status").asText()).isEqualTo("complete");
        }
    }

    static RegistryHttp as(TestServer server, String user) {
        return RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic(user, user + "-password-1"));
    }
}
