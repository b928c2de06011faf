package io.gatehouse.core.error;

/** The caller is known but not allowed to do this. */
public final class Denied extends RegistryException {
    public Denied(String message) {
        super(message, null, null);
    }
}
