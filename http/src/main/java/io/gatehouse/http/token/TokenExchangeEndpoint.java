package io.gatehouse.http.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.AccessDecisionPoint;
import io.gatehouse.access.Caller;
import io.gatehouse.access.Grant;
import io.gatehouse.access.Scope;
import io.gatehouse.access.TokenService;
import io.gatehouse.access.federation.FederatedRobots;
import io.gatehouse.access.federation.FederatedTokenVerifier;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.Unauthenticated;
import io.gatehouse.http.Exchange;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/auth/exchange}: a pipeline trades its own OIDC token for a registry token of a federated
 * robot, without Basic auth. Body {@code {"robot": "robot$p+ci", "token": "<JWT>", "scope": ["repository:p/app:push"]}};
 * the answer is the token endpoint's, with exactly the requested scopes the robot is allowed (each decision
 * audited). Every refusal is the same 401.
 */
public final class TokenExchangeEndpoint {
    private static final int MAX_BODY = 32 * 1024;
    private static final String REFUSED = "invalid robot or token";

    private final FederatedRobots robots;
    private final AccessDecisionPoint decisions;
    private final TokenService tokens;

    public TokenExchangeEndpoint(FederatedRobots robots, AccessDecisionPoint decisions, TokenService tokens) {
        this.robots = robots;
        this.decisions = decisions;
        this.tokens = tokens;
    }

    public void post(Exchange ex) throws Exception {
        JsonNode body = ex.bodyJsonObject(MAX_BODY, false);
        String robot = text(body, "robot");
        String token = text(body, "token");
        if (robot.length() > 256 || token.length() > FederatedTokenVerifier.MAX_TOKEN_LENGTH) {
            throw new Unauthenticated(REFUSED);
        }
        Caller caller = robots.login(robot, token, REFUSED).orElseThrow(() -> new Unauthenticated(REFUSED));
        Set<Grant> requested = new LinkedHashSet<>(Scope.grantsOf(Scope.parseAll(scopes(body.get("scope")))));
        Set<Grant> granted = decisions.grantable(caller, requested, ex.context());
        var issued = tokens.issue(caller.principal(), granted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("access_token", issued.token());
        out.put("expires_in", issued.expiresInSeconds());
        out.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issued.issuedAt()));
        ex.header("Cache-Control", "no-store");
        ex.sendJson(200, out);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new Invalid(Invalid.Kind.PARAMETER, field + " is required and must be a string");
        }
        return v.asText();
    }

    /** {@code scope} as one string or a list of them, like the token endpoint's repeated parameter. */
    private static List<String> scopes(JsonNode scope) {
        List<String> out = new ArrayList<>();
        if (scope == null || scope.isNull()) {
            return out;
        }
        if (scope.isTextual()) {
            out.add(scope.asText());
            return out;
        }
        if (!scope.isArray()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "scope must be a string or a list of strings");
        }
        for (JsonNode s : scope) {
            if (!s.isTextual()) {
                throw new Invalid(Invalid.Kind.PARAMETER, "scope must be a string or a list of strings");
            }
            out.add(s.asText());
        }
        return out;
    }
}
