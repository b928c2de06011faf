package io.gatehouse.access;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.model.Digest;
import java.util.Objects;
import java.util.Optional;

/**
 * The decision point's answer. Beyond allowed or not, a denial says which response fits, so the HTTP
 * layer can switch over {@link Outcome} exhaustively:
 *
 * <ul>
 *   <li>{@link Outcome#AUTHENTICATION_REQUIRED}: an anonymous caller was refused; answer 401 with a
 *       challenge, the client may come back with credentials.
 *   <li>{@link Outcome#INSUFFICIENT_SCOPE}: the caller's token does not cover the request; answer 401 with
 *       {@code error="insufficient_scope"} and the needed scope, the client may fetch a wider token.
 *   <li>{@link Outcome#DENIED}: an authenticated caller may not do this; answer 403.
 * </ul>
 *
 * The reason is audited and safe to show. A manifest pull the pull policy checked names the digest it checked
 * in {@code pinned}: the server must serve that manifest, not whatever its tag points at a moment later.
 */
public record AuthorizationDecision(Outcome outcome, String reason, Optional<Digest> pinned) {

    public enum Outcome {
        ALLOWED,
        AUTHENTICATION_REQUIRED,
        INSUFFICIENT_SCOPE,
        DENIED
    }

    public AuthorizationDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        pinned = pinned == null ? Optional.empty() : pinned;
    }

    public AuthorizationDecision(Outcome outcome, String reason) {
        this(outcome, reason, Optional.empty());
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    /** The core form, as audited in {@code Event.AccessDecided}. */
    public AccessDecision toAccessDecision() {
        return new AccessDecision(allowed(), reason);
    }
}
