package io.sparkbp.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One example as parsed from a line: sparse features (0-based, strictly ascending {@link #indices()}
 * with their {@link #values()}; features not listed are 0, and parsers drop explicit zeros), the
 * target vector {@link #targets()} of length {@code nOut} (one-hot for softmax, 0/1 for logistic,
 * values for linear) and a weight (1 unless a CSV weight column says otherwise).
 *
 * <p>The arrays are owned by the example and not copied by the accessors: do not modify them. An
 * index array may be shared between examples (see {@link Standardizer#applyToFeatures}). The feature
 * arrays may be replaced, and feature values and targets rescaled in place, by a {@link Standardizer}.
 *
 * <p>A {@linkplain #failed failed} example is no example: it marks where reading a partition stopped
 * at a data error, and carries that error ({@link #failure()}) through the pipeline as an element
 * (across shuffles too), so the pass that consumes it can hand the error to the driver as its result
 * instead of failing the Spark task. Any use of its features, targets or weight throws the error.
 */
public final class ParsedExample implements Serializable {
    private static final long serialVersionUID = 1L;

    private int[] indices;
    private double[] values;
    private final double[] targets;
    private double weight;
    private final DataException failure;

    /**
     * A checked example; takes ownership of the arrays.
     *
     * @throws IllegalArgumentException if the indices are negative or not strictly ascending, the lengths of
     *                                  indices and values differ, a value or target is not finite, or the
     *                                  weight is negative or not finite
     */
    public ParsedExample(int[] indices, double[] values, double[] targets, double weight) {
        if (indices == null || values == null || targets == null) {
            throw new IllegalArgumentException("indices, values and targets are required");
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
        }
        for (int p = 0; p < indices.length; p++) {
            if (indices[p] < 0 || (p > 0 && indices[p] <= indices[p - 1])) {
                throw new IllegalArgumentException("feature indices must be >= 0 and strictly ascending: "
                        + Arrays.toString(indices));
            }
            if (!Double.isFinite(values[p])) {
                throw new IllegalArgumentException("feature " + indices[p] + " is not finite: " + values[p]);
            }
        }
        for (double t : targets) {
            if (!Double.isFinite(t)) {
                throw new IllegalArgumentException("targets must be finite: " + Arrays.toString(targets));
            }
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and >= 0, got " + weight);
        }
        this.indices = indices;
        this.values = values;
        this.targets = targets;
        this.weight = weight;
        this.failure = null;
    }

    private ParsedExample(DataException failure) {
        this.targets = null;
        this.failure = failure;
    }

    /** The marker for a partition whose reading stopped at {@code error} (see the class comment). */
    public static ParsedExample failed(DataException error) {
        if (error == null) {
            throw new IllegalArgumentException("a failed example needs its error");
        }
        return new ParsedExample(error);
    }

    /** The data error of a {@linkplain #failed failed} example, or null for a real example. */
    public DataException failure() {
        return failure;
    }

    private void requireExample() {
        if (failure != null) {
            throw failure;
        }
    }

    /** Unchecked constructor for the parsers, which guarantee the invariants. */
    ParsedExample(int[] indices, double[] values, double[] targets, double weight, boolean trusted) {
        this.indices = indices;
        this.values = values;
        this.targets = targets;
        this.weight = weight;
        this.failure = null;
    }

    /** An example with weight 1 from a dense feature vector (zeros dropped); copies {@code x}, owns {@code targets}. */
    public static ParsedExample dense(double[] x, double[] targets) {
        int nnz = 0;
        for (double v : x) {
            if (v != 0) {
                nnz++;
            }
        }
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        for (int j = 0, p = 0; j < x.length; j++) {
            if (x[j] != 0) {
                idx[p] = j;
                val[p++] = x[j];
            }
        }
        return new ParsedExample(idx, val, targets, 1.0);
    }

    /** Multiplies the example weight by {@code factor} (finite, {@code >= 0}; a class weight). */
    void scaleWeight(double factor) {
        weight *= factor;
    }

    /** Number of stored (nonzero) features. */
    public int nonzeros() {
        requireExample();
        return indices.length;
    }

    /** 0-based feature indices, strictly ascending. Do not modify. */
    public int[] indices() {
        requireExample();
        return indices;
    }

    /** Feature values matching {@link #indices()}. Do not modify. */
    public double[] values() {
        requireExample();
        return values;
    }

    /** Targets, length {@code nOut}. Do not modify. */
    public double[] targets() {
        requireExample();
        return targets;
    }

    public double weight() {
        requireExample();
        return weight;
    }

    /** Value of feature {@code j} (0-based), 0 if not stored. */
    public double feature(int j) {
        requireExample();
        int p = Arrays.binarySearch(indices, j);
        return p >= 0 ? values[p] : 0.0;
    }

    /** The features as a new dense array of length {@code nIn}. */
    public double[] denseFeatures(int nIn) {
        requireExample();
        double[] x = new double[nIn];
        for (int p = 0; p < indices.length; p++) {
            x[indices[p]] = values[p];
        }
        return x;
    }

    /** Replaces the feature arrays (used by {@link Standardizer}). */
    void setFeatures(int[] newIndices, double[] newValues) {
        this.indices = newIndices;
        this.values = newValues;
    }

    @Override
    public String toString() {
        if (failure != null) {
            return "failed: " + failure.getMessage();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(Arrays.toString(targets));
        if (weight != 1.0) {
            sb.append(" w=").append(weight);
        }
        for (int p = 0; p < indices.length; p++) {
            sb.append(' ').append(indices[p]).append(':').append(values[p]);
        }
        return sb.toString();
    }
}
