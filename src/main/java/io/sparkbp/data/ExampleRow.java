package io.sparkbp.data;

import java.util.Arrays;

/**
 * One example in reusable arrays: what a pass over text parses each line into ({@link
 * LineParser#parsePlain(byte[], int, ExampleRow)}), digests, standardizes ({@link Standardizer#applyTo(ExampleRow)})
 * and packs ({@link BlockPacker#add(ExampleRow)}), so that reading a partition makes no objects per line.
 * It holds what a {@link ParsedExample} holds, under the same rules: the first {@link #nonzeros()} entries of
 * {@link #indices()} (0-based, strictly ascending, below {@code inputs}) and {@link #values()} (nonzero,
 * finite), {@code outputs} targets and a weight. The arrays are overwritten by the next example: whoever keeps
 * an example copies it ({@link #toExample()}). Not thread-safe: one row per task.
 */
public final class ExampleRow {
    private final int nIn;
    int[] indices;
    double[] values;
    int nonzeros;
    final double[] targets;
    double weight = 1.0;
    /** Every feature of a row being centered ({@link Standardizer}), made when first needed. */
    private double[] dense;

    /** An empty row for examples of {@code nIn} features and {@code nOut} targets. */
    public ExampleRow(int nIn, int nOut) {
        if (nIn < 1 || nOut < 1) {
            throw new IllegalArgumentException("need nIn, nOut >= 1, got " + nIn + ", " + nOut);
        }
        this.nIn = nIn;
        this.indices = new int[Math.min(nIn, 16)];
        this.values = new double[indices.length];
        this.targets = new double[nOut];
    }

    public int inputs() {
        return nIn;
    }

    public int outputs() {
        return targets.length;
    }

    /** Stored (nonzero) features. */
    public int nonzeros() {
        return nonzeros;
    }

    /** The feature indices; the first {@link #nonzeros()} are the example's. Do not modify. */
    public int[] indices() {
        return indices;
    }

    /** The feature values matching {@link #indices()}. Do not modify. */
    public double[] values() {
        return values;
    }

    /** The targets. Do not modify. */
    public double[] targets() {
        return targets;
    }

    public double weight() {
        return weight;
    }

    /** Room for at least {@code n} features (at most {@link #inputs()}), keeping the stored ones. */
    void reserve(int n) {
        if (n > indices.length) {
            int size = (int) Math.min(nIn, Math.max(n, 2L * indices.length));
            indices = Arrays.copyOf(indices, size);
            values = Arrays.copyOf(values, size);
        }
    }

    /** An array of {@link #inputs()} values for centering, reused from row to row. */
    double[] dense() {
        if (dense == null) {
            dense = new double[nIn];
        }
        return dense;
    }

    /**
     * This row made a copy of {@code e} (a real example with at most {@link #inputs()} features and {@link
     * #outputs()} targets); returns {@code this}.
     *
     * @throws IllegalArgumentException if {@code e} does not fit
     */
    public ExampleRow set(ParsedExample e) {
        int[] idx = e.indices();
        double[] t = e.targets();
        if ((idx.length > 0 && idx[idx.length - 1] >= nIn) || t.length != targets.length) {
            throw new IllegalArgumentException("an example of " + (idx.length == 0 ? 0 : idx[idx.length - 1] + 1)
                    + " features and " + t.length + " targets does not fit a row of " + nIn + " and " + targets.length);
        }
        reserve(idx.length);
        System.arraycopy(idx, 0, indices, 0, idx.length);
        System.arraycopy(e.values(), 0, values, 0, idx.length);
        System.arraycopy(t, 0, targets, 0, t.length);
        nonzeros = idx.length;
        weight = e.weight();
        return this;
    }

    /** The example this row holds, in arrays of its own. */
    public ParsedExample toExample() {
        return new ParsedExample(Arrays.copyOf(indices, nonzeros), Arrays.copyOf(values, nonzeros), targets.clone(),
                weight, true);
    }

    @Override
    public String toString() {
        return toExample().toString();
    }
}
