package io.sparkbp.spark;

import io.sparkbp.math.Kernels;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.EarlyStopping;
import io.sparkbp.optim.Lbfgs;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerSettings;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.optim.StoppingRule;
import io.sparkbp.optim.LearningRateSchedule;
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

        /** The learning-rate search of {@code train.learningRate=auto} is done (before epoch 1). */
        default void searchDone(RangeTest.Pick pick) {
        }
    }

    /**
     * The trained parameters and the history that produced them; {@code learningRate} is the base rate
     * of the schedule that was used (the pick of the search with {@code train.learningRate=auto}, NaN
     * for L-BFGS), {@code search} the search's result (null when there was none in this run).
     */
    public record Result(double[] theta, int bestEpoch, List<EpochReport> reports, boolean stoppedEarly,
                         String stopReason, double learningRate, RangeTest.Pick search) {
    }

    /** The fingerprint item that records the pick of the learning-rate search in checkpoints. */
    public static final String PICKED_RATE = "train.learningRate picked";

    /** Data to evaluate after every epoch, with the output transform that maps outputs to data units. */
    public record EvalSet(JavaRDD<PartitionData> data, double[] outMean, double[] outScale) {
    }

    /** Curvature pairs kept by full-batch L-BFGS. */
    static final int LBFGS_MEMORY = 10;

    private final JavaSparkContext sc;
    private final TrainerSettings settings;
    private final NetworkSpec spec;

    public DistributedTrainer(JavaSparkContext sc, TrainerSettings settings) {
        if (settings.localSteps() < 1) {
            throw new IllegalArgumentException("automatic local steps must be resolved before training (TrainingRun does)");
        }
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
        // without validation data L-BFGS ends on its own convergence test, not on the training loss; its
        // iterations are line searches, so the minimum of steps is for sgd and adam
        StoppingRule rule = !lbfgs ? settings.stopping() : validation == null ? StoppingRule.OFF
                : settings.stopping().withoutMinSteps();
        EarlyStopping stopping = new EarlyStopping(rule, steps,
                validation != null ? EarlyStopping.Monitor.VALIDATION : EarlyStopping.Monitor.TRAINING);

        List<EpochReport> reports = new ArrayList<>();
        long start = System.nanoTime();
        int firstEpoch = 1;
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
            stopping.restore(resume.best(), resume.bestLoss(), resume.bestEpoch(), resume.sinceBest());
            for (EpochReport r : resume.reports()) {
                reports.add(new EpochReport(r.epoch(), epochs, r.trainLoss(), r.validation(), r.test(), r.examples(),
                        r.seconds(), r.elapsedSeconds(), r.learningRate()));
            }
            if (!reports.isEmpty()) {
                start -= (long) (reports.get(reports.size() - 1).elapsedSeconds() * 1e9);
            }
            firstEpoch = resume.epoch() + 1;
        }
        RangeTest.Pick search = null;
        LearningRateSchedule schedule = settings.schedule();
        if (settings.rangeTestSteps() > 0 && !lbfgs) {
            double base;
            if (resume != null) {
                base = pickedRate(resume);
            } else {
                search = rangeTest(train, theta, examples, settings.rangeTestSteps());
                base = search.rate();
                if (checkpointer != null) {
                    List<String> items = new ArrayList<>(checkpointer.fingerprintItems());
                    items.add(PICKED_RATE + "=" + base);
                    checkpointer.fingerprint(items);
                }
                if (listener != null) {
                    listener.searchDone(search);
                }
            }
            schedule = schedule.withBase(base);
        }
        // a run that had stopped (early stopping, L-BFGS convergence) stays stopped
        boolean finished = resume != null && (stopping.stopped() || (lbfgs && lbfgsState.converged()));
        for (int epoch = firstEpoch; epoch <= epochs && !finished; epoch++) {
            long epochStart = System.nanoTime();
            double lr = schedule.rate(epoch - 1);
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
                double[] totals = stepEpoch(train, theta, grad, optimizer, epoch, steps, lr);
                trainLoss = totals[0] / totals[1];
                seen = (long) totals[2];
            }
            checkFinite(0.0, theta, epoch, steps, "weights after the update");
            Map<String, Double> val = null;
            Map<String, Double> tst = null;
            double monitored = trainLoss;
            if (validation != null) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " validation");
                Metrics m = Evaluator.evaluate(sc, validation.data(), spec, theta, validation.outMean(),
                        validation.outScale(), settings.aggregationDepth());
                val = m.toMap();
                monitored = m.loss();
            }
            if (test != null) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " test");
                tst = Evaluator.evaluate(sc, test.data(), spec, theta, test.outMean(), test.outScale(),
                        settings.aggregationDepth()).toMap();
            }
            finished = stopping.observe(epoch, monitored, theta);
            long now = System.nanoTime();
            EpochReport report = new EpochReport(epoch, epochs, trainLoss, val, tst, seen,
                    (now - epochStart) / 1e9, (now - start) / 1e9, lbfgs ? Double.NaN : lr);
            reports.add(report);
            if (listener != null) {
                listener.epochDone(report);
            }
            if (lbfgs && lbfgsState.converged()) {
                finished = true;
            }
            if (checkpointer != null && checkpointer.due(epoch, finished || epoch == epochs)) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + epochs + " checkpoint");
                checkpointer.save(epoch, theta, settings.optimizer(), lbfgs ? lbfgsState.state() : optimizer.state(),
                        stopping.best(), stopping.bestLoss(), stopping.bestEpoch(), stopping.sinceBest(), reports);
            }
        }
        sc.setJobDescription(null);
        boolean keepBest = stopping.keepsBest();
        String reason = stopping.stopped() ? stopping.reason()
                : lbfgs && lbfgsState.converged() ? "L-BFGS converged" : "reached train.epochs=" + epochs;
        return new Result(keepBest ? stopping.best() : theta, keepBest ? stopping.bestEpoch() : reports.size(),
                reports, stopping.stopped(), reason, lbfgs ? Double.NaN : schedule.base(), search);
    }

    /** The rate a resumed run's search picked, from its checkpoint's fingerprint. */
    private static double pickedRate(Checkpoint resume) {
        for (String item : resume.fingerprint()) {
            if (item.startsWith(PICKED_RATE + "=")) {
                try {
                    double v = Double.parseDouble(item.substring(PICKED_RATE.length() + 1));
                    if (v > 0 && Double.isFinite(v)) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        throw new io.sparkbp.model.ModelFormatException("checkpoint file '" + resume.source() + "' does not record "
                + "the learning rate that train.learningRate=auto picked (" + PICKED_RATE + ")");
    }

    /**
     * The learning-rate range test ({@link RangeTest}) as one Spark job: every partition starts from
     * {@code theta0} with a fresh optimizer and takes {@code testSteps} steps on its own share of the
     * epoch's mini-batches (the same shares as local rounds; with full-batch training, the
     * partition's whole data), at the test's growing rates, recording each step's loss sum and weight
     * sum before the step. The driver adds them up in partition order, so the curve is a pure function
     * of the data, the seed and the partitioning.
     */
    RangeTest.Pick rangeTest(JavaRDD<PartitionData> train, double[] theta0, long examples, int testSteps) {
        NetworkSpec net = spec;
        long seed = settings.seed();
        double l2 = settings.l2();
        String name = settings.optimizer();
        OptimizerSettings opt = OptimizerSettings.DEFAULTS.withMomentum(settings.momentum(), settings.nesterov());
        int depth = settings.aggregationDepth();
        int n = net.numParams();
        int steps = settings.batchSize() == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE,
                (examples + settings.batchSize() - 1) / settings.batchSize());
        sc.setJobDescription("sparkbp learning rate search (" + testSteps + " steps)");
        GradientAccumulator acc = OrderedAggregate.withShared(sc, theta0.clone(), 8L * n, shared -> {
            GradientAccumulator sums = OrderedAggregate.aggregate(train, (GradientAccumulator a, PartitionData pd) -> {
                Workspaces.Workspace ws = Workspaces.of(net);
                GradientAccumulator out = a != null ? a : ws.result(2 * testSteps);
                double[] local = ws.vector(1);
                System.arraycopy(shared.value(), 0, local, 0, n);
                double[] g = ws.vector(2);
                Optimizer optimizer = Optimizer.create(name, n, opt);
                GradientAccumulator stepSums = ws.sums();
                PartitionData.SliceConsumer add = (b, from, to) -> ws.gradient.accumulate(local, b, from, to, stepSums);
                double[] curve = out.gradSum();
                boolean diverged = false;
                for (int i = 0; i < testSteps; i++) {
                    stepSums.reset();
                    if (!diverged) {
                        pd.forEachSlice(seed, 1 + i / steps, i % steps, steps, add);
                    }
                    if (stepSums.weightSum() <= 0) {
                        continue;
                    }
                    double j = Objective.valueAndGradient(net, local, l2, stepSums, g);
                    diverged = !Double.isFinite(j);
                    curve[2 * i] += diverged ? Double.NaN : j * stepSums.weightSum();
                    curve[2 * i + 1] += stepSums.weightSum();
                    if (!diverged) {
                        optimizer.step(local, g, RangeTest.rate(i, testSteps));
                    }
                }
                return out;
            }, GradientAccumulator::merge, depth);
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

    /**
     * One epoch of step optimization (synchronous steps, or local rounds of {@code train.localSteps}):
     * updates {@code theta} and returns the epoch's totals {@code {sum w J, sum w, examples}}.
     */
    private double[] stepEpoch(JavaRDD<PartitionData> train, double[] theta, double[] grad, Optimizer optimizer,
                               int epoch, int steps, double lr) {
        int epochs = settings.epochs();
        double lossSum = 0;
        double weightSum = 0;
        long seen = 0;
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
        return new double[] {lossSum, weightSum, seen};
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
