package io.platform.deploy.node;

/** A configuration error; the message names the key, the bad value and the fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
