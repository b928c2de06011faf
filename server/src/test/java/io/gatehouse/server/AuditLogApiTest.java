package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.AdminCli;
import io.gatehouse.server.testing.AdminCli.Run;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through the real server: what a push, a pull, a delete and a refusal leave in it, as the API
 * and {@code gatehouse audit} show it; pull recording per project; verify (and its exit code) after someone
 * edits the database; export to JSON Lines; and bad input.
 */
class AuditLogApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @TempDir
    Path exportDir;

    TestServer server;
    RegistryHttp admin;
    RegistryHttp anonymous;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dataDir);
        admin = RegistryHttp.asAdmin(server);
        anonymous = RegistryHttp.anonymous(server);
        ok(admin.post("/api/v1/projects", bytes("{\"name\":\"teama\"}")), 201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pushPullDeleteAndRefusalAreRecordedWithTheirMetadata() {
        Map<String, String> client = Map.of("User-Agent", "audit-test/1.0");
        var push = pushImage("teama/app", "v1", client);
        Digest digest =
                Digest.parse(push.headers().firstValue("Docker-Content-Digest").orElseThrow());
        var pull = admin.get("/v2/teama/app/manifests/v1", client);
        ok(pull, 200);
        var refused = anonymous.get("/v2/teama/app/manifests/v1", client);
        assertThat(refused.statusCode()).isEqualTo(401);
        var delete = admin.delete("/v2/teama/app/manifests/" + digest);
        ok(delete, 202);

        JsonNode pushed = onlyRecord(push);
        assertThat(pushed.path("kind").asText()).isEqualTo("access");
        assertThat(pushed.path("principal").asText()).isEqualTo("admin");
        assertThat(pushed.path("principalType").asText()).isEqualTo("user");
        assertThat(pushed.path("authMethod").asText()).isEqualTo("basic");
        assertThat(pushed.path("sourceAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(pushed.path("userAgent").asText()).isEqualTo("audit-test/1.0");
        assertThat(pushed.path("action").asText()).isEqualTo("push");
        assertThat(pushed.path("project").asText()).isEqualTo("teama");
        assertThat(pushed.path("repository").asText()).isEqualTo("teama/app");
        assertThat(pushed.path("reference").asText()).isEqualTo("v1");
        assertThat(pushed.path("result").asText()).isEqualTo("allowed");
        assertThat(pushed.path("hash").asText()).hasSize(64);
        assertThat(pushed.path("previousHash").asText()).hasSize(64);

        JsonNode pulled = onlyRecord(pull);
        assertThat(pulled.path("action").asText()).isEqualTo("pull");
        assertThat(pulled.path("reference").asText()).isEqualTo("v1");
        assertThat(pulled.path("result").asText()).isEqualTo("allowed");

        JsonNode denied = onlyRecord(refused);
        assertThat(denied.path("principal").asText()).isEqualTo("anonymous");
        assertThat(denied.path("principalType").asText()).isEqualTo("anonymous");
        assertThat(denied.path("authMethod").asText()).isEqualTo("none");
        assertThat(denied.path("result").asText()).isEqualTo("denied");
        assertThat(denied.path("reason").asText()).isNotBlank();

        JsonNode deleted = onlyRecord(delete);
        assertThat(deleted.path("action").asText()).isEqualTo("delete");
        assertThat(deleted.path("reference").asText()).isEqualTo(digest.toString());
    }

    @Test
    void refusedCredentialsAndAdminChangesAreRecorded() {
        var wrong = new RegistryHttp(server.baseUri(), RegistryHttp.basic("admin", "not-the-password")).get("/v2/");
        assertThat(wrong.statusCode()).isEqualTo(401);
        JsonNode failed = onlyRecord(wrong);
        assertThat(failed.path("kind").asText()).isEqualTo("authentication");
        assertThat(failed.path("principal").asText()).isEqualTo("admin");
        assertThat(failed.path("result").asText()).isEqualTo("denied");
        assertThat(failed.toString()).doesNotContain("not-the-password");

        var created = admin.post("/api/v1/projects", bytes("{\"name\":\"teamz\"}"));
        ok(created, 201);
        var records = records("requestId=" + requestId(created));
        assertThat(records).extracting(r -> r.path("kind").asText()).containsExactly("access", "admin");
        JsonNode change = records.get(1);
        assertThat(change.path("action").asText()).isEqualTo("project.create");
        assertThat(change.path("project").asText()).isEqualTo("teamz");
        assertThat(change.path("details").path("target").asText()).isEqualTo("project:teamz");
    }

    @Test
    void pullRecordingIsSwitchedOffPerProjectButRefusalsAndTheSwitchAreKept() {
        pushImage("teama/app", "v1", Map.of());
        var off = admin.put("/api/v1/audit/pulls/teama", bytes("{\"recordPulls\":false}"), Map.of());
        ok(off, 200);
        assertThat(json(off).path("recordPulls").asBoolean()).isFalse();
        assertThat(json(admin.get("/api/v1/audit/pulls/teama"))
                        .path("recordPulls")
                        .asBoolean())
                .isFalse();
        JsonNode change = onlyRecord(off, "admin");
        assertThat(change.path("action").asText()).isEqualTo("audit.pulls");
        assertThat(change.path("details").path("recordPulls").asText()).isEqualTo("false");

        var unrecorded = admin.get("/v2/teama/app/manifests/v1");
        ok(unrecorded, 200);
        assertThat(records("requestId=" + requestId(unrecorded))).isEmpty();
        var refused = anonymous.get("/v2/teama/app/manifests/v1");
        assertThat(records("requestId=" + requestId(refused)))
                .extracting(r -> r.path("result").asText())
                .containsExactly("denied");
        var push = pushImage("teama/app", "v2", Map.of());
        assertThat(records("requestId=" + requestId(push))).hasSize(1);

        ok(admin.put("/api/v1/audit/pulls/teama", bytes("{\"recordPulls\":true}"), Map.of()), 200);
        var recorded = admin.get("/v2/teama/app/manifests/v1");
        assertThat(records("requestId=" + requestId(recorded))).hasSize(1);
    }

    @Test
    void queriesFilterAndPageWithACursor() {
        for (int i = 0; i < 5; i++) {
            ok(anonymous.get("/v2/teama/app/tags/list"), 401);
        }
        var denied = records("result=denied&repository=teama/app&action=pull");
        assertThat(denied).hasSize(5);
        var first = json(admin.get("/api/v1/audit/records?result=denied&repository=teama/app&limit=2"));
        assertThat(first.path("records")).hasSize(2);
        String cursor = first.path("next").asText();
        var second =
                json(admin.get("/api/v1/audit/records?result=denied&repository=teama/app&limit=2&cursor=" + cursor));
        assertThat(second.path("records").get(0).path("sequence").asLong())
                .isGreaterThan(first.path("records").get(1).path("sequence").asLong());
        var since = denied.get(3).path("time").asText();
        assertThat(records("result=denied&repository=teama/app&since=" + since).size())
                .isBetween(2, 5);
    }

    @Test
    void badQueriesAreClear400s() {
        for (String query : List.of(
                "result=maybe",
                "since=yesterday",
                "until=2026-13-01",
                "limit=5000",
                "limit=0",
                "cursor=abc",
                "cursor=-1")) {
            var r = admin.get("/api/v1/audit/records?" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(RegistryHttp.errorCode(r)).as(query).isNotBlank();
        }
        assertThat(admin.put("/api/v1/audit/pulls/teama", bytes("{\"recordPulls\":\"no\"}"), Map.of())
                        .statusCode())
                .isEqualTo(400);
        assertThat(admin.put("/api/v1/audit/pulls/teama", bytes("not json"), Map.of())
                        .statusCode())
                .isEqualTo(400);
        assertThat(admin.get("/api/v1/audit/pulls/nosuch").statusCode()).isEqualTo(404);
        assertThat(admin.get("/api/v1/audit/pulls/Bad..Name").statusCode()).isEqualTo(400);
        assertThat(anonymous.get("/api/v1/audit/records").statusCode()).isEqualTo(401);
    }

    @Test
    void aProjectAdminCannotReadTheLogOrSwitchOffTheirPulls() {
        ok(admin.post("/api/v1/users", bytes("{\"name\":\"pat\",\"password\":\"pat-password-123\"}")), 201);
        ok(admin.post("/api/v1/projects/teama/bindings", bytes("{\"role\":\"admin\",\"user\":\"pat\"}")), 201);
        var pat = new RegistryHttp(server.baseUri(), RegistryHttp.basic("pat", "pat-password-123"));
        assertThat(pat.get("/api/v1/audit/records").statusCode()).isEqualTo(403);
        assertThat(pat.put("/api/v1/audit/pulls/teama", bytes("{\"recordPulls\":false}"), Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(pat.post("/api/v1/audit/verify", null).statusCode()).isEqualTo(403);
    }

    @Test
    void theCliQueriesVerifiesAndExports() throws Exception {
        pushImage("teama/app", "v1", Map.of());
        ok(admin.get("/v2/teama/app/manifests/v1"), 200);
        ok(anonymous.get("/v2/teama/app/manifests/v1"), 401);

        var query =
                cli("audit", "query", "--repository", "teama/app", "--action", "pull", "--json", "--page-size", "1");
        assertThat(query.exit()).as(query.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : query.out().strip().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).extracting(l -> l.path("result").asText()).containsExactly("allowed", "denied");
        assertThat(lines).allSatisfy(l -> assertThat(l.path("hash").asText()).hasSize(64));

        var human = cli("audit", "query", "--result", "denied", "--principal", "anonymous");
        assertThat(human.out()).contains("anonymous  pull  teama/app@v1  denied  127.0.0.1");

        var verify = cli("audit", "verify");
        assertThat(verify.exit()).isZero();
        assertThat(verify.out()).startsWith("audit log intact: ");

        var export = cli("audit", "export", "--to", exportDir.toString(), "--gzip", "--max-file-size", "2000");
        assertThat(export.exit()).as(export.err()).isZero();
        List<Path> files;
        try (var list = Files.list(exportDir)) {
            files = list.sorted().toList();
        }
        assertThat(files)
                .hasSizeGreaterThan(1)
                .allSatisfy(f -> assertThat(f.toString()).endsWith(".jsonl.gz"));
        long exported = 0;
        long previous = 0;
        for (Path f : files) {
            try (var in = new GZIPInputStream(Files.newInputStream(f))) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    long sequence = JSON.readTree(line).path("sequence").asLong();
                    assertThat(sequence).as("in log order, none twice").isGreaterThan(previous);
                    previous = sequence;
                    exported++;
                }
            }
        }
        assertThat(export.out()).contains("exported " + exported + " records to " + files.size() + " file(s)");
        long last = previous;
        assertThat(exported)
                .as("every record up to the last exported (this query's own record comes after)")
                .isEqualTo(records("").stream()
                        .filter(r -> r.path("sequence").asLong() <= last)
                        .count());

        var switched = cli("audit", "pulls", "teama", "--off");
        assertThat(switched.out()).contains("project teama: allowed pulls are NOT recorded");
        assertThat(cli("audit", "pulls", "teama").out()).contains("are NOT recorded");
    }

    @Test
    void verifyExitsNonZeroNamingTheRecordSomeoneEditedInTheDatabase() throws Exception {
        pushImage("teama/app", "v1", Map.of());
        // A denial has a row of its own (allowed pulls share batch rows: edits inside them are covered by the
        // store's contract tests).
        var refused = anonymous.get("/v2/teama/app/manifests/v1");
        long sequence = onlyRecord(refused).path("sequence").asLong();
        var settings = ((JdbcMetadataStore) server.server().metadata()).settings();
        try (var c = DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
                var s = c.createStatement()) {
            s.executeUpdate("UPDATE audit_records SET principal = 'someone-else' WHERE sequence = " + sequence);
        }
        var verify = cli("audit", "verify");
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.err()).contains("record " + sequence + " (modified)");
        var answer = json(admin.post("/api/v1/audit/verify", null));
        assertThat(answer.path("intact").asBoolean()).isFalse();
        assertThat(answer.path("finding").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(answer.path("finding").path("problem").asText()).isEqualTo("modified");
    }

    /** The audit log cannot be written (here: its table is gone): requests fail instead of going unrecorded. */
    @Test
    void aDecisionThatCannotBeRecordedIsNotAnswered() throws Exception {
        pushImage("teama/app", "v1", Map.of());
        var settings = ((JdbcMetadataStore) server.server().metadata()).settings();
        try (var c = DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
                var s = c.createStatement()) {
            s.execute("ALTER TABLE audit_records RENAME TO audit_records_gone");
        }
        // The first pull may still be answered: its record is durable in the node's journal and is chained once
        // the table is back. The writer then finds it cannot chain, and refuses further requests.
        var pull = admin.get("/v2/teama/app/manifests/v1");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (pull.statusCode() != 503 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            pull = admin.get("/v2/teama/app/manifests/v1");
        }
        assertThat(pull.statusCode()).isEqualTo(503);
        assertThat(new String(pull.body(), StandardCharsets.UTF_8)).doesNotContain("audit_records");
        assertThat(pull.headers().firstValue("Docker-Content-Digest")).isEmpty();
        try (var c = DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
                var s = c.createStatement()) {
            s.execute("ALTER TABLE audit_records_gone RENAME TO audit_records");
        }
        ok(admin.get("/v2/teama/app/manifests/v1"), 200);
        assertThat(json(admin.post("/api/v1/audit/verify", null)).path("intact").asBoolean())
                .as("the writer rechained after the failure")
                .isTrue();
    }

    @Test
    void theLogSurvivesARestartAndStillVerifies() throws Exception {
        var push = pushImage("teama/app", "v1", Map.of());
        String id = requestId(push);
        server.close();
        server = TestServer.start(dataDir);
        admin = RegistryHttp.asAdmin(server);
        assertThat(records("requestId=" + id)).hasSize(1);
        var verify = json(admin.post("/api/v1/audit/verify", null));
        assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.path("checkpoints").asInt())
                .as("one signed at each shutdown")
                .isPositive();
        assertThat(dataDir.resolve("audit-signing.key")).exists();
    }

    // ------------------------------------------------------------------------------------------ helpers

    Run cli(String... args) {
        return cli(server, args);
    }

    /** Runs {@code gatehouse ARGS} against {@code server} as the admin. */
    static Run cli(TestServer server, String... args) {
        return AdminCli.run(server, args);
    }

    List<JsonNode> records(String query) {
        var r = admin.get("/api/v1/audit/records?limit=1000" + (query.isEmpty() ? "" : "&" + query));
        ok(r, 200);
        List<JsonNode> out = new ArrayList<>();
        json(r).path("records").forEach(out::add);
        return out;
    }

    JsonNode onlyRecord(HttpResponse<byte[]> response) {
        return onlyRecord(response, "access");
    }

    /** The one record of {@code kind} the response's request left (the decision, or the change). */
    JsonNode onlyRecord(HttpResponse<byte[]> response, String kind) {
        List<JsonNode> all = records("requestId=" + requestId(response)).stream()
                .filter(r -> kind.equals("access")
                        ? !r.path("kind").asText().equals("admin")
                        : r.path("kind").asText().equals(kind))
                .toList();
        assertThat(all).as("records of request " + requestId(response)).hasSize(1);
        return all.getFirst();
    }

    static String requestId(HttpResponse<byte[]> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    HttpResponse<byte[]> pushImage(String repo, String tag, Map<String, String> headers) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer of " + repo + tag).getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(config, layer)) {
            ok(admin.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob, headers), 201);
        }
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.sha256(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}";
        Map<String, String> withType = new java.util.HashMap<>(headers);
        withType.put("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        var r = admin.send("PUT", "/v2/" + repo + "/manifests/" + tag, bytes(manifest), withType);
        ok(r, 201);
        return r;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void ok(HttpResponse<byte[]> r, int status) {
        assertThat(r.statusCode())
                .as(() -> new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
    }
}
