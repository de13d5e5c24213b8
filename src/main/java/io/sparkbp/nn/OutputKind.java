package io.sparkbp.nn;

import io.sparkbp.math.Kernels;
import io.sparkbp.math.Named;

/**
 * The three output-layer / loss pairs of the backprop note. Each owns its activation {@code y(s)}
 * of the output pre-activations {@code s} and its per-example error {@code E(s, t)}, computed
 * stably from {@code s}. For all three the derivative of {@code E} with respect to {@code s} is
 * {@code y - t}; that delta is formed in one place, {@link BlockGradient}, not here.
 *
 * <p>Methods work on one example: {@code k} consecutive values starting at {@code off}.
 */
public enum OutputKind implements Named {
    /**
     * Independent logistic units with cross-entropy summed over outputs (binary and multi-label):
     * {@code E = sum_k log(1 + e^s_k) - t_k s_k}. With {@code softplus(s) = max(s,0) + log1p(e^-|s|)}
     * (which never overflows) and {@code softplus(-s) = softplus(s) - s}, it is evaluated as
     * {@code (1 - t) softplus(s) + t softplus(-s)}: the same value, but exact to the last bit for
     * 0/1 targets even where {@code softplus(s) - t s} would cancel (large {@code s} with {@code t = 1}).
     */
    LOGISTIC(1) {
        @Override
        public void activate(double[] s, double[] y, int off, int k) {
            for (int i = off; i < off + k; i++) {
                y[i] = Kernels.sigmoid(s[i]);
            }
        }

        @Override
        public double error(double[] s, int sOff, double[] t, int tOff, int k) {
            double e = 0;
            for (int i = 0; i < k; i++) {
                double v = s[sOff + i];
                double ti = t[tOff + i];
                e += (1.0 - ti) * Kernels.softplus(v) + ti * Kernels.softplus(-v);
            }
            return e;
        }

        @Override
        KindSums sums(int k, Confusion confusion) {
            return new KindSums.Labels(k, confusion);
        }
    },
    /**
     * Softmax with cross-entropy (multi-class): {@code E = logsumexp(s) - sum_k t_k s_k}. The row
     * maximum {@code m} is subtracted first, so with {@code sum t = 1} the value is
     * {@code log sum_k e^(s_k - m) - sum_k t_k (s_k - m)}, unchanged by adding a constant to the row.
     */
    SOFTMAX(2) {
        @Override
        public void activate(double[] s, double[] y, int off, int k) {
            double m = max(s, off, k);
            double sum = 0;
            for (int i = off; i < off + k; i++) {
                double e = Math.exp(s[i] - m);
                y[i] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int i = off; i < off + k; i++) {
                y[i] *= inv;
            }
        }

        @Override
        public double error(double[] s, int sOff, double[] t, int tOff, int k) {
            double m = max(s, sOff, k);
            double sumExp = 0;
            double dot = 0;
            double tSum = 0;
            for (int i = 0; i < k; i++) {
                double shifted = s[sOff + i] - m;
                sumExp += Math.exp(shifted);
                dot += t[tOff + i] * shifted;
                tSum += t[tOff + i];
            }
            double e = Math.log(sumExp) - dot;
            // For targets that do not sum to 1 the shift does not cancel; add it back exactly.
            return tSum == 1.0 ? e : e + m * (1.0 - tSum);
        }

        @Override
        KindSums sums(int k, Confusion confusion) {
            return new KindSums.Classes(k, confusion);
        }
    },
    /** Linear outputs with squared error (regression): {@code E = 1/2 sum_k (s_k - t_k)^2}. */
    LINEAR(1) {
        @Override
        public void activate(double[] s, double[] y, int off, int k) {
            if (s != y) {
                System.arraycopy(s, off, y, off, k);
            }
        }

        @Override
        public double error(double[] s, int sOff, double[] t, int tOff, int k) {
            double e = 0;
            for (int i = 0; i < k; i++) {
                double d = s[sOff + i] - t[tOff + i];
                e += d * d;
            }
            return 0.5 * e;
        }

        @Override
        KindSums sums(int k, Confusion confusion) {
            return new KindSums.Errors(k);
        }
    };

    private final int minOutputs;

    OutputKind(int minOutputs) {
        this.minOutputs = minOutputs;
    }

    /** Writes {@code y(s)} for one example into {@code y[off..off+k)}; {@code y} may be {@code s}. */
    public abstract void activate(double[] s, double[] y, int off, int k);

    /** Per-example error {@code E(s, t)} for one example, from the pre-activations {@code s}. */
    public abstract double error(double[] s, int sOff, double[] t, int tOff, int k);

    /**
     * Empty evaluation sums of {@code k} outputs of this kind, its decision rule included: the argmax
     * for softmax, the threshold per output for logistic, the errors in data units for linear; they
     * fill {@code confusion} (null for none; linear outputs have none) as they go.
     */
    abstract KindSums sums(int k, Confusion confusion);

    /** Smallest number of output units this kind accepts. */
    public int minOutputs() {
        return minOutputs;
    }

    /**
     * The label contract for a label given as one number {@code v}: writes its targets into
     * {@code t[0..k)} (zeros on entry) and returns true, or returns false when {@code v} is no label of
     * this kind. Softmax: a class index {@code 0..k-1}, one-hot; logistic: 0 or 1; linear: any finite
     * number ({@code -0.0} is stored as {@code 0.0}).
     */
    public boolean encodeLabel(double v, double[] t, int k) {
        switch (this) {
            case SOFTMAX -> {
                if (!(v >= 0 && v < k && v == Math.rint(v))) {
                    return false;
                }
                t[(int) v] = 1.0;
            }
            case LOGISTIC -> {
                if (v != 0 && v != 1) {
                    return false;
                }
                t[0] = v == 1 ? 1.0 : 0.0;
            }
            case LINEAR -> {
                if (!Double.isFinite(v)) {
                    return false;
                }
                t[0] = v == 0 ? 0.0 : v;
            }
            default -> throw new IllegalStateException("unknown output kind " + this);
        }
        return true;
    }

    /** The label contract for one value of a per-output label vector: a finite number for linear, else 0 or 1. */
    public boolean acceptsTarget(double v) {
        return this == LINEAR ? Double.isFinite(v) : v == 0 || v == 1;
    }

    /** The probability at or above which a logistic output counts as positive, unless a front end sets another. */
    public static final double THRESHOLD = 0.5;

    /** The softmax decision: the index of the largest of {@code v[off..off+k)}, the first one on ties. */
    public static int argmax(double[] v, int off, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The logistic decision: is {@code p} a positive at {@code threshold} ({@code p >= threshold})? */
    public static boolean positive(double p, double threshold) {
        return p >= threshold;
    }

    /**
     * The headline metric of {@code k} outputs of this kind, for progress lines and model selection:
     * accuracy for softmax and one logistic output, subset accuracy for several, r2 for linear.
     */
    public String headlineMetric(int k) {
        return switch (this) {
            case SOFTMAX -> "accuracy";
            case LOGISTIC -> k == 1 ? "accuracy" : "subsetAccuracy";
            case LINEAR -> "r2";
        };
    }

    /** Parses {@code logistic}, {@code softmax} or {@code linear} (case-insensitive). */
    public static OutputKind parse(String s) {
        return Named.parse(OutputKind.class, s, "output kind");
    }

    private static double max(double[] s, int off, int k) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + k; i++) {
            if (s[i] > m) {
                m = s[i];
            }
        }
        return m;
    }
}
