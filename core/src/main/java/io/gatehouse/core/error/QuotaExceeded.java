package io.gatehouse.core.error;

/** Storage is full or a quota is reached. */
public final class QuotaExceeded extends RegistryException {
    public QuotaExceeded(String message) {
        super(message, null, null);
    }
}
