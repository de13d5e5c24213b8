package io.sparkbp.nn;

/**
 * The training objective, defined once for the whole project:
 *
 * <pre>
 *   J(theta) = (sum_n w_n E_n) / (sum_n w_n) + (lambda / 2) * sum_layers ||W||_F^2
 * </pre>
 *
 * where {@code E_n} is the per-example error of the output kind, {@code w_n} the example weight and
 * the L2 term excludes biases. Its gradient is the weighted gradient sum divided by the weight sum,
 * plus {@code lambda W} on the weights.
 */
public final class Objective {
    private Objective() {
    }

    /** Mean per-example error {@code sum w E / sum w}, without the L2 term. */
    public static double meanError(GradientAccumulator acc) {
        requireExamples(acc);
        return acc.lossSum() / acc.weightSum();
    }

    /** {@code (lambda / 2) * sum ||W||^2} over all weight matrices of {@code theta}. */
    public static double penalty(NetworkSpec spec, double[] theta, double lambda) {
        if (lambda == 0.0) {
            return 0.0;
        }
        double s = 0;
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            int off = spec.weightOffset(l);
            s += io.sparkbp.math.Kernels.sumOfSquares(theta, off, spec.biasOffset(l) - off);
        }
        return 0.5 * lambda * s;
    }

    /**
     * Writes {@code grad J(theta)} into {@code grad} and returns {@code J(theta)}, from the sums in
     * {@code acc} collected at {@code theta}.
     */
    public static double valueAndGradient(NetworkSpec spec, double[] theta, double lambda,
                                          GradientAccumulator acc, double[] grad) {
        requireExamples(acc);
        double inv = 1.0 / acc.weightSum();
        double[] g = acc.gradSum();
        for (int i = 0; i < g.length; i++) {
            grad[i] = g[i] * inv;
        }
        if (lambda != 0.0) {
            for (int l = 0; l < spec.numWeightLayers(); l++) {
                int end = spec.biasOffset(l);
                for (int i = spec.weightOffset(l); i < end; i++) {
                    grad[i] += lambda * theta[i];
                }
            }
        }
        return acc.lossSum() * inv + penalty(spec, theta, lambda);
    }

    private static void requireExamples(GradientAccumulator acc) {
        if (!(acc.weightSum() > 0.0)) {
            throw new IllegalStateException("the objective is undefined: total example weight is "
                    + acc.weightSum() + " over " + acc.count() + " examples");
        }
    }
}
