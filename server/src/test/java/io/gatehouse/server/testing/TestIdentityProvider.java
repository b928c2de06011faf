package io.gatehouse.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * A real OpenID Connect provider in the test JVM (mock-oauth2-server): discovery, an authorize endpoint that
 * logs the browser in at once, a token endpoint checking PKCE, and a JWKS. {@link #login} plays the browser.
 */
public final class TestIdentityProvider implements AutoCloseable {
    public static final String ISSUER_ID = "corp";
    public static final String CLIENT_ID = "gatehouse-registry";
    public static final String CLIENT_SECRET = "gatehouse-client-secret";
    public static final String ADMIN_GROUP = "registry-admins";

    private final MockOAuth2Server server = new MockOAuth2Server();
    private final HttpClient browser = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public TestIdentityProvider() {
        server.start();
    }

    public String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    /** The settings that point a Gatehouse server at this provider. */
    public Map<String, String> serverSettings() {
        return Map.of(
                "auth.oidc.issuer", issuer(),
                "auth.oidc.clientId", CLIENT_ID,
                "auth.oidc.clientSecret", CLIENT_SECRET,
                "auth.oidc.adminGroup", ADMIN_GROUP);
    }

    /** The next login at the provider is this account, with these ID-token claims. */
    public void nextLogin(String subject, Map<String, Object> claims) {
        server.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
    }

    /**
     * The browser's way through a login: Gatehouse's login URL, the provider's authorize endpoint, and back;
     * returns the callback URL the provider sent the browser to (not yet opened).
     */
    public URI authorize(URI gatehouse) {
        var start = get(gatehouse.resolve("/api/v1/auth/oidc/login"));
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        URI atProvider = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(atProvider.toString()).startsWith(issuer());
        var back = get(atProvider);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        return URI.create(back.headers().firstValue("Location").orElseThrow());
    }

    /** A whole login of {@code subject}; the callback's answer. */
    public HttpResponse<String> login(URI gatehouse, String subject, Map<String, Object> claims) {
        nextLogin(subject, claims);
        return get(authorize(gatehouse));
    }

    public HttpResponse<String> get(URI uri) {
        try {
            return browser.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the provider: an outage. */
    public void stop() {
        server.shutdown();
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (RuntimeException e) {
            // already stopped
        }
    }
}
