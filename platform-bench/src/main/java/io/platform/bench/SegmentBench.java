package io.platform.bench;

import io.platform.storage.columnar.ColumnarSegment;
import io.platform.storage.columnar.SegmentFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code platform bench segments}: one large sealed segment file scanned three ways (read into the heap through the
 * page cache, memory-mapped, O_DIRECT into an aligned off-heap buffer), each cold (page cache dropped first, which
 * needs root) and warm, over the whole file and over a tenth of its time range; and how much each leaves in the page
 * cache. Prints MB/s and rows/s per run.
 */
public final class SegmentBench {
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private final PrintStream out;

    public SegmentBench(PrintStream out) {
        this.out = out;
    }

    public void run(int rows, Path dir) throws Exception {
        Path file = dir.resolve("segment.col");
        writeSegment(rows, file);
        long size = Files.size(file);
        boolean canDrop = Files.isWritable(DROP_CACHES);
        boolean direct = SegmentFiles.directSupported(dir);
        out.printf("segment: %,d rows, %,.1f MB on %s; cold runs %s; O_DIRECT %s%n", rows, size / 1e6, Files.getFileStore(dir).type(),
                canDrop ? "drop the page cache first" : "NOT cold (dropping the page cache needs root): every run is warm",
                direct ? "supported" : "not supported by this file system (DIRECT rows left out)");
        List<SegmentFiles.Io> ways = new ArrayList<>(List.of(SegmentFiles.Io.BUFFERED, SegmentFiles.Io.MAPPED));
        if (direct) {
            ways.add(SegmentFiles.Io.DIRECT);
        }
        long first = 1_700_000_000_000L;
        long last = first + (rows - 1) * 1000L;
        long tenthFrom = first + (last - first) / 2;
        long tenthTo = tenthFrom + (last - first) / 10;
        out.printf("%n%-9s %-22s %10s %10s %14s %16s%n", "io", "scan", "ms", "MB/s", "rows/s", "page cache +MB");
        for (SegmentFiles.Io io : ways) {
            scan(io, file, size, rows, "whole file, cold", first, last + 1, true, canDrop);
            scan(io, file, size, rows, "whole file, warm", first, last + 1, false, canDrop);
            scan(io, file, size, rows / 10, "a tenth of time, cold", tenthFrom, tenthTo, true, canDrop);
        }
        out.println("MB/s and rows/s over the rows the scan decodes (for the tenth: a tenth of the file's rows); page cache +MB: growth of"
                + " 'Cached' in /proc/meminfo during the run");
    }

    private void scan(SegmentFiles.Io io, Path file, long size, int rowsInRange, String label, long fromMs, long toMs, boolean cold,
                      boolean canDrop) throws Exception {
        if (cold && canDrop) {
            dropPageCache();
        }
        long cachedBefore = cachedKb();
        long start = System.nanoTime();
        ColumnarSegment segment = SegmentFiles.open(file, io);
        long[] decoded = {0};
        double[] sink = {0};
        ColumnarSegment.ScanStats stats = segment.scan(fromMs, toMs, segment.columns().subList(1, segment.columns().size()), block -> {
            decoded[0] += block.times().length;
            for (double[] values : block.doubles().values()) {
                sink[0] += values[values.length - 1];
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        long cachedAfter = cachedKb();
        double fraction = (double) rowsInRange / Math.max(1, decoded[0]);
        out.printf("%-9s %-22s %10.1f %10.1f %,14.0f %16.1f%n", io, label, seconds * 1000, size * Math.min(1, fraction) / 1e6 / seconds,
                rowsInRange / seconds, (cachedAfter - cachedBefore) / 1024.0);
        if (Double.isNaN(sink[0]) || stats.blocksRead() == 0) {
            out.println("   (nothing decoded)");
        }
    }

    private static void writeSegment(int rows, Path file) throws IOException {
        long[] times = new long[rows];
        double[] temperature = new double[rows];
        double[] humidity = new double[rows];
        String[] device = new String[rows];
        String[] devices = new String[100];
        for (int d = 0; d < devices.length; d++) {
            devices[d] = "dev-" + d;
        }
        Random random = new Random(42);
        for (int i = 0; i < rows; i++) {
            times[i] = 1_700_000_000_000L + i * 1000L;
            temperature[i] = 20 + random.nextGaussian();
            humidity[i] = 40 + (i % 50);
            device[i] = devices[i % devices.length];
        }
        Map<String, double[]> doubles = new LinkedHashMap<>();
        doubles.put("temperature", temperature);
        doubles.put("humidity", humidity);
        SegmentFiles.write(file, ColumnarSegment.write(times, doubles, Map.of("device", device), 8192));
    }

    private static void dropPageCache() throws IOException, InterruptedException {
        // a mapping still alive pins its pages in the cache: let the earlier runs' mapped buffers be unmapped first
        System.gc();
        Thread.sleep(300);
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        Files.writeString(DROP_CACHES, "1");
    }

    /** The page cache's size now, from /proc/meminfo; 0 where there is none. */
    private static long cachedKb() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.exists(meminfo)) {
            return 0;
        }
        for (String line : Files.readAllLines(meminfo)) {
            if (line.startsWith("Cached:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
