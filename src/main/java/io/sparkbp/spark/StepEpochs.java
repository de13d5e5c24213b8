package io.sparkbp.spark;

import io.sparkbp.optim.Optimizer;
import org.apache.spark.api.java.JavaRDD;

/**
 * The epoch methods of a step optimizer (SGD, Adam) over {@code steps} mini-batch steps per epoch:
 * {@link SynchronousSteps} and {@link LocalRounds}. The optimizer's state is the method's state.
 */
abstract class StepEpochs implements EpochMethod {
    protected final GradientJobs jobs;
    protected final JavaRDD<PartitionData> train;
    protected final int steps;
    protected final Optimizer optimizer;

    StepEpochs(GradientJobs jobs, JavaRDD<PartitionData> train, int steps, Optimizer optimizer) {
        this.jobs = jobs;
        this.train = train;
        this.steps = steps;
        this.optimizer = optimizer;
    }

    @Override
    public final double[][] state() {
        return optimizer.state();
    }

    @Override
    public final void restoreState(double[][] state) {
        optimizer.restoreState(state);
    }
}
