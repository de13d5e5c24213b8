package io.sparkbp.spark;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;

import java.util.ArrayList;
import java.util.List;

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
        return evaluate(sc, java.util.Collections.singletonList(set), spec, theta, depth, confusion).get(0);
    }

    /**
     * The metrics of {@code theta} on each of {@code sets} (null for a null set), in one Spark job
     * with one copy of the weights when the sets' partition counts allow it ({@link
     * OrderedAggregate#aggregateEach}); each result is the same, bit for bit, as its own evaluation.
     */
    public static List<Metrics> evaluate(JavaSparkContext sc, List<DistributedTrainer.EvalSet> sets,
                                         NetworkSpec spec, double[] theta, int depth, boolean confusion) {
        List<JavaRDD<PartitionData>> rdds = new ArrayList<>();
        for (DistributedTrainer.EvalSet set : sets) {
            if (set != null) {
                rdds.add(set.data());
            }
        }
        List<Metrics> found = rdds.isEmpty() ? List.of() : OrderedAggregate.withShared(sc, theta.clone(),
                8L * theta.length, w -> OrderedAggregate.aggregateEach(rdds, folds(sets, spec, w, confusion),
                        Metrics::merge, depth));
        List<Metrics> out = new ArrayList<>();
        int next = 0;
        for (DistributedTrainer.EvalSet set : sets) {
            Metrics m = set == null ? null : found.get(next++);
            out.add(set == null ? null : m != null ? m : new Metrics(spec.output(), spec.outputs(), confusion));
        }
        return out;
    }

    /** One partition fold per non-null set: its blocks' forward passes added into one {@link Metrics}. */
    private static List<Function2<Metrics, PartitionData, Metrics>> folds(List<DistributedTrainer.EvalSet> sets,
            NetworkSpec spec, OrderedAggregate.Shared<double[]> weights, boolean confusion) {
        OutputKind kind = spec.output();
        int k = spec.outputs();
        List<Function2<Metrics, PartitionData, Metrics>> folds = new ArrayList<>();
        for (DistributedTrainer.EvalSet set : sets) {
            if (set == null) {
                continue;
            }
            double[] outMean = set.outMean();
            double[] outScale = set.outScale();
            folds.add((Metrics acc, PartitionData pd) -> {
                Metrics out = acc != null ? acc : new Metrics(kind, k, confusion);
                BlockGradient bg = Workspaces.get(spec, 256);
                double[] w = weights.value();
                for (Block b : pd.blocks()) {
                    addBlock(bg, w, b, outMean, outScale, out);
                }
                return out;
            });
        }
        return folds;
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
                metrics.add(s, t, n * k, y, n * k, b.weight(n));
            } else {
                for (int i = 0; i < k; i++) {
                    yt[i] = y[n * k + i] * outScale[i] + outMean[i];
                }
                metrics.add(s, t, n * k, yt, 0, b.weight(n));
            }
        }
    }
}
