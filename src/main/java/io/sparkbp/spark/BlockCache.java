package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataDigest;
import io.sparkbp.data.DataException;
import io.sparkbp.data.ExampleRow;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;
import io.sparkbp.spark.DataLoader.Loaded;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Cached blocks of examples ({@link PartitionData}, one per partition, never reshuffled), made and
 * remade on the executors: packing examples, raw or standardized; standardizing cached raw blocks in
 * waves that drop the raw cache as they go; merging partitions. Every result is materialized in the
 * job that counts it ({@link DataLoader.Loaded}), and a partition's data error surfaces there, on the
 * driver, in partition order.
 */
final class BlockCache {
    private BlockCache() {
    }

    /**
     * Standardizes raw {@code examples} with {@code standardizer}, packs each partition's examples, in
     * order, into blocks of {@code blockRows} with their input values stored in {@code precision} (one
     * {@link PartitionData} per partition, never reshuffled), caches them at {@code level} and
     * materializes the cache. The same examples in the same partitions give the same blocks whatever
     * their source (text files, a DataFrame in {@code io.sparkbp.ml}). The result may hold no
     * examples ({@link DataLoader.Loaded#skipped()} is 0); the caller reports that as it sees fit and unpersists.
     */
    static Loaded pack(JavaRDD<ParsedExample> examples, Standardizer standardizer, BlockPacker.Spec blocks,
                              StorageLevel level, String name) {
        return cache(packed(examples, standardizer, blocks), level, name);
    }

    /** Caches the {@link #pack}ed but not yet cached {@code data} at {@code level} and materializes the cache, as {@link #pack}. */
    static Loaded cache(JavaRDD<PartitionData> data, StorageLevel level, String name) {
        data.persist(level);
        data.setName(name);
        Totals totals = totals(data);
        return new Loaded(data, totals.examples, totals.bytes, 0, totals.weighted, totals.digest);
    }

    /** The blocks {@link #pack} caches, not yet cached. */
    static JavaRDD<PartitionData> packed(JavaRDD<ParsedExample> examples, Standardizer standardizer,
                                         BlockPacker.Spec blocks) {
        return examples.mapPartitions(it -> List.of(pack(new Partial.UntilFailure(it), standardizer, blocks)).iterator(),
                true);
    }

    /**
     * The blocks of one partition of {@code rows}, each standardized with {@code standardizer} and packed as
     * {@code blocks} says, in order, with the digest of the raw examples and the data error that ended them.
     */
    static PartitionData pack(ExampleRows rows, Standardizer standardizer, BlockPacker.Spec blocks) {
        DataDigest digest = new DataDigest();
        Block[] packed = pack(rows, standardizer, blocks, digest);
        return new PartitionData(TaskContext.getPartitionId(), packed, digest, rows.failure());
    }

    /** The blocks of {@code rows} as {@link #pack(ExampleRows, Standardizer, BlockPacker.Spec)} makes them, digested into {@code digest} (may be null). */
    private static Block[] pack(ExampleRows rows, Standardizer standardizer, BlockPacker.Spec blocks, DataDigest digest) {
        List<Block> packed = new ArrayList<>();
        BlockPacker packer = new BlockPacker(blocks);
        ExampleRow row = new ExampleRow(blocks.inputs(), blocks.outputs());
        while (rows.next(row)) {
            if (digest != null) {
                digest.add(row);
            }
            Block b = packer.add(standardizer.applyTo(row));
            if (b != null) {
                packed.add(b);
            }
        }
        Block last = packer.flush();
        if (last != null) {
            packed.add(last);
        }
        return packed.toArray(new Block[0]);
    }

    /** The examples of the raw float64 {@code blocks} ({@link #packRaw}) in order, read into rows. */
    private static ExampleRows rowsOf(Block[] blocks) {
        return new ExampleRows() {
            private int block;
            private int row;

            @Override
            public boolean next(ExampleRow into) {
                while (block < blocks.length && row == blocks[block].rows()) {
                    block++;
                    row = 0;
                }
                if (block == blocks.length) {
                    return false;
                }
                BlockPacker.unpack(blocks[block], row++, into);
                return true;
            }

            @Override
            public DataException failure() {
                return null;
            }
        };
    }

    /** Cached raw blocks ({@link #packRaw}) and the statistics of their examples. */
    record Raw(Loaded blocks, FeatureStats stats) {
    }

    /**
     * The driver gathers every partition's statistics at once when they take at most this many bytes in
     * all ({@link #packRaw}); more are aggregated on the executors in a pass over the cache.
     */
    static final long GATHERED_STATS_BYTES = 64L << 20;

    /**
     * Packs raw {@code examples} (not standardized) into float64 blocks, dense or sparse as their
     * nonzeros suggest ({@link Layout#AUTO}), one {@link PartitionData} per partition with the digest
     * of its examples, caches them at {@code level} and materializes the cache (a data error of a
     * partition is thrown here, in partition order). The blocks hold the examples exactly ({@link
     * BlockPacker#unpack}), so {@link #standardize} can pack the standardized blocks from the cache
     * instead of reading and parsing the text again. The statistics are {@link #rawStats} of the
     * blocks, bit for bit; while every partition's statistics fit in {@link #GATHERED_STATS_BYTES} they
     * are folded in the job that materializes the cache, each task folding the blocks it has just made,
     * and merged on the driver in {@link #rawStats}' order ({@link OrderedAggregate#mergeAsAggregate}),
     * so the cache is not read a second time for them.
     */
    static Raw packRaw(JavaRDD<ParsedExample> examples, int nIn, int nOut, int blockRows, StorageLevel level,
                       String name) {
        BlockPacker.Spec spec = rawSpec(nIn, nOut, blockRows);
        return packRaw(packed(examples, Standardizer.none(), spec), spec, level, name, GATHERED_STATS_BYTES);
    }

    /** The blocks {@link #packRaw} makes: float64, of {@code blockRows} rows, dense or sparse as their nonzeros suggest. */
    static BlockPacker.Spec rawSpec(int nIn, int nOut, int blockRows) {
        return new BlockPacker.Spec(nIn, nOut, blockRows, Layout.AUTO, Precision.FLOAT64);
    }

    /**
     * {@link #packRaw} of {@code data}, the raw blocks packed as {@code spec} ({@link #rawSpec}) says and not
     * yet cached, gathering the partitions' statistics on the driver up to {@code gatherBytes} in all.
     */
    static Raw packRaw(JavaRDD<PartitionData> data, BlockPacker.Spec spec, StorageLevel level, String name,
                       long gatherBytes) {
        int nIn = spec.inputs();
        int nOut = spec.outputs();
        data.persist(level);
        data.setName(name);
        boolean gather = (double) data.getNumPartitions() * FeatureStats.sizeInBytes(nIn, nOut) <= gatherBytes;
        Totals totals = totals(data, null, gather);
        Loaded blocks = new Loaded(data, totals.examples, totals.bytes, 0, totals.weighted, totals.digest);
        if (!gather) {
            return new Raw(blocks, rawStats(data, nIn, nOut));
        }
        FeatureStats stats = OrderedAggregate.mergeAsAggregate(totals.stats, FeatureStats::merge, STATS_DEPTH);
        return new Raw(blocks, stats != null ? stats : new FeatureStats(nIn, nOut));
    }

    /** The depth of the tree that merges the partitions' statistics. */
    private static final int STATS_DEPTH = 2;

    /**
     * {@link DataLoader#stats(JavaRDD, int, int)} of the examples of the raw blocks {@code raw} ({@link
     * #packRaw}), bit for bit, folded from the blocks without making the examples.
     */
    static FeatureStats rawStats(JavaRDD<PartitionData> raw, int nIn, int nOut) {
        FeatureStats stats = OrderedAggregate.aggregate(raw,
                BlockCache::foldStats, FeatureStats::merge, STATS_DEPTH);
        return stats != null ? stats : new FeatureStats(nIn, nOut);
    }

    /** {@code a} (null for none yet) with the examples of the raw blocks of {@code pd} added; null while there are none. */
    private static FeatureStats foldStats(FeatureStats a, PartitionData pd) {
        FeatureStats acc = a;
        for (Block b : pd.blocks()) {
            if (b.rows() > 0) {
                acc = (acc == null ? new FeatureStats(b.inputs(), b.outputs()) : acc).add(b);
            }
        }
        return acc;
    }

    /**
     * The blocks {@link #pack} makes of the examples of the cached raw blocks {@code raw} ({@link
     * #packRaw}) with {@code standardizer}, bit for bit, in the same partitions and with the same
     * digests, cached at {@code level} and materialized, while {@code raw}'s cache is dropped: the
     * partitions are standardized in waves of a few per core, and each wave's raw blocks are removed
     * once its standardized blocks are cached, so loading holds about one copy of the data (plus a
     * wave) rather than two. Keeps {@code raw}'s count of skipped lines.
     */
    static Loaded standardize(Loaded raw, Standardizer standardizer, BlockPacker.Spec blocks, StorageLevel level,
                                     String name) {
        JavaRDD<PartitionData> data = raw.rdd().mapPartitions(it -> {
            List<PartitionData> out = new ArrayList<>(1);
            while (it.hasNext()) {
                PartitionData r = it.next();
                Block[] packed = pack(rowsOf(r.blocks()), standardizer, blocks, null); // r's digest is theirs
                out.add(new PartitionData(TaskContext.getPartitionId(), packed, r.digest(), null));
            }
            return out.iterator();
        }, true);
        data.persist(level);
        data.setName(name);
        Totals totals = totals(data, raw.rdd(), false);
        drop(raw.rdd()); // the waves removed all but the last wave's raw blocks
        return new Loaded(data, totals.examples, totals.bytes, raw.skipped(), totals.weighted, totals.digest);
    }

    /**
     * {@code data} in {@code partitions} partitions (fewer than it has): consecutive partitions merged
     * in order ({@link RangeCoalescer}), each merge one {@link PartitionData} whose blocks are those
     * of its parents, in order, and whose index is its new partition index. The merged data are
     * cached at {@code level} and materialized, then {@code data}'s cache is dropped; the blocks
     * themselves are not copied. Returns {@code data} unchanged when it has no more partitions than asked.
     */
    static Loaded coalesce(Loaded data, int partitions, StorageLevel level) {
        if (partitions >= data.partitions()) {
            return data;
        }
        String name = data.rdd().name();
        data.rdd().setName(name + " (before merging)");
        org.apache.spark.rdd.RDD<PartitionData> grouped = data.rdd().rdd().coalesce(partitions, false,
                scala.Option.apply(new RangeCoalescer()), null);
        JavaRDD<PartitionData> merged = grouped.toJavaRDD().mapPartitions(it -> {
            List<Block> blocks = new ArrayList<>();
            while (it.hasNext()) {
                blocks.addAll(java.util.Arrays.asList(it.next().blocks()));
            }
            return List.of(new PartitionData(TaskContext.getPartitionId(), blocks.toArray(new Block[0]))).iterator();
        }, true);
        merged.persist(level);
        merged.setName(name);
        Totals totals = totals(merged);
        drop(data.rdd());
        return new Loaded(merged, totals.examples, totals.bytes, data.skipped(), totals.weighted, data.digest());
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlockCache.class);

    /**
     * Drops {@code rdd}'s cache, blocking until the executors have removed its blocks, so no removal is
     * still under way when the next job runs or the session stops. The blocks are no longer needed, so a
     * removal that fails (Spark's block manager can race with itself over a block another removal took
     * first: "Block rdd_2_1 does not exist") must not fail the run: it is logged at debug level only.
     */
    static void drop(JavaRDD<?> rdd) {
        try {
            rdd.unpersist(true);
        } catch (Exception e) { // Spark's awaitResult rethrows the executors' SparkException unchecked
            LOG.debug("dropping the cache of {} failed; its blocks are no longer used", rdd.name(), e);
        }
    }

    /** What the job that materializes cached blocks learns of them. */
    private record Totals(long examples, long bytes, long weighted, DataDigest digest, List<FeatureStats> stats) {
    }

    /**
     * One partition's part of {@link Totals}: its counts and digest, or the data error that stopped it.
     * A task result, so a class and not a record: Kryo's field serializer (the scripts' {@code
     * spark.serializer}) cannot write records.
     */
    private static final class PartTotals implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long rows;
        private final long bytes;
        private final long weighted;
        private final DataDigest digest;
        private final DataException failure;
        private final FeatureStats stats;

        PartTotals(long rows, long bytes, long weighted, DataDigest digest, DataException failure, FeatureStats stats) {
            this.rows = rows;
            this.bytes = bytes;
            this.weighted = weighted;
            this.digest = digest;
            this.failure = failure;
            this.stats = stats;
        }

        long rows() {
            return rows;
        }

        long bytes() {
            return bytes;
        }

        long weighted() {
            return weighted;
        }

        DataDigest digest() {
            return digest;
        }

        DataException failure() {
            return failure;
        }

        /** The statistics of the partition's raw examples, or null when not asked for (or none). */
        FeatureStats stats() {
            return stats;
        }
    }

    /**
     * The examples, bytes and examples of weight {@code > 0} of {@code data}, and the digest of its
     * examples (its partitions' digests in partition order), in the job that materializes it. A
     * partition whose reading failed makes this the driver's data error (the first such partition's,
     * in partition order), after dropping the cache.
     */
    private static Totals totals(JavaRDD<PartitionData> data) {
        return totals(data, null, false);
    }

    /** Partitions standardized per wave ({@link #standardize}), per core of the default parallelism. */
    static final int WAVE_PER_CORE = 4;

    /**
     * As {@link #totals(JavaRDD)}; with {@code source} not null (the cached RDD that {@code data} is
     * computed from, partition by partition), in waves of {@link #WAVE_PER_CORE} partitions per core,
     * removing {@code source}'s cached blocks of each wave once the wave's job has cached its own, except
     * the last wave's: the caller's {@link #drop} of {@code source} right after removes them, and two removals
     * of one block at once make Spark's block manager warn ("could not be removed") or fail. With {@code
     * stats}, the totals also hold each partition's statistics of its raw blocks, in partition order (null
     * for a partition without rows).
     */
    private static Totals totals(JavaRDD<PartitionData> data, JavaRDD<PartitionData> source, boolean stats) {
        JavaRDD<PartTotals> each = data.map(pd -> pd.failure() != null ? new PartTotals(0, 0, 0, null, pd.failure(), null)
                : new PartTotals(pd.rows(), pd.sizeInBytes(), pd.weighted(), pd.digest(), null,
                        stats ? foldStats(null, pd) : null));
        List<PartTotals> parts = new ArrayList<>();
        if (source == null) {
            parts.addAll(each.collect());
        } else {
            int n = data.getNumPartitions();
            int wave = Math.max(1, WAVE_PER_CORE * data.context().defaultParallelism());
            for (int from = 0; from < n; from += wave) {
                int[] ids = java.util.stream.IntStream.range(from, Math.min(n, from + wave)).toArray();
                for (List<PartTotals> l : each.collectPartitions(ids)) {
                    parts.addAll(l);
                }
                if (from + wave >= n) {
                    break; // the last wave's blocks go with the caller's unpersist, not racing with it
                }
                for (int id : ids) {
                    org.apache.spark.SparkEnv.get().blockManager().master()
                            .removeBlock(new org.apache.spark.storage.RDDBlockId(source.id(), id));
                }
            }
        }
        long examples = 0;
        long bytes = 0;
        long weighted = 0;
        DataDigest digest = new DataDigest();
        List<FeatureStats> partStats = new ArrayList<>(parts.size());
        for (PartTotals p : parts) {
            if (p.failure() != null) {
                data.unpersist(true); // blocking: the session may stop right after the throw
                throw p.failure();
            }
            examples += p.rows();
            bytes += p.bytes();
            weighted += p.weighted();
            digest = p.digest() == null ? digest : digest.then(p.digest());
            partStats.add(p.stats());
        }
        return new Totals(examples, bytes, weighted, digest, partStats);
    }

}
