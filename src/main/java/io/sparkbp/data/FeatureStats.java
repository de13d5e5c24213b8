package io.sparkbp.data;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;

import java.io.Serializable;

/**
 * Mergeable per-column count, mean and sum of squared deviations (M2) of the features and the
 * targets of a set of examples, for standardization. Use it as a Spark aggregate: {@link #add} per
 * example, {@link #merge} to combine partitions.
 *
 * <p>Numerics: per column only the stored (nonzero) values are accumulated, with Welford's update
 * on values shifted by the column's first value (so a large mean with a small spread loses no
 * precision); partial results merge with Chan et al.'s pairwise formula; the implicit zeros are merged in as one
 * more group (mean 0, M2 0) when a statistic is read. So the cost is proportional to the nonzeros,
 * and the result matches a single Welford pass over all values (zeros included) up to rounding.
 *
 * <p>Statistics are unweighted (each example counts once, whatever its weight) and computed on the
 * raw values. Variances are population variances ({@code M2 / n}, ddof = 0).
 */
public final class FeatureStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int nIn;
    private final int nOut;
    private long count;
    private final Moments inputs;
    private final Moments targets;

    public FeatureStats(int nIn, int nOut) {
        if (nIn < 1 || nOut < 1) {
            throw new IllegalArgumentException("need nIn, nOut >= 1, got " + nIn + ", " + nOut);
        }
        this.nIn = nIn;
        this.nOut = nOut;
        this.inputs = new Moments(nIn);
        this.targets = new Moments(nOut);
    }

    /** About how many bytes statistics of {@code nIn} inputs and {@code nOut} outputs take (six values per column). */
    public static long sizeInBytes(int nIn, int nOut) {
        return 48L * ((long) nIn + nOut) + 256;
    }

    /** Adds one example (raw, before any transform); returns {@code this}. */
    public FeatureStats add(ParsedExample e) {
        int[] idx = e.indices();
        return add(idx, e.values(), idx.length, e.targets());
    }

    /** Adds the example {@code row} holds, as {@link #add(ParsedExample)} adds the same example. */
    public FeatureStats add(ExampleRow row) {
        return add(row.indices, row.values, row.nonzeros, row.targets);
    }

    /** Adds the example of the first {@code n} features {@code idx}/{@code val} and targets {@code t}. */
    private FeatureStats add(int[] idx, double[] val, int n, double[] t) {
        if (n > 0 && idx[n - 1] >= nIn) {
            throw new IllegalArgumentException("feature index " + idx[n - 1] + " (0-based) is out of range for "
                    + nIn + " features");
        }
        if (t.length != nOut) {
            throw new IllegalArgumentException("example has " + t.length + " targets, expected " + nOut);
        }
        count++;
        for (int p = 0; p < n; p++) {
            inputs.add(idx[p], val[p]);
        }
        for (int k = 0; k < nOut; k++) {
            if (t[k] != 0) {
                targets.add(k, t[k]);
            }
        }
        return this;
    }

    /**
     * Adds the examples of {@code block}, raw float64 blocks as {@link BlockPacker#unpack} reads them,
     * in order: the same updates, in the same order, as {@link #add(ParsedExample)} of each of those
     * examples, without making them. Returns {@code this}.
     *
     * @throws IllegalArgumentException if the block's shape differs from these statistics' or it stores float32 values
     */
    public FeatureStats add(Block block) {
        if (block.inputs() != nIn || block.outputs() != nOut || block.precision() != Precision.FLOAT64) {
            throw new IllegalArgumentException("cannot add a " + block.precision() + " block of " + block.inputs() + "/"
                    + block.outputs() + " columns to statistics of " + nIn + "/" + nOut);
        }
        double[] t = block.t();
        for (int r = 0; r < block.rows(); r++) {
            count++;
            if (block.isSparse()) {
                int[] idx = block.indices();
                double[] val = block.values();
                for (int p = block.colPtr()[r]; p < block.colPtr()[r + 1]; p++) {
                    inputs.add(idx[p], val[p]);
                }
            } else {
                double[] x = block.x();
                for (int j = 0, base = r * nIn; j < nIn; j++) {
                    if (x[base + j] != 0) {
                        inputs.add(j, x[base + j]);
                    }
                }
            }
            for (int k = 0, base = r * nOut; k < nOut; k++) {
                if (t[base + k] != 0) {
                    targets.add(k, t[base + k]);
                }
            }
        }
        return this;
    }

    /** Merges {@code other} into this one (in place); returns {@code this}. */
    public FeatureStats merge(FeatureStats other) {
        if (other.nIn != nIn || other.nOut != nOut) {
            throw new IllegalArgumentException("cannot merge statistics of " + other.nIn + "/" + other.nOut
                    + " columns into " + nIn + "/" + nOut);
        }
        count += other.count;
        inputs.merge(other.inputs);
        targets.merge(other.targets);
        return this;
    }

    public int inputs() {
        return nIn;
    }

    public int outputs() {
        return nOut;
    }

    /** Number of examples added. */
    public long count() {
        return count;
    }

    public double inputMean(int j) {
        return inputs.mean(j, count);
    }

    /** Population variance of feature {@code j}. */
    public double inputVariance(int j) {
        return inputs.variance(j, count);
    }

    /** Examples in which feature {@code j} is stored (nonzero). */
    public long inputNonzeros(int j) {
        return inputs.n[j];
    }

    /** Fraction of the {@code count x nIn} feature entries that are nonzero (0 when empty). */
    public double nonzeroFraction() {
        if (count == 0) {
            return 0.0;
        }
        double nnz = 0;
        for (long n : inputs.n) {
            nnz += n;
        }
        return nnz / ((double) count * nIn);
    }

    /** Examples whose target {@code k} is nonzero: for one-hot softmax targets the count of class {@code k}. */
    public long targetNonzeros(int k) {
        return targets.n[k];
    }

    public double targetMean(int k) {
        return targets.mean(k, count);
    }

    /** Population variance of target {@code k}. */
    public double targetVariance(int k) {
        return targets.variance(k, count);
    }

    /**
     * The largest distance, in scale units, of a standardized training input from its center: a
     * feature's scale is its standard deviation, or more where that would put a training value further
     * out than this.
     */
    public static final double MAX_STANDARDIZED = 5.0;

    /**
     * The input standardization {@code x' = (x - mean) / scale} with scale the population standard
     * deviation (a z-score). Without {@code center} the mean is 0 (scale only, so zeros stay zeros and
     * sparse data stays sparse). Constant columns (and an empty set) get scale 1; see {@link #scaleOf}.
     * Training bounds the scaled values ({@link #inputTransform(boolean[], boolean)}): a rare feature (a
     * pixel lit in 1 of 8,000 images, a one-hot column of a rare category) or a heavy-tailed one would
     * otherwise stand tens of standard deviations out and saturate the first layer's sigmoid units.
     */
    public Transform inputTransform(boolean center) {
        boolean[] all = new boolean[nIn];
        java.util.Arrays.fill(all, center);
        return inputTransform(all, false);
    }

    /**
     * As {@link #inputTransform(boolean)}, centering only the features {@code j} with {@code center[j]};
     * with {@code bounded}, a feature's scale is raised where needed so that no training value lands
     * more than {@link #MAX_STANDARDIZED} scale units from its center (what training uses).
     */
    public Transform inputTransform(boolean[] center, boolean bounded) {
        double[] mean = new double[nIn];
        double[] scale = new double[nIn];
        for (int j = 0; j < nIn; j++) {
            double m = inputMean(j);
            mean[j] = center[j] ? m : 0.0;
            scale[j] = scaleOf(m, inputVariance(j));
            if (bounded && scale[j] != 1.0) {
                scale[j] = Math.max(scale[j], inputs.maxDeviation(j, count, mean[j]) / MAX_STANDARDIZED);
            }
        }
        return new Transform(mean, scale);
    }

    /** The target standardization (centered), for linear outputs. */
    public Transform targetTransform() {
        double[] mean = new double[nOut];
        double[] scale = new double[nOut];
        for (int k = 0; k < nOut; k++) {
            mean[k] = targetMean(k);
            scale[k] = scaleOf(mean[k], targetVariance(k));
        }
        return new Transform(mean, scale);
    }

    /**
     * The standard deviation {@code sqrt(variance)}, or 1 for a constant column: variance 0, or a standard
     * deviation below {@code 1e-12 |mean|} (rounding noise of a constant column).
     */
    static double scaleOf(double mean, double variance) {
        double sd = Math.sqrt(variance);
        if (!(sd > 0) || sd <= 1e-12 * Math.abs(mean) || !Double.isFinite(sd)) {
            return 1.0;
        }
        return sd;
    }

    /**
     * Welford/Chan moments of the stored values of each column, accumulated relative to a per-column
     * shift (the column's first value), so that columns with a large mean and small spread stay accurate.
     */
    private static final class Moments implements Serializable {
        private static final long serialVersionUID = 1L;
        final long[] n;
        final double[] shift;
        final double[] mean; // mean of (x - shift)
        final double[] m2;
        final double[] min; // of the stored values
        final double[] max;

        Moments(int columns) {
            n = new long[columns];
            shift = new double[columns];
            mean = new double[columns];
            m2 = new double[columns];
            min = new double[columns];
            max = new double[columns];
        }

        void add(int j, double x) {
            long nj = ++n[j];
            if (nj == 1) {
                shift[j] = x;
                min[j] = x;
                max[j] = x;
            } else {
                min[j] = Math.min(min[j], x);
                max[j] = Math.max(max[j], x);
            }
            double y = x - shift[j];
            double delta = y - mean[j];
            mean[j] += delta / nj;
            m2[j] += delta * (y - mean[j]);
        }

        void merge(Moments o) {
            for (int j = 0; j < n.length; j++) {
                long nb = o.n[j];
                if (nb == 0) {
                    continue;
                }
                long na = n[j];
                if (na == 0) {
                    n[j] = nb;
                    shift[j] = o.shift[j];
                    mean[j] = o.mean[j];
                    m2[j] = o.m2[j];
                    min[j] = o.min[j];
                    max[j] = o.max[j];
                    continue;
                }
                min[j] = Math.min(min[j], o.min[j]);
                max[j] = Math.max(max[j], o.max[j]);
                long nab = na + nb;
                double delta = (o.shift[j] - shift[j]) + (o.mean[j] - mean[j]);
                mean[j] += delta * ((double) nb / nab);
                m2[j] += o.m2[j] + delta * delta * ((double) na * nb / nab);
                n[j] = nab;
            }
        }

        /** The largest distance of a value of column {@code j} (the unstored ones being 0) from {@code m}. */
        double maxDeviation(int j, long total, double m) {
            if (n[j] == 0) {
                return Math.abs(m);
            }
            double d = Math.max(Math.abs(max[j] - m), Math.abs(min[j] - m));
            return n[j] < total ? Math.max(d, Math.abs(m)) : d;
        }

        /** Mean over {@code total} examples, the unstored ones being 0. */
        double mean(int j, long total) {
            return total == 0 || n[j] == 0 ? 0.0 : (shift[j] + mean[j]) * ((double) n[j] / total);
        }

        /** Population variance over {@code total} examples: Chan-merge the stored values with the zeros. */
        double variance(int j, long total) {
            if (total == 0 || n[j] == 0) {
                return 0.0;
            }
            long zeros = total - n[j];
            double storedMean = shift[j] + mean[j];
            double m2All = m2[j] + storedMean * storedMean * ((double) n[j] * zeros / total);
            return Math.max(0.0, m2All / total);
        }
    }
}
