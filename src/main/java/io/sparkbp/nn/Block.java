package io.sparkbp.nn;

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
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int nIn;
    private final int nOut;
    private final double[] x;
    private final int[] colPtr;
    private final int[] indices;
    private final double[] values;
    private final double[] t;
    private final double[] w;

    private Block(int rows, int nIn, int nOut, double[] x, int[] colPtr, int[] indices, double[] values,
                  double[] t, double[] w) {
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
        this.x = x;
        this.colPtr = colPtr;
        this.indices = indices;
        this.values = values;
        this.t = t;
        this.w = w;
    }

    /** A dense block; {@code x} is {@code nIn x rows}, {@code t} is {@code nOut x rows}, both column-major. */
    public static Block dense(int rows, int nIn, int nOut, double[] x, double[] t, double[] w) {
        if (x.length != (long) nIn * rows) {
            throw new IllegalArgumentException("inputs hold " + x.length + " values, expected " + nIn + " x " + rows);
        }
        return new Block(rows, nIn, nOut, x, null, null, null, t, w);
    }

    /** A sparse block in compressed-column form (see the class comment). */
    public static Block sparse(int rows, int nIn, int nOut, int[] colPtr, int[] indices, double[] values,
                               double[] t, double[] w) {
        if (colPtr.length != rows + 1 || colPtr[0] != 0 || colPtr[rows] != indices.length
                || indices.length != values.length) {
            throw new IllegalArgumentException("inconsistent sparse block: colPtr " + colPtr.length
                    + " entries for " + rows + " rows, " + indices.length + " indices, " + values.length + " values");
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
        return new Block(rows, nIn, nOut, null, colPtr, indices, values, t, w);
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
        return x == null;
    }

    /** Dense inputs, {@code nIn x rows} column-major; only for dense blocks. Do not modify. */
    public double[] x() {
        return x;
    }

    /** Sparse column pointers ({@code rows + 1}); only for sparse blocks. Do not modify. */
    public int[] colPtr() {
        return colPtr;
    }

    /** Sparse feature indices (0-based); only for sparse blocks. Do not modify. */
    public int[] indices() {
        return indices;
    }

    /** Sparse values; only for sparse blocks. Do not modify. */
    public double[] values() {
        return values;
    }

    /** Targets, {@code nOut x rows} column-major. Do not modify. */
    public double[] t() {
        return t;
    }

    /** Weight of example {@code n}. */
    public double weight(int n) {
        return w == null ? 1.0 : w[n];
    }

    /** True when every example has weight 1. */
    public boolean unweighted() {
        return w == null;
    }

    /** Input value of feature {@code j} of example {@code n} (slow; for tests and prediction output). */
    public double input(int n, int j) {
        if (x != null) {
            return x[n * nIn + j];
        }
        int p = Arrays.binarySearch(indices, colPtr[n], colPtr[n + 1], j);
        return p >= 0 ? values[p] : 0.0;
    }

    /** Bytes held by the block's arrays (what caching it costs, without object headers). */
    public long sizeInBytes() {
        long bytes = 8L * t.length + (w == null ? 0 : 8L * w.length);
        if (x != null) {
            bytes += 8L * x.length;
        } else {
            bytes += 4L * colPtr.length + 12L * values.length;
        }
        return bytes;
    }
}
