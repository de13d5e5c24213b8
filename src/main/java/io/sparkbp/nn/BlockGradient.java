package io.sparkbp.nn;

import io.sparkbp.math.Blas;
import io.sparkbp.math.Kernels;

/**
 * Forward and backward passes over a {@link Block} with level-3 BLAS, on work buffers that are
 * allocated once and reused for every block (they grow only if a larger block arrives). One
 * instance per thread or task; not thread-safe.
 *
 * <p>Notation of the backprop note, per weight layer {@code l} with {@code in} inputs and {@code
 * out} units, for a block of {@code m} examples (all matrices column-major, one column per example):
 * <pre>
 *   a_l = W_l z_{l-1} + b_l                (out x m; z_{-1} = x)
 *   z_l = f(a_l)  for hidden layers;  s = a_{L-1} and y = y(s) for the output layer
 *   delta_{L-1} = w_n (y - t)                                  the output delta, formed in one place
 *   delta_{l-1} = f'(z_{l-1}) * (W_l^T delta_l)                 z (1 - z) for logistic units
 *   dJ/dW_l += delta_l z_{l-1}^T,   dJ/db_l += delta_l 1
 * </pre>
 */
public final class BlockGradient {
    private final NetworkSpec spec;
    private final int numLayers;
    private final int[] width;
    private final double[][] z;      // z[l]: activations of weight layer l (output layer: s)
    private final double[][] delta;  // delta[l]: error derivatives at weight layer l's pre-activations
    private double[] y;              // output activations, nOut x capacity
    private int capacity;

    public BlockGradient(NetworkSpec spec, int initialCapacity) {
        this.spec = spec;
        this.numLayers = spec.numWeightLayers();
        this.width = spec.layers();
        this.z = new double[numLayers][];
        this.delta = new double[numLayers][];
        ensureCapacity(Math.max(1, initialCapacity));
    }

    public NetworkSpec spec() {
        return spec;
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        for (int l = 0; l < numLayers; l++) {
            z[l] = new double[Math.multiplyExact(width[l + 1], rows)];
            delta[l] = new double[Math.multiplyExact(width[l + 1], rows)];
        }
        y = new double[Math.multiplyExact(spec.outputs(), rows)];
        capacity = rows;
    }

    /**
     * Runs the forward pass of {@code block} at {@code theta}. Afterwards {@link #outputs()} holds
     * {@code y} and {@link #preActivations()} holds {@code s}, each {@code nOut x block.rows()}.
     */
    public void forward(double[] theta, Block block) {
        forward(theta, block, 0, block.rows());
    }

    /**
     * Forward pass over examples {@code [from, to)} of {@code block}; {@link #outputs()} then holds
     * their {@code y} as columns {@code 0 .. to - from - 1}.
     */
    public void forward(double[] theta, Block block, int from, int to) {
        checkShapes(theta, block, from, to);
        int m = to - from;
        ensureCapacity(m);
        for (int l = 0; l < numLayers; l++) {
            int in = width[l];
            int out = width[l + 1];
            double[] a = z[l];
            Kernels.broadcastColumns(theta, spec.biasOffset(l), a, 0, out, m);
            int wOff = spec.weightOffset(l);
            if (l == 0) {
                if (block.isSparse()) {
                    sparseTimes(theta, wOff, out, block, from, to, a);
                } else {
                    Blas.dgemm(false, false, out, m, in, 1.0, theta, wOff, out, block.x(), from * in, in, 1.0, a, 0, out);
                }
            } else {
                Blas.dgemm(false, false, out, m, in, 1.0, theta, wOff, out, z[l - 1], 0, in, 1.0, a, 0, out);
            }
            if (l < numLayers - 1) {
                spec.hidden().applyInPlace(a, 0, out * m);
            }
        }
        int k = spec.outputs();
        double[] s = z[numLayers - 1];
        for (int n = 0; n < m; n++) {
            spec.output().activate(s, y, n * k, k);
        }
    }

    /** Output activations {@code y} of the last {@link #forward} call ({@code nOut x rows}, column-major). */
    public double[] outputs() {
        return y;
    }

    /** Output pre-activations {@code s} of the last {@link #forward} call. */
    public double[] preActivations() {
        return z[numLayers - 1];
    }

    /** Adds the weighted errors of {@code block} at {@code theta} into {@code acc}, without gradients. */
    public void accumulateLoss(double[] theta, Block block, GradientAccumulator acc) {
        forward(theta, block);
        addLosses(block, 0, block.rows(), acc);
    }

    /**
     * Adds the example-weighted gradient sum, loss sum and weight sum of {@code block} at {@code
     * theta} into {@code acc}.
     */
    public void accumulate(double[] theta, Block block, GradientAccumulator acc) {
        accumulate(theta, block, 0, block.rows(), acc);
    }

    /** As {@link #accumulate(double[], Block, GradientAccumulator)}, for examples {@code [from, to)} only. */
    public void accumulate(double[] theta, Block block, int from, int to, GradientAccumulator acc) {
        forward(theta, block, from, to);
        addLosses(block, from, to, acc);
        int m = to - from;
        formOutputDelta(block, from, to, delta[numLayers - 1]);
        double[] g = acc.gradSum();
        for (int l = numLayers - 1; l >= 0; l--) {
            int in = width[l];
            int out = width[l + 1];
            int wOff = spec.weightOffset(l);
            double[] d = delta[l];
            if (l == 0) {
                if (block.isSparse()) {
                    sparseOuterProduct(d, out, block, from, to, g, wOff);
                } else {
                    Blas.dgemm(false, true, out, in, m, 1.0, d, 0, out, block.x(), from * in, in, 1.0, g, wOff, out);
                }
            } else {
                Blas.dgemm(false, true, out, in, m, 1.0, d, 0, out, z[l - 1], 0, in, 1.0, g, wOff, out);
            }
            Kernels.addRowSums(d, 0, out, m, g, spec.biasOffset(l));
            if (l > 0) {
                double[] below = delta[l - 1];
                Blas.dgemm(true, false, in, m, out, 1.0, theta, wOff, out, d, 0, out, 0.0, below, 0, in);
                spec.hidden().multiplyByDerivative(z[l - 1], below, 0, in * m);
            }
        }
    }

    /**
     * The one place where the output delta is formed, for every output kind:
     * {@code dE/ds = y - t}, scaled by the example weight.
     */
    private void formOutputDelta(Block block, int from, int to, double[] d) {
        int k = spec.outputs();
        double[] t = block.t();
        for (int n = from; n < to; n++) {
            double wn = block.weight(n);
            int col = (n - from) * k;
            int tCol = n * k;
            for (int i = 0; i < k; i++) {
                d[col + i] = wn * (y[col + i] - t[tCol + i]);
            }
        }
    }

    private void addLosses(Block block, int from, int to, GradientAccumulator acc) {
        int k = spec.outputs();
        double[] s = z[numLayers - 1];
        double[] t = block.t();
        OutputKind kind = spec.output();
        for (int n = from; n < to; n++) {
            double wn = block.weight(n);
            acc.addExample(wn, wn * kind.error(s, (n - from) * k, t, n * k, k));
        }
    }

    /** {@code a += W x} for sparse {@code x}: each nonzero adds a scaled column of {@code W}. */
    private static void sparseTimes(double[] theta, int wOff, int out, Block block, int from, int to, double[] a) {
        int[] ptr = block.colPtr();
        int[] idx = block.indices();
        double[] val = block.values();
        for (int n = from; n < to; n++) {
            int col = (n - from) * out;
            for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                Kernels.axpy(out, val[p], theta, wOff + idx[p] * out, a, col);
            }
        }
    }

    /** {@code G += delta x^T} for sparse {@code x}: each nonzero adds a scaled delta column to a column of G. */
    private static void sparseOuterProduct(double[] d, int out, Block block, int from, int to, double[] g, int wOff) {
        int[] ptr = block.colPtr();
        int[] idx = block.indices();
        double[] val = block.values();
        for (int n = from; n < to; n++) {
            int col = (n - from) * out;
            for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                Kernels.axpy(out, val[p], d, col, g, wOff + idx[p] * out);
            }
        }
    }

    private void checkShapes(double[] theta, Block block, int from, int to) {
        if (from < 0 || to > block.rows() || from >= to) {
            throw new IllegalArgumentException("row range [" + from + ", " + to + ") is empty or outside a block of "
                    + block.rows() + " rows");
        }
        if (theta.length != spec.numParams()) {
            throw new IllegalArgumentException("parameter array has " + theta.length + " values, network "
                    + spec + " needs " + spec.numParams());
        }
        if (block.inputs() != spec.inputs() || block.outputs() != spec.outputs()) {
            throw new IllegalArgumentException("block has " + block.inputs() + " inputs and " + block.outputs()
                    + " outputs, network " + spec + " expects " + spec.inputs() + " and " + spec.outputs());
        }
    }
}
