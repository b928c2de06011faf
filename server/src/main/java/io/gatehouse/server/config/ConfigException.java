package io.gatehouse.server.config;

/** A configuration problem, with a message that names the setting. Start-up stops on it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
