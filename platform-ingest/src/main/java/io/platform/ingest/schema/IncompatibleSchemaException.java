package io.platform.ingest.schema;

/** A registration was refused; the message says why and what to change. */
public final class IncompatibleSchemaException extends Exception {
    public IncompatibleSchemaException(String message) {
        super(message);
    }
}
