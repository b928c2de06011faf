package io.gatehouse.core.error;

/** The operation or format is understood but not supported by this registry. */
public final class Unsupported extends RegistryException {
    public Unsupported(String message) {
        super(message, null, null);
    }
}
