package io.platform.bench.cli;

import io.platform.bench.QosBench;
import io.platform.bench.QueryBench;
import io.platform.bench.SegmentBench;
import io.platform.bench.StorageBench;
import io.platform.deploy.demo.ScratchDir;
import io.platform.deploy.node.NodeConfig;
import io.platform.storage.StorageOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmarks of storage and query without a node: warm tier, segment scans, the query engine against DuckDB, QoS. */
final class StorageBenchCommands {
    private StorageBenchCommands() {
    }

    @Command(name = "storage", mixinStandardHelpOptions = true, description = "The warm tier against plain RocksDB (default options) on"
            + " the same rows: ingest rows/s and one series-hour range read p50/p99; then a dashboard query uncached and cached.")
    static final class Storage implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "2000000", description = "rows to write (default ${DEFAULT-VALUE})")
        int rows;

        @Option(names = "--series", defaultValue = "100", description = "series, one row per second each (default ${DEFAULT-VALUE})")
        int series;

        @Option(names = "--reads", defaultValue = "2000", description = "range reads of one series-hour (default ${DEFAULT-VALUE})")
        int reads;

        @Option(names = "--compaction", defaultValue = "level", description = "compaction style of the warm tier's rows: level or universal"
                + " (default ${DEFAULT-VALUE}; storage.rows.compaction on a node)")
        String compaction;

        @Option(names = "--block-cache", defaultValue = "512mb", description = "RocksDB block cache (default ${DEFAULT-VALUE};"
                + " storage.block-cache on a node)")
        String blockCache;

        @Option(names = "--write-buffer", defaultValue = "64mb", description = "memtable size per column family (default ${DEFAULT-VALUE};"
                + " storage.write-buffer on a node)")
        String writeBuffer;

        @Override
        public Integer call() throws Exception {
            if (!compaction.equals("level") && !compaction.equals("universal")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--compaction must be level or universal, got "
                        + compaction);
            }
            try (ScratchDir scratch = ScratchDir.create(null, "platform-storage-bench-")) {
                new StorageBench(System.out).run(rows, series, reads, scratch.path(), new StorageOptions(false,
                        NodeConfig.parseBytes(writeBuffer, "--write-buffer"),
                        NodeConfig.parseBytes(blockCache, "--block-cache"),
                        StorageOptions.Compaction.valueOf(compaction.toUpperCase(Locale.ROOT))));
            }
            return 0;
        }
    }

    @Command(name = "segments", mixinStandardHelpOptions = true, description = "One large columnar segment file scanned read into the heap,"
            + " memory-mapped and with O_DIRECT, cold (page cache dropped: needs root) and warm, whole and a tenth of its time range;"
            + " prints MB/s, rows/s and how much each leaves in the page cache.")
    static final class Segments implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "20000000", description = "rows in the segment (default ${DEFAULT-VALUE})")
        int rows;

        @Option(names = "--dir", description = "directory for the segment file (default: a temporary one under the system's temp dir)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (rows < 10_000) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--rows must be at least 10000, got " + rows);
            }
            try (ScratchDir scratch = ScratchDir.create(dir, "platform-segment-bench-")) {
                new SegmentBench(System.out).run(rows, scratch.path());
            }
            return 0;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = "The platform's query engine against DuckDB (JDBC, same JVM,"
            + " one thread) on the same generated time series: filtered scan + sum/avg, GROUP BY series and hour, top-N, point lookup;"
            + " p50/p99 and rows/s per core of each.")
    static final class Query implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "2000000", description = "rows in the table (default ${DEFAULT-VALUE}; the issue's"
                + " figures use 10000000)")
        int rows;

        @Option(names = "--series", defaultValue = "100", description = "series, one row per second each (default ${DEFAULT-VALUE})")
        int series;

        @Option(names = "--repeats", defaultValue = "5", description = "measured runs per shape (point lookups: 100 times as many)"
                + " (default ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--warmup", defaultValue = "3", description = "unmeasured runs per shape first, so the JIT has compiled the loops"
                + " (the row path runs once; default ${DEFAULT-VALUE})")
        int warmups;

        @Option(names = "--skip-row-path", description = "measure only the sealed column segments (and DuckDB): at 100 M rows each"
                + " row-at-a-time scan takes ~40 s")
        boolean skipRowPath;

        @Option(names = "--hot-memory", defaultValue = "2gb", description = "hot tier for the decoded column blocks (default"
                + " ${DEFAULT-VALUE};"
                + " 100 M rows need ~4gb and a larger heap: PLATFORM_JAVA_OPTS=-Xmx16g)")
        String hotMemory;

        @Override
        public Integer call() throws Exception {
            if (rows < series || series < 8 || repeats < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "need --series of at least 8, --rows of at least --series"
                        + " and --repeats of at least 1; got --rows " + rows + " --series " + series + " --repeats " + repeats);
            }
            try (ScratchDir scratch = ScratchDir.create(null, "platform-query-bench-")) {
                new QueryBench(System.out).run(rows, series, Math.max(1, warmups), repeats, scratch.path(), skipRowPath,
                        NodeConfig.parseBytes(hotMemory, "--hot-memory"));
            }
            return 0;
        }
    }

    @Command(name = "qos", mixinStandardHelpOptions = true, description = "Storage QoS: a latency-sensitive tenant's series-hour reads"
            + " alone, next to an unthrottled backfill, and next to a backfill held to an I/O budget; prints read p50/p99/p999 and"
            + " backfill MB/s.")
    static final class Qos implements Callable<Integer> {
        @Option(names = "--seconds", defaultValue = "20", description = "seconds per run (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--budget-mib", defaultValue = "16", description = "the backfill's budget in MiB/s for the third run (default"
                + " ${DEFAULT-VALUE})")
        long budgetMib;

        @Override
        public Integer call() throws Exception {
            try (ScratchDir scratch = ScratchDir.create(null, "platform-qos-bench-")) {
                new QosBench(System.out).run(scratch.path(), seconds, budgetMib << 20);
            }
            return 0;
        }
    }
}
