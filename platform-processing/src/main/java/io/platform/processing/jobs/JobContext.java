package io.platform.processing.jobs;

import io.platform.processing.aggregation.IdleAwareWatermarkStrategy;
import io.platform.wire.schema.SchemaCatalog;
import io.platform.wire.schema.StreamSchema;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import io.platform.processing.sources.AimdRate;
import io.platform.processing.sources.RateControlledSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * What a submitted job sees of the platform: its streams as sources of event-time {@link Row rows} and as sinks. A
 * source reads {@code ingest.<stream>} from the beginning (then from the job's checkpoints), committed records only,
 * with the stream's time field as event time and watermarks that tolerate {@code aggregation.out-of-orderness} and
 * move on after {@code aggregation.idleness} of silence, as the built-in aggregation does. A sink writes rows into a
 * registered stream exactly once (Kafka transactions committed with each checkpoint), where storage keeps them and
 * queries and other jobs read them. One per job definition; not thread-safe.
 */
public final class JobContext {
    private final StreamExecutionEnvironment env;
    private final String jobName;
    private final String bootstrapServers;
    private final SchemaCatalog catalog;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final Map<String, DataStream<Row>> sources = new HashMap<>();
    private int sinks;
    private final AimdRate.Settings sourceRateControl;

    public JobContext(StreamExecutionEnvironment env, String jobName, String bootstrapServers, SchemaCatalog catalog,
                      Duration outOfOrderness, Duration idleness) {
        this(env, jobName, bootstrapServers, catalog, outOfOrderness, idleness, null);
    }

    /** As above, with AIMD rate control of the job's stream sources ({@link RateControlledSource}; null: none). */
    public JobContext(StreamExecutionEnvironment env, String jobName, String bootstrapServers, SchemaCatalog catalog,
                      Duration outOfOrderness, Duration idleness, AimdRate.Settings sourceRateControl) {
        this.sourceRateControl = sourceRateControl;
        this.env = env;
        this.jobName = jobName;
        this.bootstrapServers = bootstrapServers;
        this.catalog = catalog;
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
    }

    /** The Flink environment the job's operators go into. */
    public StreamExecutionEnvironment env() {
        return env;
    }

    /** The job's name, as submitted. */
    public String name() {
        return jobName;
    }

    /** The latest registered schema of {@code stream}. */
    public StreamSchema schemaOf(String stream) {
        StreamSchema schema = catalog.latest(stream);
        if (schema == null) {
            throw new IllegalArgumentException("no stream '" + stream + "' is registered (registered: " + new TreeSet<>(catalog.streams())
                    + "): register its schema first, e.g. platform schema register " + stream + " <file.avsc>");
        }
        return schema;
    }

    /** The streams registered now. */
    public Set<String> streams() {
        return catalog.streams();
    }

    /**
     * The events of {@code stream} as rows typed by {@link StreamRows#typeOf its latest schema}, with event time and
     * watermarks; the same source for every call with the same stream.
     */
    public DataStream<Row> stream(String stream) {
        DataStream<Row> existing = sources.get(stream);
        if (existing != null) {
            return existing;
        }
        StreamSchema schema = schemaOf(stream);
        KafkaSource<Row> source = KafkaSource.<Row>builder()
                .setTopics(schema.ingestTopic())
                .setBootstrapServers(bootstrapServers)
                .setGroupId("platform-job-" + jobName)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new StreamRowDeserializer(bootstrapServers, schema))
                .setProperty("fetch.max.wait.ms", "20")
                .setProperty("isolation.level", "read_committed")
                .build();
        Duration tolerance = outOfOrderness;
        Duration idle = idleness;
        WatermarkStrategy<Row> watermarks = new IdleAwareWatermarkStrategy<>(
                new EventTime(Arrays.asList(StreamRows.typeOf(schema).getFieldNames()).indexOf(schema.timeField()), schema.timeInMicros()),
                tolerance, idle);
        // fixed operator ids: a later start of the same job maps the source's offsets from its checkpoints
        DataStream<Row> rows = env.fromSource(RateControlledSource.of(source, sourceRateControl), watermarks, "stream:" + stream)
                .uid("source-" + stream);
        sources.put(stream, rows);
        return rows;
    }

    /**
     * Writes {@code rows} into {@code stream}: each row's fields are matched by name to the stream's latest schema (rows
     * from SQL carry names; positional rows need a {@link RowTypeInfo} naming their fields). Exactly once: a row is
     * visible once the checkpoint after it completes.
     */
    public void toStream(DataStream<Row> rows, String stream) {
        StreamSchema target = schemaOf(stream);
        Properties producer = new Properties();
        // under the broker's transaction.max.timeout.ms (15 min): Flink's default of 1 h is refused
        producer.setProperty("transaction.timeout.ms", "600000");
        producer.setProperty("linger.ms", "5");
        KafkaSink<Row> sink = KafkaSink.<Row>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new StreamRowSerializer(target, fieldNames(rows.getType())))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("platform-job-" + jobName + "-" + sinks)
                // on restore the default (INCREMENTING) aborts lingering transactions by probing ids from the restored
                // checkpoint on, and once fenced a transaction its committer still had to commit: a view lost its first
                // three windows across a kill -9 (NodeCrashTest, "Unable to commit transaction ... already fenced").
                // POOLING lists the open transactions instead and skips those the committer will commit.
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .build();
        rows.sinkTo(sink).name("into:" + stream).uid("sink-" + sinks + "-" + stream);
        sinks++;
    }

    /** The field names a row type declares, or null when it declares none. */
    static List<String> fieldNames(TypeInformation<Row> type) {
        if (type instanceof RowTypeInfo rowType) {
            return List.of(rowType.getFieldNames());
        }
        if (type instanceof ExternalTypeInfo<Row> external) {
            return DataType.getFieldNames(external.getDataType());
        }
        return null;
    }

    /** The event time of a row: its stream's time field, in epoch milliseconds. */
    private static final class EventTime implements SerializableTimestampAssigner<Row> {
        private final int position;
        private final boolean micros;

        EventTime(int position, boolean micros) {
            this.position = position;
            this.micros = micros;
        }

        @Override
        public long extractTimestamp(Row row, long kafkaTimestamp) {
            Object value = row.getField(position);
            long time = value == null ? kafkaTimestamp : ((Number) value).longValue();
            return micros && value != null ? time / 1000 : time;
        }
    }
}
