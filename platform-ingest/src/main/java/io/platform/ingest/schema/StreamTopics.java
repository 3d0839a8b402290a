package io.platform.ingest.schema;

import io.platform.wire.TopicNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the topics a stream needs. Partitions bound ingest parallelism (one Flink source split and one storage
 * writer partition each); replication trades durability against recovery time and is 1 on a single node.
 * Thread-safe.
 */
public final class StreamTopics {
    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;

    public StreamTopics(Admin admin, int partitions, short replicationFactor) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the compacted {@code _schemas} topic if it does not exist. */
    public void ensureSchemasTopic() {
        NewTopic topic = new NewTopic(TopicNames.SCHEMAS, 1, replicationFactor)
                .configs(withMinInSync(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), replicationFactor));
        create(List.of(topic));
    }

    /** Creates {@code ingest.<stream>}, {@code dlq.<stream>} and {@code agg.<stream>.<view>} if they do not exist. */
    public void ensureStreamTopics(String stream, String view) {
        ensureStreamTopics(stream, view, partitions, replicationFactor);
    }

    /**
     * As above with this stream's own partitions and replication factor (they apply when the topics are created, at
     * the first registration). More partitions mean more parallel consumers (storage writers, Flink subtasks) and
     * smaller per-partition recovery; fewer mean less broker overhead and fewer files. A rule of thumb: one partition
     * per ~50,000 events/s expected, at least one per consumer that should read in parallel.
     */
    public void ensureStreamTopics(String stream, String view, int streamPartitions, short streamReplication) {
        ensureStreamTopics(stream, view, streamPartitions, streamReplication, Durability.ASYNC);
    }

    /**
     * When a stream's events count as durable. SYNC: the broker fsyncs each append before it acknowledges
     * ({@code flush.messages=1}): an acknowledged event survives power loss even on one broker, at a latency cost.
     * ASYNC: acknowledged once in the broker's page cache (survives a process crash; with replicas, a broker loss);
     * the OS flushes it later. Measured with {@code platform bench durability}.
     */
    public enum Durability { SYNC, ASYNC }

    public void ensureStreamTopics(String stream, String view, int streamPartitions, short streamReplication, Durability durability) {
        List<NewTopic> topics = new ArrayList<>();
        NewTopic ingest = new NewTopic(TopicNames.ingest(stream), streamPartitions, streamReplication)
                .configs(withMinInSync(durability == Durability.SYNC
                        ? Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1") : Map.of(), streamReplication));
        topics.add(ingest);
        topics.add(new NewTopic(TopicNames.deadLetter(stream), 1, streamReplication).configs(withMinInSync(Map.of(), streamReplication)));
        topics.add(new NewTopic(TopicNames.aggregate(stream, view), streamPartitions, streamReplication)
                .configs(withMinInSync(Map.of(), streamReplication)));
        create(topics);
    }

    /**
     * With replicas, an acknowledgement (acks=all) needs min.insync.replicas copies: replication - 1, at most 2. So
     * 3 replicas keep accepting writes with one broker down and never acknowledge a write held by one broker only;
     * 2 replicas keep accepting with one down (then on a single copy).
     */
    static Map<String, String> withMinInSync(Map<String, String> configs, short replication) {
        if (replication < 2) {
            return configs;
        }
        Map<String, String> all = new HashMap<>(configs);
        all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, replication - 1)));
        return all;
    }

    public int defaultPartitions() {
        return partitions;
    }

    public short defaultReplication() {
        return replicationFactor;
    }

    /**
     * Waits until every partition of the new topics has a leader. Producing earlier gets NOT_LEADER_OR_FOLLOWER, and
     * an idempotent producer's retry of a batch the broker had in fact appended can then wedge on
     * OutOfOrderSequenceException, stalling every later send to that partition.
     */
    private void awaitLeaders(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean ready = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready && leadersServe(described)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + names + " have no leader after 30 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * The controller names a leader before that broker has taken the partition on: ListOffsets is answered by the
     * leader itself, so its success means a produce will be too.
     */
    private boolean leadersServe(Map<String, TopicDescription> described) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            described.forEach((name, description) ->
                    description.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()),
                            OffsetSpec.latest())));
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void create(List<NewTopic> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + topics + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + topics + ": is Kafka reachable?", e);
        }
    }
}
