package io.gatehouse.server;

import static io.gatehouse.server.AuthorizationMatrixTest.manifest;
import static io.gatehouse.server.AuthorizationMatrixTest.monolithic;
import static io.gatehouse.server.AuthorizationMatrixTest.putManifest;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.WebhookReceiver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks on the running server, delivering to real HTTP receivers started here: signed CloudEvents, retries
 * after failures, the persistent queue across a restart, project scoping, test delivery and bad input.
 */
class WebhooksApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Loopback receivers, and retries quick enough for a test (the defaults wait seconds to hours). */
    // No scan workers: a completed scan attaches an SBOM, whose push would interleave its own artifact.pushed.
    static final Map<String, String> SETTINGS = Map.of(
            "scan.workers", "0",
            "webhooks.allowLoopback", "true",
            "webhooks.pollInterval", "50ms",
            "webhooks.initialBackoff", "50ms",
            "webhooks.maxBackoff", "200ms");

    @TempDir
    Path dataDir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode expect(HttpResponse<byte[]> response, int status) {
        assertThat(response.statusCode())
                .as(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(status);
        return response.body().length == 0 ? JSON.createObjectNode() : json(response);
    }

    static void createProject(RegistryHttp admin, String name) {
        expect(admin.post("/api/v1/projects", bytes("{\"name\":\"" + name + "\"}")), 201);
    }

    static JsonNode createWebhook(RegistryHttp admin, String base, String url, String... events) throws Exception {
        String body = JSON.writeValueAsString(Map.of("url", url, "events", List.of(events)));
        return expect(admin.post(base, bytes(body)), 201);
    }

    /** Pushes a one-layer image as {@code repo:tag}; {@code seed} makes it differ from other pushes. */
    static Digest push(RegistryHttp http, String repo, String tag, String seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + seed + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + seed).getBytes(StandardCharsets.UTF_8);
        Digest c = monolithic(http, repo, config);
        Digest l = monolithic(http, repo, layer);
        return putManifest(http, repo, tag, manifest(c, config.length, l, layer.length, ""));
    }

    /** The signature recomputed here as a receiver would, with the JDK's HMAC, not Gatehouse's code. */
    static String hmac(String secret, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    static JsonNode event(WebhookReceiver.Received r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aPushArrivesAsASignedCloudEventAndAMovedTagAsTagMoved() throws Exception {
        try (var receiver = WebhookReceiver.accepting();
                var server = TestServer.start(dataDir, SETTINGS)) {
            var admin = RegistryHttp.asAdmin(server);
            createProject(admin, "teama");
            var hook = createWebhook(
                    admin, "/api/v1/projects/teama/webhooks", receiver.url(), "artifact.pushed", "tag.moved");
            String secret = hook.path("secret").asText();
            assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);

            Digest first = push(admin, "teama/app", "v1", "one");
            var r = receiver.next();

            assertThat(r.header("Content-Type")).isEqualTo("application/cloudevents+json");
            assertThat(r.header("X-Gatehouse-Signature"))
                    .as("HMAC-SHA256 over timestamp.body with the secret shown at creation")
                    .isEqualTo(hmac(secret, r.header("X-Gatehouse-Timestamp"), r.body()));
            assertThat(Long.parseLong(r.header("X-Gatehouse-Timestamp")))
                    .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
            assertThat(hmac("not-the-secret", r.header("X-Gatehouse-Timestamp"), r.body()))
                    .isNotEqualTo(r.header("X-Gatehouse-Signature"));
            assertThat(r.header("X-Gatehouse-Attempt")).isEqualTo("1");
            JsonNode pushed = event(r);
            assertThat(pushed.path("specversion").asText()).isEqualTo("1.0");
            assertThat(pushed.path("type").asText()).isEqualTo("io.gatehouse.artifact.pushed");
            assertThat(pushed.path("id").asText()).isNotBlank();
            assertThat(pushed.path("source").asText()).isNotBlank();
            assertThat(Instant.parse(pushed.path("time").asText())).isNotNull();
            assertThat(pushed.path("datacontenttype").asText()).isEqualTo("application/json");
            assertThat(pushed.path("subject").asText()).isEqualTo("teama/app@" + first);
            assertThat(pushed.path("data").path("repository").asText()).isEqualTo("teama/app");
            assertThat(pushed.path("data").path("digest").asText()).isEqualTo(first.toString());
            assertThat(pushed.path("data").path("tag").asText()).isEqualTo("v1");

            Digest second = push(admin, "teama/app", "v1", "two");
            var events = List.of(event(receiver.next()), event(receiver.next()));
            var moved = events.stream()
                    .filter(e -> e.path("type").asText().equals("io.gatehouse.tag.moved"))
                    .findFirst()
                    .orElseThrow();
            assertThat(moved.path("data").path("tag").asText()).isEqualTo("v1");
            assertThat(moved.path("data").path("digest").asText()).isEqualTo(second.toString());
            assertThat(moved.path("data").path("previousDigest").asText()).isEqualTo(first.toString());
            assertThat(events)
                    .extracting(e -> e.path("type").asText())
                    .containsExactlyInAnyOrder("io.gatehouse.artifact.pushed", "io.gatehouse.tag.moved");

            var listed = expect(admin.get("/api/v1/projects/teama/webhooks"), 200);
            assertThat(listed.path("webhooks").path(0).path("id").asText())
                    .isEqualTo(hook.path("id").asText());
            assertThat(listed.toString()).as("the secret is shown once").doesNotContain(secret);
        }
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheEventOnTheThirdAttemptAndTheLogShowsTheFailures() throws Exception {
        try (var receiver = WebhookReceiver.answering(500, 503);
                var server = TestServer.start(dataDir, SETTINGS)) {
            var admin = RegistryHttp.asAdmin(server);
            createProject(admin, "teama");
            var hook = createWebhook(admin, "/api/v1/webhooks", receiver.url(), "artifact.pushed");
            String id = hook.path("id").asText();

            push(admin, "teama/app", "v1", "retry");
            var first = receiver.next();
            var second = receiver.next();
            var third = receiver.next();

            assertThat(List.of(first.answered(), second.answered(), third.answered()))
                    .containsExactly(500, 503, 204);
            assertThat(third.header("X-Gatehouse-Attempt")).isEqualTo("3");
            assertThat(event(third).path("id").asText())
                    .as("the same event, retried")
                    .isEqualTo(event(first).path("id").asText());
            assertThat(third.body()).isEqualTo(first.body());
            assertThat(third.header("X-Gatehouse-Signature"))
                    .isEqualTo(hmac(hook.path("secret").asText(), third.header("X-Gatehouse-Timestamp"), third.body()));

            JsonNode log = deliveredLog(server, "/api/v1/webhooks/" + id, 3);
            assertThat(log.findValuesAsText("statusCode")).containsExactly("204", "503", "500");
            assertThat(log.findValuesAsText("attempt")).containsExactly("3", "2", "1");
            assertThat(log.path(2).path("error").asText()).isEqualTo("HTTP 500");
            assertThat(log.path(2).path("succeeded").asBoolean()).isFalse();
            assertThat(log.path(0).path("succeeded").asBoolean()).isTrue();
            assertThat(log.path(0).has("error")).isFalse();
            assertThat(log.toString()).doesNotContain(hook.path("secret").asText());
        }
    }

    /**
     * The log once it holds {@code attempts} entries: the sender records an attempt just after the receiver
     * answered, so this waits for the sender's notice of each recorded attempt (listening before reading the
     * log, so none is missed) rather than sleeping.
     */
    static JsonNode deliveredLog(TestServer server, String webhook, int attempts) throws InterruptedException {
        var recorded = new java.util.concurrent.LinkedBlockingQueue<Object>();
        server.server().webhookSender().onAttemptRecorded(recorded::add);
        var admin = RegistryHttp.asAdmin(server);
        while (true) {
            JsonNode log = expect(admin.get(webhook + "/deliveries"), 200).path("deliveries");
            if (log.size() >= attempts) {
                return log;
            }
            if (recorded.poll(20, java.util.concurrent.TimeUnit.SECONDS) == null) {
                throw new AssertionError("delivery log of " + webhook + " stayed at " + log.size() + " attempts");
            }
        }
    }

    @Test
    void aDeliveryThatKeepsFailingIsDeadLetteredAfterMaxAttempts() throws Exception {
        var settings = new java.util.HashMap<>(SETTINGS);
        settings.put("webhooks.maxAttempts", "2");
        try (var receiver = WebhookReceiver.answering(500, 500, 500);
                var server = TestServer.start(dataDir, settings)) {
            var admin = RegistryHttp.asAdmin(server);
            String id = createWebhook(admin, "/api/v1/webhooks", receiver.url(), "artifact.pushed")
                    .path("id")
                    .asText();
            expect(admin.post("/api/v1/webhooks/" + id + "/test", new byte[0]), 202);

            var log = deliveredLog(server, "/api/v1/webhooks/" + id, 2);
            assertThat(log.findValuesAsText("error")).containsExactly("HTTP 500", "HTTP 500");
            assertThat(server.server().metadata().webhooks().deliveries(id, 10))
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.state()).isEqualTo(io.gatehouse.core.store.WebhookStore.DeliveryState.DEAD);
                        assertThat(d.attempts()).isEqualTo(2);
                    });
            receiver.next();
            receiver.next();
            assertThat(receiver.poll()).as("no third attempt").isNull();
        }
    }

    @Test
    void anUndeliveredEventIsDeliveredAfterARestart() throws Exception {
        try (var receiver = WebhookReceiver.answering(503)) {
            receiver.answerFromNowOn(503);
            String id;
            String eventId;
            try (var server = TestServer.start(dataDir, SETTINGS)) {
                var admin = RegistryHttp.asAdmin(server);
                createProject(admin, "teama");
                id = createWebhook(admin, "/api/v1/webhooks", receiver.url(), "artifact.pushed")
                        .path("id")
                        .asText();
                push(admin, "teama/app", "v1", "restart");
                eventId = event(receiver.next()).path("id").asText();
            }
            // Gatehouse stopped with the event undelivered; it comes back, and so does the receiver.
            while (receiver.poll() != null) {
                // attempts made before the stop
            }
            receiver.answerFromNowOn(204);
            try (var server = TestServer.start(dataDir, SETTINGS)) {
                WebhookReceiver.Received delivered;
                do {
                    delivered = receiver.next();
                } while (delivered.answered() != 204);
                assertThat(event(delivered).path("id").asText()).isEqualTo(eventId);
                assertThat(Integer.parseInt(delivered.header("X-Gatehouse-Attempt")))
                        .isGreaterThanOrEqualTo(2);
                var log = deliveredLog(server, "/api/v1/webhooks/" + id, 2);
                assertThat(log.path(0).path("succeeded").asBoolean()).isTrue();
                assertThat(log.path(log.size() - 1).path("statusCode").asInt()).isEqualTo(503);
            }
        }
    }

    @Test
    void aProjectWebhookGetsOnlyItsProjectsEventsAndASystemWebhookGetsAll() throws Exception {
        try (var teamaHook = WebhookReceiver.accepting();
                var teambHook = WebhookReceiver.accepting();
                var systemHook = WebhookReceiver.accepting();
                var server = TestServer.start(dataDir, SETTINGS)) {
            var admin = RegistryHttp.asAdmin(server);
            createProject(admin, "teama");
            createProject(admin, "teamb");
            createWebhook(admin, "/api/v1/projects/teama/webhooks", teamaHook.url(), "artifact.pushed");
            String teamb = createWebhook(admin, "/api/v1/projects/teamb/webhooks", teambHook.url(), "artifact.pushed")
                    .path("id")
                    .asText();
            createWebhook(admin, "/api/v1/webhooks", systemHook.url(), "artifact.pushed", "access.denied");

            push(admin, "teama/app", "v1", "a");
            assertThat(event(teamaHook.next()).path("subject").asText()).startsWith("teama/app@");
            push(admin, "teamb/app", "v1", "b");
            assertThat(event(teambHook.next()).path("subject").asText()).startsWith("teamb/app@");

            var systemGot = List.of(event(systemHook.next()), event(systemHook.next()));
            assertThat(systemGot)
                    .extracting(e -> e.path("data").path("repository").asText())
                    .containsExactlyInAnyOrder("teama/app", "teamb/app");
            assertThat(teambHook.poll())
                    .as("teama's push never went to teamb's webhook")
                    .isNull();
            assertThat(deliveredLog(server, "/api/v1/projects/teamb/webhooks/" + teamb, 1))
                    .hasSize(1);
            assertThat(expect(admin.get("/api/v1/projects/teama/webhooks/" + teamb + "/deliveries"), 404)
                            .path("errors")
                            .isArray())
                    .as("teamb's webhook does not exist as far as teama is concerned")
                    .isTrue();

            var denied = RegistryHttp.anonymous(server).get("/v2/teama/app/manifests/v1");
            assertThat(denied.statusCode()).isEqualTo(401);
            JsonNode refusal = event(systemHook.next());
            assertThat(refusal.path("type").asText()).isEqualTo("io.gatehouse.access.denied");
            assertThat(refusal.path("data").path("principal").asText()).isEqualTo("anonymous");
            assertThat(refusal.path("data").path("resource").asText()).isEqualTo("repository:teama/app");
            assertThat(refusal.path("data").path("allowed").asBoolean()).isFalse();
        }
    }

    @Test
    void aTestDeliveryArrivesWhateverTheWebhookSubscribesTo() throws Exception {
        try (var receiver = WebhookReceiver.accepting();
                var server = TestServer.start(dataDir, SETTINGS)) {
            var admin = RegistryHttp.asAdmin(server);
            var hook = createWebhook(admin, "/api/v1/webhooks", receiver.url(), "anomaly.detected");
            String id = hook.path("id").asText();

            var queued = expect(admin.post("/api/v1/webhooks/" + id + "/test", new byte[0]), 202);
            var r = receiver.next();

            assertThat(event(r).path("type").asText()).isEqualTo("io.gatehouse.webhook.test");
            assertThat(event(r).path("id").asText())
                    .isEqualTo(queued.path("eventId").asText());
            assertThat(r.header("X-Gatehouse-Signature"))
                    .isEqualTo(hmac(hook.path("secret").asText(), r.header("X-Gatehouse-Timestamp"), r.body()));
            assertThat(deliveredLog(server, "/api/v1/webhooks/" + id, 1)
                            .path(0)
                            .path("type")
                            .asText())
                    .isEqualTo("webhook.test");

            expect(admin.delete("/api/v1/webhooks/" + id), 204);
            expect(admin.post("/api/v1/webhooks/" + id + "/test", new byte[0]), 404);
            expect(admin.delete("/api/v1/webhooks/" + id), 404);
            assertThat(expect(admin.get("/api/v1/webhooks"), 200)
                            .path("webhooks")
                            .size())
                    .isZero();
        }
    }

    @Test
    void badInputIsA400ThatSaysWhy() throws Exception {
        try (var server = TestServer.start(dataDir, SETTINGS)) {
            var admin = RegistryHttp.asAdmin(server);
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("{\"url\":\"not a url\",\"events\":[\"artifact.pushed\"]}", "url is not a valid URL");
            cases.put("{\"url\":\"ftp://example.com/x\",\"events\":[\"artifact.pushed\"]}", "url must be https");
            cases.put("{\"url\":\"https://127.0.0.1/x\",\"events\":[\"artifact.exploded\"]}", "unknown event type");
            cases.put(
                    "{\"url\":\"http://169.254.169.254/latest/meta-data/\",\"events\":[\"artifact.pushed\"]}",
                    "link-local or cloud metadata");
            cases.put(
                    "{\"url\":\"https://[fd00:ec2::254]/\",\"events\":[\"artifact.pushed\"]}",
                    "link-local or cloud metadata");
            cases.put("{\"url\":\"https://[fe80::1]/\",\"events\":[\"artifact.pushed\"]}", "link-local");
            cases.put(
                    "{\"url\":\"https://10.0.0.5/hook\",\"events\":[\"artifact.pushed\"]}",
                    "webhooks.allowPrivateNetworks");
            cases.put("{\"url\":\"https://user:pw@127.0.0.1/\",\"events\":[\"artifact.pushed\"]}", "user:password");
            cases.put("{\"url\":\"https://127.0.0.1/\",\"events\":[]}", "at least one event type");
            cases.put("{\"url\":\"https://127.0.0.1/\",\"events\":\"artifact.pushed\"}", "events is required");
            cases.put("{\"events\":[\"artifact.pushed\"]}", "url is required");
            cases.put("[1,2]", "JSON object");
            cases.put("{not json", "not valid JSON");
            for (var c : cases.entrySet()) {
                var response = admin.post("/api/v1/webhooks", bytes(c.getKey()));
                assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
                assertThat(json(response).path("errors").path(0).path("message").asText())
                        .as(c.getKey())
                        .contains(c.getValue());
            }
            expect(admin.post("/api/v1/projects/nope/webhooks", bytes("""
                    {"url":"https://127.0.0.1/","events":["artifact.pushed"]}""")), 404);
            expect(admin.get("/api/v1/webhooks/wh_missing/deliveries?limit=0"), 400);
            expect(admin.get("/api/v1/webhooks/wh_missing/deliveries"), 404);
            assertThat(expect(admin.get("/api/v1/webhooks"), 200)
                            .path("webhooks")
                            .size())
                    .as("nothing was created by bad input")
                    .isZero();
        }
    }
}
