package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a store fails, clients get 503 with a request id to quote, never a stack trace or internal detail. */
class FailureResponsesTest {
    @TempDir
    Path dataDir;

    @Test
    void databaseOutageIs503WithRequestIdAndNotReady() throws Exception {
        try (TestServer server = TestServer.start(dataDir)) {
            var http = RegistryHttp.asAdmin(server);
            assertThat(http.get("/v2/").statusCode()).isEqualTo(200);
            server.server().metadata().close();

            var r = http.get("/v2/down/app/manifests/latest");
            assertThat(r.statusCode()).isEqualTo(503);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(RegistryHttp.errorCode(r)).isEqualTo("UNAVAILABLE");
            String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(json(r).path("errors")
                            .path(0)
                            .path("detail")
                            .path("requestId")
                            .asText())
                    .isEqualTo(requestId);
            assertThat(body)
                    .doesNotContain("Exception")
                    .doesNotContain("at io.gatehouse")
                    .doesNotContain("jdbc:");
            assertThat(RegistryHttp.anonymous(server).get("/readyz").statusCode())
                    .isEqualTo(503);
            assertThat(RegistryHttp.anonymous(server).get("/healthz").statusCode())
                    .isEqualTo(200);
        }
    }
}
