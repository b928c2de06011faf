package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refused credential becomes an {@link Event.AuthenticationFailed} that the audit log and anomaly rules see. */
class AuthenticationFailureEventsTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static final List<Event.AuthenticationFailed> failures = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(
                dataDir, Map.of("server.trustedProxies", "127.0.0.1/32", "auth.protection.accountFailures", "2"));
        server.server().events().subscribe(e -> {
            if (e instanceof Event.AuthenticationFailed f) {
                failures.add(f);
            }
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        failures.clear();
    }

    @Test
    void aWrongPasswordIsRecordedWithTheClaimedAccountAndWhereItCameFromButNeverThePassword() {
        var wrong = RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic("mallory", "guess-one"));
        var response = wrong.get("/v2/", Map.of("X-Forwarded-For", "198.51.100.7", "User-Agent", "probe/1.0"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(failures).hasSize(1);
        var failure = failures.getFirst();
        assertThat(failure.account()).isEqualTo("mallory");
        assertThat(failure.sourceAddress()).isEqualTo("198.51.100.7");
        assertThat(failure.userAgent()).isEqualTo("probe/1.0");
        assertThat(failure.requestId())
                .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(failure.reason()).isEqualTo("invalid username or password");
        assertThat(failure.toString()).doesNotContain("guess-one");
    }

    @Test
    void badTokensAndLimitedAccountsAreRecordedToo() {
        var badToken = RegistryHttp.anonymous(server).withAuthorization("Bearer not-a-token");
        assertThat(badToken.get("/v2/").statusCode()).isEqualTo(401);
        var guesser = RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic("trudy", "guess"));
        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(guesser.get("/v2/").statusCode()).as("limited").isEqualTo(429);

        assertThat(failures)
                .extracting(Event.AuthenticationFailed::account, Event.AuthenticationFailed::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(null, "invalid or expired token"),
                        org.assertj.core.groups.Tuple.tuple("trudy", "invalid username or password"),
                        org.assertj.core.groups.Tuple.tuple("trudy", "invalid username or password"),
                        org.assertj.core.groups.Tuple.tuple(
                                "trudy", "too many failed logins for this account; try again later"));
    }

    @Test
    void goodCredentialsAndNoCredentialsAreNotFailures() {
        assertThat(RegistryHttp.asAdmin(server).get("/v2/").statusCode()).isEqualTo(200);
        assertThat(RegistryHttp.anonymous(server).get("/v2/").statusCode()).isEqualTo(401);
        assertThat(failures).isEmpty();
    }
}
