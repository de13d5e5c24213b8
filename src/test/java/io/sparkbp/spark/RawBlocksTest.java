package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cached raw blocks give the statistics and the standardized blocks that the examples themselves give,
 * bit for bit, and standardizing them drops the raw cache wave by wave, so that loading does not hold
 * two copies of the data.
 */
class RawBlocksTest {
    static JavaSparkContext sc;
    private static final int PARTITIONS = 24;
    private static final int N_IN = 6;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("RawBlocksTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static JavaRDD<ParsedExample> examples() {
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            seeds.add(i);
        }
        return sc.parallelize(seeds, PARTITIONS).map(i -> {
            SplittableRandom r = new SplittableRandom(i);
            // the first half dense enough for dense raw blocks, the second half sparse
            int[] idx = i < 300 ? new int[] {0, 2, 3, 5} : new int[] {1 + i % 5};
            double[] val = i < 300 ? new double[] {r.nextDouble() * 1e3, r.nextGaussian(), 1 + r.nextInt(9),
                    r.nextDouble() - 2} : new double[] {r.nextGaussian() * 7};
            double[] t = new double[3];
            t[r.nextInt(3)] = 1;
            return new ParsedExample(idx, val, t, i % 5 == 0 ? 2.5 : 1.0);
        });
    }

    @Test
    void standardizingCachedRawBlocksGivesTheBlocksOfTheExamplesAndDropsTheRawCacheByWaves() throws Exception {
        StorageLevel level = StorageLevel.MEMORY_ONLY();
        BlockCache.Raw packed = BlockCache.packRaw(examples(), N_IN, 3, 16, level, "raw");
        DataLoader.Loaded raw = packed.blocks();
        List<PartitionData> rawParts = raw.rdd().collect();
        assertTrue(!rawParts.get(0).blocks()[0].isSparse() && rawParts.get(PARTITIONS - 1).blocks()[0].isSparse(),
                "dense and sparse raw blocks");
        FeatureStats fromExamples = DataLoader.stats(examples(), N_IN, 3);
        FeatureStats fromRaw = BlockCache.rawStats(raw.rdd(), N_IN, 3);
        Standardizer st = new Standardizer(DataLoader.inputTransform(fromRaw, Layout.DENSE), fromRaw.targetTransform());
        assertEquals(new Standardizer(DataLoader.inputTransform(fromExamples, Layout.DENSE),
                fromExamples.targetTransform()).toString(), st.toString());
        // packed.stats(): gathered as the cache was made and merged on the driver in the order of the
        // executors' tree, which for 24 partitions has two levels (groups of 5, then the 5 groups)
        BlockPacker.Spec spec = BlockCache.rawSpec(N_IN, 3, 16);
        BlockCache.Raw notGathered = BlockCache.packRaw(BlockCache.packed(examples(), Standardizer.none(), spec), spec,
                level, "raw, stats aggregated", 0);
        notGathered.blocks().rdd().unpersist(true);
        for (FeatureStats f : new FeatureStats[] {fromRaw, packed.stats(), notGathered.stats()}) {
            assertEquals(fromExamples.count(), f.count());
            for (int j = 0; j < N_IN; j++) {
                assertEquals(Double.doubleToLongBits(fromExamples.inputMean(j)), Double.doubleToLongBits(f.inputMean(j)));
                assertEquals(Double.doubleToLongBits(fromExamples.inputVariance(j)), Double.doubleToLongBits(f.inputVariance(j)));
                assertEquals(fromExamples.inputNonzeros(j), f.inputNonzeros(j));
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(Double.doubleToLongBits(fromExamples.targetMean(k)), Double.doubleToLongBits(f.targetMean(k)));
                assertEquals(Double.doubleToLongBits(fromExamples.targetVariance(k)), Double.doubleToLongBits(f.targetVariance(k)));
            }
            assertEquals(DataLoader.inputTransform(fromExamples, Layout.AUTO).toString(),
                    DataLoader.inputTransform(f, Layout.AUTO).toString());
        }

        int rawId = raw.rdd().id();
        Set<Integer> rawCached = new HashSet<>();
        int[] rawWhenLastCached = {-1};
        SparkListener watch = new SparkListener() {
            @Override
            public void onBlockUpdated(SparkListenerBlockUpdated u) {
                BlockId id = u.blockUpdatedInfo().blockId();
                if (!(id instanceof RDDBlockId b)) {
                    return;
                }
                boolean cached = u.blockUpdatedInfo().storageLevel().isValid();
                if (b.rddId() == rawId) {
                    if (cached) {
                        rawCached.add(b.splitIndex());
                    } else {
                        rawCached.remove(b.splitIndex());
                    }
                } else if (cached && b.splitIndex() == PARTITIONS - 1) {
                    rawWhenLastCached[0] = rawCached.size();
                }
            }
        };
        for (int p = 0; p < PARTITIONS; p++) {
            rawCached.add(p);
        }
        sc.sc().addSparkListener(watch);
        BlockPacker.Spec blocks = new BlockPacker.Spec(N_IN, 3, 16, Layout.AUTO, Precision.FLOAT32);
        DataLoader.Loaded std;
        try {
            std = BlockCache.standardize(raw, st, blocks, level, "std");
            // the raw cache is gone once standardize returns (a blocking unpersist): no removal of its
            // blocks is still under way to race with the next job's or the session's
            scala.collection.Seq<BlockId> left = org.apache.spark.SparkEnv.get().blockManager()
                    .getMatchingBlockIds(id -> id instanceof RDDBlockId r && r.rddId() == rawId);
            assertTrue(left.isEmpty(), () -> "raw blocks left after standardize: " + left);
            assertFalse(sc.getPersistentRDDs().containsKey(rawId), "the raw RDD is no longer persistent");
            sc.sc().listenerBus().waitUntilEmpty(10_000);
        } finally {
            sc.sc().removeSparkListener(watch);
        }
        int wave = BlockCache.WAVE_PER_CORE * sc.defaultParallelism();
        assertTrue(wave < PARTITIONS / 2, "the test needs several waves");
        assertTrue(rawWhenLastCached[0] >= 0 && rawWhenLastCached[0] <= PARTITIONS - wave,
                "raw blocks still cached when the last standardized block was: " + rawWhenLastCached[0]);

        DataLoader.Loaded direct = BlockCache.pack(examples(), st, blocks, level, "direct");
        assertEquals(direct.digest().features(), std.digest().features());
        assertEquals(direct.digest().weights(), std.digest().weights());
        assertEquals(direct.examples(), std.examples());
        assertEquals(direct.bytes(), std.bytes());
        List<PartitionData> a = direct.rdd().collect();
        List<PartitionData> b = std.rdd().collect();
        for (int p = 0; p < PARTITIONS; p++) {
            Block[] x = a.get(p).blocks();
            Block[] y = b.get(p).blocks();
            assertEquals(x.length, y.length);
            for (int k = 0; k < x.length; k++) {
                assertArrayEquals(x[k].xFloat(), y[k].xFloat());
                assertArrayEquals(x[k].t(), y[k].t());
                for (int r = 0; r < x[k].rows(); r++) {
                    assertEquals(x[k].weight(r), y[k].weight(r), 0.0);
                }
            }
        }
        direct.rdd().unpersist(false);
        std.rdd().unpersist(false);
    }
}
