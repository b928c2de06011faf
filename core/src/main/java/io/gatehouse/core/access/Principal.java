package io.gatehouse.core.access;

/** Who is calling: nobody, a person, or a robot account (a machine identity with its own narrow rights). */
public sealed interface Principal permits Principal.Anonymous, Principal.User, Principal.Robot {

    /** How the caller proved its identity, for the audit trail. */
    enum AuthMethod {
        NONE,
        BASIC,
        BEARER,
        /** A robot that presented an OIDC token from the external issuer it is bound to. */
        FEDERATED,
        /**
         * A user holding the token the single sign-on callback issued: proof of a fresh login at the identity
         * provider, which (unlike any other bearer token) may set the user's CLI secret.
         */
        SINGLE_SIGN_ON
    }

    String name();

    AuthMethod authMethod();

    record Anonymous() implements Principal {
        @Override
        public String name() {
            return "anonymous";
        }

        @Override
        public AuthMethod authMethod() {
            return AuthMethod.NONE;
        }
    }

    record User(String name, AuthMethod authMethod) implements Principal {}

    record Robot(String name, AuthMethod authMethod) implements Principal {}

    Anonymous ANONYMOUS = new Anonymous();
}
