package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.server.testing.AdminCli;
import io.gatehouse.server.testing.AdminCli.Run;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.WebhookReceiver;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook CLI against a real server and a real receiver, as an operator would use it. */
class WebhookCommandsTest {
    @TempDir
    Path dataDir;

    static Run admin(TestServer server, String... args) {
        return AdminCli.run(server, args);
    }

    @Test
    void createListTestDeliveriesDelete() throws Exception {
        try (var receiver = WebhookReceiver.accepting();
                var server = TestServer.start(dataDir, WebhooksApiTest.SETTINGS)) {
            assertThat(admin(server, "project", "create", "teama").exit()).isZero();

            var created = admin(
                    server,
                    "webhook",
                    "create",
                    "--url",
                    receiver.url(),
                    "--events",
                    "artifact.pushed,access.denied",
                    "--project",
                    "teama");
            assertThat(created.exit()).as(created.err()).isZero();
            var m = Pattern.compile("created webhook (\\S+) .*\\nsecret: (whsec_\\S+)", Pattern.DOTALL)
                    .matcher(created.out());
            assertThat(m.find()).as(created.out()).isTrue();
            String id = m.group(1);
            String secret = m.group(2);

            var listed = admin(server, "webhook", "list", "--project", "teama");
            assertThat(listed.out())
                    .contains(id, receiver.url(), "events=access.denied,artifact.pushed", "project=teama")
                    .doesNotContain(secret);
            assertThat(admin(server, "webhook", "list").out())
                    .as("no system-wide webhooks")
                    .contains("(none)");

            var test = admin(server, "webhook", "test", id, "--project", "teama");
            assertThat(test.exit()).as(test.err()).isZero();
            assertThat(test.out()).startsWith("queued test event ");
            var r = receiver.next();
            assertThat(r.header("X-Gatehouse-Signature"))
                    .isEqualTo(WebhooksApiTest.hmac(secret, r.header("X-Gatehouse-Timestamp"), r.body()));
            WebhooksApiTest.deliveredLog(server, "/api/v1/projects/teama/webhooks/" + id, 1);
            assertThat(admin(server, "webhook", "deliveries", id, "--project", "teama")
                            .out())
                    .contains("webhook.test", "attempt=1 delivered HTTP 204");

            var json = admin(server, "webhook", "deliveries", id, "--project", "teama", "--json");
            assertThat(new ObjectMapper()
                            .readTree(json.out())
                            .path("deliveries")
                            .size())
                    .isEqualTo(1);

            var wrongScope = admin(server, "webhook", "delete", id);
            assertThat(wrongScope.exit()).isEqualTo(1);
            assertThat(wrongScope.err()).contains("webhook " + id + " not found");
            assertThat(admin(server, "webhook", "delete", id, "--project", "teama")
                            .out())
                    .contains("deleted webhook " + id);
            assertThat(admin(server, "webhook", "list", "--project", "teama").out())
                    .contains("(none)");
        }
    }

    @Test
    void badInputIsRefusedWithTheServersReason() throws Exception {
        try (var server = TestServer.start(dataDir, WebhooksApiTest.SETTINGS)) {
            var unknown =
                    admin(server, "webhook", "create", "--url", "https://127.0.0.1/x", "--events", "artifact.boom");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("unknown event type artifact.boom");

            var metadata = admin(
                    server, "webhook", "create", "--url", "http://169.254.169.254/", "--events", "artifact.pushed");
            assertThat(metadata.exit()).isEqualTo(1);
            assertThat(metadata.err()).contains("link-local or cloud metadata");
        }
    }
}
