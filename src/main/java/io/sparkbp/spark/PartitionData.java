package io.sparkbp.spark;

import io.sparkbp.data.DataDigest;
import io.sparkbp.data.DataException;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.RowGather;

import java.io.Serializable;

/**
 * Everything one partition caches: its blocks, with their example count and byte size. One
 * {@code PartitionData} per RDD partition. A partition whose reading stopped at a data error holds
 * that error instead ({@link #failure()}): the loading pass reports it to the driver as a result,
 * so no task fails; its blocks are never handed out (asking for them throws the error).
 *
 * <p>Mini-batch walking: in each epoch the partition's {@code n} rows are put in a seed-derived
 * pseudo-random order, which forms the partition's stream for that epoch, and step {@code s} of
 * {@code S} takes stream rows {@code [floor(s n / S), floor((s + 1) n / S))}. So every example is used
 * exactly once per epoch, and each step uses about {@code n / S} rows of every partition.
 */
public final class PartitionData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final Block[] blocks;
    private final int rows;
    private final DataException failure;
    private final DataDigest digest;
    private transient volatile int[] blockStarts;

    public PartitionData(int partition, Block[] blocks) {
        this(partition, blocks, null, null);
    }

    /**
     * A partition of {@code blocks} read from examples whose {@link DataDigest} is {@code digest} (may
     * be null), or, when {@code failure} is not null, one whose reading failed with it.
     */
    public PartitionData(int partition, Block[] blocks, DataDigest digest, DataException failure) {
        this.partition = partition;
        this.blocks = blocks;
        this.digest = digest;
        this.failure = failure;
        int n = 0;
        for (Block b : blocks) {
            n += b.rows();
        }
        this.rows = n;
    }

    public int partition() {
        return partition;
    }

    /** The blocks; throws the data error of a partition whose reading failed. */
    public Block[] blocks() {
        requireRead();
        return blocks;
    }

    /** The digest of the examples as read (before standardization), or null when not taken. */
    public DataDigest digest() {
        return digest;
    }

    /** The data error that stopped reading this partition, or null. */
    public DataException failure() {
        return failure;
    }

    private void requireRead() {
        if (failure != null) {
            throw failure;
        }
    }

    public int rows() {
        return rows;
    }

    /** How many of the rows have a weight {@code > 0}. */
    public long weighted() {
        long n = 0;
        for (Block b : blocks) {
            if (b.unweighted()) {
                n += b.rows();
                continue;
            }
            for (int r = 0; r < b.rows(); r++) {
                n += b.weight(r) > 0 ? 1 : 0;
            }
        }
        return n;
    }

    public long sizeInBytes() {
        long bytes = 0;
        for (Block b : blocks) {
            bytes += b.sizeInBytes();
        }
        return bytes;
    }

    /** Receives one contiguous row range of one block. */
    @FunctionalInterface
    public interface SliceConsumer {
        void accept(Block block, int from, int to);
    }

    /**
     * Visits the rows of step {@code step} of {@code steps} in epoch {@code epoch}. With a single
     * step per epoch (full batch) the blocks are visited as they are stored. With mini-batches the
     * epoch's stream is the partition's rows in a pseudo-random order drawn from the seed, the epoch
     * and the partition ({@link RowOrder}); the step's rows are copied into one block
     * ({@link RowGather}) and visited as that block, so each mini-batch is a sample of the whole
     * partition whatever the order of the input file.
     */
    public void forEachSlice(long seed, int epoch, int step, int steps, SliceConsumer consumer) {
        requireRead();
        long begin = (long) step * rows / steps;
        long end = (long) (step + 1) * rows / steps;
        if (begin >= end) {
            return;
        }
        if (steps == 1) {
            for (Block b : blocks) {
                consumer.accept(b, 0, b.rows());
            }
            return;
        }
        RowOrder order = new RowOrder(rows, mix(seed, epoch, partition));
        int m = (int) (end - begin);
        int[] block = new int[m];
        int[] row = new int[m];
        int[] starts = starts();
        for (int i = 0; i < m; i++) {
            int r = (int) order.at(begin + i);
            int b = java.util.Arrays.binarySearch(starts, r);
            b = b >= 0 ? b : -b - 2;
            block[i] = b;
            row[i] = r - starts[b];
        }
        Block batch = RowGather.gather(blocks, block, row, m);
        consumer.accept(batch, 0, m);
    }

    /** The first row of each block in the partition's stored order (cached; blocks are immutable). */
    private int[] starts() {
        int[] s = blockStarts;
        if (s == null) {
            s = new int[blocks.length];
            int n = 0;
            for (int i = 0; i < blocks.length; i++) {
                s[i] = n;
                n += blocks[i].rows();
            }
            blockStarts = s;
        }
        return s;
    }

    /** SplitMix64-style mixing of a seed with two small integers. */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
