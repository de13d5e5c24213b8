package io.sparkbp.spark;

import io.sparkbp.math.Kernels;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.Lbfgs;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data-parallel training loop. Each step broadcasts the weights, lets every partition compute
 * the example-weighted gradient sum of its share of the step with the core's backprop kernels,
 * sums the partial results with {@code treeAggregate}, destroys the broadcast, and updates the
 * weights on the driver: {@code J} and its gradient come from {@link Objective}, the update from
 * the optimizer. Everything is deterministic given the seed and the partitioning.
 */
public final class DistributedTrainer {
    /** Receives one report per finished epoch. */
    @FunctionalInterface
    public interface Listener {
        void epochDone(EpochReport report);
    }

    /** The trained parameters and the history that produced them. */
    public record Result(double[] theta, int bestEpoch, List<EpochReport> reports, boolean stoppedEarly) {
    }

    /** Data to evaluate after every epoch, with the output transform that maps outputs to data units. */
    public record EvalSet(JavaRDD<PartitionData> data, double[] outMean, double[] outScale) {
    }

    /** Curvature pairs kept by full-batch L-BFGS. */
    static final int LBFGS_MEMORY = 10;

    private final JavaSparkContext sc;
    private final TrainerSettings settings;
    private final NetworkSpec spec;

    public DistributedTrainer(JavaSparkContext sc, TrainerSettings settings) {
        this.sc = sc;
        this.settings = settings;
        this.spec = settings.spec();
    }

    /**
     * Trains from {@code theta0} (not modified) on the cached {@code train} data of {@code examples}
     * examples. {@code validation} and {@code test} may be null.
     */
    public Result train(JavaRDD<PartitionData> train, long examples, double[] theta0, EvalSet validation,
                        EvalSet test, Listener listener) {
        return train(train, examples, theta0, validation, test, listener, null, null);
    }

    /**
     * As above, continuing from {@code resume} (after its epoch; null to start at epoch 1 from
     * {@code theta0}) and writing checkpoints with {@code checkpointer} (null for none). The listener
     * sees only the epochs run now; {@link Result#reports()} also holds the restored ones. If training
     * diverges, the {@link TrainingException} names the last good checkpoint to resume from.
     */
    public Result train(JavaRDD<PartitionData> train, long examples, double[] theta0, EvalSet validation,
                        EvalSet test, Listener listener, Checkpoint resume, Checkpointer checkpointer) {
        try {
            return run(train, examples, theta0, validation, test, listener, resume, checkpointer);
        } catch (TrainingException e) {
            if (checkpointer == null || checkpointer.last() == null || e.getMessage().contains(checkpointer.last())) {
                throw e;
            }
            // the settings are part of the checkpoint's fingerprint, so train.resume=true continues
            // with the same settings (for example after an out-of-memory failure or a lost cluster)
            throw new TrainingException(e.getMessage() + "; the last good checkpoint is " + checkpointer.last()
                    + " (train.resume=true continues from it with the same settings)");
        }
    }

    private Result run(JavaRDD<PartitionData> train, long examples, double[] theta0, EvalSet validation,
                       EvalSet test, Listener listener, Checkpoint resume, Checkpointer checkpointer) {
        if (examples < 1) {
            throw new TrainingException("the training data holds no examples");
        }
        double[] theta = theta0.clone();
        double[] grad = new double[theta.length];
        int epochs = settings.epochs();
        int steps = settings.batchSize() == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE,
                (examples + settings.batchSize() - 1) / settings.batchSize());
        boolean lbfgs = settings.optimizer().equals("lbfgs");
        Optimizer optimizer = lbfgs ? null : Optimizer.create(settings.optimizer(), theta.length,
                OptimizerSettings.DEFAULTS.withMomentum(settings.momentum(), settings.nesterov()));
        Lbfgs lbfgsState = lbfgs ? new Lbfgs(theta.length, LBFGS_MEMORY, 1e-9) : null;

        List<EpochReport> reports = new ArrayList<>();
        double[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        long start = System.nanoTime();
        int firstEpoch = 1;
        boolean finished = false;
        if (resume != null) {
            // The block order, validation split and learning rate derive from the seed and the epoch
            // number, so weights, optimizer and early-stopping state are all that must be restored.
            if (resume.theta().length != theta.length || resume.epoch() > epochs) {
                throw new IllegalArgumentException("checkpoint " + resume.source() + " (epoch " + resume.epoch()
                        + ", " + resume.theta().length + " weights) does not fit this run");
            }
            try {
                if (lbfgs) {
                    lbfgsState.restoreState(resume.optimizerState());
                } else {
                    optimizer.restoreState(resume.optimizerState());
                }
            } catch (IllegalArgumentException e) {
                throw new io.sparkbp.model.ModelFormatException("checkpoint file '" + resume.source()
                        + "' holds an optimizer state that does not fit this run: " + e.getMessage(), e);
            }
            System.arraycopy(resume.theta(), 0, theta, 0, theta.length);
            best = resume.best() == null ? null : resume.best().clone();
            bestLoss = resume.bestLoss();
            bestEpoch = resume.bestEpoch();
            sinceBest = resume.sinceBest();
            for (EpochReport r : resume.reports()) {
                reports.add(new EpochReport(r.epoch(), epochs, r.trainLoss(), r.validation(), r.test(), r.examples(),
                        r.seconds(), r.elapsedSeconds(), r.learningRate()));
            }
            if (!reports.isEmpty()) {
                start -= (long) (reports.get(reports.size() - 1).elapsedSeconds() * 1e9);
            }
            firstEpoch = resume.epoch() + 1;
            // a run that had stopped (early stopping, L-BFGS convergence) stays stopped
            if (settings.patience() > 0 && validation != null && sinceBest >= settings.patience()) {
                stoppedEarly = true;
                finished = true;
            }
            if (lbfgs && lbfgsState.converged()) {
                finished = true;
            }
        }
        for (int epoch = firstEpoch; epoch <= epochs && !finished; epoch++) {
            long epochStart = System.nanoTime();
            double lr = settings.schedule().rate(epoch - 1);
            double trainLoss;
            long seen;
            if (lbfgs) {
                final int e = epoch;
                long[] evaluations = {0};
                trainLoss = lbfgsState.iterate(theta, (x, g) -> {
                    evaluations[0]++;
                    sc.setJobDescription("sparkbp epoch " + e + "/" + epochs + " (lbfgs evaluation " + evaluations[0] + ")");
                    GradientAccumulator acc = gradientSum(train, x, e, 0, 1);
                    double j = Objective.valueAndGradient(spec, x, settings.l2(), acc, g);
                    if (evaluations[0] == 1 && lbfgsState.iterations() == 0) {
                        checkFinite(j, g, e, 0, "loss or gradient at the initial weights");
                    }
                    return j;
                });
                checkFinite(trainLoss, theta, epoch, 0, "objective after the line search");
                seen = examples * Math.max(1, evaluations[0]);
            } else {
                double lossSum = 0;
                double weightSum = 0;
                seen = 0;
                int h = settings.localSteps();
                for (int step = 0; step < steps; step += h) {
                    if (h == 1) {
                        sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " step " + (step + 1) + "/" + steps);
                        GradientAccumulator acc = gradientSum(train, theta, epoch, step, steps);
                        if (acc.weightSum() <= 0) {
                            continue;
                        }
                        double j = Objective.valueAndGradient(spec, theta, settings.l2(), acc, grad);
                        checkFinite(j, grad, epoch, step + 1, "loss or gradient");
                        lossSum += j * acc.weightSum();
                        weightSum += acc.weightSum();
                        seen += acc.count();
                        optimizer.step(theta, grad, lr);
                    } else {
                        int last = Math.min(steps, step + h);
                        sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " local steps " + (step + 1)
                                + "-" + last + "/" + steps);
                        double[][] state = optimizer.state();
                        GradientAccumulator acc = localRound(train, theta, state, epoch, step, last, steps, lr);
                        if (acc.weightSum() <= 0) {
                            continue;
                        }
                        adoptRound(acc, theta, state, last - step);
                        double j = acc.lossSum() / acc.weightSum() + Objective.penalty(spec, theta, settings.l2());
                        checkFinite(j, theta, epoch, last, "loss or averaged weights");
                        for (int v = 1; v < state.length; v++) {
                            checkFinite(0.0, state[v], epoch, last, "averaged optimizer state");
                        }
                        optimizer.restoreState(state);
                        lossSum += j * acc.weightSum();
                        weightSum += acc.weightSum();
                        seen += acc.count();
                    }
                }
                trainLoss = lossSum / weightSum;
            }
            checkFinite(0.0, theta, epoch, steps, "weights after the update");
            Map<String, Double> val = null;
            Map<String, Double> tst = null;
            if (validation != null) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " validation");
                Metrics m = Evaluator.evaluate(sc, validation.data(), spec, theta, validation.outMean(),
                        validation.outScale(), settings.aggregationDepth());
                val = m.toMap();
                if (m.loss() < bestLoss) {
                    bestLoss = m.loss();
                    best = theta.clone();
                    bestEpoch = epoch;
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
            }
            if (test != null) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " test");
                tst = Evaluator.evaluate(sc, test.data(), spec, theta, test.outMean(), test.outScale(),
                        settings.aggregationDepth()).toMap();
            }
            long now = System.nanoTime();
            EpochReport report = new EpochReport(epoch, epochs, trainLoss, val, tst, seen,
                    (now - epochStart) / 1e9, (now - start) / 1e9, lbfgs ? Double.NaN : lr);
            reports.add(report);
            if (listener != null) {
                listener.epochDone(report);
            }
            if (settings.patience() > 0 && validation != null && sinceBest >= settings.patience()) {
                stoppedEarly = true;
                finished = true;
            }
            if (lbfgs && lbfgsState.converged()) {
                finished = true;
            }
            if (checkpointer != null && checkpointer.due(epoch, finished || epoch == epochs)) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " checkpoint");
                checkpointer.save(epoch, theta, settings.optimizer(), lbfgs ? lbfgsState.state() : optimizer.state(),
                        best, bestLoss, bestEpoch, sinceBest, reports);
            }
        }
        sc.setJobDescription(null);
        boolean keepBest = settings.patience() > 0 && best != null;
        return new Result(keepBest ? best : theta, keepBest ? bestEpoch : reports.size(), reports, stoppedEarly);
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

    /**
     * One round of local training: every partition starts from {@code theta} and the driver's
     * optimizer {@code state} (as {@link Optimizer#state()} gives it), takes steps {@code [first,
     * last)} of the epoch on its own share of each mini-batch, and returns, times the example weight
     * it used, its weights followed by its optimizer state vectors. The driver divides the sums by
     * the total weight ({@link #adoptRound}): a weighted average of the partitions' models and of
     * their optimizer states, so Adam's moments and SGD's velocity carry over from round to round
     * as they do from step to step in synchronous training. Loss and weight sums are those of the
     * local steps, each measured before its update.
     *
     * <p>In single precision the partitions start from the float weights they receive, compute each
     * step's gradient at a float copy of their (double) local weights, and return their weight
     * changes instead; the driver adds the weighted mean change to its double weights, so changes
     * smaller than a float's resolution still accumulate on the driver.
     */
    GradientAccumulator localRound(JavaRDD<PartitionData> train, double[] theta, double[][] state, int epoch,
                                   int first, int last, int steps, double lr) {
        NetworkSpec net = spec;
        long seed = settings.seed();
        double l2 = settings.l2();
        String name = settings.optimizer();
        OptimizerSettings opt = OptimizerSettings.DEFAULTS.withMomentum(settings.momentum(), settings.nesterov());
        int depth = settings.aggregationDepth();
        int n = net.numParams();
        int length = n * (1 + stateVectors(state, n));
        Object[] wire = new Object[1 + state.length];
        wire[0] = wireWeights(theta);
        System.arraycopy(state, 0, wire, 1, state.length);
        long bytes = wireBytes(wire[0]);
        for (double[] v : state) {
            bytes += 8L * v.length;
        }
        return OrderedAggregate.withShared(sc, wire, bytes, shared -> {
            GradientAccumulator acc = OrderedAggregate.aggregate(train, (GradientAccumulator a, PartitionData pd) -> {
                Workspaces.Workspace ws = Workspaces.of(net);
                GradientAccumulator out = a != null ? a : ws.result(length);
                Object[] start = shared.value();
                Object w = start[0];
                float[] single = null;
                double[] from;
                if (w instanceof float[] f) {
                    single = ws.floats();
                    System.arraycopy(f, 0, single, 0, n);
                    from = ws.vector(0);
                    Kernels.widen(f, 0, from, 0, n);
                } else {
                    from = (double[]) w;
                }
                double[] local = ws.vector(1);
                System.arraycopy(from, 0, local, 0, n);
                double[] g = ws.vector(2);
                double[][] restored = new double[start.length - 1][];
                for (int i = 0; i < restored.length; i++) {
                    restored[i] = (double[]) start[1 + i];
                }
                Optimizer optimizer = ws.optimizer(name, opt);
                optimizer.restoreState(restored);
                GradientAccumulator stepSums = ws.sums();
                PartitionData.SliceConsumer add = adder(ws.gradient, single == null ? local : single, stepSums);
                double lossTotal = 0;
                double weightTotal = 0;
                long count = 0;
                for (int s = first; s < last; s++) {
                    stepSums.reset();
                    pd.forEachSlice(seed, epoch, s, steps, add);
                    if (stepSums.weightSum() <= 0) {
                        continue;
                    }
                    Objective.valueAndGradient(net, local, l2, stepSums, g);
                    optimizer.step(local, g, lr);
                    if (single != null) {
                        Kernels.narrow(local, 0, single, 0, n);
                    }
                    lossTotal += stepSums.lossSum();
                    weightTotal += stepSums.weightSum();
                    count += stepSums.count();
                }
                if (weightTotal > 0) {
                    if (single != null) {
                        Kernels.axpy(n, -1.0, from, 0, local, 0);
                    }
                    double[] sums = out.gradSum();
                    Kernels.axpy(n, weightTotal, local, 0, sums, 0);
                    double[][] after = optimizer.state();
                    int off = n;
                    for (int v = 1; v < after.length; v++) {
                        if (after[v].length == n) {
                            Kernels.axpy(n, weightTotal, after[v], 0, sums, off);
                            off += n;
                        }
                    }
                    out.addTotals(lossTotal, weightTotal, count);
                }
                return out;
            }, GradientAccumulator::merge, depth);
            return acc != null ? acc : new GradientAccumulator(length);
        });
    }

    /** The optimizer state vectors of one parameter each ({@code state[0]} is the step counter; an unused vector is empty). */
    private static int stateVectors(double[][] state, int n) {
        int k = 0;
        for (int i = 1; i < state.length; i++) {
            if (state[i].length == n) {
                k++;
            }
        }
        return k;
    }

    /**
     * Makes the example-weighted mean of a local round's partitions the new weights {@code theta}
     * (in single precision: adds the mean weight change) and overwrites {@code state}, the optimizer
     * state the round started from (its arrays are free again once the job is done), with the mean
     * of the partitions' states and a step counter advanced by the round's {@code steps}, for the
     * caller to restore once it has checked that it is finite.
     */
    private void adoptRound(GradientAccumulator acc, double[] theta, double[][] state, int steps) {
        double[] sum = acc.gradSum();
        double w = acc.weightSum();
        int n = theta.length;
        boolean changes = settings.precision() == Precision.FLOAT32; // see localRound
        for (int i = 0; i < n; i++) {
            theta[i] = changes ? theta[i] + sum[i] / w : sum[i] / w;
        }
        state[0][0] += steps;
        int off = n;
        for (int v = 1; v < state.length; v++) {
            if (state[v].length == n) {
                for (int i = 0; i < n; i++) {
                    state[v][i] = sum[off + i] / w;
                }
                off += n;
            }
        }
    }

    private void checkFinite(double value, double[] v, int epoch, int step, String what) {
        boolean ok = Double.isFinite(value);
        for (int i = 0; ok && i < v.length; i++) {
            ok = Double.isFinite(v[i]);
        }
        if (!ok) {
            throw new TrainingException("training diverged in epoch " + epoch + (step > 0 ? " step " + step : "")
                    + ": the " + what + " is not finite; the learning rate is the likely cause (train.learningRate="
                    + settings.schedule().rate(Math.max(0, epoch - 1)) + "): lower it, or enable train.standardize");
        }
    }
}
