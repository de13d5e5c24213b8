package io.sparkbp.nn;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-example errors stay finite and exact at extreme logits, and their gradients through
 * {@link BlockGradient} stay finite. Expected values are exact: at |s| = 1000 every correction term
 * such as {@code e^-1000} is far below half an ulp of the result, so the correctly rounded loss is an
 * integer (or {@code log 2}, {@code log 3}, ...).
 */
class StableLossTest {
    private static final double LN2 = Math.log(2.0);
    private static final double LN3 = Math.log(3.0);

    // ------------------------------------------------------------------ logistic

    static Stream<Arguments> logisticExtremes() {
        return Stream.of(
                Arguments.of(1000.0, 1.0, 0.0),
                Arguments.of(1000.0, 0.0, 1000.0),
                Arguments.of(-1000.0, 1.0, 1000.0),
                Arguments.of(-1000.0, 0.0, 0.0),
                Arguments.of(800.0, 0.0, 800.0),
                Arguments.of(-745.5, 1.0, 745.5),
                Arguments.of(1e300, 0.0, 1e300),
                Arguments.of(-1e300, 0.0, 0.0));
    }

    @ParameterizedTest(name = "s={0} t={1} -> E={2}")
    @MethodSource("logisticExtremes")
    void logisticErrorIsExactAtExtremeLogits(double s, double t, double expected) {
        double e = OutputKind.LOGISTIC.error(new double[] {s}, 0, new double[] {t}, 0, 1);
        assertEquals(expected, e, 0.0);
    }

    @Test
    void logisticErrorIsLog2AtZeroLogit() {
        assertEquals(LN2, OutputKind.LOGISTIC.error(new double[] {0.0}, 0, new double[] {1.0}, 0, 1), 1e-16);
        assertEquals(LN2, OutputKind.LOGISTIC.error(new double[] {0.0}, 0, new double[] {0.0}, 0, 1), 1e-16);
    }

    @Test
    void logisticErrorSumsOverOutputsAtExtremeLogits() {
        double[] s = {1000, -1000, 1000, -1000, 0};
        double[] t = {1, 0, 0, 1, 1};
        // 0 + 0 + 1000 + 1000 + log 2
        assertEquals(2000.0 + LN2, OutputKind.LOGISTIC.error(s, 0, t, 0, 5), 0.0);
    }

    @Test
    void logisticErrorMatchesNaiveFormulaAtModerateLogits() {
        for (double s = -20.0; s <= 20.0; s += 0.125) {
            for (double t : new double[] {0.0, 1.0}) {
                double naive = Math.log(1.0 + Math.exp(s)) - t * s;
                double e = OutputKind.LOGISTIC.error(new double[] {s}, 0, new double[] {t}, 0, 1);
                // The naive form rounds 1 + e^s (absolute error ~eps in the log) and subtracts t s;
                // the agreement is therefore relative to 1 + log(1 + e^s) + |t s|.
                double scale = 1.0 + Math.log(1.0 + Math.exp(s)) + Math.abs(t * s);
                assertEquals(naive, e, 4e-15 * scale, "s=" + s + " t=" + t);
            }
        }
        // Where no cancellation happens (t = 0, and t = 1 with s <= 0) the agreement is relative.
        for (double s = -20.0; s <= 20.0; s += 0.125) {
            double e0 = OutputKind.LOGISTIC.error(new double[] {s}, 0, new double[] {0.0}, 0, 1);
            TestNets.assertRelClose(Math.log1p(Math.exp(s)), e0, 1e-15, "E(s=" + s + ", t=0)");
            if (s <= 0) {
                double e1 = OutputKind.LOGISTIC.error(new double[] {s}, 0, new double[] {1.0}, 0, 1);
                TestNets.assertRelClose(Math.log1p(Math.exp(-s)), e1, 1e-15, "E(s=" + s + ", t=1)");
            }
        }
    }

    // ------------------------------------------------------------------ softmax

    static Stream<Arguments> softmaxExtremes() {
        return Stream.of(
                Arguments.of(new double[] {1000, -1000, 0}, 0, 0.0),
                Arguments.of(new double[] {1000, -1000, 0}, 1, 2000.0),
                Arguments.of(new double[] {1000, -1000, 0}, 2, 1000.0),
                Arguments.of(new double[] {-1000, 1000, -1000}, 1, 0.0),
                Arguments.of(new double[] {-1000, 1000, -1000}, 2, 2000.0),
                Arguments.of(new double[] {-1000, -1000}, 0, LN2),
                Arguments.of(new double[] {1000, 1000, 1000}, 2, LN3),
                Arguments.of(new double[] {-1000, -1000, -1000}, 0, LN3),
                Arguments.of(new double[] {1000, 1000, -1000}, 2, 2000.0 + LN2),
                Arguments.of(new double[] {1e300, -1e300}, 1, 2e300));
    }

    @ParameterizedTest(name = "s={0} class={1} -> E={2}")
    @MethodSource("softmaxExtremes")
    void softmaxErrorIsExactAtExtremeLogits(double[] s, int cls, double expected) {
        double[] t = new double[s.length];
        t[cls] = 1.0;
        double e = OutputKind.SOFTMAX.error(s, 0, t, 0, s.length);
        assertTrue(Double.isFinite(e), "finite");
        assertEquals(expected, e, Math.ulp(expected));
    }

    @Test
    void softmaxErrorWithMixedLogitsMatchesShiftedFormula() {
        double[] s = {1000, 999, -1000};
        double[] t = {0, 1, 0};
        // log(e^1000 + e^999) - 999 = 1 + log(1 + e^-1)
        double expected = 1.0 + Math.log1p(Math.exp(-1.0));
        TestNets.assertRelClose(expected, OutputKind.SOFTMAX.error(s, 0, t, 0, 3), 1e-15, "E");
    }

    @ParameterizedTest(name = "shift by {0}")
    @ValueSource(doubles = {1e3, -7.5, 1e6, -1e6, 1e10, 0.1})
    void softmaxErrorIsUnchangedByAddingAConstantToTheRow(double c) {
        // Dyadic values: s + c is exact, so the loss must be bit-identical.
        double[] s = {0.5, -1.25, 3.0, 2.0};
        double[] shifted = new double[s.length];
        for (int cls = 0; cls < s.length; cls++) {
            double[] t = new double[s.length];
            t[cls] = 1.0;
            boolean exact = true;
            for (int i = 0; i < s.length; i++) {
                shifted[i] = s[i] + c;
                exact &= shifted[i] - c == s[i];
            }
            double e = OutputKind.SOFTMAX.error(s, 0, t, 0, s.length);
            double es = OutputKind.SOFTMAX.error(shifted, 0, t, 0, s.length);
            if (exact) {
                assertEquals(e, es, 0.0, "class " + cls);
            } else {
                // 0.1 is not dyadic: allow the rounding of s + c, a few ulps of c.
                assertEquals(e, es, 8 * Math.ulp(c), "class " + cls);
            }
        }
    }

    @ParameterizedTest(name = "shift by {0}")
    @ValueSource(doubles = {1e3, -7.5, -1e3})
    void softmaxErrorOfRandomRowsIsUnchangedByShiftToTwelveDigits(double c) {
        SplittableRandom rng = new SplittableRandom(99);
        for (int rep = 0; rep < 200; rep++) {
            int k = 2 + rng.nextInt(6);
            double[] s = new double[k];
            double[] shifted = new double[k];
            for (int i = 0; i < k; i++) {
                s[i] = rng.nextDouble(-5, 5);
                shifted[i] = s[i] + c;
            }
            double[] t = new double[k];
            t[rng.nextInt(k)] = 1.0;
            double e = OutputKind.SOFTMAX.error(s, 0, t, 0, k);
            double es = OutputKind.SOFTMAX.error(shifted, 0, t, 0, k);
            TestNets.assertRelClose(e, es, 1e-12, "row " + rep);
        }
    }

    @Test
    void softmaxActivationIsUnchangedByShiftAndFiniteAtExtremes() {
        double[] s = {1000, -1000, 0, 1000};
        double[] y = new double[4];
        OutputKind.SOFTMAX.activate(s, y, 0, 4);
        assertArrayEquals(new double[] {0.5, 0.0, 0.0, 0.5}, y, 0.0);
        double[] shifted = {1e6 + 1000, 1e6 - 1000, 1e6, 1e6 + 1000};
        double[] ys = new double[4];
        OutputKind.SOFTMAX.activate(shifted, ys, 0, 4);
        assertArrayEquals(y, ys, 0.0);
    }

    @Test
    void softmaxErrorWithTargetsNotSummingToOneEqualsLogSumExpMinusDot() {
        // Soft or partial targets take the branch that adds the shift back.
        double[] s = {0.3, -1.2, 2.5};
        double[] t = {0.5, 0.25, 0.0};
        double naive = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.5)) - (0.5 * 0.3 - 0.25 * 1.2);
        TestNets.assertRelClose(naive, OutputKind.SOFTMAX.error(s, 0, t, 0, 3), 1e-14, "partial targets");
        // log(e^1000 + e^0) - 0.5 * 1000 = 500 exactly in double
        assertEquals(500.0, OutputKind.SOFTMAX.error(new double[] {1000, 0}, 0, new double[] {0.5, 0}, 0, 2), 0.0);
    }

    // ------------------------------------------------------------------ linear

    @Test
    void linearErrorIsExactAtLargeOutputs() {
        assertEquals(2e6, OutputKind.LINEAR.error(new double[] {1000}, 0, new double[] {-1000}, 0, 1), 0.0);
        assertEquals(5e5 + 0.5, OutputKind.LINEAR.error(new double[] {1000, -1}, 0, new double[] {0, 0}, 0, 2), 0.0);
        assertEquals(0.0, OutputKind.LINEAR.error(new double[] {-1000}, 0, new double[] {-1000}, 0, 1), 0.0);
    }

    // ------------------------------------------------------------------ gradients through BlockGradient

    /**
     * Rows of logits {@code logits[n]}, fed through a 0-hidden-layer network whose input for example n
     * is the unit vector e_n and whose weight column n is logits[n] (biases 0), so that the output
     * pre-activations are exactly the given logits.
     */
    static Stream<Arguments> extremeRows() {
        return Stream.of(
                Arguments.of(OutputKind.LOGISTIC, new double[][] {{1000, -1000, 0}, {-1000, 1000, 1000},
                        {1000, 1000, -1000}}),
                Arguments.of(OutputKind.SOFTMAX, new double[][] {{1000, -1000, 0}, {-1000, 1000, -1000},
                        {1000, 999, -1000}, {-1000, -1000, -1000}}),
                Arguments.of(OutputKind.LINEAR, new double[][] {{1000, -1000, 0}, {-1000, 1000, 1000}}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("extremeRows")
    void gradientsAreFiniteAndExactAtExtremeLogits(OutputKind kind, double[][] logits) {
        int rows = logits.length;
        int k = logits[0].length;
        NetworkSpec spec = new NetworkSpec(new int[] {rows, k}, Activation.SIGMOID, kind);
        double[] theta = new double[spec.numParams()];
        double[] x = new double[rows * rows];
        for (int n = 0; n < rows; n++) {
            x[n * rows + n] = 1.0;
            System.arraycopy(logits[n], 0, theta, n * k, k); // column n of W
        }
        SplittableRandom rng = new SplittableRandom(5);
        double[] t = TestNets.randomTargets(rng, rows, k, kind);
        if (kind == OutputKind.LINEAR) {
            for (int i = 0; i < t.length; i++) {
                t[i] = Math.rint(t[i]);
            }
        }
        double[] w = new double[rows];
        for (int n = 0; n < rows; n++) {
            w[n] = 0.5 + n; // exact weights
        }
        Block block = Block.dense(rows, rows, k, x, t, w);
        BlockGradient bg = new BlockGradient(spec, rows);
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        bg.accumulate(theta, block, acc);

        double[] s = bg.preActivations();
        double expectedLoss = 0;
        double[] expectedGrad = new double[spec.numParams()];
        for (int n = 0; n < rows; n++) {
            for (int i = 0; i < k; i++) {
                assertEquals(logits[n][i], s[n * k + i], 0.0, "s[" + n + "][" + i + "]");
            }
            double[] y = expectedOutputs(kind, logits[n]);
            expectedLoss += w[n] * expectedError(kind, logits[n], t, n * k);
            for (int i = 0; i < k; i++) {
                double d = w[n] * (y[i] - t[n * k + i]);
                expectedGrad[n * k + i] += d;          // dW(i, n) = delta_i * x_n with x = e_n
                expectedGrad[rows * k + i] += d;       // db_i
            }
        }
        double[] g = acc.gradSum();
        double lossSum = expectedLoss;
        assertAll(
                () -> assertTrue(Double.isFinite(acc.lossSum()), "loss finite"),
                () -> TestNets.assertRelClose(lossSum, acc.lossSum(), 1e-15, "loss sum"),
                () -> {
                    for (int p = 0; p < g.length; p++) {
                        assertTrue(Double.isFinite(g[p]), "gradient " + p + " finite");
                        assertEquals(expectedGrad[p], g[p], 1e-13 * Math.max(1.0, Math.abs(expectedGrad[p])),
                                "gradient " + p);
                    }
                });

        double[] grad = new double[spec.numParams()];
        double j = Objective.valueAndGradient(spec, theta, 1e-3, acc, grad);
        assertTrue(Double.isFinite(j), "objective finite");
        for (double v : grad) {
            assertTrue(Double.isFinite(v), "objective gradient finite");
        }
    }

    @ParameterizedTest
    @EnumSource(OutputKind.class)
    void outputsAreProbabilitiesOrIdentityAtExtremeLogits(OutputKind kind) {
        double[] s = {1000, -1000, 0, 1e300, -1e300};
        double[] y = new double[s.length];
        kind.activate(s, y, 0, s.length);
        for (double v : y) {
            assertTrue(Double.isFinite(v), kind + " output finite: " + v);
        }
        switch (kind) {
            case LOGISTIC -> assertArrayEquals(new double[] {1, 0, 0.5, 1, 0}, y, 0.0);
            case SOFTMAX -> assertArrayEquals(new double[] {0, 0, 0, 1, 0}, y, 0.0);
            case LINEAR -> assertArrayEquals(s, y, 0.0);
        }
    }

    private static double[] expectedOutputs(OutputKind kind, double[] s) {
        double[] y = new double[s.length];
        switch (kind) {
            case LOGISTIC -> {
                for (int i = 0; i < s.length; i++) {
                    y[i] = s[i] >= 0 ? 1.0 / (1.0 + Math.exp(-s[i])) : Math.exp(s[i]) / (1.0 + Math.exp(s[i]));
                }
            }
            case SOFTMAX -> {
                double m = Double.NEGATIVE_INFINITY;
                for (double v : s) {
                    m = Math.max(m, v);
                }
                double sum = 0;
                for (int i = 0; i < s.length; i++) {
                    y[i] = Math.exp(s[i] - m);
                    sum += y[i];
                }
                for (int i = 0; i < s.length; i++) {
                    y[i] /= sum;
                }
            }
            case LINEAR -> System.arraycopy(s, 0, y, 0, s.length);
        }
        return y;
    }

    /** Exact-for-these-inputs reference errors, written independently of the production formulas. */
    private static double expectedError(OutputKind kind, double[] s, double[] t, int tOff) {
        double e = 0;
        switch (kind) {
            case LOGISTIC -> {
                for (int i = 0; i < s.length; i++) {
                    // t = 1: log(1 + e^-s); t = 0: log(1 + e^s); each is |s| or 0 (or log 2) here
                    double z = t[tOff + i] == 1.0 ? -s[i] : s[i];
                    e += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
                }
            }
            case SOFTMAX -> {
                double m = Double.NEGATIVE_INFINITY;
                for (double v : s) {
                    m = Math.max(m, v);
                }
                double sum = 0;
                for (double v : s) {
                    sum += Math.exp(v - m);
                }
                int cls = -1;
                for (int i = 0; i < s.length; i++) {
                    if (t[tOff + i] == 1.0) {
                        cls = i;
                    }
                }
                e = (m - s[cls]) + Math.log(sum);
            }
            case LINEAR -> {
                for (int i = 0; i < s.length; i++) {
                    double d = s[i] - t[tOff + i];
                    e += 0.5 * d * d;
                }
            }
        }
        return e;
    }
}
