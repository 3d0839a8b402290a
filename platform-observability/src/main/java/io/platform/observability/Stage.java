package io.platform.observability;

/** The stages of the data path whose latency the platform measures, as named in ARCHITECTURE.md. */
public enum Stage {
    /** Client send time to the gateway decoding the frame. */
    TRANSPORT("transport"),
    /** Decoding and validating one event against its schema. */
    VALIDATE("validate"),
    /** Producer send to Kafka's acknowledgement. */
    PRODUCE_ACK("produce_ack"),
    /** Kafka append to the aggregation operator receiving the event. */
    PROCESS("process"),
    /**
     * An aggregation partial sent on by its source task to the window operator merging it: the time it waited in
     * Flink's network buffers, which flow control keeps bounded when the window falls behind (ms resolution).
     */
    SHUFFLE("shuffle"),
    /** One storage write batch, from its first record polled to the RocksDB commit. */
    STORE_COMMIT("store_commit"),
    /** One query, from parse to the last row written. */
    QUERY("query"),
    /** One query over HTTP, from the request arriving to its first row flushed to the client (streamed results). */
    QUERY_FIRST_ROW("query_first_row"),
    /** Producer send time to the event being committed in storage, i.e. visible to a query. */
    END_TO_END("end_to_end");

    private final String metricName;

    Stage(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
