package io.gatehouse.access;

import io.gatehouse.core.access.Principal;
import java.util.Objects;

/** An authenticated caller: who it is, and what the credential it presented allows. */
public record Caller(Principal principal, Grants grants) {
    /** No credential: the authorizer alone decides what an anonymous caller may do. */
    public static final Caller ANONYMOUS = new Caller(Principal.ANONYMOUS, Grants.ALL);

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(grants, "grants");
    }

    /** A user who proved itself with a password: limited only by its roles. */
    public static Caller withPassword(String username) {
        return new Caller(new Principal.User(username, Principal.AuthMethod.BASIC), Grants.ALL);
    }

    /** A robot that proved itself with its secret: limited only by its own rights. */
    public static Caller robotWithSecret(String name) {
        return new Caller(new Principal.Robot(name, Principal.AuthMethod.BASIC), Grants.ALL);
    }

    /** The bearer of a verified token: limited to the token's grants. */
    public static Caller withToken(VerifiedToken token) {
        return new Caller(token.principal(), Grants.only(token.grants()));
    }

    public boolean isAnonymous() {
        return principal instanceof Principal.Anonymous;
    }
}
