package io.gatehouse.core.error;

/** The caller did not prove who it is (or its token does not cover the request); it may retry with credentials. */
public final class Unauthenticated extends RegistryException {
    public Unauthenticated(String message) {
        super(message, null, null);
    }
}
