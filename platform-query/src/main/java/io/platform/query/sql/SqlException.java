package io.platform.query.sql;

/** A query that cannot be parsed or planned; {@link #position()} is the 1-based character where the problem is. */
public final class SqlException extends Exception {
    private final int position;

    public SqlException(String message, int position) {
        super(message, null, false, false);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
