package io.sparkbp.spark;

import io.sparkbp.optim.Lbfgs;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerSettings;
import org.apache.spark.api.java.JavaRDD;

/**
 * How one epoch updates the weights: {@link SynchronousSteps} (one Spark job per optimizer step),
 * {@link LocalRounds} ({@code train.localSteps} steps per job, the partitions' results averaged) or
 * {@link LbfgsIterations} (one full-batch L-BFGS iteration). The epoch loop of {@link
 * DistributedTrainer} is the same for all three.
 */
interface EpochMethod {
    /** The epoch's training loss (the example-weighted mean of J over its steps) and the examples it used. */
    record Totals(double loss, long examples) {
    }

    /** Runs epoch {@code epoch} on {@code theta}, in place, at learning rate {@code lr}. */
    Totals epoch(double[] theta, int epoch, double lr);

    /** The optimizer's state, for a checkpoint. */
    double[][] state();

    /** Puts back a checkpoint's {@link #state()}; an {@link IllegalArgumentException} if it does not fit. */
    void restoreState(double[][] state);

    /** Whether the run has converged by the method's own test (only L-BFGS has one). */
    default boolean converged() {
        return false;
    }

    /**
     * Whether a learning rate drives the updates: step optimizers, which the learning-rate search and
     * the early-stopping minimum of steps apply to; not L-BFGS, whose line search picks its steps.
     */
    default boolean stepped() {
        return true;
    }

    /** The method of the settings of {@code jobs} for {@code train}, with {@code steps} steps per epoch. */
    static EpochMethod of(GradientJobs jobs, JavaRDD<PartitionData> train, long examples, int steps) {
        TrainerSettings s = jobs.settings();
        int n = s.spec().numParams();
        if (!s.optimizer().stepped()) {
            return new LbfgsIterations(jobs, train, examples, new Lbfgs(n, DistributedTrainer.LBFGS_MEMORY, 1e-9));
        }
        Optimizer optimizer = Optimizer.create(s.optimizer(), n,
                OptimizerSettings.DEFAULTS.withMomentum(s.momentum(), s.nesterov()));
        return s.localSteps() > 1 ? new LocalRounds(jobs, train, steps, optimizer)
                : new SynchronousSteps(jobs, train, steps, optimizer);
    }
}
