package io.sparkbp.spark;

import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Objective;
import io.sparkbp.optim.Optimizer;
import org.apache.spark.api.java.JavaRDD;

/** Plain synchronous training: each optimizer step is one Spark job that sums the step's gradient. */
final class SynchronousSteps extends StepEpochs {
    private final double[] grad;

    SynchronousSteps(GradientJobs jobs, JavaRDD<PartitionData> train, int steps, Optimizer optimizer) {
        super(jobs, train, steps, optimizer);
        this.grad = new double[jobs.settings().spec().numParams()];
    }

    @Override
    public Totals epoch(double[] theta, int epoch, double lr) {
        TrainerSettings s = jobs.settings();
        double lossSum = 0;
        double weightSum = 0;
        long seen = 0;
        for (int step = 0; step < steps; step++) {
            jobs.context().setJobDescription("sparkbp epoch " + epoch + "/" + s.epochs() + " step " + (step + 1)
                    + "/" + steps);
            GradientAccumulator acc = jobs.gradientSum(train, theta, epoch, step, steps);
            if (acc.weightSum() <= 0) {
                continue;
            }
            double j = Objective.valueAndGradient(s.spec(), theta, s.l2(), acc, grad);
            TrainingException.requireFinite(s, j, grad, epoch, step + 1, "loss or gradient");
            lossSum += j * acc.weightSum();
            weightSum += acc.weightSum();
            seen += acc.count();
            optimizer.step(theta, grad, lr);
        }
        return new Totals(lossSum / weightSum, seen);
    }
}
