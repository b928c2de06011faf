package io.gatehouse.http.admin;

import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.access.PublicSigningKey;
import io.gatehouse.access.TokenService;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token signing keys under {@code /api/v1/system/signing-keys}, for a system admin: list them, and rotate
 * now (for incident response; {@code "revokeOthers": true} also kills every token signed so far).
 */
public final class SigningKeysHandler {
    private final TokenService tokens;

    public SigningKeysHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    /** No path parameter names a project, so the dispatcher decides MANAGE on the whole registry. */
    public List<Route> routes() {
        return List.of(
                get("/api/v1/system/signing-keys", Action.MANAGE, this::list),
                post("/api/v1/system/signing-keys/rotate", Action.MANAGE, this::rotate));
    }

    void list(Exchange ex) throws Exception {
        ex.sendJson(
                200,
                Map.of(
                        "keys",
                        tokens.signingKeys().stream()
                                .map(SigningKeysHandler::json)
                                .toList()));
    }

    void rotate(Exchange ex) throws Exception {
        boolean revokeOthers = revokeOthers(ex);
        PublicSigningKey signing = tokens.rotateSigningKey(revokeOthers);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("signingKey", json(signing));
        out.put("revokedOthers", revokeOthers);
        out.put(
                "keys",
                tokens.signingKeys().stream().map(SigningKeysHandler::json).toList());
        ex.sendJson(200, out);
    }

    private static boolean revokeOthers(Exchange ex) throws Exception {
        JsonNode body = JsonBodies.optionalBody(ex);
        JsonNode revoke = body.get("revokeOthers");
        if (revoke == null || revoke.isNull()) {
            return false;
        }
        if (!revoke.isBoolean()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "revokeOthers must be true or false");
        }
        return revoke.booleanValue();
    }

    private static Map<String, Object> json(PublicSigningKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keyId", key.keyId());
        out.put("createdAt", key.createdAt().toString());
        out.put("signing", key.signing());
        return out;
    }
}
