package io.sparkbp.spark;

import io.sparkbp.data.ParsedExample;

import java.util.Locale;

/**
 * Whether a run's training data, rather than its learning rate, explain a divergence: a target, an
 * example weight or a feature value so large that the loss or its gradient leaves the double range
 * whatever the step (above {@link #NEAR_RANGE}, whose square is within a factor of 1e8 of {@link
 * Double#MAX_VALUE}). Read from the raw examples, after a divergence only.
 */
final class DataScale {
    /** Magnitudes above this are near the double range once squared or multiplied by a loss. */
    static final double NEAR_RANGE = 1e150;
    /**
     * Example weights all below this are too small for the double range: their squares (in the
     * optimizer's second moments, in the sums of weighted squared terms) underflow to 0, and the
     * weighted loss and its gradient to 0 or NaN (subnormal weights).
     */
    static final double TINY = 1e-150;

    private DataScale() {
    }

    /**
     * The sentence that blames {@code source}'s largest target, weight or feature, or its example
     * weights when every positive one is below {@link #TINY}, or null when all are moderate.
     */
    static String cause(ExampleSource source) {
        double[] max = source.examples(DataLoader.Holdout.ALL, null).filter(e -> e.failure() == null)
                .map(DataScale::maxima).fold(new double[] {0, 0, 0, Double.POSITIVE_INFINITY}, DataScale::larger);
        String[] what = {"a target of %s: rescale the targets", "an example weight of %s: rescale the weights",
                "a feature value of %s: rescale that feature"};
        for (int i = 0; i < what.length; i++) {
            if (max[i] > NEAR_RANGE) {
                return "the data are the likely cause, not the learning rate: " + source.key() + " holds "
                        + String.format(Locale.ROOT, what[i], String.format(Locale.ROOT, "%.6g", max[i]))
                        + " (magnitudes above 1e150 are near the double range, and the loss or its gradient"
                        + " overflows whatever the learning rate)";
            }
        }
        if (max[1] > 0 && max[1] < TINY) {
            return String.format(Locale.ROOT, "the data are the likely cause, not the learning rate: every example"
                    + " weight of %s is below 1e-150 (the positive ones run from %.6g to %.6g), so the weighted loss and"
                    + " its gradient underflow whatever the learning rate: rescale the weights (multiply them all by"
                    + " one factor, so that the largest is about 1)", source.key(), max[3], max[1]);
        }
        return null;
    }

    /** The largest |target|, weight and |feature value| of one example, and its weight if positive (else infinity). */
    private static double[] maxima(ParsedExample e) {
        double[] m = new double[4];
        m[3] = e.weight() > 0 ? e.weight() : Double.POSITIVE_INFINITY;
        for (double t : e.targets()) {
            m[0] = Math.max(m[0], Math.abs(t));
        }
        m[1] = e.weight();
        for (double x : e.values()) {
            m[2] = Math.max(m[2], Math.abs(x));
        }
        return m;
    }

    private static double[] larger(double[] a, double[] b) {
        double[] m = new double[a.length];
        for (int i = 0; i < 3; i++) {
            m[i] = Math.max(a[i], b[i]);
        }
        m[3] = Math.min(a[3], b[3]); // the smallest positive weight
        return m;
    }
}
