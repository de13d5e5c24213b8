package io.sparkbp.nn;

import io.sparkbp.math.Blas;
import io.sparkbp.math.Kernels;

/**
 * {@link LayerPass} in single precision: sgemm on float weights and float work buffers. Each
 * block's weight gradient is computed in float (sgemm can write nothing else) into one reused
 * scratch matrix and added into the double gradient sum; bias and sparse first-layer gradients are
 * added in double directly. So float rounding is confined to one block's products, and the sums
 * over blocks and partitions are as in double precision.
 */
final class FloatLayerPass extends LayerPass<float[]> {
    private float[] gradScratch = new float[0];  // one dense weight matrix; never the sparse first layer's
    private float[] inScratch = new float[0];

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
        Kernels.addRowSums(d, 0, rows, cols, g, gOff);
    }

    @Override
    void addWeightGradient(float[] d, float[] x, int xOff, int out, int in, int m, double[] g, int gOff) {
        if (gradScratch.length < out * in) {
            gradScratch = new float[out * in];
        }
        Blas.sgemm(false, true, out, in, m, 1.0f, d, 0, out, x, xOff, in, 0.0f, gradScratch, 0, out);
        Kernels.addWidened(gradScratch, 0, g, gOff, out * in);
    }

    @Override
    void addScaled(int p, float[] x, int xOff, float[] y, int yOff, int n) {
        Kernels.axpy(n, vals[p - valBase], x, xOff, y, yOff);
    }

    @Override
    void addScaledToSum(int p, float[] x, int xOff, double[] g, int gOff, int n) {
        Kernels.axpy(n, (double) vals[p - valBase], x, xOff, g, gOff);
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
    void storeTopDelta(double[] d, int n) {
        Kernels.narrow(d, 0, delta[numLayers - 1], 0, n);
    }
}
