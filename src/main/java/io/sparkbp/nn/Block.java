package io.sparkbp.nn;

import io.sparkbp.math.Kernels;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of {@code rows} training examples stored as matrices with one column per example
 * (column-major): targets {@code t} ({@code nOut x rows}, {@code t[n * nOut + k]}) and optional
 * example weights {@code w} ({@code null} means every weight is 1).
 *
 * <p>Inputs are either dense ({@code x}, {@code nIn x rows}, {@code x[n * nIn + j]}) or sparse in
 * compressed-column form: example {@code n} has the nonzeros {@code values[p]} at feature indices
 * {@code indices[p]} (0-based, strictly ascending) for {@code colPtr[n] <= p < colPtr[n + 1]}.
 * Sparse blocks cost 12 bytes per nonzero, and the first layer's work is proportional to the
 * nonzeros. Blocks are immutable once built; the arrays are owned by the block.
 *
 * <p>The input values ({@code x}, or the sparse {@code values}) are stored in the block's {@link
 * Precision}: doubles, or floats for {@link Precision#FLOAT32} (4 bytes per dense value, 8 per
 * sparse nonzero). Targets and weights are always doubles, so losses and metrics see exact targets.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int nIn;
    private final int nOut;
    private final double[] x;
    private final float[] xf;
    private final int[] colPtr;
    private final int[] indices;
    private final double[] values;
    private final float[] valuesF;
    private final double[] t;
    private final double[] w;

    /** The input arrays of one block: exactly one of the dense {@code x}/{@code xf} or sparse value arrays is set. */
    private record Inputs(double[] x, float[] xf, int[] colPtr, int[] indices, double[] values, float[] valuesF) {
        static Inputs dense(double[] x) {
            return new Inputs(x, null, null, null, null, null);
        }

        static Inputs dense(float[] x) {
            return new Inputs(null, x, null, null, null, null);
        }

        static Inputs sparse(int[] colPtr, int[] indices, double[] values) {
            return new Inputs(null, null, colPtr, indices, values, null);
        }

        static Inputs sparse(int[] colPtr, int[] indices, float[] values) {
            return new Inputs(null, null, colPtr, indices, null, values);
        }
    }

    private Block(int rows, int nIn, int nOut, Inputs in, double[] t, double[] w) {
        if (rows < 1) {
            throw new IllegalArgumentException("a block needs at least one example, got " + rows);
        }
        if (t.length != (long) nOut * rows) {
            throw new IllegalArgumentException("targets hold " + t.length + " values, expected " + nOut + " x " + rows);
        }
        if (w != null && w.length != rows) {
            throw new IllegalArgumentException("weights hold " + w.length + " values, expected " + rows);
        }
        this.rows = rows;
        this.nIn = nIn;
        this.nOut = nOut;
        this.x = in.x();
        this.xf = in.xf();
        this.colPtr = in.colPtr();
        this.indices = in.indices();
        this.values = in.values();
        this.valuesF = in.valuesF();
        this.t = t;
        this.w = w;
    }

    /** A dense block; {@code x} is {@code nIn x rows}, {@code t} is {@code nOut x rows}, both column-major. */
    public static Block dense(int rows, int nIn, int nOut, double[] x, double[] t, double[] w) {
        checkDense(x.length, rows, nIn);
        return new Block(rows, nIn, nOut, Inputs.dense(x), t, w);
    }

    /** A dense {@link Precision#FLOAT32} block; {@code x} is {@code nIn x rows} column-major. */
    public static Block dense(int rows, int nIn, int nOut, float[] x, double[] t, double[] w) {
        checkDense(x.length, rows, nIn);
        return new Block(rows, nIn, nOut, Inputs.dense(x), t, w);
    }

    /** A sparse block in compressed-column form (see the class comment). */
    public static Block sparse(int rows, int nIn, int nOut, int[] colPtr, int[] indices, double[] values,
                               double[] t, double[] w) {
        checkSparse(rows, nIn, colPtr, indices, values.length);
        return new Block(rows, nIn, nOut, Inputs.sparse(colPtr, indices, values), t, w);
    }

    /** A sparse {@link Precision#FLOAT32} block in compressed-column form. */
    public static Block sparse(int rows, int nIn, int nOut, int[] colPtr, int[] indices, float[] values,
                               double[] t, double[] w) {
        checkSparse(rows, nIn, colPtr, indices, values.length);
        return new Block(rows, nIn, nOut, Inputs.sparse(colPtr, indices, values), t, w);
    }

    private static void checkDense(int length, int rows, int nIn) {
        if (length != (long) nIn * rows) {
            throw new IllegalArgumentException("inputs hold " + length + " values, expected " + nIn + " x " + rows);
        }
    }

    private static void checkSparse(int rows, int nIn, int[] colPtr, int[] indices, int values) {
        if (colPtr.length != rows + 1 || colPtr[0] != 0 || colPtr[rows] != indices.length
                || indices.length != values) {
            throw new IllegalArgumentException("inconsistent sparse block: colPtr " + colPtr.length
                    + " entries for " + rows + " rows, " + indices.length + " indices, " + values + " values");
        }
        for (int n = 0; n < rows; n++) {
            if (colPtr[n + 1] < colPtr[n]) {
                throw new IllegalArgumentException("inconsistent sparse block: colPtr decreases at example " + n);
            }
            int prev = -1;
            for (int p = colPtr[n]; p < colPtr[n + 1]; p++) {
                int j = indices[p];
                if (j <= prev || j >= nIn) {
                    throw new IllegalArgumentException("sparse block example " + n + " has feature index " + j
                            + "; expected strictly ascending indices in [0, " + nIn + ")");
                }
                prev = j;
            }
        }
    }

    /**
     * This block's examples with the inputs stored in {@code precision} (this block itself if it
     * already is; float32 rounds each value to the nearest float). Targets and weights are shared.
     */
    public Block withPrecision(Precision precision) {
        if (precision == precision()) {
            return this;
        }
        if (precision == Precision.FLOAT32) {
            return isSparse() ? new Block(rows, nIn, nOut, Inputs.sparse(colPtr, indices, Kernels.toFloat(values)), t, w)
                    : new Block(rows, nIn, nOut, Inputs.dense(Kernels.toFloat(x)), t, w);
        }
        float[] f = isSparse() ? valuesF : xf;
        double[] d = new double[f.length];
        Kernels.widen(f, 0, d, 0, f.length);
        return isSparse() ? new Block(rows, nIn, nOut, Inputs.sparse(colPtr, indices, d), t, w)
                : new Block(rows, nIn, nOut, Inputs.dense(d), t, w);
    }

    public int rows() {
        return rows;
    }

    public int inputs() {
        return nIn;
    }

    public int outputs() {
        return nOut;
    }

    public boolean isSparse() {
        return colPtr != null;
    }

    /** The precision of the stored input values. */
    public Precision precision() {
        return x != null || values != null ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /** Dense inputs, {@code nIn x rows} column-major; only for dense float64 blocks (else null). Do not modify. */
    public double[] x() {
        return x;
    }

    /** Dense inputs of a dense float32 block (else null). Do not modify. */
    public float[] xFloat() {
        return xf;
    }

    /** Sparse column pointers ({@code rows + 1}); only for sparse blocks. Do not modify. */
    public int[] colPtr() {
        return colPtr;
    }

    /** Sparse feature indices (0-based); only for sparse blocks. Do not modify. */
    public int[] indices() {
        return indices;
    }

    /** Sparse values; only for sparse float64 blocks (else null). Do not modify. */
    public double[] values() {
        return values;
    }

    /** Sparse values of a sparse float32 block (else null). Do not modify. */
    public float[] valuesFloat() {
        return valuesF;
    }

    /** Stored input values: {@code nIn x rows} for dense blocks, the nonzeros for sparse ones. */
    public int storedValues() {
        return isSparse() ? indices.length : rows * nIn;
    }

    /** Targets, {@code nOut x rows} column-major. Do not modify. */
    public double[] t() {
        return t;
    }

    /** Weight of example {@code n}. */
    public double weight(int n) {
        return w == null ? 1.0 : w[n];
    }

    /** The largest weight of examples {@code [from, to)} (1 when every example has weight 1). */
    public double maxWeight(int from, int to) {
        if (w == null) {
            return 1.0;
        }
        double max = 0;
        for (int n = from; n < to; n++) {
            max = Math.max(max, w[n]);
        }
        return max;
    }

    /** True when every example has weight 1. */
    public boolean unweighted() {
        return w == null;
    }

    /** Input value of feature {@code j} of example {@code n} (slow; for tests and prediction output). */
    public double input(int n, int j) {
        if (!isSparse()) {
            return x != null ? x[n * nIn + j] : xf[n * nIn + j];
        }
        int p = Arrays.binarySearch(indices, colPtr[n], colPtr[n + 1], j);
        return p < 0 ? 0.0 : values != null ? values[p] : valuesF[p];
    }

    /** Bytes held by the block's arrays (what caching it costs, without object headers). */
    public long sizeInBytes() {
        long bytes = 8L * t.length + (w == null ? 0 : 8L * w.length);
        long valueBytes = precision().bytes();
        if (!isSparse()) {
            bytes += valueBytes * storedValues();
        } else {
            bytes += 4L * colPtr.length + (4L + valueBytes) * indices.length;
        }
        return bytes;
    }
}
