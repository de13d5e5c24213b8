package io.sparkbp.spark;

import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.Optimizer;
import org.apache.spark.api.java.JavaRDD;

/**
 * Local rounds ({@code train.localSteps=H > 1}): each Spark job lets every partition take H steps
 * on its own share of the mini-batches, from the driver's weights and optimizer state ({@link
 * GradientJobs#localRound}); the driver then adopts the example-weighted mean of the partitions'
 * weights and optimizer states.
 */
final class LocalRounds extends StepEpochs {

    LocalRounds(GradientJobs jobs, JavaRDD<PartitionData> train, int steps, Optimizer optimizer) {
        super(jobs, train, steps, optimizer);
    }

    @Override
    public Totals epoch(double[] theta, int epoch, double lr) {
        TrainerSettings s = jobs.settings();
        int h = s.localSteps();
        double lossSum = 0;
        double weightSum = 0;
        long seen = 0;
        for (int step = 0; step < steps; step += h) {
            int last = Math.min(steps, step + h);
            jobs.context().setJobDescription("sparkbp epoch " + epoch + "/" + s.epochs() + " local steps " + (step + 1)
                    + "-" + last + "/" + steps);
            double[][] state = optimizer.state();
            GradientJobs.StepRange range = new GradientJobs.StepRange(epoch, step, last, steps);
            GradientAccumulator acc = jobs.localRound(train, theta, state, range, lr);
            if (acc.weightSum() <= 0) {
                continue;
            }
            adopt(acc, theta, state, last - step);
            double j = acc.lossSum() / acc.weightSum() + Objective.penalty(s.spec(), theta, s.l2());
            TrainingException.requireFinite(s, j, theta, epoch, last, "loss or averaged weights");
            for (int v = 1; v < state.length; v++) {
                TrainingException.requireFinite(s, 0.0, state[v], epoch, last, "averaged optimizer state");
            }
            optimizer.restoreState(state);
            lossSum += j * acc.weightSum();
            weightSum += acc.weightSum();
            seen += acc.count();
        }
        return new Totals(lossSum / weightSum, seen);
    }

    /**
     * Makes the example-weighted mean of a local round's partitions the new weights {@code theta}
     * (in single precision: adds the mean weight change) and overwrites {@code state}, the optimizer
     * state the round started from (its arrays are free again once the job is done), with the mean
     * of the partitions' states and a step counter advanced by the round's {@code roundSteps}, for the
     * caller to restore once it has checked that it is finite.
     */
    private void adopt(GradientAccumulator acc, double[] theta, double[][] state, int roundSteps) {
        double[] sum = acc.gradSum();
        double w = acc.weightSum();
        int n = theta.length;
        boolean changes = jobs.settings().precision() == Precision.FLOAT32; // see GradientJobs.localRound
        for (int i = 0; i < n; i++) {
            theta[i] = changes ? theta[i] + sum[i] / w : sum[i] / w;
        }
        state[0][0] += roundSteps;
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
}
