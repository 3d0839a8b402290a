package io.platform.storage.cold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.platform.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureCodedStoreTest {
    @TempDir
    Path root;

    private List<Path> disks(int n) {
        List<Path> disks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            disks.add(root.resolve("disk" + i));
        }
        return disks;
    }

    @Test
    void readsEverythingBackByteExactWithUpToThreeOfNineShardsLostOrCorrupt() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ErasureCodedStore store = new ErasureCodedStore(disks(9), 6, 3);
        for (int blob = 0; blob < 40; blob++) {
            byte[] data = new byte[random.nextInt(200_000)];
            random.nextBytes(data);
            store.put("segment-" + blob, data);
            List<Integer> shards = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8));
            Collections.shuffle(shards, random);
            int lost = random.nextInt(4);
            for (int i = 0; i < lost; i++) {
                Path shard = root.resolve("disk" + shards.get(i)).resolve("segment-" + blob + ".shard" + shards.get(i));
                if (random.nextBoolean()) {
                    Files.delete(shard);
                } else {
                    byte[] bytes = Files.readAllBytes(shard);
                    bytes[bytes.length - 1] ^= 0x5a;
                    Files.write(shard, bytes);
                }
            }
            assertArrayEquals(data, store.get("segment-" + blob), "blob " + blob + " with " + lost + " shards lost, seed=" + seed);
        }
    }

    @Test
    void refusesWithAReasonWhenTooManyShardsAreGoneAndRepairsWhatCanBeRebuilt() throws Exception {
        ErasureCodedStore store = new ErasureCodedStore(disks(9), 6, 3);
        byte[] data = "sealed segment bytes".repeat(1000).getBytes();
        store.put("s", data);
        for (int i = 0; i < 3; i++) {
            Files.delete(root.resolve("disk" + i).resolve("s.shard" + i));
        }
        assertEquals(3, store.repair("s"));
        assertArrayEquals(data, store.get("s"));
        for (int i = 0; i < 4; i++) {
            Files.delete(root.resolve("disk" + i).resolve("s.shard" + i));
        }
        StorageException e = assertThrows(StorageException.class, () -> store.get("s"));
        assertTrue(e.getMessage().contains("5 of 9 shards readable, 6 needed"), e.getMessage());
    }

    @Test
    void costsHalfOfThreeWayReplication() {
        assertEquals(1.5, new ErasureCodedStore(disks(9), 6, 3).storageOverhead());
        assertThrows(IllegalArgumentException.class, () -> new ErasureCodedStore(disks(8), 6, 3));
    }
}
