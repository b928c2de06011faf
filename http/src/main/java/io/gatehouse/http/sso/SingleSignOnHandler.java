package io.gatehouse.http.sso;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;

import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.Caller;
import io.gatehouse.access.Grants;
import io.gatehouse.access.TokenService;
import io.gatehouse.access.oidc.CliSecrets;
import io.gatehouse.access.oidc.SingleSignOn;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Denied;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.net.URI;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Single sign-on over HTTP. {@code GET /api/v1/auth/oidc/login} redirects the browser to the provider;
 * {@code GET /api/v1/auth/oidc/callback} finishes the login and answers with the user, its groups and a
 * short-lived identity-only registry token (enough to manage the user's own CLI secret, nothing more).
 * {@code POST|DELETE /api/v1/users/me/cli-secret} creates (shown once) or revokes the caller's CLI secret.
 */
public final class SingleSignOnHandler {
    public static final String CALLBACK_PATH = "/api/v1/auth/oidc/callback";

    private final Optional<SingleSignOn> sso;
    private final CliSecrets cliSecrets;
    private final TokenService tokens;
    private final AccessDecisionPoint decisions;
    private final String publicUrl;

    /**
     * @param sso empty when single sign-on is not configured
     * @param publicUrl the URL clients reach this server at; empty: each request's own
     */
    public SingleSignOnHandler(
            Optional<SingleSignOn> sso,
            CliSecrets cliSecrets,
            TokenService tokens,
            AccessDecisionPoint decisions,
            String publicUrl) {
        this.sso = sso;
        this.cliSecrets = cliSecrets;
        this.tokens = tokens;
        this.decisions = decisions;
        this.publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
    }

    /** Login needs no credential (it is how one gets one); the CLI secret routes need any signed-in user. */
    public List<Route> routes() {
        return List.of(
                get("/api/v1/auth/oidc/login", null, this::login),
                get(CALLBACK_PATH, null, this::callback),
                post("/api/v1/users/me/cli-secret", Action.AUTHENTICATE, this::createCliSecret),
                delete("/api/v1/users/me/cli-secret", Action.AUTHENTICATE, this::revokeCliSecret));
    }

    void login(Exchange ex) throws Exception {
        String base = publicUrl.isEmpty() ? ex.baseUrl() : publicUrl;
        URI target = enabled().startLogin(URI.create(base + CALLBACK_PATH));
        ex.header("Location", target.toString());
        ex.header("Cache-Control", "no-store");
        ex.send(302);
    }

    void callback(Exchange ex) throws Exception {
        SingleSignOn signOn = enabled();
        Optional<String> error = ex.query("error");
        if (error.isPresent()) {
            throw new Unauthenticated("the identity provider refused the login: " + bounded(error.get()));
        }
        var signedIn = signOn.finishLogin(
                ex.query("code").orElse(null), ex.query("state").orElse(null));
        var principal = new Principal.User(signedIn.username(), Principal.AuthMethod.SINGLE_SIGN_ON);
        // Audited like every other way in; a deny rule or allowlist cannot stop a login, only what follows.
        decisions.decide(new Caller(principal, Grants.ALL), Action.AUTHENTICATE, Resource.REGISTRY, ex.context());
        var issued = tokens.issue(principal, Set.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", signedIn.username());
        body.put("groups", signedIn.groups().stream().sorted().toList());
        body.put("admin", signedIn.admin());
        body.put("token", issued.token());
        body.put("expires_in", issued.expiresInSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issued.issuedAt()));
        ex.header("Cache-Control", "no-store");
        ex.sendJson(200, body);
    }

    void createCliSecret(Exchange ex) throws Exception {
        String user = user(ex);
        String secret = cliSecrets.create(user);
        ex.header("Cache-Control", "no-store");
        ex.sendJson(201, Map.of("username", user, "secret", secret));
    }

    void revokeCliSecret(Exchange ex) throws Exception {
        cliSecrets.revoke(user(ex));
        ex.send(204);
    }

    private SingleSignOn enabled() {
        return sso.orElseThrow(
                () -> new NotFound(NotFound.Kind.ROUTE, "single sign-on is not configured on this server"));
    }

    /**
     * The user whose CLI secret changes. Only proof of a fresh login may do that: the single sign-on token or
     * the current CLI secret itself (Basic). Any other bearer token is refused, or a stolen short-lived
     * registry token could be turned into a secret that never expires.
     */
    private static String user(Exchange ex) {
        if (!(ex.caller().principal() instanceof Principal.User user)) {
            throw new Denied("only users have CLI secrets");
        }
        if (user.authMethod() != Principal.AuthMethod.SINGLE_SIGN_ON
                && user.authMethod() != Principal.AuthMethod.BASIC) {
            throw new Denied("a CLI secret is set with the token of a single sign-on login, or with the current CLI"
                    + " secret; log in through the identity provider again");
        }
        return user.name();
    }

    private static String bounded(String value) {
        String safe = value.replaceAll("[^A-Za-z0-9_.-]", "");
        return safe.length() <= 64 ? safe : safe.substring(0, 64);
    }
}
