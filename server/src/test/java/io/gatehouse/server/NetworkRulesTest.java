package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Project network allowlists, with X-Forwarded-For believed only from configured trusted proxies. */
class NetworkRulesTest {
    @TempDir
    Path dataDir;

    private static int push(RegistryHttp http, String repo, Map<String, String> headers) {
        byte[] bytes = repo.getBytes(StandardCharsets.UTF_8);
        return http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(bytes), bytes, headers)
                .statusCode();
    }

    @Test
    void allowlistedProjectsRefuseOtherSourcesAndXffCountsOnlyFromTrustedProxies() throws Exception {
        try (TestServer server = TestServer.start(dataDir, Map.of("server.trustedProxies", "127.0.0.1/32"))) {
            var access = server.server().metadata().access();
            access.createProject(new ProjectSettings("office", false, List.of("10.0.0.0/8", "fd00::/8")));
            access.createProject(new ProjectSettings("open", false, List.of()));
            var admin = RegistryHttp.asAdmin(server);

            var direct = admin.send("POST", "/v2/office/app/blobs/uploads/", new byte[0], Map.of());
            assertThat(direct.statusCode())
                    .as("127.0.0.1 is not in the allowlist")
                    .isEqualTo(403);
            assertThat(json(direct).path("errors").path(0).path("message").asText())
                    .contains("source address 127.0.0.1 is not allowed to reach project office");
            assertThat(push(admin, "office/app", Map.of("X-Forwarded-For", "10.20.30.40")))
                    .isEqualTo(201);
            assertThat(push(admin, "office/api", Map.of("X-Forwarded-For", "10.1.1.1, 198.51.100.9")))
                    .as("the right-most untrusted hop decides")
                    .isEqualTo(403);
            assertThat(push(admin, "open/app", Map.of()))
                    .as("projects without a list are open")
                    .isEqualTo(201);
        }
    }

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() throws Exception {
        try (TestServer server = TestServer.start(dataDir)) {
            server.server()
                    .metadata()
                    .access()
                    .createProject(new ProjectSettings("office", false, List.of("10.0.0.0/8")));
            assertThat(push(RegistryHttp.asAdmin(server), "office/app", Map.of("X-Forwarded-For", "10.20.30.40")))
                    .isEqualTo(403);
        }
    }

    @Test
    void badTrustedProxiesStopStartUpNamingTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TestServer.start(dataDir, Map.of("server.trustedProxies", "10.0.0.0/99")))
                .hasMessageContaining("server.trustedProxies");
    }
}
