package io.gatehouse.http.token;

import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.Authenticator;
import io.gatehouse.access.Caller;
import io.gatehouse.access.Grant;
import io.gatehouse.access.Scope;
import io.gatehouse.access.TokenService;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.http.Exchange;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Docker token endpoint ({@code GET /token?service=…&scope=…}) that docker, podman and skopeo use after a
 * Bearer challenge. It grants exactly the requested scopes the caller is allowed (each decision audited);
 * anonymous callers get a token with no access.
 */
public final class TokenEndpoint {
    private final Authenticator authenticator;
    private final AccessDecisionPoint decisions;
    private final TokenService tokens;

    public TokenEndpoint(Authenticator authenticator, AccessDecisionPoint decisions, TokenService tokens) {
        this.authenticator = authenticator;
        this.decisions = decisions;
        this.tokens = tokens;
    }

    public void get(Exchange ex) throws Exception {
        Caller caller = ex.caller();
        if (caller.principal().authMethod() == Principal.AuthMethod.BEARER
                || caller.principal().authMethod() == Principal.AuthMethod.SINGLE_SIGN_ON) {
            // A token must not mint its own successor: that would make a stolen short-lived token permanent.
            throw new Unauthenticated("a token cannot be exchanged for a new one; authenticate with your credentials");
        }
        Set<Grant> requested = new LinkedHashSet<>(Scope.grantsOf(Scope.parseAll(ex.queryValues("scope"))));
        Set<Grant> granted = decisions.grantable(caller, requested, ex.context());
        var issued = tokens.issue(caller.principal(), granted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresInSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issued.issuedAt()));
        ex.header("Cache-Control", "no-store");
        ex.sendJson(200, body);
    }

    /**
     * {@code GET /token/jwks}: the public keys tokens are verified with, as a JSON Web Key Set, so another
     * service can check our tokens. Public by nature; short caching because keys rotate.
     */
    public void jwks(Exchange ex) throws Exception {
        ex.header("Cache-Control", "public, max-age=60");
        ex.sendJson(200, tokens.jwks());
    }
}
