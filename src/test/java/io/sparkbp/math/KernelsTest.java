package io.sparkbp.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Blas#dgemm} and {@link Blas#sgemm} against a naive triple loop, and the elementwise {@link
 * Kernels}. Passes with the native BLAS and with the Java fallback.
 */
class KernelsTest {

    // ------------------------------------------------------------------ dgemm

    static Stream<Arguments> gemmShapes() {
        List<Arguments> out = new ArrayList<>();
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int m = 1; m <= 4; m++) {
                    for (int n = 1; n <= 4; n++) {
                        for (int k = 1; k <= 4; k++) {
                            out.add(Arguments.of(transA, transB, m, n, k));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * Small-integer operands and dyadic alpha/beta make every product and partial sum exact, so the
     * result must equal the naive one exactly, whatever the summation order or use of FMA. Matrices
     * sit at nonzero offsets with leading dimensions larger than needed; everything outside the
     * m x n window of C (and all of A and B) must be left untouched.
     */
    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("gemmShapes")
    void dgemmMatchesNaiveTripleLoopWithOffsetsAndPaddedLeadingDimensions(boolean transA, boolean transB,
                                                                           int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(1000 * m + 100 * n + 10 * k + (transA ? 2 : 0) + (transB ? 1 : 0));
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aRows + 2;
        int ldb = bRows + 1;
        int ldc = m + 3;
        int aOff = 3;
        int bOff = 5;
        int cOff = 7;
        double[] a = randomInts(rng, aOff + lda * aCols + 4);
        double[] b = randomInts(rng, bOff + ldb * bCols + 4);
        double[] c = randomInts(rng, cOff + ldc * n + 4);
        double alpha = 1.5;
        double beta = -0.75;

        double[] expected = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[aOff + i * lda + p] : a[aOff + p * lda + i];
                    double bpj = transB ? b[bOff + p * ldb + j] : b[bOff + j * ldb + p];
                    s += aip * bpj;
                }
                expected[cOff + j * ldc + i] = alpha * s + beta * c[cOff + j * ldc + i];
            }
        }
        double[] a0 = a.clone();
        double[] b0 = b.clone();
        double[] c0 = c.clone();
        Blas.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        assertArrayEquals(expected, c, 0.0, "C (including untouched padding) with " + Blas.implementation());
        assertArrayEquals(a0, a, 0.0, "A unchanged");
        assertArrayEquals(b0, b, 0.0, "B unchanged");

        // sgemm on the same operands: small integers and dyadic scalars are exact in float too
        float[] af = Kernels.toFloat(a0);
        float[] bf = Kernels.toFloat(b0);
        float[] cf = Kernels.toFloat(c0);
        Blas.sgemm(transA, transB, m, n, k, (float) alpha, af, aOff, lda, bf, bOff, ldb, (float) beta, cf, cOff, ldc);
        double[] single = new double[cf.length];
        Kernels.widen(cf, 0, single, 0, cf.length);
        assertArrayEquals(expected, single, 0.0, "sgemm C (including untouched padding) with " + Blas.implementation());
        assertArrayEquals(Kernels.toFloat(a0), af, 0.0f, "sgemm A unchanged");
        assertArrayEquals(Kernels.toFloat(b0), bf, 0.0f, "sgemm B unchanged");
    }

    /** Random (non-exact) operands on shapes large enough to reach blocked or vectorized kernels. */
    @ParameterizedTest(name = "transA={0} transB={1}")
    @MethodSource("transposeCombos")
    void dgemmMatchesNaiveTripleLoopOnLargerRandomMatrices(boolean transA, boolean transB) {
        SplittableRandom rng = new SplittableRandom(77 + (transA ? 2 : 0) + (transB ? 1 : 0));
        int m = 37;
        int n = 19;
        int k = 53;
        int lda = (transA ? k : m) + 1;
        int ldb = (transB ? n : k) + 3;
        int ldc = m + 2;
        double[] a = randomDoubles(rng, 2 + lda * (transA ? m : k));
        double[] b = randomDoubles(rng, 1 + ldb * (transB ? k : n));
        double[] c = randomDoubles(rng, 4 + ldc * n);
        double alpha = -0.7;
        double beta = 0.3;
        double[] expected = c.clone();
        double[] bound = new double[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[2 + i * lda + p] : a[2 + p * lda + i];
                    double bpj = transB ? b[1 + p * ldb + j] : b[1 + j * ldb + p];
                    s += aip * bpj;
                    abs += Math.abs(aip * bpj);
                }
                int idx = 4 + j * ldc + i;
                expected[idx] = alpha * s + beta * c[idx];
                bound[idx] = Math.abs(alpha) * abs + Math.abs(beta * c[idx]);
            }
        }
        Blas.dgemm(transA, transB, m, n, k, alpha, a, 2, lda, b, 1, ldb, beta, c, 4, ldc);
        for (int i = 0; i < c.length; i++) {
            // error of a k-term dot product is at most ~k eps sum|terms|
            assertEquals(expected[i], c[i], 1e-14 * bound[i], "C[" + i + "]");
        }
    }

    static Stream<Arguments> transposeCombos() {
        return Stream.of(Arguments.of(false, false), Arguments.of(false, true),
                Arguments.of(true, false), Arguments.of(true, true));
    }

    @Test
    void dgemmHandWrittenTwoByTwo() {
        // A = [1 2; 3 4], B = [5 6; 7 8] column-major; A B = [19 22; 43 50]
        double[] a = {1, 3, 2, 4};
        double[] b = {5, 7, 6, 8};
        double[] c = {1, 1, 1, 1};
        Blas.dgemm(false, false, 2, 2, 2, 2.0, a, 0, 2, b, 0, 2, 10.0, c, 0, 2);
        // 2 A B + 10 C = [48 54; 96 110]
        assertArrayEquals(new double[] {48, 96, 54, 110}, c, 0.0);
        // A^T B^T = (B A)^T; B A = [23 34; 31 46] so A^T B^T = [23 31; 34 46]
        double[] d = new double[4];
        Blas.dgemm(true, true, 2, 2, 2, 1.0, a, 0, 2, b, 0, 2, 0.0, d, 0, 2);
        assertArrayEquals(new double[] {23, 34, 31, 46}, d, 0.0);
    }

    @Test
    void dgemmWithBetaZeroIgnoresGarbageInC() {
        double[] a = {1, 3, 2, 4};
        double[] b = {5, 7, 6, 8};
        double[] c = {Double.NaN, Double.POSITIVE_INFINITY, Double.NaN, -1e308};
        Blas.dgemm(false, false, 2, 2, 2, 1.0, a, 0, 2, b, 0, 2, 0.0, c, 0, 2);
        assertArrayEquals(new double[] {19, 43, 22, 50}, c, 0.0);
    }

    @Test
    void dgemmWithEmptyOutputDoesNothing() {
        double[] c = {3, 4};
        Blas.dgemm(false, false, 0, 2, 3, 1.0, new double[0], 0, 1, new double[6], 0, 3, 0.0, c, 0, 1);
        Blas.dgemm(false, false, 2, 0, 3, 1.0, new double[6], 0, 2, new double[0], 0, 3, 0.0, c, 0, 2);
        assertArrayEquals(new double[] {3, 4}, c, 0.0);
    }

    @Test
    void implementationIsReported() {
        String impl = Blas.implementation();
        assertTrue(impl != null && !impl.isEmpty());
        // isNative() must be consistent with the name, whichever BLAS this machine has.
        assertEquals(impl.contains("JNI") || impl.contains("Native"), Blas.isNative(), impl);
    }

    // ------------------------------------------------------------------ column helpers

    @Test
    void broadcastColumnsCopiesTheVectorIntoEveryColumnAndNothingElse() {
        double[] b = {9, 9, 1, 2, 3, 9};
        double[] z = new double[2 + 3 * 4 + 2];
        java.util.Arrays.fill(z, -1);
        Kernels.broadcastColumns(b, 2, z, 2, 3, 4);
        assertArrayEquals(new double[] {-1, -1, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, -1, -1}, z, 0.0);
    }

    @Test
    void addRowSumsAddsTheSumOfEachRowAcrossColumns() {
        // 2 x 3 matrix [1 3 5; 2 4 6] at offset 1; row sums 9 and 12, added to g[1..3)
        double[] d = {100, 1, 2, 3, 4, 5, 6, 100};
        double[] g = {7, 0.5, -1, 7};
        Kernels.addRowSums(d, 1, 2, 3, g, 1);
        assertArrayEquals(new double[] {7, 9.5, 11, 7}, g, 0.0);
    }

    @Test
    void axpyAndSumOfSquaresUseOffsets() {
        double[] x = {0, 1, 2, 3};
        double[] y = {10, 20, 30, 40};
        Kernels.axpy(2, -2.0, x, 2, y, 1);
        assertArrayEquals(new double[] {10, 16, 24, 40}, y, 0.0);
        assertEquals(4 + 9, Kernels.sumOfSquares(x, 2, 2), 0.0);
        assertEquals(0.0, Kernels.sumOfSquares(x, 1, 0), 0.0);
    }

    // ------------------------------------------------------------------ sigmoid and softplus

    @Test
    void sigmoidIsExactAtExtremesAndAtZero() {
        assertEquals(1.0, Kernels.sigmoid(1000), 0.0);
        assertEquals(0.0, Kernels.sigmoid(-1000), 0.0);
        assertEquals(1.0, Kernels.sigmoid(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(0.0, Kernels.sigmoid(Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(0.5, Kernels.sigmoid(0.0), 0.0);
        assertEquals(0.5, Kernels.sigmoid(-0.0), 0.0);
        // Far left tail keeps full relative precision instead of 1 - (1 - tiny).
        TestRel.assertRelClose(Math.exp(-700), Kernels.sigmoid(-700), 1e-15);
        TestRel.assertRelClose(Math.exp(-40) / (1 + Math.exp(-40)), Kernels.sigmoid(-40), 1e-15);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-12, 0.3, 1.0, 2.5, 10.0, 36.0, 100.0, 700.0, 1000.0})
    void sigmoidIsSymmetric(double s) {
        double p = Kernels.sigmoid(s);
        double q = Kernels.sigmoid(-s);
        assertEquals(1.0, p + q, 2 * Math.ulp(1.0), "sigma(s) + sigma(-s)");
        // The small side agrees with 1 - the large side to within an ulp of 1.
        assertEquals(1.0 - p, q, Math.ulp(1.0));
        assertTrue(p >= 0.5 && q <= 0.5);
    }

    @Test
    void sigmoidMatchesNaiveFormulaAndIsMonotone() {
        double prev = -1;
        for (double s = -30; s <= 30; s += 0.0625) {
            double v = Kernels.sigmoid(s);
            TestRel.assertRelClose(1.0 / (1.0 + Math.exp(-s)), v, 1e-15);
            assertTrue(v >= prev, "monotone at " + s);
            prev = v;
        }
    }

    @Test
    void softplusIsExactAtExtremes() {
        assertEquals(1000.0, Kernels.softplus(1000), 0.0);
        assertEquals(0.0, Kernels.softplus(-1000), 0.0);
        assertEquals(1e300, Kernels.softplus(1e300), 0.0);
        assertEquals(0.0, Kernels.softplus(-1e300), 0.0);
        assertEquals(Math.log(2.0), Kernels.softplus(0.0), Math.ulp(Math.log(2.0)));
        // Tails: softplus(s) = s + e^-s (s large) and e^s (s very negative), to full precision.
        assertEquals(40.0, Kernels.softplus(40.0), 0.0);
        TestRel.assertRelClose(Math.exp(-700), Kernels.softplus(-700), 1e-15);
        TestRel.assertRelClose(Math.log1p(Math.exp(-40)), Kernels.softplus(-40), 1e-15);
    }

    @Test
    void softplusMatchesLogOnePlusExpAtModerateArguments() {
        for (double s = -30; s <= 30; s += 0.0625) {
            double v = Kernels.softplus(s);
            // log1p(exp(s)) is accurate wherever exp(s) does not overflow.
            TestRel.assertRelClose(Math.log1p(Math.exp(s)), v, 1e-15);
            // The plain textbook form loses only absolute precision (in rounding 1 + e^s).
            assertEquals(Math.log(1 + Math.exp(s)), v, 4e-16 * (1 + v));
        }
    }

    @Test
    void softplusMinusIdentityIsSoftplusOfNegative() {
        // log(1 + e^s) - s = log(1 + e^-s)
        for (double s = -20; s <= 20; s += 0.5) {
            assertEquals(Kernels.softplus(-s), Kernels.softplus(s) - s, 4e-15 * (1 + Math.abs(s)));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static double[] randomInts(SplittableRandom rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextInt(-9, 10);
        }
        return v;
    }

    private static double[] randomDoubles(SplittableRandom rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextDouble(-1, 1);
        }
        return v;
    }

    /** Relative comparison helper (the nn package's TestNets is not visible here). */
    private static final class TestRel {
        static void assertRelClose(double expected, double actual, double rel) {
            double diff = Math.abs(expected - actual);
            assertTrue(diff <= rel * Math.max(Math.abs(expected), Math.abs(actual)),
                    "expected " + expected + " but got " + actual + " (relative difference "
                            + diff / Math.max(Math.abs(expected), Math.abs(actual)) + " > " + rel + ")");
        }
    }
}
