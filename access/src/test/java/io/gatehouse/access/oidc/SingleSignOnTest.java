package io.gatehouse.access.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.access.MutableClock;
import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login flow against a real OpenID Connect provider (mock-oauth2-server in this JVM) and the real H2 store:
 * the browser's part is played by an HTTP client that follows the provider's redirect by hand.
 */
class SingleSignOnTest {
    static final String CLIENT_ID = "gatehouse-registry";
    static final String ISSUER_ID = "corp";
    static final URI CALLBACK = URI.create("http://127.0.0.1:9/api/v1/auth/oidc/callback");

    /** One provider per test: a callback a test queues but never redeems must not leak into the next. */
    MockOAuth2Server provider;

    static final HttpClient browser = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    Path dataDir;

    MetadataStore store;
    MutableClock clock;
    SingleSignOn sso;

    @BeforeEach
    void setUp() {
        provider = new MockOAuth2Server();
        provider.start();
        store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
        clock = new MutableClock(Instant.now());
        sso = signOn(settings(provider.issuerUrl(ISSUER_ID).uri()));
    }

    @AfterEach
    void tearDown() {
        provider.shutdown();
        store.close();
    }

    OidcSettings settings(URI issuer) {
        return new OidcSettings(
                issuer,
                CLIENT_ID,
                "client-secret",
                Optional.empty(),
                "preferred_username",
                "groups",
                Optional.of("registry-admins"),
                List.of("profile"),
                Duration.ofMinutes(10));
    }

    SingleSignOn signOn(OidcSettings settings) {
        return new SingleSignOn(settings, new OidcProvider(settings), store.singleSignOn(), store.access(), clock);
    }

    void nextLogin(String subject, Map<String, Object> claims) {
        provider.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
    }

    /** What the provider redirects the browser to after its (automatic) login: {code, state}. */
    static Map<String, String> authorize(URI authorizationUrl) throws Exception {
        var response =
                browser.send(HttpRequest.newBuilder(authorizationUrl).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        URI back = URI.create(response.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).isEqualTo(CALLBACK.getPath());
        return query(back);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static URI withParam(URI uri, String name, String value) {
        String rewritten = uri.toString()
                .replaceAll("([?&]" + name + "=)[^&]*", "$1" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        return URI.create(rewritten);
    }

    SingleSignOn.SignedIn login(String subject, Map<String, Object> claims) throws Exception {
        return login(subject, claims, UnaryOperator.identity());
    }

    SingleSignOn.SignedIn login(String subject, Map<String, Object> claims, UnaryOperator<URI> tamper)
            throws Exception {
        nextLogin(subject, claims);
        var back = authorize(tamper.apply(sso.startLogin(CALLBACK)));
        return sso.finishLogin(back.get("code"), back.get("state"));
    }

    @Test
    void theAuthorizationRequestCarriesStateNonceAndAnS256Challenge() {
        var params = query(sso.startLogin(CALLBACK));
        assertThat(params).containsEntry("response_type", "code").containsEntry("client_id", CLIENT_ID);
        assertThat(params)
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", CALLBACK.toString());
        assertThat(params.get("scope").split(" ")).contains("openid", "profile");
        assertThat(params.get("state")).hasSizeGreaterThan(20);
        assertThat(params.get("nonce")).hasSizeGreaterThan(20);
        assertThat(params.get("code_challenge")).hasSize(43);
    }

    @Test
    void aFirstLoginOnboardsTheUserWithTheGroupsOfTheClaim() throws Exception {
        var signedIn = login("sub-alice", Map.of("preferred_username", "Alice", "groups", List.of("team-a", "ops")));

        assertThat(signedIn.username()).isEqualTo("alice");
        assertThat(signedIn.groups()).containsExactlyInAnyOrder("team-a", "ops");
        assertThat(signedIn.admin()).isFalse();
        assertThat(store.access().groupsOf("alice")).containsExactlyInAnyOrder("team-a", "ops");
        assertThat(store.singleSignOn().isSingleSignOnUser("alice")).isTrue();
        assertThat(store.singleSignOn().userOf(provider.issuerUrl(ISSUER_ID).toString(), "sub-alice"))
                .contains("alice");
        // onboarded without a usable password
        assertThat(new PasswordHasher()
                        .verify(
                                SingleSignOn.NO_PASSWORD.toCharArray(),
                                store.users().find("alice").orElseThrow().passwordHash()))
                .isFalse();
    }

    @Test
    void theGroupsClaimReplacesTheMembershipsOnEveryLogin() throws Exception {
        login("sub-alice", Map.of("preferred_username", "alice", "groups", List.of("team-a", "ops")));
        store.access().addGroupMember("by-hand", "alice");

        var again = login("sub-alice", Map.of("preferred_username", "alice", "groups", List.of("team-b")));

        assertThat(again.groups()).containsExactly("team-b");
        assertThat(store.access().groupsOf("alice")).containsExactly("team-b");
    }

    @Test
    void theAccountKeepsItsUserWhenItsNameClaimChanges() throws Exception {
        login("sub-alice", Map.of("preferred_username", "alice"));
        var renamed = login("sub-alice", Map.of("preferred_username", "alice2"));
        assertThat(renamed.username()).isEqualTo("alice");
        assertThat(store.users().find("alice2")).isEmpty();
    }

    @Test
    void theAdminGroupIsBoundAsSystemAdminAndItsMembersAreAdmins() throws Exception {
        sso.bindAdminGroup();
        sso.bindAdminGroup(); // idempotent

        var signedIn =
                login("sub-root", Map.of("preferred_username", "root-user", "groups", List.of("registry-admins")));

        assertThat(signedIn.admin()).isTrue();
        assertThat(store.access().allBindings())
                .containsExactly(
                        new RoleBinding(new Subject.Group("registry-admins"), BindingScope.SYSTEM, Role.ADMIN.name()));
    }

    @Test
    void aLocalUserOfTheSameNameIsNeverTakenOver() throws Exception {
        store.users().create(new UserRecord("carol", "local-hash", clock.instant()));

        assertThatThrownBy(() -> login("sub-carol", Map.of("preferred_username", "carol", "groups", List.of("ops"))))
                .isInstanceOf(Denied.class)
                .hasMessageContaining("taken");
        assertThat(store.users().find("carol").orElseThrow().passwordHash()).isEqualTo("local-hash");
        assertThat(store.access().groupsOf("carol")).isEmpty();
        assertThat(store.singleSignOn().isSingleSignOnUser("carol")).isFalse();
    }

    @Test
    void aNameThatIsNotAValidUserNameIsRefused() {
        assertThatThrownBy(() -> login("sub-x", Map.of("preferred_username", "../../etc")))
                .isInstanceOf(Denied.class)
                .hasMessageContaining("not a valid user name");
        assertThatThrownBy(() -> login("sub-y", Map.of("email", "y@example.com")))
                .isInstanceOf(Denied.class)
                .hasMessageContaining("no preferred_username claim");
    }

    @Test
    void aStateWorksOnce() throws Exception {
        nextLogin("sub-alice", Map.of("preferred_username", "alice"));
        var back = authorize(sso.startLogin(CALLBACK));
        sso.finishLogin(back.get("code"), back.get("state"));

        assertThatThrownBy(() -> sso.finishLogin(back.get("code"), back.get("state")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("unknown, used or expired login");
    }

    @Test
    void anUnknownOrMissingStateIsRefusedBeforeTheCodeIsRedeemed() throws Exception {
        nextLogin("sub-alice", Map.of("preferred_username", "alice"));
        var back = authorize(sso.startLogin(CALLBACK));

        assertThatThrownBy(() -> sso.finishLogin(back.get("code"), back.get("state") + "x"))
                .isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> sso.finishLogin(back.get("code"), null)).isInstanceOf(Unauthenticated.class);
        assertThatThrownBy(() -> sso.finishLogin(back.get("code"), "a".repeat(500)))
                .isInstanceOf(Unauthenticated.class);
        assertThat(store.users().find("alice")).isEmpty();
    }

    @Test
    void aLoginThatTookLongerThanTheTimeoutIsRefused() throws Exception {
        nextLogin("sub-alice", Map.of("preferred_username", "alice"));
        var back = authorize(sso.startLogin(CALLBACK));
        clock.advance(Duration.ofMinutes(11));

        assertThatThrownBy(() -> sso.finishLogin(back.get("code"), back.get("state")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("expired");
    }

    @Test
    void anIdTokenForAnotherNonceIsRefused() {
        assertThatThrownBy(() -> login(
                        "sub-alice", Map.of("preferred_username", "alice"), u -> withParam(u, "nonce", "replayed")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("nonce");
        assertThat(store.users().find("alice")).isEmpty();
    }

    @Test
    void aCodeRedeemedWithoutTheMatchingPkceVerifierIsRefused() {
        // The provider saw another challenge than the one our verifier answers.
        assertThatThrownBy(() -> login(
                        "sub-alice",
                        Map.of("preferred_username", "alice"),
                        u -> withParam(u, "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("refused the login");
        assertThat(store.users().find("alice")).isEmpty();
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() {
        assertThatThrownBy(() -> login("sub-alice", Map.of("preferred_username", "alice", "aud", "someone-else")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("audience");
    }

    @Test
    void anIdTokenFromAnotherIssuerIsRefused() {
        assertThatThrownBy(
                        () -> login("sub-alice", Map.of("preferred_username", "alice", "iss", "https://evil.example")))
                .isInstanceOf(Unauthenticated.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void aProviderThatIsDownMakesLoginUnavailable() {
        var down = signOn(settings(URI.create("http://127.0.0.1:9/nobody")));
        assertThatThrownBy(() -> down.startLogin(CALLBACK))
                .isInstanceOf(Unavailable.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void cliSecretsAreForSingleSignOnUsersOnlyAndCanBeReplacedAndRevoked() throws Exception {
        login("sub-alice", Map.of("preferred_username", "alice"));
        store.users().create(new UserRecord("bob", "local-hash", clock.instant()));
        var hasher = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1));
        var secrets = new CliSecrets(store.singleSignOn(), hasher, clock);

        String first = secrets.create("alice");
        String second = secrets.create("alice");
        assertThat(second).isNotEqualTo(first).startsWith("ghcli_");
        String stored = store.singleSignOn().cliSecretHash("alice").orElseThrow();
        assertThat(stored).startsWith("$argon2id$");
        assertThat(hasher.verify(second.toCharArray(), stored))
                .as("the stored hash is the new secret's")
                .isTrue();
        assertThat(hasher.verify(first.toCharArray(), stored))
                .as("the replaced secret no longer matches")
                .isFalse();

        secrets.revoke("alice");
        assertThat(store.singleSignOn().cliSecretHash("alice")).isEmpty();
        assertThatThrownBy(() -> secrets.create("bob")).isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> secrets.create("nobody")).isInstanceOf(Invalid.class);
    }

    @Test
    void theClientSecretIsNeverPrinted() {
        assertThat(settings(URI.create("https://idp.example")).toString()).doesNotContain("client-secret");
    }
}
