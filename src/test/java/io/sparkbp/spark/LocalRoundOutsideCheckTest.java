package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One local round ({@code train.localSteps}) against a loop written from its contract: every
 * partition restores the driver's optimizer state, takes its steps on its own share of each
 * mini-batch, and the round returns the example-weighted sums of the partitions' weights and of
 * their optimizer state vectors. Partitions of different sizes make the weights matter.
 */
class LocalRoundOutsideCheckTest {
    static JavaSparkContext sc;
    static final NetworkSpec SPEC = new NetworkSpec(new int[] {6, 5, 3}, Activation.SIGMOID, OutputKind.SOFTMAX);
    static final double L2 = 0.01;
    static final double LR = 0.05;
    static final long SEED = 11;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("LocalRoundOutsideCheckTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    /** Partition {@code p}: 3 dense blocks of {@code 20 + 9p} random examples with random weights. */
    static PartitionData partition(int p) {
        SplittableRandom rng = new SplittableRandom(500 + p);
        Block[] blocks = new Block[3];
        int rows = 20 + 9 * p;
        for (int b = 0; b < blocks.length; b++) {
            double[] x = new double[SPEC.inputs() * rows];
            double[] t = new double[SPEC.outputs() * rows];
            double[] w = new double[rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextDouble(-2, 2);
            }
            for (int n = 0; n < rows; n++) {
                t[n * SPEC.outputs() + rng.nextInt(SPEC.outputs())] = 1;
                w[n] = rng.nextDouble(0.5, 2);
            }
            blocks[b] = Block.dense(rows, SPEC.inputs(), SPEC.outputs(), x, t, w);
        }
        return new PartitionData(p, blocks);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void aRoundReturnsTheWeightedSumsOfThePartitionsModelsAndOptimizerStates(String name) {
        OptimizerSettings opt = OptimizerSettings.DEFAULTS.withMomentum(0.9, false);
        List<PartitionData> parts = List.of(partition(0), partition(1), partition(2));
        JavaRDD<PartitionData> rdd = sc.parallelize(new ArrayList<>(parts), parts.size()).cache();
        int steps = 6;
        int first = 1;
        int last = 4;
        TrainerSettings settings = new TrainerSettings(SPEC, L2,
                new TrainerSettings.Steps(io.sparkbp.optim.OptimizerKind.parse(name), 0.9, false, 40, last - first),
                new TrainerSettings.Rate(LearningRateSchedule.constant(LR), 0),
                new TrainerSettings.Length(1, new io.sparkbp.optim.StoppingRule(0, 0, 0)),
                new TrainerSettings.Execution(SEED, 1, io.sparkbp.nn.Precision.FLOAT64));

        // a driver-side optimizer with history: two steps on made-up gradients
        double[] theta = SPEC.initialParameters(3);
        Optimizer driver = Optimizer.create(name, theta.length, opt);
        SplittableRandom rng = new SplittableRandom(9);
        double[] fake = new double[theta.length];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < fake.length; i++) {
                fake[i] = rng.nextGaussian();
            }
            driver.step(theta, fake, LR);
        }
        double[][] state = driver.state();

        GradientAccumulator got = new DistributedTrainer(sc, settings).localRound(rdd, theta, state,
                new GradientJobs.StepRange(1, first, last, steps), LR);

        int n = theta.length;
        double[] want = new double[3 * n];
        double weightTotal = 0;
        BlockGradient bg = new BlockGradient(SPEC, 256);
        for (PartitionData pd : parts) {
            double[] local = theta.clone();
            Optimizer o = Optimizer.create(name, n, opt);
            o.restoreState(state);
            double used = 0;
            for (int s = first; s < last; s++) {
                GradientAccumulator acc = new GradientAccumulator(n);
                pd.forEachSlice(SEED, 1, s, steps, (b, from, to) -> bg.accumulate(local, b, from, to, acc));
                double[] g = new double[n];
                Objective.valueAndGradient(SPEC, local, L2, acc, g);
                o.step(local, g, LR);
                used += acc.weightSum();
            }
            double[][] after = o.state();
            for (int i = 0; i < n; i++) {
                want[i] += used * local[i];
                want[n + i] += used * after[1][i];
                if (name.equals("adam")) {
                    want[2 * n + i] += used * after[2][i];
                }
            }
            weightTotal += used;
        }
        int vectors = name.equals("adam") ? 3 : 2;
        assertEquals(vectors * n, got.gradSum().length, "weights, then one sum per optimizer state vector");
        assertEquals(weightTotal, got.weightSum(), 1e-12 * weightTotal);
        double scale = 0;
        for (int i = 0; i < vectors * n; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
        }
        for (int i = 0; i < vectors * n; i++) {
            assertEquals(want[i], got.gradSum()[i], 1e-13 * scale, "sum " + i);
        }
        rdd.unpersist();
    }
}
