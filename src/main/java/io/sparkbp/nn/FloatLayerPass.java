package io.sparkbp.nn;

import io.sparkbp.math.Blas;
import io.sparkbp.math.Kernels;

/**
 * {@link LayerPass} in single precision: sgemm on float weights and float work buffers. Each
 * block's weight gradient is computed in float (sgemm can write nothing else) into one reused
 * scratch matrix and added into the double gradient sum; bias and sparse first-layer gradients are
 * added in double directly. So float rounding is confined to one block's products, and the sums
 * over blocks and partitions are as in double precision.
 *
 * <p>The output delta carries the example weight as a factor, and a float cannot hold the deltas of
 * weights far from 1 (under about 1e-38 they lose bits, under 1e-45 they round to 0 and the run does
 * not learn; above about 1e38 they overflow). So a
 * slice whose largest weight is outside [2^-60, 2^60] has its deltas multiplied by the power of two
 * that brings that weight to [1, 2) before they are narrowed, and its gradient added times the
 * inverse. Both are exact, so such a slice gives the gradient of the same examples at weight
 * {@code w / 2^e}, times {@code 2^e}, bit for bit; other slices are not touched.
 */
final class FloatLayerPass extends LayerPass<float[]> {
    private float[] gradScratch = new float[0];  // one dense weight matrix; never the sparse first layer's
    private float[] inScratch = new float[0];
    /** The factor of this slice's gradient: 1, or the power of two that undoes the deltas' scaling. */
    private double unscale = 1.0;

    FloatLayerPass(NetworkSpec spec) {
        super(spec, new float[spec.numWeightLayers()][], new float[spec.numWeightLayers()][]);
    }

    @Override
    float[] alloc(int n) {
        return new float[n];
    }

    @Override
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
              int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        Blas.sgemm(transA, transB, m, n, k, 1.0f, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0f : 0.0f, c, cOff, ldc);
    }

    @Override
    void broadcastColumns(float[] b, int bOff, float[] z, int rows, int cols) {
        Kernels.broadcastColumns(b, bOff, z, 0, rows, cols);
    }

    @Override
    void activate(Activation f, float[] z, int len) {
        f.applyInPlace(z, 0, len);
    }

    @Override
    void multiplyByDerivative(Activation f, float[] z, float[] delta, int len) {
        f.multiplyByDerivative(z, delta, 0, len);
    }

    @Override
    void addRowSums(float[] d, int rows, int cols, double[] g, int gOff) {
        if (unscale == 1.0) {
            Kernels.addRowSums(d, 0, rows, cols, g, gOff);
            return;
        }
        for (int c = 0; c < cols; c++) {
            Kernels.axpy(rows, unscale, d, c * rows, g, gOff);
        }
    }

    @Override
    void addWeightGradient(float[] d, float[] x, int xOff, int out, int in, int m, double[] g, int gOff) {
        if (gradScratch.length < out * in) {
            gradScratch = new float[out * in];
        }
        Blas.sgemm(false, true, out, in, m, 1.0f, d, 0, out, x, xOff, in, 0.0f, gradScratch, 0, out);
        if (unscale == 1.0) {
            Kernels.addWidened(gradScratch, 0, g, gOff, out * in);
        } else {
            Kernels.axpy(out * in, unscale, gradScratch, 0, g, gOff);
        }
    }

    @Override
    void addScaled(int p, float[] x, int xOff, float[] y, int yOff, int n) {
        Kernels.axpy(n, vals[p - valBase], x, xOff, y, yOff);
    }

    @Override
    void addScaledToSum(int p, float[] x, int xOff, double[] g, int gOff, int n) {
        Kernels.axpy(n, vals[p - valBase] * unscale, x, xOff, g, gOff);
    }

    @Override
    float[] storedInputs(Block block) {
        return block.isSparse() ? block.valuesFloat() : block.xFloat();
    }

    @Override
    float[] convertInputs(Block block, int off, int n) {
        if (inScratch.length < n) {
            inScratch = new float[n];
        }
        Kernels.narrow(block.isSparse() ? block.values() : block.x(), off, inScratch, 0, n);
        return inScratch;
    }

    @Override
    double[] outputsAsDouble(int n, double[] scratch) {
        Kernels.widen(z[numLayers - 1], 0, scratch, 0, n);
        return scratch;
    }

    @Override
    double[] topDeltaAsDouble(double[] scratch) {
        return scratch;
    }

    @Override
    void storeTopDelta(double[] d, Block block, int from, int to) {
        float[] top = delta[numLayers - 1];
        int n = spec.outputs() * (to - from);
        double maxWeight = block.maxWeight(from, to);
        if (!(maxWeight > 0) || Double.isInfinite(maxWeight) || (maxWeight >= 0x1p-60 && maxWeight <= 0x1p60)) {
            unscale = 1.0;
            Kernels.narrow(d, 0, top, 0, n);
            return;
        }
        int e = Math.getExponent(maxWeight);
        double scale = Math.scalb(1.0, -e);
        unscale = Math.scalb(1.0, e);
        for (int i = 0; i < n; i++) {
            top[i] = (float) (d[i] * scale);
        }
    }
}
