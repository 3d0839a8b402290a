package io.platform.storage.columnar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A segment file reads back the same whichever way it is opened: through the heap, mapped, or with O_DIRECT. */
class SegmentFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyWayOfOpeningASegmentFileScansTheSameRowsAndSkipsTheSameBlocks() throws Exception {
        // 100,003 rows: the file's size is not a multiple of any block size, which O_DIRECT must cope with
        int rows = 100_003;
        long[] times = new long[rows];
        double[] temperature = new double[rows];
        String[] device = new String[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = 1_700_000_000_000L + i * 1000L;
            temperature[i] = 20 + (i % 97) * 0.1;
            device[i] = "dev-" + (i % 5);
        }
        Map<String, double[]> doubles = new LinkedHashMap<>();
        doubles.put("temperature", temperature);
        Path file = dir.resolve("segment.col");
        SegmentFiles.write(file, ColumnarSegment.write(times, doubles, Map.of("device", device), 4096));
        assertTrue(Files.size(file) % 512 != 0 || Files.size(file) % 4096 != 0, "an unaligned size: " + Files.size(file));

        List<SegmentFiles.Io> ways = new ArrayList<>(List.of(SegmentFiles.Io.BUFFERED, SegmentFiles.Io.MAPPED));
        if (SegmentFiles.directSupported(dir)) {
            ways.add(SegmentFiles.Io.DIRECT);
        } else {
            System.out.println("O_DIRECT is not supported on " + dir + ": DIRECT not tested here");
        }
        long from = times[30_000];
        long to = times[70_000];
        for (SegmentFiles.Io io : ways) {
            ColumnarSegment segment = SegmentFiles.open(file, io);
            long[] count = {0};
            double[] sum = {0};
            ColumnarSegment.ScanStats stats = segment.scan(from, to, List.of("temperature"), block -> {
                for (int i = 0; i < block.times().length; i++) {
                    if (block.times()[i] >= from && block.times()[i] < to) {
                        count[0]++;
                        sum[0] += block.doubles().get("temperature")[i];
                    }
                }
            });
            assertEquals(40_000, count[0], io.name());
            double expected = 0;
            for (int i = 30_000; i < 70_000; i++) {
                expected += temperature[i];
            }
            assertEquals(expected, sum[0], 1e-6, io.name());
            assertEquals(25 - 11, stats.blocksSkipped(), io + ": blocks outside the time range are not read");
        }
    }
}
