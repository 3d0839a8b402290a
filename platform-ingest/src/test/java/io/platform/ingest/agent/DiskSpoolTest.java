package io.platform.ingest.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's disk buffer: order, exactly-once across restarts, and segments freed once forwarded. */
class DiskSpoolTest {
    @TempDir
    Path dir;

    private static void append(DiskSpool spool, int from, int to) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            lines.append("{\"n\":").append(i).append("}\n");
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        spool.append(bytes, 0, bytes.length);
    }

    private static List<Integer> read(DiskSpool spool, int maxLines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lines = spool.read(out, maxLines);
        List<Integer> numbers = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                numbers.add(Integer.parseInt(line.substring(5, line.length() - 1)));
            }
        }
        assertEquals(lines, numbers.size());
        return numbers;
    }

    private long segmentFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".spool")).count();
        }
    }

    @Test
    void linesComeOutInArrivalOrderAcrossSegmentsAndForwardedSegmentsAreDeleted() throws Exception {
        try (DiskSpool spool = new DiskSpool(dir, 1000)) {
            for (int i = 0; i < 500; i += 10) {
                append(spool, i, i + 10);
            }
            assertTrue(segmentFiles() >= 4, "small segments rotated: " + segmentFiles());
            List<Integer> all = new ArrayList<>();
            for (List<Integer> batch; !(batch = read(spool, 70)).isEmpty(); ) {
                assertTrue(batch.size() <= 70);
                all.addAll(batch);
                spool.commit();
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                expected.add(i);
            }
            assertEquals(expected, all);
            assertEquals(1, segmentFiles(), "only the segment being written remains");
            assertEquals(0, spool.backlogBytes());
        }
    }

    @Test
    void aRestartResumesAfterTheLastCommitNeitherLosingNorRepeatingLines() throws Exception {
        try (DiskSpool spool = new DiskSpool(dir, 1000)) {
            append(spool, 0, 100);
            assertEquals(40, read(spool, 40).size());
            spool.commit();
            assertEquals(30, read(spool, 30).size()); // read but never answered for: must come again
        }
        try (DiskSpool spool = new DiskSpool(dir, 1000)) {
            append(spool, 100, 120);
            List<Integer> rest = read(spool, 1000);
            assertEquals(40, rest.get(0));
            assertEquals(80, rest.size());
            assertEquals(119, rest.get(rest.size() - 1));
        }
    }

    @Test
    void aLineTornByACrashIsSkippedAndTheNextOnesArrive() throws Exception {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            append(spool, 0, 3);
            byte[] torn = "{\"n\":99".getBytes(StandardCharsets.UTF_8);
            spool.append(torn, 0, torn.length);
        }
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            append(spool, 3, 5);
            assertEquals(List.of(0, 1, 2, 3, 4), read(spool, 100));
        }
    }

    @Test
    void rewindGivesBackWhatWasReadSinceTheLastCommit() throws Exception {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20)) {
            append(spool, 0, 10);
            assertEquals(List.of(0, 1, 2), read(spool, 3));
            spool.rewind();
            assertEquals(List.of(0, 1, 2, 3), read(spool, 4));
        }
    }
}
