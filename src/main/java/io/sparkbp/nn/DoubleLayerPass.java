package io.sparkbp.nn;

import io.sparkbp.math.Blas;
import io.sparkbp.math.Kernels;

/** {@link LayerPass} in double precision: dgemm, and gradients added straight into the double sum. */
final class DoubleLayerPass extends LayerPass<double[]> {
    private double[] scratch = new double[0];

    DoubleLayerPass(NetworkSpec spec) {
        super(spec, new double[spec.numWeightLayers()][], new double[spec.numWeightLayers()][]);
    }

    @Override
    double[] alloc(int n) {
        return new double[n];
    }

    @Override
    void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff,
              int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
        Blas.dgemm(transA, transB, m, n, k, 1.0, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0 : 0.0, c, cOff, ldc);
    }

    @Override
    void broadcastColumns(double[] b, int bOff, double[] z, int rows, int cols) {
        Kernels.broadcastColumns(b, bOff, z, 0, rows, cols);
    }

    @Override
    void activate(Activation f, double[] z, int len) {
        f.applyInPlace(z, 0, len);
    }

    @Override
    void multiplyByDerivative(Activation f, double[] z, double[] delta, int len) {
        f.multiplyByDerivative(z, delta, 0, len);
    }

    @Override
    void addRowSums(double[] d, int rows, int cols, double[] g, int gOff) {
        Kernels.addRowSums(d, 0, rows, cols, g, gOff);
    }

    @Override
    void addWeightGradient(double[] d, double[] x, int xOff, int out, int in, int m, double[] g, int gOff) {
        Blas.dgemm(false, true, out, in, m, 1.0, d, 0, out, x, xOff, in, 1.0, g, gOff, out);
    }

    @Override
    void addScaled(int p, double[] x, int xOff, double[] y, int yOff, int n) {
        Kernels.axpy(n, vals[p - valBase], x, xOff, y, yOff);
    }

    @Override
    void addScaledToSum(int p, double[] x, int xOff, double[] g, int gOff, int n) {
        addScaled(p, x, xOff, g, gOff, n);
    }

    @Override
    double[] storedInputs(Block block) {
        return block.isSparse() ? block.values() : block.x();
    }

    @Override
    double[] convertInputs(Block block, int off, int n) {
        if (scratch.length < n) {
            scratch = new double[n];
        }
        Kernels.widen(block.isSparse() ? block.valuesFloat() : block.xFloat(), off, scratch, 0, n);
        return scratch;
    }

    @Override
    double[] outputsAsDouble(int n, double[] scratch) {
        return z[numLayers - 1];
    }

    @Override
    double[] topDeltaAsDouble(double[] scratch) {
        return delta[numLayers - 1];
    }

    @Override
    void storeTopDelta(double[] d, Block block, int from, int to) {
        // formed in place
    }
}
