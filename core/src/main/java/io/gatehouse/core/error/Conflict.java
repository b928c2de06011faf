package io.gatehouse.core.error;

/** The request clashes with the current state (for example a concurrent write to the same upload). */
public final class Conflict extends RegistryException {
    public Conflict(String message) {
        super(message, null, null);
    }
}
