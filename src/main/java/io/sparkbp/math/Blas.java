package io.sparkbp.math;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Level-3 BLAS entry points used by the network kernels.
 *
 * <p>Matrices are column-major with explicit offsets and leading dimensions, exactly as in Fortran
 * BLAS: element (r, c) of a matrix stored at {@code off} with leading dimension {@code ld} is
 * {@code a[off + c * ld + r]}. The implementation is {@link BLAS#getInstance()}, which prefers a
 * native library (OpenBLAS via {@code libopenblas0-pthread} on Debian/Ubuntu) and falls back to
 * a Java implementation, vectorized when {@code jdk.incubator.vector} is available.
 */
public final class Blas {
    private static final BLAS IMPL = BLAS.getInstance();

    private Blas() {
    }

    /** Simple class name of the BLAS in use, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS}. */
    public static String implementation() {
        return IMPL.getClass().getSimpleName();
    }

    /** True when a native library (not the Java fallback) does the arithmetic. */
    public static boolean isNative() {
        String name = IMPL.getClass().getName();
        return name.contains("JNI") || name.contains("Native");
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C}; op(A) is m x k, op(B) is k x n, C is m x n. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double alpha, double[] a, int aOff, int lda,
                             double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k,
                alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Single-precision {@link #dgemm}: {@code C = alpha * op(A) * op(B) + beta * C}, same shapes and layout. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        IMPL.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k,
                alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
