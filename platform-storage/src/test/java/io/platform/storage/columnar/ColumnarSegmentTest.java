package io.platform.storage.columnar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ColumnarSegmentTest {
    @Test
    void timestampsRoundTripIncludingIrregularGapsAndHugeJumps() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long[] times = new long[5000];
        long t = -1_000_000;
        for (int i = 0; i < times.length; i++) {
            t += switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1000 + random.nextInt(129) - 64;
                case 2 -> random.nextInt(5000);
                case 3 -> random.nextInt(1 << 20);
                case 4 -> Long.MAX_VALUE / 100_000;
                default -> 1000;
            };
            times[i] = t;
        }
        assertArrayEquals(times, TimestampCodec.decode(TimestampCodec.encode(times, times.length), times.length), "seed=" + seed);
    }

    @Test
    void regularTimestampsCostAboutOneBitEach() {
        long[] times = new long[10_000];
        for (int i = 0; i < times.length; i++) {
            times[i] = 1_700_000_000_000L + i * 1000L;
        }
        int bytes = TimestampCodec.encode(times, times.length).length;
        assertTrue(bytes < 10_000 / 8 + 32, "10,000 regular timestamps in " + bytes + " bytes");
    }

    @Test
    void doublesRoundTripBitExactIncludingSpecialValues() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        double[] values = new double[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (random.nextInt(7)) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                case 2 -> Double.MAX_VALUE;
                case 3 -> random.nextGaussian() * 1e300;
                case 4 -> i > 0 ? values[i - 1] : 1.0;
                default -> 20 + Math.round(random.nextGaussian() * 10) / 10.0;
            };
        }
        double[] back = DoubleCodec.decode(DoubleCodec.encode(values, values.length), values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]), "index " + i + " seed=" + seed);
        }
    }

    @Test
    void scanSkipsBlocksOutsideTheRangeAndReadsOnlyTheNamedColumns() {
        int rows = 10_000;
        long[] times = new long[rows];
        double[] temperature = new double[rows];
        double[] humidity = new double[rows];
        String[] device = new String[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = 1_700_000_000_000L + i * 1000L;
            temperature[i] = 20 + (i % 100) * 0.1;
            humidity[i] = 40 + (i % 7);
            device[i] = "dev-" + (i % 3);
        }
        Map<String, double[]> doubles = new LinkedHashMap<>();
        doubles.put("temperature", temperature);
        doubles.put("humidity", humidity);
        byte[] encoded = ColumnarSegment.write(times, doubles, Map.of("device", device), 1024);
        ColumnarSegment segment = ColumnarSegment.read(encoded);
        assertEquals(10, segment.blockCount());
        assertArrayEquals(new double[] {20.0, 29.9}, segment.minMax("temperature"), 1e-9);

        List<Long> seen = new ArrayList<>();
        double[] sum = {0};
        long from = times[2500];
        long to = times[4000];
        ColumnarSegment.ScanStats stats = segment.scan(from, to, List.of("temperature"), block -> {
            assertTrue(block.doubles().containsKey("temperature") && !block.doubles().containsKey("humidity"));
            for (int i = 0; i < block.times().length; i++) {
                if (block.times()[i] >= from && block.times()[i] < to) {
                    seen.add(block.times()[i]);
                    sum[0] += block.doubles().get("temperature")[i];
                }
            }
        });
        assertEquals(1500, seen.size());
        double expected = 0;
        for (int i = 2500; i < 4000; i++) {
            expected += temperature[i];
        }
        assertEquals(expected, sum[0], 1e-6);
        assertEquals(2, stats.blocksRead(), "blocks 2 and 3 hold rows 2048..4095");
        assertEquals(8, stats.blocksSkipped());
        assertTrue(stats.bytesSkipped() > stats.bytesRead(), stats.toString());
        double bytesPerRow = (double) encoded.length / rows;
        // raw: 8 (time) + 16 (two doubles) + 5 (device) = 29 bytes per row
        assertTrue(bytesPerRow < 12, "time + 2 doubles + a string column in " + bytesPerRow + " bytes per row");
        System.out.printf("columnar segment: %d rows, %d bytes, %.2f bytes/row; scan read %s%n", rows, encoded.length, bytesPerRow, stats);
    }

    @Test
    void longColumnsRoundTripAndBlocksAreSkippedByAStringColumnsRange() {
        // sealed order: series, then time, so one series' rows sit in a few blocks
        int rows = 4000;
        long[] times = new long[rows];
        long[] counter = new long[rows];
        String[] series = new String[rows];
        for (int i = 0; i < rows; i++) {
            series[i] = "s" + (i / 1000);
            times[i] = 1_700_000_000_000L + (i % 1000) * 1000L;
            counter[i] = i % 2 == 0 ? Long.MAX_VALUE - i : -i * 1_000_003L;
        }
        ColumnarSegment segment = ColumnarSegment.read(ColumnarSegment.write(times, Map.of("counter", counter), Map.of(),
                Map.of("series", series), 500));
        assertEquals(rows, segment.rowCount());
        List<long[]> counters = new ArrayList<>();
        ColumnarSegment.ScanStats stats = segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, List.of("counter", "series"),
                block -> "s2".compareTo(block.minString("series")) >= 0 && "s2".compareTo(block.maxString("series")) <= 0,
                block -> {
                    for (String s : block.strings().get("series")) {
                        assertEquals("s2", s);
                    }
                    counters.add(block.longs().get("counter"));
                });
        assertEquals(2, stats.blocksRead(), "series s2 is rows 2000..2999: two blocks of 500");
        assertEquals(6, stats.blocksSkipped());
        assertArrayEquals(java.util.Arrays.copyOfRange(counter, 2000, 2500), counters.get(0));
        assertArrayEquals(java.util.Arrays.copyOfRange(counter, 2500, 3000), counters.get(1));
    }

    @Test
    void decodedColumnsServeRepeatedScansWithinTheirBudget() {
        int rows = 8192;
        long[] times = new long[rows];
        double[] temperature = new double[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = i;
            temperature[i] = i * 0.25;
        }
        byte[] encoded = ColumnarSegment.write(times, Map.of("temperature", temperature), Map.of(), 1024);
        // room for 3 of the 8 decoded blocks of temperature (8 KiB each)
        DecodedColumns hot = new DecodedColumns(3 * (16 + 8 * 1024));
        ColumnarSegment segment = ColumnarSegment.read(encoded).cacheIn(hot);
        double[] sums = new double[2];
        for (int pass = 0; pass < 2; pass++) {
            int p = pass;
            segment.scan(0, 3072, List.of("temperature"), block -> {
                for (double v : block.doubles().get("temperature")) {
                    sums[p] += v;
                }
            });
        }
        assertEquals(sums[0], sums[1]);
        assertEquals(3, hot.misses(), "the first scan decodes blocks 0-2");
        assertEquals(3, hot.hits(), "the second reads them decoded");
        segment.scan(0, Long.MAX_VALUE, List.of("temperature"), block -> { });
        assertTrue(hot.bytes() <= 3 * (16 + 8 * 1024), "evicted down to the budget: " + hot.bytes());
        assertEquals(6, hot.hits(), "blocks 0-2 once more");
        assertEquals(8, hot.misses(), "blocks 3-7 decoded, evicting the least recently used");
    }

    @Test
    void groupsOfBlocksAreRuledOutByOneCheckOfTheirSummary() {
        // 100 blocks of 10 rows; only block 70 holds values above 1000
        int rows = 1000;
        long[] times = new long[rows];
        double[] value = new double[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = i;
            value[i] = i / 10 == 70 ? 5000 + i : i % 10;
        }
        ColumnarSegment segment = ColumnarSegment.read(ColumnarSegment.write(times, Map.of("value", value), Map.of(), 10));
        int[] checks = {0};
        List<Double> seen = new ArrayList<>();
        ColumnarSegment.ScanStats stats = segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, List.of("value"), block -> {
            checks[0]++;
            return block.max("value") > 1000;
        }, block -> {
            for (double v : block.doubles().get("value")) {
                seen.add(v);
            }
        });
        assertEquals(10, seen.size());
        assertEquals(1, stats.blocksRead());
        assertEquals(99, stats.blocksSkipped());
        // the whole segment, then four groups of 32 (the last of 4); only the group holding block 70 is opened
        assertEquals(1 + 4 + 32, checks[0]);
        checks[0] = 0;
        ColumnarSegment.ScanStats none = segment.scan(Long.MIN_VALUE, Long.MAX_VALUE, List.of("value"), block -> {
            checks[0]++;
            return block.max("value") > 10_000;
        }, block -> { });
        assertEquals(1, checks[0], "the segment's summary rules it out at once");
        assertEquals(100, none.blocksSkipped());
    }
}
