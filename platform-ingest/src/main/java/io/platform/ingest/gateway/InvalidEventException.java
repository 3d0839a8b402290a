package io.platform.ingest.gateway;

/** An event does not match its stream's schema. An expected outcome, so it carries no stack trace. */
final class InvalidEventException extends Exception {
    InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
