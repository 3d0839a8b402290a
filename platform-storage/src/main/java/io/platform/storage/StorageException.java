package io.platform.storage;

/** A storage fault: disk full, corruption, I/O error. Not an expected outcome; the message says what failed. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
