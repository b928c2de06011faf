package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.basic;
import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins limited per account and per client address, over real HTTP: the 429 and its headers, that
 * even the right password is refused while limited, the window ending, and a success resetting the count.
 * The server trusts 127.0.0.1 as a proxy, so each test speaks from its own {@code X-Forwarded-For} address.
 */
class LoginLimitsTest {
    static final int PER_ACCOUNT = 3;
    static final int PER_ADDRESS = 6;
    static final Duration WINDOW = Duration.ofMinutes(5);

    @TempDir
    static Path dataDir;

    static TestClock clock = new TestClock();
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(
                dataDir,
                Map.of(
                        "server.trustedProxies", "127.0.0.1/32",
                        "auth.protection.accountFailures", Integer.toString(PER_ACCOUNT),
                        "auth.protection.accountWindow", "5m",
                        "auth.protection.addressFailures", Integer.toString(PER_ADDRESS),
                        "auth.protection.addressWindow", "5m"),
                clock);
        var admin = RegistryHttp.asAdmin(server);
        for (String user : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
            var created = admin.post(
                    "/api/v1/users",
                    ("{\"name\":\"" + user + "\",\"password\":\"" + password(user) + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(created.statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String password(String user) {
        return user + "-long-password";
    }

    static HttpResponse<byte[]> login(String path, String user, String password, String from) {
        return RegistryHttp.anonymous(server)
                .withAuthorization(basic(user, password))
                .get(path, Map.of("X-Forwarded-For", from));
    }

    static void assertLimited(HttpResponse<byte[]> response, int limit) {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(errorCode(response)).isEqualTo("TOOMANYREQUESTS");
        long retryAfter =
                Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, WINDOW.toSeconds());
        assertThat(response.headers().firstValue("RateLimit-Limit")).contains(Integer.toString(limit));
        assertThat(response.headers().firstValue("RateLimit-Remaining")).contains("0");
        assertThat(response.headers().firstValue("RateLimit-Reset")).contains(Long.toString(retryAfter));
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void wrongPasswordsLimitTheAccountEvenForTheRightPasswordUntilTheWindowEnds() {
        for (int i = 0; i < PER_ACCOUNT; i++) {
            var refused = login("/v2/", "alice", "guess-" + i, "203.0.113.1");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(errorCode(refused)).isEqualTo("UNAUTHORIZED");
        }

        assertLimited(login("/v2/", "alice", password("alice"), "203.0.113.1"), PER_ACCOUNT);
        assertLimited(login("/v2/", "alice", password("alice"), "203.0.113.2"), PER_ACCOUNT); // any address
        assertLimited(login("/token?service=gatehouse", "alice", password("alice"), "203.0.113.2"), PER_ACCOUNT);
        var api = login("/api/v1/system/signing-keys", "alice", password("alice"), "203.0.113.2");
        assertLimited(api, PER_ACCOUNT);
        assertThat(json(api).path("errors").path(0).path("message").asText())
                .contains("too many failed logins for this account");
        assertThat(login("/v2/", "bob", password("bob"), "203.0.113.1").statusCode())
                .as("other accounts are not affected")
                .isEqualTo(200);

        clock.advance(WINDOW);
        assertThat(login("/v2/", "alice", password("alice"), "203.0.113.1").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aSuccessfulLoginResetsTheAccountCount() {
        // Without the reset the third round's failures would lock carol; one address per round, because a
        // success does not clear the address count (a sprayer who knows one password must not reset it).
        for (int round = 0; round < 3; round++) {
            String from = "203.0.113." + (10 + round);
            for (int i = 0; i < PER_ACCOUNT - 1; i++) {
                assertThat(login("/v2/", "carol", "guess", from).statusCode()).isEqualTo(401);
            }
            assertThat(login("/v2/", "carol", password("carol"), from).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void oneAddressIsLimitedAcrossAccountNamesWhileOthersAreUnaffected() {
        String sprayer = "198.51.100.20";
        String[] names = {"dave", "erin", "nobody", "frank", "ghost", "dave"}; // at most 2 per account
        for (String name : names) {
            assertThat(login("/v2/", name, "guess", sprayer).statusCode()).isEqualTo(401);
        }

        assertLimited(login("/v2/", "erin", password("erin"), sprayer), PER_ADDRESS);
        var bearer = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer whatever")
                .get("/v2/", Map.of("X-Forwarded-For", sprayer));
        assertLimited(bearer, PER_ADDRESS);
        assertThat(json(bearer).path("errors").path(0).path("message").asText()).contains("from your address");
        assertThat(RegistryHttp.anonymous(server)
                        .get("/v2/", Map.of("X-Forwarded-For", sprayer))
                        .statusCode())
                .as("no credentials is not a login attempt")
                .isEqualTo(401);
        assertThat(login("/v2/", "erin", password("erin"), "198.51.100.21").statusCode())
                .as("another address is unaffected")
                .isEqualTo(200);
    }

    @Test
    void badTokensCountAgainstTheAddress() {
        String from = "198.51.100.30";
        for (int i = 0; i < PER_ADDRESS; i++) {
            var refused = RegistryHttp.anonymous(server)
                    .withAuthorization("Bearer forged." + i)
                    .get("/v2/", Map.of("X-Forwarded-For", from));
            assertThat(refused.statusCode()).isEqualTo(401);
        }
        assertLimited(login("/v2/", "frank", password("frank"), from), PER_ADDRESS);
    }
}
