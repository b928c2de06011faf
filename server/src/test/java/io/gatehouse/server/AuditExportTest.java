package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.storage.blob.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Export of the audit log to a real S3-compatible server (S3Proxy in this JVM): what lands in the bucket, that
 * a rerun adds nothing, that retention then deletes only exported records, and what an unreachable bucket or
 * a bad setting does.
 */
class AuditExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3ProxyServer s3;
    private static int prefixes;

    @TempDir
    Path dataDir;

    private final TestClock clock = new TestClock();
    private TestServer server;
    private RegistryHttp admin;
    private String prefix;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Map<String, String> extra) throws Exception {
        prefix = "audit-" + (++prefixes) + "/";
        Map<String, String> settings = new HashMap<>(exportTo(s3.endpoint().toString()));
        settings.putAll(extra);
        server = TestServer.start(dataDir, settings, clock);
        admin = RegistryHttp.asAdmin(server);
    }

    private Map<String, String> exportTo(String endpoint) {
        return Map.of(
                "audit.export.s3.endpoint",
                endpoint,
                "audit.export.s3.bucket",
                s3.bucket(),
                "audit.export.s3.prefix",
                prefix,
                "audit.export.s3.accessKey",
                s3.accessKey(),
                "audit.export.s3.secretKey",
                s3.secretKey(),
                "audit.export.maxRecords",
                "4");
    }

    @Test
    void recordsBeforeTheLastHourBoundaryLandInTheBucketAsChainedGzipJsonLines() throws Exception {
        start(Map.of());
        makeRecords();
        List<JsonNode> inDatabase = allRecords();
        assertThat(inDatabase).hasSizeGreaterThan(4);

        JsonNode early = export();
        assertThat(early.path("objects"))
                .as("nothing is older than the last hour boundary yet")
                .isEmpty();

        clock.advance(Duration.ofHours(2));
        JsonNode first = export();
        long through = first.path("exportedThrough").asLong();
        // Everything made before the boundary (reading the log is itself recorded, so there is more by now).
        assertThat(through)
                .isGreaterThanOrEqualTo(inDatabase.getLast().path("sequence").asLong());
        assertThat(first.path("records").asLong()).isEqualTo(through);
        assertThat(first.path("objects").get(0).asText()).isEqualTo("audit-000000000001-000000000004.jsonl.gz");
        assertThat(keys()).hasSize((int) (through + 3) / 4).allMatch(k -> k.startsWith(prefix + "audit-"));

        List<JsonNode> archived = archived();
        List<JsonNode> exported = allRecords().stream()
                .filter(r -> r.path("sequence").asLong() <= through)
                .toList();
        assertThat(archived)
                .as("the same records as the API shows, hashes included")
                .isEqualTo(exported);
        String previous = "0".repeat(64);
        for (JsonNode r : archived) {
            assertThat(r.path("previousHash").asText()).isEqualTo(previous);
            previous = r.path("hash").asText();
        }

        var again = AuditLogApiTest.cli(server, "audit", "export", "--archive");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out())
                .as("a rerun writes nothing new")
                .contains("exported 0 records in 0 object(s); the archive holds the log through record " + through);
        assertThat(keys()).hasSize((int) (through + 3) / 4);
        var neither = AuditLogApiTest.cli(server, "audit", "export");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).contains("either --to DIR or --archive");

        // The runs were admin actions, themselves recorded, and go out with the next boundary.
        clock.advance(Duration.ofHours(1));
        JsonNode next = export();
        assertThat(next.path("objects").get(0).asText()).startsWith(String.format("audit-%012d-", through + 1));
        List<JsonNode> runs = archived().stream()
                .filter(r -> r.path("action").asText().equals("audit.export"))
                .toList();
        assertThat(runs).as("the three runs before this one").hasSize(3);
        assertThat(runs.getFirst().path("principal").asText()).isEqualTo("admin");
    }

    @Test
    void retentionDeletesOnlyWhatTheArchiveHolds() throws Exception {
        start(Map.of("audit.retention", "1h"));
        makeRecords();
        clock.advance(Duration.ofHours(2));
        long through = export().path("exportedThrough").asLong();
        makeRecords(); // newer records, not exported yet

        clock.advance(Duration.ofHours(3)); // everything is past retention now; the writer applies it within ~1 s
        long first = awaitFirstSequenceAbove(1);
        assertThat(first).as("deleted through the exported record, not further").isEqualTo(through + 1);
        JsonNode verify = json(admin.post("/api/v1/audit/verify", new byte[0]));
        assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
    }

    @Test
    void anUnreachableBucketIsAClearServiceUnavailable() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        prefix = "unreachable/";
        server = TestServer.start(dataDir, exportTo("http://127.0.0.1:" + closedPort), clock);
        admin = RegistryHttp.asAdmin(server);
        clock.advance(Duration.ofHours(2));
        HttpResponse<byte[]> r = admin.post("/api/v1/audit/export", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(503);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain(s3.secretKey()).doesNotContain("Exception");
        assertThat(admin.get("/api/v1/audit/records?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    void withoutAnExportConfiguredRunningOneIsRefused() throws Exception {
        server = TestServer.start(dataDir, Map.of(), clock);
        HttpResponse<byte[]> r = RegistryHttp.asAdmin(server).post("/api/v1/audit/export", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("audit.export.s3.bucket");
    }

    @Test
    void badExportSettingsStopStartUpNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("audit.export.maxRecords", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.export.maxRecords");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        Map.of(),
                        Map.of("audit.export.s3.bucket", "b", "audit.export.s3.accessKey", "only-the-access-key")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("audit.export.s3");
    }

    /** An admin change, a pull of a missing manifest (allowed), and a refused anonymous request. */
    private void makeRecords() {
        String project = "p" + System.nanoTime();
        assertThat(admin.post("/api/v1/projects", ("{\"name\":\"" + project + "\"}").getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(201);
        admin.get("/v2/" + project + "/app/manifests/v1");
        RegistryHttp.anonymous(server).get("/v2/" + project + "/app/manifests/v1");
        admin.get("/v2/" + project + "/app/manifests/v2");
    }

    private JsonNode export() {
        HttpResponse<byte[]> r = admin.post("/api/v1/audit/export", new byte[0]);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(200);
        return json(r);
    }

    private List<JsonNode> allRecords() {
        List<JsonNode> out = new ArrayList<>();
        json(admin.get("/api/v1/audit/records?limit=1000")).path("records").forEach(out::add);
        return out;
    }

    private long awaitFirstSequenceAbove(long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            long first = allRecords().getFirst().path("sequence").asLong();
            if (first > sequence) {
                return first;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("retention did not run within 20 s");
    }

    private List<String> keys() {
        try (S3Client client = s3.newClient()) {
            return client.listObjectsV2Paginator(b -> b.bucket(s3.bucket()).prefix(prefix)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        }
    }

    private List<JsonNode> archived() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (S3Client client = s3.newClient()) {
            for (String key : keys()) {
                byte[] gz = client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key))
                        .asByteArray();
                String lines = new String(
                        new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8);
                for (String line : lines.split("\n")) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }
}
