package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.UserRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthenticatorTest {
    static final PasswordHasher HASHER = PasswordHasherTest.FAST;
    static final Resource FOO = Resource.repository(RepositoryName.parse("foo"));

    MutableClock clock;
    InMemoryUsers users;
    TokenService tokens;
    Authenticator authenticator;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        users = new InMemoryUsers();
        users.create(new UserRecord("alice", HASHER.hash("wonderland".toCharArray()), clock.instant()));
        users.create(new UserRecord("colon", HASHER.hash("pa:ss:word".toCharArray()), clock.instant()));
        tokens = new TokenService(new InMemorySigningKeys(), TokenSettings.of("gatehouse", "registry"), clock);
        authenticator = new Authenticator(users, HASHER, tokens, clock);
    }

    static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noHeaderIsAnonymous() {
        assertThat(authenticator.authenticate(null)).isEqualTo(Caller.ANONYMOUS);
        assertThat(authenticator.authenticate("  ")).isEqualTo(Caller.ANONYMOUS);
    }

    @Test
    void basicWithTheRightPasswordIsTheUserWithAllGrants() {
        Caller caller = authenticator.authenticate(basic("alice:wonderland"));
        assertThat(caller.principal()).isEqualTo(new Principal.User("alice", Principal.AuthMethod.BASIC));
        assertThat(caller.grants()).isEqualTo(Grants.ALL);
    }

    @Test
    void schemeIsCaseInsensitiveAndPasswordMayContainColons() {
        assertThat(authenticator
                        .authenticate("bAsIc " + basic("colon:pa:ss:word").substring(6))
                        .principal()
                        .name())
                .isEqualTo("colon");
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        Throwable wrongPassword = catchUnauthenticated(basic("alice:mirror"));
        Throwable unknownUser = catchUnauthenticated(basic("mallory:wonderland"));
        assertThat(wrongPassword.getMessage())
                .isEqualTo(unknownUser.getMessage())
                .isEqualTo("invalid username or password");
        assertThat(catchUnauthenticated(basic(":wonderland")).getMessage()).isEqualTo("invalid username or password");
    }

    @Test
    void successfulPasswordCheckIsRememberedForAMinute() {
        authenticator.authenticate(basic("alice:wonderland"));
        int lookups = users.finds.get();

        clock.advance(Duration.ofSeconds(59));
        authenticator.authenticate(basic("alice:wonderland"));
        assertThat(users.finds.get()).as("served from the cache").isEqualTo(lookups);

        clock.advance(Duration.ofSeconds(1));
        authenticator.authenticate(basic("alice:wonderland"));
        assertThat(users.finds.get()).as("checked again after 60 s").isEqualTo(lookups + 1);
    }

    @Test
    void rememberedCheckDoesNotAdmitAnotherPassword() {
        authenticator.authenticate(basic("alice:wonderland"));
        assertThatThrownBy(() -> authenticator.authenticate(basic("alice:wonderland2")))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> authenticator.authenticate(basic("alicE:wonderland")))
                .isInstanceOf(Unauthenticated.class);
    }

    @Test
    void failedChecksAreNotRemembered() {
        catchUnauthenticated(basic("alice:wrong"));
        int lookups = users.finds.get();
        catchUnauthenticated(basic("alice:wrong"));
        assertThat(users.finds.get()).isEqualTo(lookups + 1);
    }

    @Test
    void passwordChangeIsHonouredOnceTheCacheEntryExpires() {
        authenticator.authenticate(basic("alice:wonderland"));
        users.replace(new UserRecord("alice", HASHER.hash("looking-glass".toCharArray()), clock.instant()));
        clock.advance(Authenticator.PASSWORD_CACHE_TTL);

        assertThatThrownBy(() -> authenticator.authenticate(basic("alice:wonderland")))
                .isInstanceOf(Unauthenticated.class);
        assertThat(authenticator
                        .authenticate(basic("alice:looking-glass"))
                        .principal()
                        .name())
                .isEqualTo("alice");
    }

    @Test
    void userWithACorruptHashCannotLogIn() {
        users.create(new UserRecord("broken", "not-a-hash", clock.instant()));
        assertThat(catchUnauthenticated(basic("broken:not-a-hash")).getMessage())
                .isEqualTo("invalid username or password");
    }

    @Test
    void bearerTokenIsItsSubjectLimitedToItsGrants() {
        Set<Grant> grants = Set.of(new Grant(FOO, Action.PULL));
        String token = tokens.issue(new Principal.User("alice", Principal.AuthMethod.BASIC), grants)
                .token();

        Caller caller = authenticator.authenticate("Bearer " + token);
        assertThat(caller.principal()).isEqualTo(new Principal.User("alice", Principal.AuthMethod.BEARER));
        assertThat(caller.grants()).isEqualTo(Grants.only(grants));
        assertThat(caller.grants().covers(Action.PULL, FOO)).isTrue();
        assertThat(caller.grants().covers(Action.PUSH, FOO)).isFalse();
    }

    @Test
    void badOrExpiredBearerTokenIsRefused() {
        String token = tokens.issue(new Principal.User("alice", Principal.AuthMethod.BASIC), Set.of())
                .token();
        assertThat(catchUnauthenticated("Bearer " + token + "x").getMessage()).isEqualTo("invalid or expired token");
        clock.advance(Duration.ofHours(1));
        assertThat(catchUnauthenticated("Bearer " + token).getMessage()).isEqualTo("invalid or expired token");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Basic",
                "Basic ",
                "Basic !!!not-base64!!!",
                "Basic YWxpY2U=", // "alice": no colon
                "Basic /w==", // 0xFF: not UTF-8
                "Bearer",
                "Bearer    ",
                "Digest username=\"alice\"",
                "Negotiate YIIB",
                "Basicalice:wonderland",
                "\u0000\u0001"
            })
    void malformedHeadersAreUnauthenticatedNotErrors(String header) {
        assertThatThrownBy(() -> authenticator.authenticate(header)).isInstanceOf(Unauthenticated.class);
    }

    @Test
    void hugeHeadersAreRefused() {
        assertThatThrownBy(() -> authenticator.authenticate("Basic " + "A".repeat(20_000)))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> authenticator.authenticate(basic("a".repeat(300) + ":pw")))
                .isInstanceOf(Unauthenticated.class);
    }

    /**
     * Regression: a revoked or expired robot's secret, and a token issued to it earlier, used to authenticate
     * and only be refused by the authorizer (403 DENIED, and {@code docker login} still succeeded). A dead
     * credential is an authentication failure: 401, even while the secret is in the password cache.
     */
    @Test
    void revokedOrExpiredRobotCredentialsStopAuthenticatingAtOnce() {
        var active = new java.util.concurrent.atomic.AtomicBoolean(true);
        String hash = HASHER.hash("robot-secret".toCharArray());
        var robots = new Authenticator(
                users,
                HASHER,
                tokens,
                clock,
                Authenticator.Options.NONE.withRobotSecretHashes(name -> active.get() && name.equals("robot$teama+ci")
                        ? java.util.Optional.of(hash)
                        : java.util.Optional.empty()));
        String header = basic("robot$teama+ci:robot-secret");
        assertThat(robots.authenticate(header).principal())
                .isEqualTo(new Principal.Robot("robot$teama+ci", Principal.AuthMethod.BASIC));
        String bearer = "Bearer "
                + tokens.issue(
                                new Principal.Robot("robot$teama+ci", Principal.AuthMethod.BASIC),
                                Set.of(new Grant(FOO, Action.PUSH)))
                        .token();
        assertThat(robots.authenticate(bearer).principal().name()).isEqualTo("robot$teama+ci");

        active.set(false);
        assertThatThrownBy(() -> robots.authenticate(header))
                .as("remembered by the password cache, still refused")
                .isInstanceOf(Unauthenticated.class)
                .hasMessage("invalid username or password");
        assertThatThrownBy(() -> robots.authenticate(bearer))
                .isInstanceOf(Unauthenticated.class)
                .hasMessage("invalid or expired token");
    }

    @Test
    void aRobotsCheckedLoginIsReportedForItsLastUsedTimeButARememberedOneIsNot() {
        String hash = HASHER.hash("robot-secret".toCharArray());
        var signedIn = new java.util.ArrayList<String>();
        var robots = new Authenticator(
                users,
                HASHER,
                tokens,
                clock,
                Authenticator.Options.NONE
                        .withRobotSecretHashes(name -> name.equals("robot$teama+ci")
                                ? java.util.Optional.of(hash)
                                : java.util.Optional.empty())
                        .withRobotSignedIn(signedIn::add));

        robots.authenticate(basic("robot$teama+ci:robot-secret"));
        robots.authenticate(basic("robot$teama+ci:robot-secret"));
        assertThatThrownBy(() -> robots.authenticate(basic("robot$teama+ci:wrong")))
                .isInstanceOf(Unauthenticated.class);
        authenticator.authenticate(basic("alice:wonderland"));

        assertThat(signedIn).containsExactly("robot$teama+ci");
        clock.advance(Authenticator.PASSWORD_CACHE_TTL.plusSeconds(1));
        robots.authenticate(basic("robot$teama+ci:robot-secret"));
        assertThat(signedIn).containsExactly("robot$teama+ci", "robot$teama+ci");
    }

    Throwable catchUnauthenticated(String header) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> authenticator.authenticate(header));
        assertThat(thrown).isInstanceOf(Unauthenticated.class);
        return thrown;
    }

    // --- failed-login limits ---

    static final RequestContext HOME = new RequestContext("203.0.113.5", null, null);
    static final RequestContext ELSEWHERE = new RequestContext("198.51.100.9", null, null);

    Authenticator throttled(int perAccount, int perAddress) {
        var throttle = new LoginThrottle(
                new LoginThrottle.Limit(perAccount, Duration.ofMinutes(5)),
                new LoginThrottle.Limit(perAddress, Duration.ofMinutes(5)),
                clock);
        return new Authenticator(users, HASHER, tokens, clock, Authenticator.Options.NONE.withThrottle(throttle));
    }

    @Test
    void limitedAccountIsRefusedWithoutCheckingEvenTheRightPassword() {
        Authenticator auth = throttled(3, 100);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> auth.authenticate(basic("alice:guess"), HOME))
                    .isInstanceOf(Unauthenticated.class);
        }
        int lookups = users.finds.get();

        assertThatThrownBy(() -> auth.authenticate(basic("alice:wonderland"), ELSEWHERE))
                .isInstanceOf(io.gatehouse.core.error.TooManyRequests.class);
        assertThat(users.finds.get()).as("no lookup, no hash: not an oracle").isEqualTo(lookups);

        clock.advance(Duration.ofMinutes(5));
        assertThat(auth.authenticate(basic("alice:wonderland"), HOME)
                        .principal()
                        .name())
                .isEqualTo("alice");
    }

    @Test
    void successResetsTheAccountCount() {
        Authenticator auth = throttled(3, 100);
        for (int round = 0; round < 3; round++) {
            assertThatThrownBy(() -> auth.authenticate(basic("alice:guess"), HOME))
                    .isInstanceOf(Unauthenticated.class);
            assertThatThrownBy(() -> auth.authenticate(basic("alice:guess"), HOME))
                    .isInstanceOf(Unauthenticated.class);
            auth.authenticate(basic("alice:wonderland"), HOME);
        }
    }

    @Test
    void unknownAccountsAreCountedLikeKnownOnes() {
        Authenticator auth = throttled(2, 100);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> auth.authenticate(basic("nobody:guess"), HOME))
                    .isInstanceOf(Unauthenticated.class);
        }
        assertThatThrownBy(() -> auth.authenticate(basic("nobody:guess"), HOME))
                .isInstanceOf(io.gatehouse.core.error.TooManyRequests.class);
    }

    @Test
    void badTokensAndMalformedHeadersCountAgainstTheAddress() {
        Authenticator auth = throttled(100, 3);
        String good = tokens.issue(new Principal.User("alice", Principal.AuthMethod.BASIC), Set.of())
                .token();
        assertThatThrownBy(() -> auth.authenticate("Bearer not-a-token", HOME)).isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> auth.authenticate("Basic %%%", HOME)).isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> auth.authenticate(basic("bob:guess"), HOME)).isInstanceOf(Unauthenticated.class);

        assertThatThrownBy(() -> auth.authenticate("Bearer " + good, HOME))
                .isInstanceOf(io.gatehouse.core.error.TooManyRequests.class)
                .hasMessageContaining("from your address");
        assertThat(auth.authenticate("Bearer " + good, ELSEWHERE).principal().name())
                .isEqualTo("alice");
        assertThat(auth.authenticate(null, HOME))
                .as("no credentials is no attempt")
                .isEqualTo(Caller.ANONYMOUS);
    }

    @Test
    void aSingleSignOnUserLogsInWithItsCliSecretAndARevokedOrReplacedSecretStopsAtOnce() {
        users.create(new UserRecord("sso-user", "!sso", clock.instant()));
        var cliHashes = new java.util.concurrent.ConcurrentHashMap<String, String>();
        cliHashes.put("sso-user", HASHER.hash("ghcli_first".toCharArray()));
        var withCli = new Authenticator(
                users,
                HASHER,
                tokens,
                clock,
                Authenticator.Options.NONE.withCliSecretHashes(
                        name -> java.util.Optional.ofNullable(cliHashes.get(name))));

        assertThat(withCli.authenticate(basic("sso-user:ghcli_first")).principal())
                .isEqualTo(new Principal.User("sso-user", Principal.AuthMethod.BASIC));
        assertThat(withCli.authenticate(basic("sso-user:ghcli_first"))
                        .principal()
                        .name())
                .isEqualTo("sso-user"); // remembered
        assertThatThrownBy(() -> withCli.authenticate(basic("sso-user:!sso"))).isInstanceOf(Unauthenticated.class);

        cliHashes.put("sso-user", HASHER.hash("ghcli_second".toCharArray()));
        assertThatThrownBy(() -> withCli.authenticate(basic("sso-user:ghcli_first")))
                .isInstanceOf(Unauthenticated.class);
        assertThat(withCli.authenticate(basic("sso-user:ghcli_second"))
                        .principal()
                        .name())
                .isEqualTo("sso-user");

        cliHashes.remove("sso-user");
        assertThatThrownBy(() -> withCli.authenticate(basic("sso-user:ghcli_second")))
                .isInstanceOf(Unauthenticated.class);
    }

    @Test
    void everyLoginOfTheBreakGlassAccountIsAnEventIncludingRememberedOnes() {
        users.create(new UserRecord("admin", HASHER.hash("break-glass-pw".toCharArray()), clock.instant()));
        var events = new RecordingEventSink();
        var alarmed = new Authenticator(
                users,
                HASHER,
                tokens,
                clock,
                Authenticator.Options.NONE.withBreakGlass(new BreakGlassAlarm("admin", events, clock)));
        var context = new RequestContext("192.0.2.7", "skopeo", "req-1");

        alarmed.authenticate(basic("admin:break-glass-pw"), context);
        alarmed.authenticate(basic("admin:break-glass-pw"), new RequestContext("192.0.2.8", null, "req-2"));
        alarmed.authenticate(basic("alice:wonderland"), context);
        assertThatThrownBy(() -> alarmed.authenticate(basic("admin:wrong"), context))
                .isInstanceOf(Unauthenticated.class);

        assertThat(events.events)
                .containsExactly(
                        new io.gatehouse.core.event.Event.BreakGlassUsed(
                                clock.instant(), "admin", "192.0.2.7", "req-1"),
                        new io.gatehouse.core.event.Event.BreakGlassUsed(
                                clock.instant(), "admin", "192.0.2.8", "req-2"));
    }
}
