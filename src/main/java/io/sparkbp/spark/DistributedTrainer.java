package io.sparkbp.spark;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.optim.EarlyStopping;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.optim.StoppingRule;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The data-parallel training loop. Each step broadcasts the weights, lets every partition compute
 * the example-weighted gradient sum of its share of the step with the core's backprop kernels,
 * sums the partial results with {@code treeAggregate}, destroys the broadcast, and updates the
 * weights on the driver: {@code J} and its gradient come from {@link Objective}, the update from
 * the optimizer. How an epoch updates the weights is an {@link EpochMethod} (synchronous steps,
 * local rounds or L-BFGS iterations, over the Spark jobs of {@link GradientJobs}); the loop around
 * it evaluates, stops early ({@link EarlyStopping}), reports and checkpoints the same way for all
 * three. Everything is deterministic given the seed and the partitioning.
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
    public record Result(double[] theta, int bestEpoch, List<EpochReport> reports, Stop stop, double learningRate,
                         RangeTest.Pick search) {
        /** Whether early stopping ended the run before {@code train.epochs}, and the reason it ended, as a phrase. */
        public record Stop(boolean early, String reason) {
        }

        public boolean stoppedEarly() {
            return stop.early();
        }

        /** Why the run ended, e.g. {@code reached train.epochs=20}. */
        public String stopReason() {
            return stop.reason();
        }
    }

    /** The fingerprint item that records the pick of the learning-rate search in checkpoints. */
    public static final String PICKED_RATE = "train.learningRate picked";

    /** Data to evaluate after every epoch, with the output transform that maps outputs to data units. */
    public record EvalSet(JavaRDD<PartitionData> data, double[] outMean, double[] outScale) {
        /** {@code data} with the mean and scale of {@code outputs}, which may be null (outputs as they are). */
        public static EvalSet of(JavaRDD<PartitionData> data, Transform outputs) {
            return new EvalSet(data, outputs == null ? null : outputs.mean(), outputs == null ? null : outputs.scale());
        }
    }

    /** Curvature pairs kept by full-batch L-BFGS. */
    static final int LBFGS_MEMORY = 10;

    private final JavaSparkContext sc;
    private final TrainerSettings settings;
    private final NetworkSpec spec;
    private final GradientJobs jobs;

    public DistributedTrainer(JavaSparkContext sc, TrainerSettings settings) {
        if (settings.localSteps() < 1) {
            throw new IllegalArgumentException("automatic local steps must be resolved before training (TrainingRun does)");
        }
        this.sc = sc;
        this.settings = settings;
        this.spec = settings.spec();
        this.jobs = new GradientJobs(sc, settings);
    }

    /**
     * Trains from {@code theta0} (not modified) on the cached {@code train} data of {@code examples}
     * examples. {@code validation} and {@code test} may be null.
     */
    public Result train(JavaRDD<PartitionData> train, long examples, double[] theta0, EvalSet validation,
                        EvalSet test, Listener listener) {
        return train(new TrainingData(train, examples, validation, test), theta0, listener, null, null);
    }

    /** The examples to train on and their count; validation and test data may be null. */
    public record TrainingData(JavaRDD<PartitionData> train, long examples, EvalSet validation, EvalSet test) {
    }

    /**
     * As above, continuing from {@code resume} (after its epoch; null to start at epoch 1 from
     * {@code theta0}) and writing checkpoints with {@code checkpointer} (null for none). The listener
     * sees only the epochs run now; {@link Result#reports()} also holds the restored ones. If training
     * diverges, the {@link TrainingException} names the last good checkpoint to resume from.
     */
    public Result train(TrainingData data, double[] theta0, Listener listener, Checkpoint resume,
                        Checkpointer checkpointer) {
        try {
            long examples = data.examples();
            if (examples < 1) {
                throw new TrainingException("the training data holds no examples");
            }
            int steps = settings.batchSize() == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE,
                    (examples + settings.batchSize() - 1) / settings.batchSize());
            return run(new Data(data.train(), examples, steps, data.validation(), data.test()), theta0, listener,
                    resume, checkpointer);
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

    /** The epoch loop, from {@code theta0} or after {@code resume}. */
    private Result run(Data data, double[] theta0, Listener listener, Checkpoint resume, Checkpointer checkpointer) {
        Run r = new Run(data, listener, checkpointer);
        double[] theta = theta0.clone();
        int firstEpoch = resume == null ? 1 : r.restore(resume, theta) + 1;
        LearningRateSchedule schedule = r.schedule(resume, theta);
        // a run that had stopped (early stopping, L-BFGS convergence) stays stopped
        boolean finished = resume != null && (r.stopping.stopped() || r.method.converged());
        for (int epoch = firstEpoch; epoch <= settings.epochs() && !finished; epoch++) {
            finished = r.epoch(theta, epoch, schedule.rate(epoch - 1));
        }
        sc.setJobDescription(null);
        return r.result(theta, schedule);
    }

    /** The training data of a run: {@code steps} optimizer steps per epoch; validation and test may be null. */
    private record Data(JavaRDD<PartitionData> train, long examples, int steps, EvalSet validation, EvalSet test) {
    }

    /** One run's method, stopping state and reports, and the epoch that advances them. */
    private final class Run {
        private final Data data;
        private final Listener listener;
        private final Checkpointer checkpointer;
        private final EpochMethod method;
        private final EarlyStopping stopping;
        private final List<EpochReport> reports = new ArrayList<>();
        private long start = System.nanoTime();
        private RangeTest.Pick search;

        Run(Data data, Listener listener, Checkpointer checkpointer) {
            this.data = data;
            this.listener = listener;
            this.checkpointer = checkpointer;
            this.method = EpochMethod.of(jobs, data.train(), data.examples(), data.steps());
            // without validation data L-BFGS ends on its own convergence test, not on the training loss; its
            // iterations are line searches, so the minimum of steps is for sgd and adam
            StoppingRule rule = method.stepped() ? settings.stopping() : data.validation() == null ? StoppingRule.OFF
                    : settings.stopping().withoutMinSteps();
            this.stopping = new EarlyStopping(rule, data.steps(),
                    data.validation() != null ? EarlyStopping.Monitor.VALIDATION : EarlyStopping.Monitor.TRAINING);
        }

        /**
         * Puts back {@code resume}'s weights (into {@code theta}), optimizer and early-stopping state and
         * reports, and returns its epoch. The block order, validation split and learning rate derive from
         * the seed and the epoch number, so nothing else must be restored.
         */
        int restore(Checkpoint resume, double[] theta) {
            int epochs = settings.epochs();
            if (resume.theta().length != theta.length || resume.epoch() > epochs) {
                throw new IllegalArgumentException("checkpoint " + resume.source() + " (epoch " + resume.epoch()
                        + ", " + resume.theta().length + " weights) does not fit this run");
            }
            try {
                method.restoreState(resume.optimizerState());
            } catch (IllegalArgumentException e) {
                throw new io.sparkbp.model.ModelFormatException("checkpoint file '" + resume.source()
                        + "' holds an optimizer state that does not fit this run: " + e.getMessage(), e);
            }
            System.arraycopy(resume.theta(), 0, theta, 0, theta.length);
            stopping.restore(resume.stopping());
            for (EpochReport r : resume.reports()) {
                reports.add(new EpochReport(r.epoch(), epochs, r.trainLoss(), r.evaluations(), r.timing(),
                        r.learningRate()));
            }
            if (!reports.isEmpty()) {
                start -= (long) (reports.get(reports.size() - 1).elapsedSeconds() * 1e9);
            }
            return resume.epoch();
        }

        /**
         * The learning-rate schedule: the configured one, or with {@code train.learningRate=auto} based on
         * the search's pick (searched now from {@code theta}, or read from {@code resume}).
         */
        LearningRateSchedule schedule(Checkpoint resume, double[] theta) {
            LearningRateSchedule schedule = settings.schedule();
            if (settings.rangeTestSteps() <= 0 || !method.stepped()) {
                return schedule;
            }
            if (resume != null) {
                return schedule.withBase(pickedRate(resume));
            }
            search = jobs.rangeTest(data.train(), theta, data.steps(), settings.rangeTestSteps());
            if (checkpointer != null) {
                List<String> items = new ArrayList<>(checkpointer.fingerprintItems());
                items.add(PICKED_RATE + "=" + search.rate());
                checkpointer.fingerprint(items);
            }
            if (listener != null) {
                listener.searchDone(search);
            }
            return schedule.withBase(search.rate());
        }

        /** Trains epoch {@code epoch} at rate {@code lr}, evaluates, reports and checkpoints it; whether the run is done. */
        boolean epoch(double[] theta, int epoch, double lr) {
            long epochStart = System.nanoTime();
            EpochMethod.Totals totals = method.epoch(theta, epoch, lr);
            TrainingException.requireFinite(settings, 0.0, theta, epoch, data.steps(), "weights after the update");
            List<Metrics> evaluated = evaluate(data.validation(), data.test(), theta, epoch);
            Metrics val = evaluated.get(0);
            Metrics tst = evaluated.get(1);
            boolean finished = stopping.observe(epoch, val != null ? val.loss() : totals.loss(), theta);
            long now = System.nanoTime();
            EpochReport report = new EpochReport(epoch, settings.epochs(), totals.loss(),
                    new EpochReport.Evaluations(val == null ? null : val.toMap(), tst == null ? null : tst.toMap()),
                    new EpochReport.Timing(totals.examples(), (now - epochStart) / 1e9, (now - start) / 1e9),
                    method.stepped() ? lr : Double.NaN);
            reports.add(report);
            if (listener != null) {
                listener.epochDone(report);
            }
            finished |= method.converged();
            if (checkpointer != null && checkpointer.due(epoch, finished || epoch == settings.epochs())) {
                sc.setJobDescription("sparkbp epoch " + epoch + "/" + settings.epochs() + " checkpoint");
                checkpointer.save(epoch, new Checkpoint.TrainerState(theta, settings.optimizer().id(), method.state(),
                        stopping.state()), reports);
            }
            return finished;
        }

        /** The validation and test metrics of {@code theta} (each null without its set), in one Spark job. */
        private List<Metrics> evaluate(EvalSet validation, EvalSet test, double[] theta, int epoch) {
            List<EvalSet> sets = java.util.Arrays.asList(validation, test);
            if (validation == null && test == null) {
                return java.util.Arrays.asList((Metrics) null, null);
            }
            sc.setJobDescription("sparkbp epoch " + epoch + "/" + settings.epochs() + " "
                    + (validation == null ? "test" : test == null ? "validation" : "validation and test"));
            return Evaluator.evaluate(sc, sets, spec, theta, settings.aggregationDepth(), false);
        }

        /** The kept weights (the best epoch's, or the last), the history and why the run ended. */
        Result result(double[] theta, LearningRateSchedule schedule) {
            boolean keepBest = stopping.keepsBest();
            String reason = stopping.stopped() ? stopping.reason()
                    : method.converged() ? "L-BFGS converged" : "reached train.epochs=" + settings.epochs();
            return new Result(keepBest ? stopping.best() : theta, keepBest ? stopping.bestEpoch() : reports.size(),
                    reports, new Result.Stop(stopping.stopped(), reason), method.stepped() ? schedule.base() : Double.NaN,
                    search);
        }
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

    /** One distributed pass: the gradient, loss and weight sums of step {@code step} at {@code theta}. */
    GradientAccumulator gradientSum(JavaRDD<PartitionData> train, double[] theta, int epoch, int step, int steps) {
        return jobs.gradientSum(train, theta, epoch, step, steps);
    }

    /** One round of local training ({@link GradientJobs#localRound}). */
    GradientAccumulator localRound(JavaRDD<PartitionData> train, double[] theta, double[][] state,
                                   GradientJobs.StepRange range, double lr) {
        return jobs.localRound(train, theta, state, range, lr);
    }
}
