package io.sparkbp.spark;

import io.sparkbp.nn.Block;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Everything one partition caches: its blocks, with their example count and byte size. One
 * {@code PartitionData} per RDD partition.
 *
 * <p>Mini-batch walking: in each epoch the partition visits its blocks in a seed-derived order; the
 * concatenated rows form the partition's stream for that epoch, and step {@code s} of {@code S}
 * takes stream rows {@code [floor(s n / S), floor((s + 1) n / S))}. So every example is used exactly
 * once per epoch, and each step uses about {@code n / S} rows of every partition.
 */
public final class PartitionData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final Block[] blocks;
    private final int rows;

    public PartitionData(int partition, Block[] blocks) {
        this.partition = partition;
        this.blocks = blocks;
        int n = 0;
        for (Block b : blocks) {
            n += b.rows();
        }
        this.rows = n;
    }

    public int partition() {
        return partition;
    }

    public Block[] blocks() {
        return blocks;
    }

    public int rows() {
        return rows;
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
     * step per epoch the blocks are visited in stored order.
     */
    public void forEachSlice(long seed, int epoch, int step, int steps, SliceConsumer consumer) {
        long begin = (long) step * rows / steps;
        long end = (long) (step + 1) * rows / steps;
        if (begin >= end) {
            return;
        }
        int[] order = steps > 1 ? blockOrder(seed, epoch) : null;
        long pos = 0;
        for (int i = 0; i < blocks.length; i++) {
            Block b = blocks[order == null ? i : order[i]];
            long bStart = pos;
            long bEnd = pos + b.rows();
            pos = bEnd;
            if (bEnd <= begin) {
                continue;
            }
            if (bStart >= end) {
                break;
            }
            int from = (int) (Math.max(begin, bStart) - bStart);
            int to = (int) (Math.min(end, bEnd) - bStart);
            consumer.accept(b, from, to);
        }
    }

    private int[] blockOrder(long seed, int epoch) {
        int[] order = new int[blocks.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, partition));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64-style mixing of a seed with two small integers. */
    static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
