package io.sparkbp.spark;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Distributed evaluation: one forward pass over cached blocks, metrics summed with
 * {@code treeAggregate}. Outputs of linear networks are mapped back to the data's units with the
 * model's output transform ({@code y = y' * scale + mean}) before they are compared with the raw
 * targets, so every reported number is in the user's units.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Metrics of {@code theta} on {@code set}, whose output transform may be null. */
    public static Metrics evaluate(JavaSparkContext sc, DistributedTrainer.EvalSet set, NetworkSpec spec,
                                   double[] theta, int depth) {
        return evaluate(sc, set, spec, theta, depth, false);
    }

    /**
     * As above; with {@code confusion == true} a classifier's metrics also hold its {@link
     * io.sparkbp.nn.Confusion} counts, summed in the same pass and merged in partition order like
     * every other sum, so they are the same whatever order the tasks finish in.
     */
    public static Metrics evaluate(JavaSparkContext sc, DistributedTrainer.EvalSet set, NetworkSpec spec,
                                   double[] theta, int depth, boolean confusion) {
        JavaRDD<PartitionData> data = set.data();
        double[] outMean = set.outMean();
        double[] outScale = set.outScale();
        Broadcast<double[]> bc = sc.broadcast(theta.clone());
        OutputKind kind = spec.output();
        int k = spec.outputs();
        try {
            Metrics m = OrderedAggregate.aggregate(data, (Metrics acc, PartitionData pd) -> {
                Metrics out = acc != null ? acc : new Metrics(kind, k, confusion);
                BlockGradient bg = Workspaces.get(spec, 256);
                double[] w = bc.value();
                for (Block b : pd.blocks()) {
                    addBlock(bg, w, b, outMean, outScale, out);
                }
                return out;
            }, Metrics::merge, depth);
            return m != null ? m : new Metrics(kind, k, confusion);
        } finally {
            bc.destroy();
        }
    }

    /** Forward pass of one block and its contribution to {@code metrics}. */
    static void addBlock(BlockGradient bg, double[] theta, Block b, double[] outMean, double[] outScale,
                         Metrics metrics) {
        int k = b.outputs();
        bg.forward(theta, b);
        double[] s = bg.preActivations();
        double[] y = bg.outputs();
        double[] t = b.t();
        double[] yt = outMean == null ? null : new double[k];
        for (int n = 0; n < b.rows(); n++) {
            if (yt == null) {
                metrics.add(s, n * k, y, n * k, t, n * k, b.weight(n));
            } else {
                for (int i = 0; i < k; i++) {
                    yt[i] = y[n * k + i] * outScale[i] + outMean[i];
                }
                metrics.add(s, n * k, yt, 0, t, n * k, b.weight(n));
            }
        }
    }
}
