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

    private DataScale() {
    }

    /** The sentence that blames {@code source}'s largest target, weight or feature, or null when all are moderate. */
    static String cause(ExampleSource source) {
        double[] max = source.examples(DataLoader.Holdout.ALL, null).filter(e -> e.failure() == null)
                .map(DataScale::maxima).fold(new double[3], DataScale::larger);
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
        return null;
    }

    /** The largest |target|, weight and |feature value| of one example. */
    private static double[] maxima(ParsedExample e) {
        double[] m = new double[3];
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
        for (int i = 0; i < a.length; i++) {
            m[i] = Math.max(a[i], b[i]);
        }
        return m;
    }
}
