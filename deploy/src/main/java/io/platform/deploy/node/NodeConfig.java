package io.platform.deploy.node;

import io.platform.processing.sources.AimdRate;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of a node, with its default. Read from a properties file and {@code key=value} overrides; unknown
 * keys and malformed values are errors that name the key and the fix. Immutable once built; thread-safe.
 */
public final class NodeConfig {
    /** Keys, defaults and what they mean: the one place default ports and settings live. */
    public static final Map<String, String[]> SETTINGS = new LinkedHashMap<>();

    static {
        define("node.role", "all", "all: every service in one process; ingest: Kafka and the gateway only (a gateway node)");
        define("data.dir", "./data", "directory for Kafka logs, storage, Flink checkpoints (survives restarts)");
        define("bind.host", "127.0.0.1", "address every listener binds to");
        define("kafka.bootstrap", "", "external Kafka bootstrap servers; empty runs the embedded broker");
        define("kafka.port", "9092", "port of the embedded broker (0 = any free port)");
        define("gateway.http.port", "8080", "ingest gateway HTTP port (0 = any free port)");
        define("gateway.tcp.port", "7070", "ingest gateway binary TCP port (0 = any free port)");
        define("query.http.port", "8081", "query service HTTP port (0 = any free port)");
        define("gateway.tls.enabled", "false", "TLS 1.3 on the gateway's binary TCP (mutual) and HTTP (HTTPS) listeners; certificates "
                + "under <data.dir>/tls");
        define("gateway.tls.http-client-auth", "require", "with gateway.tls.enabled: require (HTTPS clients need a certificate from "
                + "'platform tls issue-client') or none (server certificate only, e.g. for browsers)");
        define("gateway.aeron.channel", "aeron:udp?endpoint=127.0.0.1:40123", "Aeron channel the gateway subscribes to (aeron:ipc for "
                + "same-host clients; port 0 = any free port; empty disables)");
        define("gateway.pack-batches", "false", "write each batch frame (TCP, Aeron) and multi-event HTTP request as one Kafka record per "
                + "partition instead of one per event: "
                + "2.4-3x the ingest throughput of a plain producer here, but ingest.<stream> then holds records Confluent's "
                + "deserializers cannot read (see docs/operations.md); "
                + "a stream registered with ?pack=true|false chooses for itself");
        define("gateway.aeron.stream-id", "1001", "Aeron stream id of the gateway's channel");
        define("gateway.rdma.enabled", "false", "look for RDMA (InfiniBand/RoCE) at start; without devices or the verbs shim the gateway "
                + "logs why and stays on Aeron UDP");
        define("aeron.idle-strategy", "backoff", "idle strategy of the Aeron pollers (and of the driver over UDP): backoff, yielding or "
                + "busy-spin (isolated cores only)");
        define("aeron.driver.idle-strategy", "auto", "idle strategy of the Aeron media driver: auto (sleeping when gateway.aeron.channel "
                + "is aeron:ipc, "
                + "which needs no driver on the data path; aeron.idle-strategy otherwise), sleeping, backoff, yielding or busy-spin");
        define("stream.partitions", "2", "partitions of each new ingest.<stream> topic: ingest parallelism");
        define("stream.replication", "1", "replication factor of new topics (1 on a single broker)");
        define("aggregation.window", "10s", "tumbling window of the built-in aggregation, e.g. 10s, 1m");
        define("aggregation.out-of-orderness", "2s", "how late an event may be and still count in its window");
        define("aggregation.idleness", "5s", "after this long a silent partition stops holding back windows");
        define("aggregation.pre-aggregate", "true", "fold events per series and window before the shuffle (two-phase aggregation); false "
                + "only to measure it");
        define("flink.network.debloat-target", "off", "Flink buffer debloating on the embedded cluster: network buffers sized to hold "
                + "about this long of throughput (e.g. 100ms), so data queued before a slow operator stays short; off: Flink's fixed 32 "
                + "KiB buffers (see docs/operations.md)");
        define("flink.source.rate-control", "off", "aimd: the jobs' Kafka sources lower their fetch rate when the downstream "
                + "back-pressures them and raise it when it clears (AIMD); off: Flink's credit-based flow control alone (see "
                + "docs/operations.md)");
        define("aggregation.salting", "false", "spread hot series over the window subtasks by a salt sized from observed key frequencies, "
                + "merged in a second window stage; for parallelism > 1 when one series dominates and pre-aggregation cannot fold it (see "
                + "docs/operations.md)");
        define("flink.parallelism", "1", "parallelism of the aggregation job");
        define("flink.checkpoint.interval", "5s", "checkpoint interval of the aggregation job (unless flink.checkpoint.rpo is set)");
        define("flink.checkpoint.rpo", "", "target recovery point, e.g. 10s: interval and min pause are then planned from it, "
                + "flink.checkpoint.state-size and the write bandwidth; empty = use flink.checkpoint.interval");
        define("flink.checkpoint.state-size", "64mb", "checkpointed state expected per job, for planning from flink.checkpoint.rpo");
        define("flink.checkpoint.write-bandwidth", "auto", "bytes/s the checkpoint directory takes durably, e.g. 200mb; auto = measured "
                + "once per data dir (32 MiB written and synced)");
        define("flink.checkpoint.unaligned", "true", "switch a checkpoint to unaligned when barriers wait over 1 s for alignment (under "
                + "backpressure), so checkpoints still complete");
        define("flink.state.backend", "rocksdb", "state backend of the aggregation jobs: rocksdb, hashmap, or auto (hashmap when "
                + "flink.checkpoint.state-size fits a quarter of a slot's heap); a job keeps the backend of its checkpoints");
        define("flink.rocksdb.memory-per-slot", "auto", "RocksDB block cache and write buffers of each job slot (off-heap), e.g. 256mb; "
                + "auto = a quarter of the memory the heap leaves on the host, over the slots, within 16mb..512mb");
        define("flink.rocksdb.timers", "rocksdb", "where RocksDB-state jobs keep their window timers: rocksdb or heap");
        define("flink.jobmanager", "", "REST address (host:port) of an external Flink cluster to run the jobs on, e.g. flink-jm:8081; "
                + "empty = the MiniCluster inside the node. The cluster needs the platform's jars in its lib/ and a checkpoint directory "
                + "it shares with the node");
        define("storage.sync", "false", "fsync every storage commit (power-loss safe) instead of relying on the OS");
        define("storage.bulk-streams", "", "streams stored under an I/O budget by writers of their own, as stream:MiB/s pairs, e.g. "
                + "history:16,export:8 (backfills that must not slow other streams)");
        define("storage.seal.after", "2h", "a time partition's raw rows are sealed into a columnar segment (queries read it column block "
                + "by column block, vectorized) this long after the partition ends; off = keep every row in RocksDB");
        define("storage.seal.partition", "1h", "width of a sealed time partition");
        define("storage.seal.check", "60s", "how often the node looks for partitions to seal and segments to move to the cold tier");
        define("storage.cold.dirs", "", "comma-separated directories (other disks or mounts: NFS, CephFS, Lustre) of the erasure-coded "
                + "cold tier, one shard each; empty = no cold tier");
        define("storage.cold.shards", "6+3", "data+parity shards of the cold tier (k+m): up to m of its directories may be lost; k+m must "
                + "equal the number of storage.cold.dirs");
        define("storage.cold.after", "7d", "a sealed partition moves to the cold tier this long after it ends, unless read within "
                + "storage.cold.idle");
        define("storage.cold.after-per-stream", "", "per-stream overrides of storage.cold.after as stream:duration pairs, e.g. "
                + "probe:1d,history:2h (off = never)");
        define("storage.cold.idle", "1h", "a partition read within this long stays on the local disk (access heat)");
        define("storage.cold.cache", "1gb", "local disk for read-through copies of cold segments");
        define("storage.block-cache", "512mb", "RocksDB block cache shared by the warm tier's column families (reads; off-heap): size it "
                + "toward the hot set of recent series-hours");
        define("storage.write-buffer", "64mb", "RocksDB memtable size per column family: larger means fewer flushes and less write "
                + "amplification");
        define("storage.rows.compaction", "level", "compaction style of the warm tier's raw rows: level (fewer files per read) or "
                + "universal (less write amplification); see docs/operations.md");
        define("storage.hot.memory", "256mb", "heap for decoded column blocks of sealed partitions (the hot tier): repeated scans of them "
                + "skip decoding; 0 = decode every time");
        define("query.flight.port", "8815", "Arrow Flight SQL port of the query service, for JDBC/ADBC clients "
                + "(jdbc:arrow-flight-sql://host:8815/?useEncryption=false); 0 = any free port, off = none");
        define("query.concurrency", "auto", "queries that run at once; auto = 2 per core (a scan uses one core, a second hides another's "
                + "I/O waits)");
        define("query.queue", "auto", "queries that wait for a slot, up to query.timeout, before 503; auto = 16 per core");
        define("query.timeout", "30s", "longest a query may run");
        define("query.max-rows", "2000000", "rows a query may hold in memory: GROUP BY groups, ORDER BY rows without a small LIMIT, a "
                + "join's build side; beyond it the query stops with the reason");
        define("query.tls.enabled", "false", "the query HTTP listener as HTTPS with mutual TLS: clients need a certificate from platform "
                + "tls issue-client, whose name is the user for query.*-per-user");
        define("query.timeout-per-user", "", "per-user overrides of query.timeout as user:duration pairs, e.g. dashboards:2s,analyst:10m "
                + "(users are client certificate names: needs query.tls.enabled)");
        define("query.max-rows-per-user", "", "per-user overrides of query.max-rows as user:rows pairs, e.g. "
                + "dashboards:10000,analyst:20000000 (needs query.tls.enabled)");
        define("producer.linger.ms", "1", "Kafka producer linger of the gateway: batching against latency");
        define("probe.interval", "10s", "how often a synthetic event is sent through the whole path and queried back");
        define("probe.enabled", "true", "run the synthetic probe (needs node.role=all)");
        define("tracing.otlp-endpoint", "", "OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces; empty turns tracing off");
        define("tracing.sample-ratio", "0.01", "share of event batches traced (0 to 1)");
        define("clock.server.port", "", "UDP port on which this node answers two-way time requests from peers (0 = any free port; empty = "
                + "off)");
        define("clock.reference", "", "host:port of a peer's clock.server.port: this node's event stamps are corrected to that clock; "
                + "empty = local clock");
        define("clock.sync.interval", "10s", "how often the offset to clock.reference is measured");
        define("connectors.file", "", "JSON file of pull connectors the gateway runs (file tail, HTTP poller); see docs/operations.md; "
                + "empty: none");
        define("flows.sampling-rate", "64", "per-flow traffic counters of the platform's own TCP and Aeron connections sample one frame "
                + "in this many (1 = every frame, 0 = off); GET /v1/flows");
        define("log.dir", "", "directory of the JSON log files, one per class and hour; empty = <data.dir>/logs");
        define("log.file.level", "info", "lowest level written to the JSON log files: debug, info or warn (debug also makes Kafka and "
                + "Flink log more: for investigations)");
        define("log.retention.debug", "1d", "how long debug log files are kept");
        define("log.retention.info", "7d", "how long info log files are kept");
        define("log.retention.warn", "30d", "how long warn and error log files are kept");
        define("log.retention.audit", "365d", "how long audit log files (schema, job, replay and access changes) are kept");
        define("tracing.tail.slow", "", "tail-based sampling: also export every trace whose local root took at least this long (e.g. "
                + "50ms) or failed; empty = head sampling only");
        define("security.enabled", "false", "every gateway and query listener (HTTP, TCP) requires a client certificate from the node's "
                + "authority ('platform tls issue-client') and every request is checked against security.policy-file (see "
                + "docs/operations.md)");
        define("security.policy-file", "", "JSON file of role bindings, re-read within 1 s of an edit; empty = "
                + "<data.dir>/security/policy.json "
                + "(created empty: nothing is allowed until 'platform access grant')");
        define("security.open-paths", "/health", "path prefixes any client with a valid certificate may reach whatever the policy says, "
                + "comma-separated (e.g. /health,/metrics for a scraper)");
        define("security.insecure", "false", "true: run without security on a non-loopback bind.host on purpose (refused otherwise)");
        define("gateway.max-in-flight-events", "500000", "events the gateway holds awaiting Kafka; beyond it HTTP answers 429, TCP stops "
                + "reading");
    }

    private static void define(String key, String defaultValue, String help) {
        SETTINGS.put(key, new String[] {defaultValue, help});
    }

    private final Map<String, String> values;

    private NodeConfig(Map<String, String> values) {
        this.values = values;
    }

    public static NodeConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings from a file and overrides; validates in {@link #build()}. */
    public static final class Builder {
        private final Map<String, String> values = new TreeMap<>();

        public Builder file(Path file) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage() + "; pass an existing file with "
                        + "--config");
            }
            props.forEach((k, v) -> set(k.toString().trim(), v.toString().trim()));
            return this;
        }

        public Builder set(String key, String value) {
            if (!SETTINGS.containsKey(key)) {
                throw new ConfigException("unknown config key '" + key + "'; known keys: " + String.join(", ", SETTINGS.keySet()));
            }
            values.put(key, value);
            return this;
        }

        public Builder dataDir(Path dir) {
            return set("data.dir", dir.toString());
        }

        /** Every listener on a free port: for tests and benchmarks that must not collide with a running node. */
        public Builder ephemeralPorts() {
            set("kafka.port", "0");
            set("gateway.http.port", "0");
            set("gateway.tcp.port", "0");
            set("gateway.aeron.channel", "aeron:udp?endpoint=127.0.0.1:0");
            set("query.flight.port", "0");
            return set("query.http.port", "0");
        }

        public NodeConfig build() {
            Map<String, String> all = new LinkedHashMap<>();
            SETTINGS.forEach((k, v) -> all.put(k, values.getOrDefault(k, v[0])));
            NodeConfig config = new NodeConfig(all);
            config.validate();
            return config;
        }
    }

    private void checkPort(String key) {
        int port = integer(key);
        if (port < 0 || port > 65535) {
            throw new ConfigException(key + "=" + port + " is not a port: use 0 to 65535");
        }
    }

    private void validate() {
        for (String key : new String[] {"kafka.port", "gateway.http.port", "gateway.tcp.port", "query.http.port"}) {
            checkPort(key);
        }
        if (!get("query.flight.port").equals("off")) {
            checkPort("query.flight.port");
        }
        for (String key : new String[] {"stream.partitions", "stream.replication", "flink.parallelism", "gateway.max-in-flight-events"}) {
            if (integer(key) < 1) {
                throw new ConfigException(key + "=" + get(key) + " must be at least 1");
            }
        }
        duration("aggregation.window");
        duration("aggregation.out-of-orderness");
        duration("aggregation.idleness");
        duration("flink.checkpoint.interval");
        if (!get("flink.checkpoint.rpo").isEmpty()) {
            duration("flink.checkpoint.rpo");
        }
        bytes("flink.checkpoint.state-size");
        if (!get("flink.checkpoint.write-bandwidth").equals("auto") && bytes("flink.checkpoint.write-bandwidth") == 0) {
            throw new ConfigException("flink.checkpoint.write-bandwidth=0 cannot be: use auto or a rate such as 200mb");
        }
        bool("flink.checkpoint.unaligned");
        if (!get("flink.rocksdb.memory-per-slot").equals("auto")) {
            bytes("flink.rocksdb.memory-per-slot");
        }
        if (!get("flink.rocksdb.timers").equals("rocksdb") && !get("flink.rocksdb.timers").equals("heap")) {
            throw new ConfigException("flink.rocksdb.timers=" + get("flink.rocksdb.timers") + " is not a place for timers: use rocksdb or "
                    + "heap");
        }
        duration("query.timeout");
        for (String key : new String[] {"query.concurrency", "query.queue"}) {
            if (!get(key).equals("auto") && integer(key) < 1) {
                throw new ConfigException(key + "=" + get(key) + " must be auto or at least 1");
            }
        }
        if (integer("query.max-rows") < 1) {
            throw new ConfigException("query.max-rows=" + get("query.max-rows") + " leaves no room for a result: use at least 1, e.g. "
                    + "2000000");
        }
        if (!get("storage.seal.after").equals("off")) {
            duration("storage.seal.after");
        }
        bytes("storage.hot.memory");
        bytes("storage.block-cache");
        if (bytes("storage.write-buffer") < (1 << 20)) {
            throw new ConfigException("storage.write-buffer=" + get("storage.write-buffer") + " is too small: use at least 1mb, e.g. 64mb");
        }
        if (!get("storage.rows.compaction").equals("level") && !get("storage.rows.compaction").equals("universal")) {
            throw new ConfigException("storage.rows.compaction=" + get("storage.rows.compaction") + " is not a compaction style: use "
                    + "level or universal");
        }
        coldDirs();
        coldAfterByStream();
        queryTimeoutMsByUser();
        queryMaxRowsByUser();
        if ((!queryTimeoutMsByUser().isEmpty() || !queryMaxRowsByUser().isEmpty()) && !bool("query.tls.enabled")
                && !bool("security.enabled")) {
            throw new ConfigException("query.timeout-per-user and query.max-rows-per-user need query.tls.enabled=true: users are the names"
                    + " on client certificates, which only mutual TLS proves");
        }
        duration("storage.cold.after");
        duration("storage.cold.idle");
        bytes("storage.cold.cache");
        duration("storage.seal.check");
        if (duration("storage.seal.partition").toMillis() < 1000) {
            throw new ConfigException("storage.seal.partition=" + get("storage.seal.partition") + " is too narrow: use at least 1s, e.g. "
                    + "1h");
        }
        duration("probe.interval");
        if (integer("flows.sampling-rate") < 0) {
            throw new ConfigException("flows.sampling-rate=" + get("flows.sampling-rate") + " must be 0 (off) or more, e.g. 64");
        }
        for (String logClass : new String[] {"debug", "info", "warn", "audit"}) {
            duration("log.retention." + logClass);
        }
        if (!Set.of("debug", "info", "warn").contains(get("log.file.level"))) {
            throw new ConfigException("log.file.level=" + get("log.file.level") + " is not a level: use debug, info or warn");
        }
        bool("probe.enabled");
        bool("aggregation.pre-aggregate");
        bool("aggregation.salting");
        sourceRateControl();
        if (!get("flink.network.debloat-target").equals("off")) {
            duration("flink.network.debloat-target");
        }
        bool("gateway.tls.enabled");
        bool("gateway.pack-batches");
        try {
            double ratio = Double.parseDouble(get("tracing.sample-ratio"));
            if (ratio < 0 || ratio > 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException("tracing.sample-ratio=" + get("tracing.sample-ratio") + " must be a number from 0 to 1, e.g. 0.01");
        }
        integer("producer.linger.ms");
        bool("storage.sync");
        if (!get("node.role").equals("all") && !get("node.role").equals("ingest")) {
            throw new ConfigException("node.role=" + get("node.role") + " is not a role: use all or ingest");
        }
        if (!Set.of("backoff", "yielding", "busy-spin").contains(get("aeron.idle-strategy"))) {
            throw new ConfigException("aeron.idle-strategy=" + get("aeron.idle-strategy") + " is not an idle strategy: use backoff, "
                    + "yielding or busy-spin");
        }
        if (!Set.of("auto", "sleeping", "backoff", "yielding", "busy-spin").contains(get("aeron.driver.idle-strategy"))) {
            throw new ConfigException("aeron.driver.idle-strategy=" + get("aeron.driver.idle-strategy")
                    + " is not a driver idle strategy: use auto, sleeping, backoff, yielding or busy-spin");
        }
        String aeron = get("gateway.aeron.channel");
        if (!aeron.isEmpty() && !aeron.startsWith("aeron:udp?endpoint=") && !aeron.equals("aeron:ipc")) {
            throw new ConfigException("gateway.aeron.channel=" + aeron + " is not supported: use aeron:udp?endpoint=<host>:<port>, "
                    + "aeron:ipc, or empty");
        }
        String backend = get("flink.state.backend");
        if (!backend.equals("rocksdb") && !backend.equals("hashmap") && !backend.equals("auto")) {
            throw new ConfigException("flink.state.backend=" + backend + " is not a state backend: use rocksdb, hashmap or auto");
        }
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new ConfigException("unknown config key '" + key + "'");
        }
        return value;
    }

    public int integer(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + "=" + get(key) + " is not a whole number; e.g. " + key + "=" + SETTINGS.get(key)[0]);
        }
    }

    public boolean bool(String key) {
        String v = get(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(key + "=" + v + " must be true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** Sizes like {@code 512kb}, {@code 64mb}, {@code 1gb} (powers of 1024), or plain bytes. */
    public long bytes(String key) {
        return parseBytes(get(key), key + "=" + get(key), key + "=" + SETTINGS.get(key)[0]);
    }

    /** Parses a size such as {@code 48mb}; the error names {@code what} (e.g. {@code --hot-memory}). */
    public static long parseBytes(String value, String what) {
        return parseBytes(value, what + " " + value, what + " 256mb");
    }

    private static long parseBytes(String value, String given, String example) {
        Matcher m = Pattern.compile("(\\d+)(b|kb|mb|gb|tb)?").matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(given + " is not a size: use a number with kb, mb or gb, e.g. " + example);
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** {@code storage.cold.dirs} as paths, checked against {@code storage.cold.shards}; empty when there is no cold tier. */
    public List<Path> coldDirs() {
        String value = get("storage.cold.dirs").trim();
        if (value.isEmpty()) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        for (String dir : value.split(",")) {
            dirs.add(Path.of(dir.trim()));
        }
        int[] shards = coldShards();
        if (shards[0] + shards[1] != dirs.size()) {
            throw new ConfigException("storage.cold.dirs has " + dirs.size() + " directories but storage.cold.shards="
                    + get("storage.cold.shards")
                    + " needs " + (shards[0] + shards[1]) + ": list one directory per shard, or set storage.cold.shards=k+m with k+m="
                    + dirs.size());
        }
        return dirs;
    }

    /** {@code storage.cold.shards} as {k, m}. */
    public int[] coldShards() {
        Matcher m = Pattern.compile("(\\d+)\\+(\\d+)").matcher(get("storage.cold.shards").trim());
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) > 255) {
            throw new ConfigException("storage.cold.shards=" + get("storage.cold.shards") + " is not data+parity shards: use k+m, e.g. "
                    + "storage.cold.shards=6+3");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** {@code query.timeout-per-user} as user to ms. */
    public Map<String, Long> queryTimeoutMsByUser() {
        return pairs("query.timeout-per-user", "name:value", "dashboards:2s", value -> parseDuration("query.timeout-per-user", value,
                "dashboards:2s").toMillis());
    }

    /** {@code query.max-rows-per-user} as user to rows. */
    public Map<String, Long> queryMaxRowsByUser() {
        return pairs("query.max-rows-per-user", "name:value", "dashboards:10000", value -> {
            try {
                long rows = Long.parseLong(value);
                if (rows > 0) {
                    return rows;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException("query.max-rows-per-user=" + get("query.max-rows-per-user") + ": '" + value
                    + "' is not a positive number of rows, e.g. query.max-rows-per-user=dashboards:10000");
        });
    }

    /**
     * A {@code name:value,name:value} setting as a map, each value parsed by {@code parse}; errors name the key, the
     * {@code form} a pair must have and an {@code example} pair.
     */
    private Map<String, Long> pairs(String key, String form, String example, Function<String, Long> parse) {
        Map<String, Long> byName = new HashMap<>();
        String value = get(key).trim();
        if (value.isEmpty()) {
            return byName;
        }
        for (String pair : value.split(",")) {
            String[] parts = pair.trim().split(":");
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new ConfigException(key + "=" + value + ": '" + pair.trim() + "' is not " + form + ", e.g. " + key + "=" + example);
            }
            byName.put(parts[0].trim(), parse.apply(parts[1].trim()));
        }
        return byName;
    }

    /** {@code storage.cold.after-per-stream} as stream to ms, -1 for off. */
    public Map<String, Long> coldAfterByStream() {
        return pairs("storage.cold.after-per-stream", "stream:duration", "history:2h", value -> value.equals("off") ? -1L
                : parseDuration("storage.cold.after-per-stream", value, "history:2h").toMillis());
    }

    /** Durations like {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    public Duration duration(String key) {
        return parseDuration(key, get(key), SETTINGS.get(key)[0]);
    }

    /** Parses {@code value} as a duration; the error names {@code key} and shows {@code example}. */
    public static Duration parseDuration(String key, String v, String example) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new ConfigException(key + "=" + v + " is not a duration: use a positive number with ms, s, m or h, e.g. "
                    + key + "=" + example);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Where the JSON log files go: {@code log.dir}, or {@code <data.dir>/logs}. */
    public Path logDir() {
        String dir = get("log.dir");
        return dir.isEmpty() ? dataDir().resolve("logs") : Path.of(dir).toAbsolutePath();
    }

    public Path dataDir() {
        return Path.of(get("data.dir")).toAbsolutePath();
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** The AIMD settings of the jobs' sources, or null when {@code flink.source.rate-control} is off. */
    public AimdRate.Settings sourceRateControl() {
        String mode = get("flink.source.rate-control");
        if (mode.equals("off")) {
            return null;
        }
        if (!mode.equals("aimd")) {
            throw new ConfigException("flink.source.rate-control=" + mode + " is not a rate control: use aimd or off");
        }
        return AimdRate.Settings.defaults();
    }
}
