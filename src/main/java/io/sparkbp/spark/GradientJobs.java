package io.sparkbp.spark;

import io.sparkbp.math.Kernels;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.OptimizerSettings;
import io.sparkbp.optim.RangeTest;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.Serializable;

/**
 * The Spark jobs of training, each one pass over the cached training data in partition order
 * ({@link OrderedAggregate}): the gradient sum of one step, one round of local steps, and the
 * learning-rate range test. The weights travel to the executors in the task closure or as a
 * broadcast ({@link OrderedAggregate#withShared}), in the run's precision.
 */
final class GradientJobs {
    private final JavaSparkContext sc;
    private final TrainerSettings settings;
    private final NetworkSpec spec;

    GradientJobs(JavaSparkContext sc, TrainerSettings settings) {
        this.sc = sc;
        this.settings = settings;
        this.spec = settings.spec();
    }

    JavaSparkContext context() {
        return sc;
    }

    TrainerSettings settings() {
        return settings;
    }

    /** One distributed pass: the gradient, loss and weight sums of step {@code step} at {@code theta}. */
    GradientAccumulator gradientSum(JavaRDD<PartitionData> train, double[] theta, int epoch, int step, int steps) {
        NetworkSpec net = spec;
        long seed = settings.seed();
        int depth = settings.aggregationDepth();
        Object wire = wireWeights(theta);
        return OrderedAggregate.withShared(sc, wire, wireBytes(wire), shared -> {
            GradientAccumulator acc = OrderedAggregate.aggregate(train, (GradientAccumulator a, PartitionData pd) -> {
                Workspaces.Workspace ws = Workspaces.of(net);
                GradientAccumulator out = a != null ? a : ws.result();
                pd.forEachSlice(seed, epoch, step, steps, adder(ws.gradient, shared.value(), out));
                return out;
            }, GradientAccumulator::merge, depth);
            return acc != null ? acc : new GradientAccumulator(net.numParams());
        });
    }

    /**
     * One round of local training: every partition starts from {@code theta} and the driver's
     * optimizer {@code state} (as {@link Optimizer#state()} gives it), takes steps {@code [first,
     * last)} of the epoch on its own share of each mini-batch, and returns, times the example weight
     * it used, its weights followed by its optimizer state vectors. The driver divides the sums by
     * the total weight ({@link LocalRounds}): a weighted average of the partitions' models and of
     * their optimizer states, so Adam's moments and SGD's velocity carry over from round to round
     * as they do from step to step in synchronous training. Loss and weight sums are those of the
     * local steps, each measured before its update.
     *
     * <p>In single precision the partitions start from the float weights they receive, compute each
     * step's gradient at a float copy of their (double) local weights, and return their weight
     * changes instead; the driver adds the weighted mean change to its double weights, so changes
     * smaller than a float's resolution still accumulate on the driver.
     */
    GradientAccumulator localRound(JavaRDD<PartitionData> train, double[] theta, double[][] state, StepRange range,
                                   double lr) {
        int n = spec.numParams();
        Round round = new Round(stepSpec(), n * (1 + stateVectors(state, n)), range, lr);
        Object[] wire = new Object[1 + state.length];
        wire[0] = wireWeights(theta);
        System.arraycopy(state, 0, wire, 1, state.length);
        long bytes = wireBytes(wire[0]);
        for (double[] v : state) {
            bytes += 8L * v.length;
        }
        return OrderedAggregate.withShared(sc, wire, bytes, shared -> {
            GradientAccumulator acc = OrderedAggregate.aggregate(train,
                    (GradientAccumulator a, PartitionData pd) -> round.run(shared.value(), a, pd),
                    GradientAccumulator::merge, settings.aggregationDepth());
            return acc != null ? acc : new GradientAccumulator(round.length());
        });
    }

    /**
     * Steps {@code [first, last)} of epoch {@code epoch}, which has {@code steps} steps in all (they pick
     * each step's slice of the partition's blocks, {@link PartitionData#forEachSlice}).
     */
    record StepRange(int epoch, int first, int last, int steps) implements Serializable {
    }

    /** What the partitions need to take optimizer steps of their own: the network, seed, L2 and optimizer. */
    private record StepSpec(NetworkSpec net, long seed, double l2, OptimizerKind optimizer, OptimizerSettings opt)
            implements Serializable {
    }

    private StepSpec stepSpec() {
        return new StepSpec(spec, settings.seed(), settings.l2(), settings.optimizer(),
                OptimizerSettings.DEFAULTS.withMomentum(settings.momentum(), settings.nesterov()));
    }

    /**
     * What one partition does in a local round ({@link #localRound}): the steps of {@code range};
     * {@code length} is the accumulator's length (weights and state vectors).
     */
    private record Round(StepSpec step, int length, StepRange range, double lr) implements Serializable {
        GradientAccumulator run(Object[] start, GradientAccumulator a, PartitionData pd) {
            NetworkSpec net = step.net();
            Workspaces.Workspace ws = Workspaces.of(net);
            GradientAccumulator out = a != null ? a : ws.result(length);
            int n = net.numParams();
            float[] single = null;
            double[] from;
            if (start[0] instanceof float[] f) {
                single = ws.floats();
                System.arraycopy(f, 0, single, 0, n);
                from = ws.vector(0);
                Kernels.widen(f, 0, from, 0, n);
            } else {
                from = (double[]) start[0];
            }
            double[] local = ws.vector(1);
            System.arraycopy(from, 0, local, 0, n);
            Optimizer optimizer = ws.optimizer(step.optimizer(), step.opt());
            optimizer.restoreState(restored(start));
            double[] totals = steps(ws, pd, local, single, optimizer);
            if (totals[1] > 0) {
                addResult(out, from, local, single != null, optimizer.state(), totals);
            }
            return out;
        }

        /** The optimizer state the driver sent, after the weights. */
        private static double[][] restored(Object[] start) {
            double[][] restored = new double[start.length - 1][];
            for (int i = 0; i < restored.length; i++) {
                restored[i] = (double[]) start[1 + i];
            }
            return restored;
        }

        /** The round's steps on {@code local} (and its float copy {@code single}); returns {@code {sum wJ, sum w, count}}. */
        private double[] steps(Workspaces.Workspace ws, PartitionData pd, double[] local, float[] single,
                               Optimizer optimizer) {
            NetworkSpec net = step.net();
            int n = net.numParams();
            double[] g = ws.vector(2);
            GradientAccumulator stepSums = ws.sums();
            PartitionData.SliceConsumer add = adder(ws.gradient, single == null ? local : single, stepSums);
            double lossTotal = 0;
            double weightTotal = 0;
            long count = 0;
            for (int s = range.first(); s < range.last(); s++) {
                stepSums.reset();
                pd.forEachSlice(step.seed(), range.epoch(), s, range.steps(), add);
                if (stepSums.weightSum() <= 0) {
                    continue;
                }
                if (step.l2() == 0.0 && stepSums.weightSum() > 0) {
                    // the gradient is the sums over their weight: scaled, stepped and narrowed in one pass
                    optimizer.stepScaled(local, stepSums.gradSum(), 1.0 / stepSums.weightSum(), lr, single, g);
                } else {
                    Objective.valueAndGradient(net, local, step.l2(), stepSums, g);
                    optimizer.step(local, g, lr);
                    if (single != null) {
                        Kernels.narrow(local, 0, single, 0, n);
                    }
                }
                lossTotal += stepSums.lossSum();
                weightTotal += stepSums.weightSum();
                count += stepSums.count();
            }
            return new double[] {lossTotal, weightTotal, count};
        }

        /** Adds the partition's weights (or weight change) and state vectors, times its weight, to {@code out}. */
        private static void addResult(GradientAccumulator out, double[] from, double[] local, boolean changes,
                                      double[][] after, double[] totals) {
            int n = local.length;
            double weightTotal = totals[1];
            if (changes) {
                Kernels.axpy(n, -1.0, from, 0, local, 0);
            }
            double[] sums = out.gradSum();
            Kernels.axpy(n, weightTotal, local, 0, sums, 0);
            int off = n;
            for (int v = 1; v < after.length; v++) {
                if (after[v].length == n) {
                    Kernels.axpy(n, weightTotal, after[v], 0, sums, off);
                    off += n;
                }
            }
            out.addTotals(totals[0], weightTotal, (long) totals[2]);
        }
    }

    /**
     * The learning-rate range test ({@link RangeTest}) as one Spark job: every partition starts from
     * {@code theta0} with a fresh optimizer and takes {@code testSteps} steps on its own share of the
     * epoch's mini-batches (the same shares as local rounds; with full-batch training, the
     * partition's whole data), at the test's growing rates, recording each step's loss sum and weight
     * sum before the step. The driver adds them up in partition order, so the curve is a pure function
     * of the data, the seed and the partitioning.
     */
    RangeTest.Pick rangeTest(JavaRDD<PartitionData> train, double[] theta0, int steps, int testSteps) {
        RangeRun run = new RangeRun(stepSpec(), steps, testSteps);
        sc.setJobDescription("sparkbp learning rate search (" + testSteps + " steps)");
        GradientAccumulator acc = OrderedAggregate.withShared(sc, theta0.clone(), 8L * spec.numParams(), shared -> {
            GradientAccumulator sums = OrderedAggregate.aggregate(train,
                    (GradientAccumulator a, PartitionData pd) -> run.run(shared.value(), a, pd),
                    GradientAccumulator::merge, settings.aggregationDepth());
            return sums != null ? sums : new GradientAccumulator(2 * testSteps);
        });
        sc.setJobDescription(null);
        double[] curve = acc.gradSum();
        double[] losses = new double[testSteps];
        for (int i = 0; i < testSteps; i++) {
            losses[i] = curve[2 * i + 1] > 0 ? curve[2 * i] / curve[2 * i + 1] : Double.NaN;
        }
        return RangeTest.pick(losses);
    }

    /** What one partition does in the range test ({@link #rangeTest}); {@code steps} are the steps of an epoch. */
    private record RangeRun(StepSpec step, int steps, int testSteps) implements Serializable {
        GradientAccumulator run(double[] theta0, GradientAccumulator a, PartitionData pd) {
            NetworkSpec net = step.net();
            Workspaces.Workspace ws = Workspaces.of(net);
            GradientAccumulator out = a != null ? a : ws.result(2 * testSteps);
            int n = net.numParams();
            double[] local = ws.vector(1);
            System.arraycopy(theta0, 0, local, 0, n);
            double[] g = ws.vector(2);
            Optimizer optimizer = Optimizer.create(step.optimizer(), n, step.opt());
            GradientAccumulator stepSums = ws.sums();
            PartitionData.SliceConsumer add = (b, from, to) -> ws.gradient.accumulate(local, b, from, to, stepSums);
            double[] curve = out.gradSum();
            boolean diverged = false;
            for (int i = 0; i < testSteps; i++) {
                stepSums.reset();
                if (!diverged) {
                    pd.forEachSlice(step.seed(), 1 + i / steps, i % steps, steps, add);
                }
                if (stepSums.weightSum() <= 0) {
                    continue;
                }
                double j = Objective.valueAndGradient(net, local, step.l2(), stepSums, g);
                diverged = !Double.isFinite(j);
                curve[2 * i] += diverged ? Double.NaN : j * stepSums.weightSum();
                curve[2 * i + 1] += stepSums.weightSum();
                if (!diverged) {
                    optimizer.step(local, g, RangeTest.rate(i, testSteps));
                }
            }
            return out;
        }
    }

    /** The weights as sent to executors: a double copy, or a float copy in single precision. */
    private Object wireWeights(double[] theta) {
        return settings.precision() == Precision.FLOAT32 ? Kernels.toFloat(theta) : theta.clone();
    }

    private static long wireBytes(Object w) {
        return w instanceof float[] f ? 4L * f.length : 8L * ((double[]) w).length;
    }

    /** Adds each slice's sums into {@code out}, in the precision of the weights {@code w} ({@code double[]} or {@code float[]}). */
    private static PartitionData.SliceConsumer adder(BlockGradient bg, Object w, GradientAccumulator out) {
        if (w instanceof float[] f) {
            return (b, from, to) -> bg.accumulate(f, b, from, to, out);
        }
        double[] d = (double[]) w;
        return (b, from, to) -> bg.accumulate(d, b, from, to, out);
    }

    /** The optimizer state vectors of one parameter each ({@code state[0]} is the step counter; an unused vector is empty). */
    static int stateVectors(double[][] state, int n) {
        int k = 0;
        for (int i = 1; i < state.length; i++) {
            if (state[i].length == n) {
                k++;
            }
        }
        return k;
    }
}
