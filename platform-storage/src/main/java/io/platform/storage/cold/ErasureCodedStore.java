package io.platform.storage.cold;

import io.platform.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Stores named blobs (sealed segments) as {@code k + m} Reed-Solomon shards, one per directory; each directory stands
 * for a disk or node, so losing up to {@code m} of them loses nothing. Every shard carries a header with its index,
 * the blob length and a CRC32C of its bytes, so a corrupt shard is treated as missing rather than decoded into
 * garbage. Writes go to a temporary file and are renamed into place. Thread-safe for distinct names.
 *
 * <pre>
 * shard file: magic "ECS1" | k:u8 | m:u8 | index:u8 | reserved:u8 | blobLength:i64 | shardSize:i32 | crc32c:i32 | bytes
 * </pre>
 */
public final class ErasureCodedStore {
    private static final int MAGIC = 0x45435331;
    private static final int HEADER_LENGTH = 4 + 4 + 8 + 4 + 4;

    private final List<Path> directories;
    private final ReedSolomon code;

    /** @param directories exactly {@code dataShards + parityShards} directories, ideally on different disks */
    public ErasureCodedStore(List<Path> directories, int dataShards, int parityShards) {
        if (directories.size() != dataShards + parityShards) {
            throw new IllegalArgumentException("an erasure-coded store with k=" + dataShards + " m=" + parityShards + " needs "
                    + (dataShards + parityShards) + " directories, got " + directories.size());
        }
        this.directories = List.copyOf(directories);
        this.code = new ReedSolomon(dataShards, parityShards);
    }

    /** Bytes on disk per byte stored, e.g. 1.5 for 6+3; three-way replication costs 3.0. */
    public double storageOverhead() {
        return (double) (code.dataShards() + code.parityShards()) / code.dataShards();
    }

    public void put(String name, byte[] blob) {
        int k = code.dataShards();
        int n = k + code.parityShards();
        int shardSize = Math.max(1, (blob.length + k - 1) / k);
        byte[][] shards = new byte[n][shardSize];
        for (int i = 0; i < k; i++) {
            int from = i * shardSize;
            if (from < blob.length) {
                System.arraycopy(blob, from, shards[i], 0, Math.min(shardSize, blob.length - from));
            }
        }
        code.encode(shards, shardSize);
        for (int i = 0; i < n; i++) {
            writeShard(i, name, blob.length, shards[i]);
        }
    }

    /**
     * Reads a blob back, rebuilding lost or corrupt shards in memory.
     *
     * @throws StorageException when more than {@code m} shards are unreadable, naming which
     */
    public byte[] get(String name) {
        Read read = readShards(name);
        code.reconstruct(read.shards, read.present, read.shardSize);
        byte[] blob = new byte[(int) read.blobLength];
        for (int i = 0, pos = 0; i < code.dataShards() && pos < blob.length; i++, pos += read.shardSize) {
            System.arraycopy(read.shards[i], 0, blob, pos, Math.min(read.shardSize, blob.length - pos));
        }
        return blob;
    }

    /** True when at least one shard of {@code name} exists (it may still be unreadable). */
    public boolean contains(String name) {
        for (int i = 0; i < directories.size(); i++) {
            if (Files.exists(shardPath(i, name))) {
                return true;
            }
        }
        return false;
    }

    /** Rewrites missing or corrupt shards of {@code name}; returns how many were rewritten. */
    public int repair(String name) {
        Read read = readShards(name);
        boolean[] wasPresent = read.present.clone();
        code.reconstruct(read.shards, read.present, read.shardSize);
        int repaired = 0;
        for (int i = 0; i < wasPresent.length; i++) {
            if (!wasPresent[i]) {
                writeShard(i, name, read.blobLength, read.shards[i]);
                repaired++;
            }
        }
        return repaired;
    }

    private static final class Read {
        byte[][] shards;
        boolean[] present;
        int shardSize = -1;
        long blobLength = -1;
    }

    private Read readShards(String name) {
        int n = directories.size();
        Read read = new Read();
        read.shards = new byte[n][];
        read.present = new boolean[n];
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = shardPath(i, name);
            try {
                ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
                if (bytes.remaining() < HEADER_LENGTH || bytes.getInt() != MAGIC) {
                    problems.add(file + ": not a shard");
                    continue;
                }
                int k = bytes.get() & 0xff;
                int m = bytes.get() & 0xff;
                int index = bytes.get() & 0xff;
                bytes.get();
                long blobLength = bytes.getLong();
                int shardSize = bytes.getInt();
                int crc = bytes.getInt();
                if (k != code.dataShards() || m != code.parityShards() || index != i || bytes.remaining() != shardSize) {
                    problems.add(file + ": header does not match (k=" + k + " m=" + m + " index=" + index + ")");
                    continue;
                }
                byte[] shard = new byte[shardSize];
                bytes.get(shard);
                CRC32C checksum = new CRC32C();
                checksum.update(shard);
                if ((int) checksum.getValue() != crc) {
                    problems.add(file + ": checksum mismatch");
                    continue;
                }
                read.shards[i] = shard;
                read.present[i] = true;
                read.shardSize = shardSize;
                read.blobLength = blobLength;
            } catch (NoSuchFileException e) {
                problems.add(file + ": missing");
            } catch (IOException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        int available = 0;
        for (boolean p : read.present) {
            available += p ? 1 : 0;
        }
        if (available < code.dataShards()) {
            throw new StorageException("cannot read blob=" + name + ": " + available + " of " + n + " shards readable, "
                    + code.dataShards() + " needed; problems: " + problems, null);
        }
        for (int i = 0; i < n; i++) {
            if (!read.present[i]) {
                read.shards[i] = new byte[read.shardSize];
            }
        }
        return read;
    }

    private void writeShard(int index, String name, long blobLength, byte[] shard) {
        CRC32C checksum = new CRC32C();
        checksum.update(shard);
        ByteBuffer bytes = ByteBuffer.allocate(HEADER_LENGTH + shard.length)
                .putInt(MAGIC).put((byte) code.dataShards()).put((byte) code.parityShards()).put((byte) index).put((byte) 0)
                .putLong(blobLength).putInt(shard.length).putInt((int) checksum.getValue()).put(shard);
        Path target = shardPath(index, name);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            // synced before the rename: a blob moved here is deleted from the warm tier once put returns
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer out = ByteBuffer.wrap(bytes.array());
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write shard " + index + " of blob=" + name + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private Path shardPath(int index, String name) {
        if (name.contains("/") || name.contains("..") || name.isEmpty()) {
            throw new IllegalArgumentException("blob name must be a plain file name: " + name);
        }
        return directories.get(index).resolve(name + ".shard" + index);
    }
}
