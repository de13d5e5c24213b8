package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.optim.LearningRateSchedule;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "Everything is deterministic given the seed and the partitioning" ({@link DistributedTrainer}):
 * the sums over partitions must not depend on which task happens to finish first. Here the same
 * three partitions are summed twice while a different partition is made slow each time, so that
 * Spark's tasks complete in a different order.
 */
class TaskOrderDeterminismTest {
    static JavaSparkContext sc;

    static final NetworkSpec SPEC = new NetworkSpec(new int[] {20, 30, 5}, Activation.TANH, OutputKind.SOFTMAX);

    @TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("TaskOrderDeterminismTest");
        sc.hadoopConfiguration().set("fs.slowfs.impl", SlowFileSystem.class.getName());
        sc.hadoopConfiguration().setBoolean("fs.slowfs.impl.disable.cache", true);
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    /** Partition {@code p}: 4 dense blocks of 50 random examples, the same every time it is built. */
    static PartitionData partition(int p) {
        SplittableRandom rng = new SplittableRandom(1000 + p);
        Block[] blocks = new Block[4];
        int nIn = SPEC.inputs();
        int k = SPEC.outputs();
        for (int b = 0; b < blocks.length; b++) {
            int rows = 50;
            double[] x = new double[nIn * rows];
            double[] t = new double[k * rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextDouble(-3, 3);
            }
            for (int n = 0; n < rows; n++) {
                t[n * k + rng.nextInt(k)] = 1;
            }
            blocks[b] = Block.dense(rows, nIn, k, x, t, null);
        }
        return new PartitionData(p, blocks);
    }

    /** The three partitions, with partition {@code slow} delayed so that it finishes last. */
    static JavaRDD<PartitionData> data(int slow) {
        return sc.parallelize(List.of(0, 1, 2), 3).map(p -> {
            if (p == slow) {
                Thread.sleep(700);
            }
            return partition(p);
        });
    }

    static DistributedTrainer trainer() {
        TrainerSettings settings = new TrainerSettings(SPEC, 0.0,
                new TrainerSettings.Steps(io.sparkbp.optim.OptimizerKind.SGD, 0.0, false, 0, 1),
                new TrainerSettings.Rate(LearningRateSchedule.constant(0.1), 0),
                new TrainerSettings.Length(1, new io.sparkbp.optim.StoppingRule(0, 0, 0)),
                new TrainerSettings.Execution(1L, 2, io.sparkbp.nn.Precision.FLOAT64));
        return new DistributedTrainer(sc, settings);
    }

    @Test
    void theGradientSumDoesNotDependOnWhichPartitionFinishesLast() {
        double[] theta = SPEC.initialParameters(3);
        GradientAccumulator slowFirst = trainer().gradientSum(data(0), theta, 1, 0, 1);
        GradientAccumulator slowLast = trainer().gradientSum(data(2), theta, 1, 0, 1);
        assertEquals(600, slowFirst.count());
        assertEquals(600, slowLast.count());
        assertArrayEquals(slowLast.gradSum(), slowFirst.gradSum(),
                "the gradient sum changed with the order in which Spark tasks completed");
        assertEquals(slowLast.lossSum(), slowFirst.lossSum());
    }

    @Test
    void evaluationMetricsDoNotDependOnWhichPartitionFinishesLast() {
        // weights for which the rounding of the loss sum depends on the order of the three partial sums
        double[] theta = SPEC.initialParameters(9);
        Metrics a = Evaluator.evaluate(sc, new DistributedTrainer.EvalSet(data(0), null, null), SPEC, theta, 2);
        Metrics b = Evaluator.evaluate(sc, new DistributedTrainer.EvalSet(data(2), null, null), SPEC, theta, 2);
        assertEquals(b.toMap(), a.toMap());
    }

    /** The local file system under the scheme {@code slowfs:}, where opening the file named {@link #slow} takes 700 ms. */
    public static final class SlowFileSystem extends RawLocalFileSystem {
        static volatile String slow = "";

        @Override
        public URI getUri() {
            return URI.create("slowfs:///");
        }

        @Override
        public String getScheme() {
            return "slowfs";
        }

        @Override
        public FSDataInputStream open(Path f, int bufferSize) throws IOException {
            if (f.getName().equals(slow)) {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.open(f, bufferSize);
        }
    }

    @Test
    void standardizationStatisticsDoNotDependOnWhichInputFileIsReadLast() throws IOException {
        // the digits training set as two files, read as two partitions
        List<String> lines = Files.readAllLines(CliHarness.DATA.resolve("digits/train.libsvm"));
        int half = lines.size() / 2;
        try {
            Files.write(dir.resolve("a.libsvm"), lines.subList(0, half));
            Files.write(dir.resolve("b.libsvm"), lines.subList(half, lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataLoader loader = new DataLoader(sc);
        DataLoader.Source source = loader.resolve(new DataLoader.Source("slowfs://" + dir.toAbsolutePath() + "/*.libsvm",
                "data.train", new DataLoader.Lines(Format.LIBSVM, 64, 10, OutputKind.SOFTMAX),
                new DataLoader.CsvColumns(List.of(), "", null),
                new DataLoader.Reading(false, 2, 256, Layout.AUTO, StorageLevel.MEMORY_ONLY())));
        try {
            SlowFileSystem.slow = "a.libsvm";
            FeatureStats aLast = loader.stats(source, DataLoader.Holdout.ALL);
            SlowFileSystem.slow = "b.libsvm";
            FeatureStats bLast = loader.stats(source, DataLoader.Holdout.ALL);
            assertEquals(1438, aLast.count());
            assertEquals(1438, bLast.count());
            assertArrayEquals(bLast.inputTransform(true).mean(), aLast.inputTransform(true).mean(),
                    "the feature means changed with the order in which Spark tasks completed");
            assertArrayEquals(bLast.inputTransform(true).scale(), aLast.inputTransform(true).scale(),
                    "the feature scales changed with the order in which Spark tasks completed");
        } finally {
            SlowFileSystem.slow = "";
        }
    }
}
