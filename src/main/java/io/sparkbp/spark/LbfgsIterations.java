package io.sparkbp.spark;

import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.Objective;
import io.sparkbp.optim.Lbfgs;
import org.apache.spark.api.java.JavaRDD;

/**
 * Full-batch L-BFGS: an epoch is one iteration, whose line search evaluates J and its gradient over
 * every training example, one Spark job per evaluation.
 */
final class LbfgsIterations implements EpochMethod {
    private final GradientJobs jobs;
    private final JavaRDD<PartitionData> train;
    private final long examples;
    private final Lbfgs lbfgs;

    LbfgsIterations(GradientJobs jobs, JavaRDD<PartitionData> train, long examples, Lbfgs lbfgs) {
        this.jobs = jobs;
        this.train = train;
        this.examples = examples;
        this.lbfgs = lbfgs;
    }

    @Override
    public Totals epoch(double[] theta, int epoch, double lr) {
        TrainerSettings s = jobs.settings();
        long[] evaluations = {0};
        double loss = lbfgs.iterate(theta, (x, g) -> {
            evaluations[0]++;
            jobs.context().setJobDescription("sparkbp epoch " + epoch + "/" + s.epochs() + " (lbfgs evaluation "
                    + evaluations[0] + ")");
            GradientAccumulator acc = jobs.gradientSum(train, x, epoch, 0, 1);
            double j = Objective.valueAndGradient(s.spec(), x, s.l2(), acc, g);
            if (evaluations[0] == 1 && lbfgs.iterations() == 0) {
                TrainingException.requireFinite(s, j, g, epoch, 0, "loss or gradient at the initial weights");
            }
            return j;
        });
        TrainingException.requireFinite(s, loss, theta, epoch, 0, "objective after the line search");
        return new Totals(loss, examples * Math.max(1, evaluations[0]));
    }

    @Override
    public double[][] state() {
        return lbfgs.state();
    }

    @Override
    public void restoreState(double[][] state) {
        lbfgs.restoreState(state);
    }

    @Override
    public boolean converged() {
        return lbfgs.converged();
    }

    @Override
    public boolean stepped() {
        return false;
    }
}
