package io.gatehouse.core.error;

/** A backing store failed; the request may succeed later. The cause is logged, never shown to the client. */
public final class Unavailable extends RegistryException {
    public Unavailable(String message, Throwable cause) {
        super(message, null, cause);
    }
}
