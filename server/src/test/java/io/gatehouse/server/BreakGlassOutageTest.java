package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.basic;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestIdentityProvider;
import io.gatehouse.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity provider goes down: the local break-glass admin still gets in and works, every use of it is an
 * event (and a warning in the log), SSO users keep their CLI secrets, and a login attempt is a clear 503.
 */
class BreakGlassOutageTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    static JsonNode errorOf(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("errors").path(0);
    }

    @Test
    void theBreakGlassAdminWorksWhileTheProviderIsDownAndEveryUseIsAnEvent() throws Exception {
        var idp = new TestIdentityProvider();
        try (var server = TestServer.start(dataDir, idp.serverSettings())) {
            List<Event.BreakGlassUsed> breakGlass = new CopyOnWriteArrayList<>();
            server.server().events().subscribe(e -> {
                if (e instanceof Event.BreakGlassUsed used) {
                    breakGlass.add(used);
                }
            });
            var login = idp.login(
                    server.baseUri(), "sub-kim", Map.of("preferred_username", "kim", "groups", List.of("ops")));
            assertThat(login.statusCode()).isEqualTo(200);
            String kimSecret = json(new RegistryHttp(
                                    server.baseUri(),
                                    "Bearer "
                                            + JSON.readTree(login.body())
                                                    .path("token")
                                                    .asText())
                            .post("/api/v1/users/me/cli-secret", null))
                    .path("secret")
                    .asText();
            assertThat(breakGlass).isEmpty();
            // a login started before the outage, to finish during it
            URI startedBefore = URI.create(idp.get(server.baseUri().resolve("/api/v1/auth/oidc/login"))
                    .headers()
                    .firstValue("Location")
                    .orElseThrow());

            idp.stop();

            var admin = RegistryHttp.asAdmin(server);
            assertThat(admin.get("/v2/").statusCode()).isEqualTo(200);
            assertThat(admin.post("/api/v1/projects", JSON.writeValueAsBytes(Map.of("name", "during-outage")))
                            .statusCode())
                    .isEqualTo(201);
            byte[] layer = "pushed during the outage".getBytes(StandardCharsets.UTF_8);
            assertThat(admin.post("/v2/during-outage/app/blobs/uploads/?digest=" + Digest.sha256(layer), layer)
                            .statusCode())
                    .isEqualTo(201);
            assertThat(admin.get("/token?service=gatehouse&scope=repository:during-outage/app:pull")
                            .statusCode())
                    .isEqualTo(200);

            // four requests, four events (the remembered-password fast path included), none for others
            assertThat(breakGlass).hasSize(4);
            assertThat(breakGlass).allSatisfy(used -> {
                assertThat(used.principal()).isEqualTo("admin");
                assertThat(used.sourceAddress()).isEqualTo("127.0.0.1");
                assertThat(used.requestId()).isNotBlank();
            });
            assertThat(breakGlass.stream().map(Event.BreakGlassUsed::requestId).distinct())
                    .hasSize(4);

            // an SSO user's CLI secret does not need the provider either
            var kim = RegistryHttp.anonymous(server).withAuthorization(basic("kim", kimSecret));
            assertThat(kim.get("/v2/").statusCode()).isEqualTo(200);
            assertThat(breakGlass).hasSize(4);

            // finishing a login needs the provider: a clear 503, not a 500
            String state = startedBefore.getRawQuery().replaceAll(".*state=([^&]*).*", "$1");
            var finish = idp.get(server.baseUri().resolve("/api/v1/auth/oidc/callback?code=any-code&state=" + state));
            assertThat(finish.statusCode()).isEqualTo(503);
            assertThat(errorOf(finish).path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(errorOf(finish).path("message").asText()).contains("identity provider", "is unreachable");
            assertThat(finish.body()).doesNotContain("Exception", "at io.gatehouse");
        } finally {
            idp.close();
        }
    }

    @Test
    void aLoginWhileTheProviderWasNeverReachableIsA503() throws Exception {
        var idp = new TestIdentityProvider();
        var settings = idp.serverSettings();
        idp.stop();
        try (var server = TestServer.start(dataDir, settings)) {
            var start = idp.get(server.baseUri().resolve("/api/v1/auth/oidc/login"));
            assertThat(start.statusCode()).isEqualTo(503);
            assertThat(errorOf(start).path("code").asText()).isEqualTo("UNAVAILABLE");
            assertThat(errorOf(start).path("message").asText()).contains("identity provider", "is unreachable");
            assertThat(errorOf(start).path("detail").path("requestId").asText()).isNotBlank();

            assertThat(RegistryHttp.asAdmin(server).get("/v2/").statusCode()).isEqualTo(200);
        } finally {
            idp.close();
        }
    }

    @Test
    void withoutSingleSignOnTheLocalAdminIsNotBreakGlass() throws Exception {
        try (var server = TestServer.start(dataDir)) {
            List<Event> events = new CopyOnWriteArrayList<>();
            server.server().events().subscribe(events::add);
            assertThat(RegistryHttp.asAdmin(server).get("/v2/").statusCode()).isEqualTo(200);
            assertThat(events).noneMatch(e -> e instanceof Event.BreakGlassUsed);
            var login = RegistryHttp.anonymous(server).get("/api/v1/auth/oidc/login");
            assertThat(login.statusCode()).isEqualTo(404);
            assertThat(json(login).path("errors").path(0).path("message").asText())
                    .isEqualTo("single sign-on is not configured on this server");
        }
    }
}
