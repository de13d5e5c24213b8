package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;

import java.io.Serializable;

/**
 * The transforms applied to every example before packing: an optional input {@link Transform} and an
 * optional target transform (only for linear outputs; classification targets stay 0/1). Immutable and
 * serializable, so it can be broadcast to executors; the two transforms are what the model stores
 * ({@code inputTransform}, {@code outputTransform}).
 *
 * <p>Typical use: pass 1 aggregates a {@link FeatureStats} over the raw training examples; {@link #fit}
 * turns it into a standardizer; pass 2 parses again, {@link #apply}s it and packs the blocks. The
 * arithmetic is {@link Transform#apply(int, double)}, exactly what prediction uses; predictions of a
 * linear model trained on standardized targets are mapped back with {@link Transform#invertInPlace}.
 *
 * <p>Centering makes every feature nonzero, so an example standardized with a centering input
 * transform becomes dense; pack such data with {@link Layout#DENSE} or {@link Layout#AUTO}.
 */
public final class Standardizer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Transform inputs;
    private final Transform targets;
    private final ClassWeights classWeights;
    private final boolean centersInputs;
    private transient volatile int[] denseIndices;

    /**
     * @param inputs  input transform, or null for none
     * @param targets target transform, or null for none
     */
    public Standardizer(Transform inputs, Transform targets) {
        this(inputs, targets, null);
    }

    /** As {@link #Standardizer(Transform, Transform)}, also multiplying each example weight by its class weight (may be null). */
    public Standardizer(Transform inputs, Transform targets, ClassWeights classWeights) {
        this.inputs = inputs;
        this.targets = targets;
        this.classWeights = classWeights;
        this.centersInputs = inputs != null && inputs.centers();
    }

    /** No transform at all. */
    public static Standardizer none() {
        return new Standardizer(null, null);
    }

    /**
     * Standardization from training statistics: inputs to unit population standard deviation, centered
     * only if {@code centerInputs} ({@link FeatureStats#inputTransform}); targets centered and scaled only
     * for {@link OutputKind#LINEAR} ({@link FeatureStats#targetTransform}).
     */
    public static Standardizer fit(FeatureStats stats, OutputKind kind, boolean centerInputs) {
        return new Standardizer(stats.inputTransform(centerInputs),
                kind == OutputKind.LINEAR ? stats.targetTransform() : null);
    }

    /**
     * Whether to center the inputs for a block layout: always for {@link Layout#DENSE}, never for {@link
     * Layout#SPARSE} (centering would make every entry nonzero), and for {@link Layout#AUTO} only when the
     * training data are dense enough that blocks would be dense anyway ({@code stats.nonzeroFraction() >=
     * BlockPacker.SPARSE_BELOW}). So sparse data stay sparse and are only scaled.
     */
    public static boolean centerInputs(Layout layout, FeatureStats stats) {
        return switch (layout) {
            case DENSE -> true;
            case SPARSE -> false;
            case AUTO -> stats.nonzeroFraction() >= BlockPacker.SPARSE_BELOW;
        };
    }

    /** {@link Layout#AUTO} centers a feature of sparse data when at least this fraction of the examples have it nonzero. */
    public static final double CENTER_FEATURES_ABOVE = 0.5;

    /**
     * Which features to center: all of them where {@link #centerInputs} says so; otherwise, for {@link
     * Layout#AUTO}, the features that are nonzero in at least {@link #CENTER_FEATURES_ABOVE} of the
     * examples. Such data are sparse overall (one-hot columns, say) but may hold dense columns with a
     * large offset (a year, an area) that scaling alone would leave far from zero, saturating the first
     * layer's units; centering those columns costs little sparsity, since they are mostly nonzero anyway.
     */
    public static boolean[] centeredFeatures(Layout layout, FeatureStats stats) {
        boolean[] center = new boolean[stats.inputs()];
        boolean all = centerInputs(layout, stats);
        for (int j = 0; j < center.length; j++) {
            center[j] = all || (layout == Layout.AUTO && stats.count() > 0
                    && stats.inputNonzeros(j) >= CENTER_FEATURES_ABOVE * stats.count());
        }
        return center;
    }

    /** The input transform, or null. */
    public Transform inputs() {
        return inputs;
    }

    /** The target transform, or null. */
    public Transform targets() {
        return targets;
    }

    /** The class weights, or null. */
    public ClassWeights classWeights() {
        return classWeights;
    }

    /** True when there is nothing to do. */
    public boolean isIdentity() {
        return inputs == null && targets == null && classWeights == null;
    }

    /** Standardizes {@code e} in place and returns it (null stays null, for iterator pipelines). */
    public ParsedExample apply(ParsedExample e) {
        if (e == null) {
            return null;
        }
        if (classWeights != null) {
            classWeights.applyTo(e);
        }
        if (inputs != null) {
            applyFeatures(inputs, centersInputs, e);
        }
        if (targets != null) {
            applyToTargets(targets, e);
        }
        return e;
    }

    /**
     * Standardizes the example's features in place with {@code t}: {@code x' = (x - mean) / scale}. Without
     * centering only the stored values change (zeros stay zeros; the index array is kept). With centering
     * every feature is computed, so the example becomes dense (exact zeros are still dropped).
     */
    public static void applyToFeatures(Transform t, ParsedExample e) {
        new Standardizer(t, null).apply(e);
    }

    /** Standardizes the example's targets in place with {@code t}: {@code t' = (t - mean) / scale}. */
    public static void applyToTargets(Transform t, ParsedExample e) {
        applyToTargets(t, e.targets());
    }

    /** The targets {@code y} of an example through {@code t}, in place. */
    private static void applyToTargets(Transform t, double[] y) {
        if (y.length != t.size()) {
            throw new IllegalArgumentException("example has " + y.length + " targets, transform has " + t.size());
        }
        for (int k = 0; k < y.length; k++) {
            y[k] = t.apply(k, y[k]);
        }
    }

    /**
     * Standardizes the example {@code row} holds in place and returns {@code row}: the same example, bit
     * for bit, as {@link #apply(ParsedExample)} makes of it, without new arrays.
     */
    public ExampleRow applyTo(ExampleRow row) {
        if (classWeights != null) {
            classWeights.applyTo(row);
        }
        if (inputs != null) {
            applyFeatures(inputs, centersInputs, row);
        }
        if (targets != null) {
            applyToTargets(targets, row.targets);
        }
        return row;
    }

    /** Features of {@code e} through {@code t} (always {@link #inputs}). */
    private void applyFeatures(Transform t, boolean center, ParsedExample e) {
        int[] idx = e.indices();
        double[] val = e.values();
        int n = t.size();
        requireRange(idx, idx.length, n);
        if (!center) {
            scale(t, idx, val, idx.length);
            return;
        }
        double[] x = idx.length == n ? val : new double[n]; // every feature given: in place, no copy per row
        int nonzeros = centered(t, idx, val, idx.length, x);
        if (nonzeros == n) {
            e.setFeatures(denseIndices(n), x);
            return;
        }
        int[] nIdx = new int[nonzeros];
        double[] nVal = new double[nonzeros];
        compact(x, nIdx, nVal);
        e.setFeatures(nIdx, nVal);
    }

    /** Features of the example {@code row} holds through {@code t}, in its own arrays (as for an example). */
    private static void applyFeatures(Transform t, boolean center, ExampleRow row) {
        int n = t.size();
        if (n != row.inputs()) {
            throw new IllegalArgumentException("a row of " + row.inputs() + " features, a transform of " + n + " columns");
        }
        requireRange(row.indices, row.nonzeros, n);
        if (!center) {
            scale(t, row.indices, row.values, row.nonzeros);
            return;
        }
        double[] x = row.nonzeros == n ? row.values : row.dense();
        centered(t, row.indices, row.values, row.nonzeros, x);
        row.reserve(n);
        row.nonzeros = compact(x, row.indices, row.values);
    }

    /** Checks that the first {@code k} indices {@code idx} (ascending) are below {@code n}, the transform's size. */
    private static void requireRange(int[] idx, int k, int n) {
        if (k > 0 && idx[k - 1] >= n) {
            throw new IllegalArgumentException("feature index " + idx[k - 1] + " (0-based) is out of range for "
                    + n + " columns");
        }
    }

    /** The first {@code k} values {@code val} of features {@code idx} through {@code t}, in place (zeros stay zeros). */
    private static void scale(Transform t, int[] idx, double[] val, int k) {
        for (int p = 0; p < k; p++) {
            val[p] = t.apply(idx[p], val[p]);
        }
    }

    /**
     * The nonzero entries of {@code x} written to {@code idx}/{@code val} in order (which may be {@code x}
     * itself: each is written at or before where it is read); returns how many.
     */
    private static int compact(double[] x, int[] idx, double[] val) {
        int p = 0;
        for (int j = 0; j < x.length; j++) {
            if (x[j] != 0) {
                idx[p] = j;
                val[p++] = x[j];
            }
        }
        return p;
    }

    /**
     * Fills {@code x} with every feature of the first {@code k} entries of {@code (idx, val)} through
     * {@code t}; returns how many are nonzero. The indices of an example ascend strictly ({@link
     * ParsedExample}) and are in range, so an example with every feature has indices {@code 0..n-1}: one
     * plain loop (measured 5-24% faster than two), which may write into {@code val} itself ({@code x ==
     * val}); others absent features first, then the given ones.
     */
    private static int centered(Transform t, int[] idx, double[] val, int k, double[] x) {
        if (k == x.length) {
            for (int j = 0; j < x.length; j++) {
                x[j] = t.apply(j, val[j]);
            }
        } else {
            for (int j = 0; j < x.length; j++) {
                x[j] = t.apply(j, 0.0);
            }
            for (int p = 0; p < k; p++) {
                x[idx[p]] = t.apply(idx[p], val[p]);
            }
        }
        int nonzeros = 0;
        for (double v : x) {
            if (v != 0) {
                nonzeros++;
            }
        }
        return nonzeros;
    }

    /** {@code 0..n-1}, shared by the examples this standardizer makes dense (read-only; published through a volatile field, a race may build it twice). */
    private int[] denseIndices(int n) {
        int[] a = denseIndices;
        if (a == null) {
            a = new int[n];
            for (int j = 0; j < n; j++) {
                a[j] = j;
            }
            denseIndices = a;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Standardizer{inputs=" + inputs + ", targets=" + targets
                + (classWeights == null ? "" : ", classWeights=" + classWeights) + "}";
    }
}
