package io.platform.security.access;

/**
 * What a request asks to do. Stream actions are checked against the stream they touch; node actions against
 * {@link Resource#NODE}.
 */
public enum Action {
    /** Send events into a stream (HTTP, TCP, Aeron, connectors). */
    INGEST(true),
    /** Register or change a stream's schema (also through the Confluent-compatible routes). */
    REGISTER_SCHEMA(true),
    /** Read a stream's rows with SQL (HTTP, Flight SQL), PII fields hidden. */
    QUERY(true),
    /** See a stream's PII fields in clear. */
    READ_PII(true),
    /** List and show a stream's dead letters. */
    READ_DEAD_LETTERS(true),
    /** Replay a stream's dead letters. */
    REPLAY_DEAD_LETTERS(true),
    /** Submit Flink SQL jobs and materialized views over a stream, and cancel or savepoint them. */
    RUN_SQL_JOBS(true),
    /** Submit a jar job: code that runs inside the node. */
    RUN_JAR_JOBS(false),
    /** Node operations: config, flows, profile, diagnose, aggregation job control. */
    OPERATE(false),
    /** Read and change the access policy itself. */
    MANAGE_ACCESS(false);

    private final boolean perStream;

    Action(boolean perStream) {
        this.perStream = perStream;
    }

    /** True when the action is checked against a stream, false when against the node as a whole. */
    public boolean perStream() {
        return perStream;
    }
}
