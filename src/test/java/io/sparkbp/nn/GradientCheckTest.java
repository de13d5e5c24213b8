package io.sparkbp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the analytic gradient of {@link Objective#valueAndGradient} (sums collected by
 * {@link BlockGradient#accumulate}) against finite differences of the objective value, for every
 * output kind, hidden activation and depth, with and without L2 and example weights, on dense and
 * sparse blocks.
 *
 * <p>The numerical derivative is the five-point central difference
 * {@code (8 (J(+h) - J(-h)) - (J(+2h) - J(-2h))) / (12 h)}, whose truncation error is
 * {@code O(h^4)}. With {@code h = 4e-3} truncation ({@code ~h^4 J^(5) / 30}) and cancellation
 * ({@code ~eps |J| / h}) are balanced at about 1e-13 absolute; the worst relative error over all
 * cases is about 2e-8, 50 times below the 1e-6 bound, including gradient entries as small as 3e-7
 * (first layer of a deep sigmoid network), where a two-point difference would be dominated by
 * cancellation. The relative error is {@code |a - n| / max(|a| + |n|, 1e-8)}.
 *
 * <p>ReLU is not differentiable at 0. For ReLU networks every perturbed evaluation is checked with
 * an independent reference forward pass: a parameter is skipped only when some hidden
 * pre-activation changes sign at one of the four stencil points, and the test asserts that at
 * least 90% of the parameters were checked. The ReLU cases also redraw their random parameters
 * (deterministically, from the same seeded generator) until every hidden pre-activation is at
 * least 0.05 away from 0, so in practice no parameter is skipped.
 */
class GradientCheckTest {
    private static final double STEP = 4e-3;
    private static final double FLOOR = 1e-8;
    private static final double TOLERANCE = 1e-6;
    private static final int INPUTS = 4;
    private static final int EXAMPLES = 7;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] hiddenLayouts = {{}, {5}, {4, 3, 5}};
        for (OutputKind kind : OutputKind.values()) {
            int[] outputs = kind == OutputKind.SOFTMAX ? new int[] {3} : new int[] {3, 1};
            for (Activation act : Activation.values()) {
                for (int[] hidden : hiddenLayouts) {
                    for (int nOut : outputs) {
                        for (double lambda : new double[] {0.0, 0.3}) {
                            for (boolean weighted : new boolean[] {true, false}) {
                                for (boolean sparse : new boolean[] {false, true}) {
                                    out.add(Arguments.of(kind, act, hidden, nOut, lambda, weighted, sparse));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} out={3} {1} hidden={2} lambda={4} weighted={5} sparse={6}")
    @MethodSource("cases")
    void analyticGradientMatchesFiniteDifferencesOnEveryParameter(OutputKind kind, Activation act, int[] hidden,
                                                                  int nOut, double lambda, boolean weighted,
                                                                  boolean sparse) {
        long seed = 1000L * kind.ordinal() + 100L * act.ordinal() + 10L * hidden.length + nOut
                + (weighted ? 7 : 0) + (sparse ? 3 : 0);
        SplittableRandom rng = new SplittableRandom(seed);
        NetworkSpec spec = TestNets.spec(INPUTS, hidden, nOut, act, kind);
        TestNets.Data data = TestNets.randomData(rng, EXAMPLES, INPUTS, nOut, kind, weighted, sparse ? 0.5 : 0.0);
        Block block = data.block(sparse);
        double[] theta = TestNets.randomTheta(spec, rng, 1.5);
        if (act == Activation.RELU) {
            // Redraw (deterministically) until no hidden pre-activation is within 0.05 of the kink,
            // several times the 2h = 0.008 step scaled by inputs and activations of size about 1;
            // the explicit kink check in checkGradient stays as a safeguard.
            int draws = 1;
            while (minAbsHiddenPreActivation(spec, theta, block) < 0.05) {
                theta = TestNets.randomTheta(spec, rng, 1.5);
                assertTrue(++draws < 10_000, "no ReLU-safe parameters found");
            }
        }
        checkGradient(spec, theta, block, lambda);
    }

    /** Softmax is the kind most likely to be wrong; name its check explicitly as well. */
    @Test
    void softmaxGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(42);
        NetworkSpec spec = new NetworkSpec(new int[] {5, 6, 4}, Activation.TANH, OutputKind.SOFTMAX);
        TestNets.Data data = TestNets.randomData(rng, 11, 5, 4, OutputKind.SOFTMAX, true, 0.2);
        checkGradient(spec, TestNets.randomTheta(spec, rng, 2.0), data.dense(), 0.01);
        checkGradient(spec, TestNets.randomTheta(spec, rng, 2.0), data.sparse(), 0.01);
    }

    /** The analytic gradient is exact for a linear model: least squares with 0 hidden layers. */
    @Test
    void linearRegressionGradientEqualsClosedForm() {
        SplittableRandom rng = new SplittableRandom(7);
        NetworkSpec spec = new NetworkSpec(new int[] {3, 2}, Activation.SIGMOID, OutputKind.LINEAR);
        TestNets.Data data = TestNets.randomData(rng, 9, 3, 2, OutputKind.LINEAR, true, 0.0);
        double[] theta = TestNets.randomTheta(spec, rng, 1.0);
        double lambda = 0.25;
        GradientAccumulator acc = TestNets.accumulate(spec, theta, data.dense());
        double[] grad = new double[spec.numParams()];
        Objective.valueAndGradient(spec, theta, lambda, acc, grad);

        double[] expected = new double[spec.numParams()];
        double wSum = 0;
        for (int n = 0; n < 9; n++) {
            double wn = data.w()[n];
            wSum += wn;
            for (int o = 0; o < 2; o++) {
                double s = theta[spec.biasOffset(0) + o];
                for (int i = 0; i < 3; i++) {
                    s += theta[i * 2 + o] * data.x()[n * 3 + i];
                }
                double r = wn * (s - data.t()[n * 2 + o]);
                for (int i = 0; i < 3; i++) {
                    expected[i * 2 + o] += r * data.x()[n * 3 + i];
                }
                expected[spec.biasOffset(0) + o] += r;
            }
        }
        for (int p = 0; p < expected.length; p++) {
            expected[p] /= wSum;
            if (spec.isWeight(p)) {
                expected[p] += lambda * theta[p];
            }
            TestNets.assertRelClose(expected[p], grad[p], 1e-12, "dJ/dtheta[" + p + "]");
        }
    }

    private static void checkGradient(NetworkSpec spec, double[] theta, Block block, double lambda) {
        GradientAccumulator acc = TestNets.accumulate(spec, theta, block);
        double[] grad = new double[spec.numParams()];
        double value = Objective.valueAndGradient(spec, theta, lambda, acc, grad);

        // The value agrees with the loss-only pass and with the independent reference forward pass.
        assertEquals(value, objective(spec, theta, block, lambda), 1e-14 * Math.abs(value),
                "value from accumulate vs accumulateLoss");
        double refLoss = TestNets.referenceLossSum(spec, theta, block) / weightSum(block);
        TestNets.assertRelClose(refLoss + Objective.penalty(spec, theta, lambda), value, 1e-12,
                "objective vs reference forward pass");
        assertEquals(block.rows(), acc.count());

        boolean relu = spec.hidden() == Activation.RELU && spec.numWeightLayers() > 1;
        boolean[][] basePattern = relu ? reluPattern(spec, theta, block) : null;
        int checked = 0;
        double worst = 0;
        int worstParam = -1;
        StringBuilder failures = new StringBuilder();
        for (int p = 0; p < theta.length; p++) {
            double[] th = theta.clone();
            double[] j = new double[4];
            boolean crossesKink = false;
            double[] offsets = {2 * STEP, STEP, -STEP, -2 * STEP};
            for (int q = 0; q < 4; q++) {
                th[p] = theta[p] + offsets[q];
                if (relu && !Arrays.deepEquals(basePattern, reluPattern(spec, th, block))) {
                    crossesKink = true;
                    break;
                }
                j[q] = objective(spec, th, block, lambda);
            }
            if (crossesKink) {
                continue;
            }
            // Differences first, so that equal values give exactly 0 (dead units, unused features).
            double numeric = (8 * (j[1] - j[2]) - (j[0] - j[3])) / (12 * STEP);
            double err = TestNets.relErr(grad[p], numeric, FLOOR);
            checked++;
            if (err > worst) {
                worst = err;
                worstParam = p;
            }
            if (!(err < TOLERANCE)) {
                failures.append(String.format("%n  theta[%d] (%s): analytic %.15g, numeric %.15g, relErr %.3g",
                        p, spec.isWeight(p) ? "weight" : "bias", grad[p], numeric, err));
            }
        }
        assertTrue(failures.length() == 0, () -> spec + ": gradient mismatch" + failures);
        assertTrue(checked >= 0.9 * theta.length, spec + ": only " + checked + " of " + theta.length
                + " parameters were away from a ReLU kink");
        assertTrue(worst < TOLERANCE, spec + ": worst relErr " + worst + " at " + worstParam);
    }

    /** J(theta) from the loss-only pass: mean weighted error plus the L2 penalty. */
    private static double objective(NetworkSpec spec, double[] theta, Block block, double lambda) {
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        new BlockGradient(spec, block.rows()).accumulateLoss(theta, block, acc);
        return Objective.meanError(acc) + Objective.penalty(spec, theta, lambda);
    }

    private static double weightSum(Block block) {
        double s = 0;
        for (int n = 0; n < block.rows(); n++) {
            s += block.weight(n);
        }
        return s;
    }

    private static double minAbsHiddenPreActivation(NetworkSpec spec, double[] theta, Block block) {
        double[][][] pre = TestNets.referencePreActivations(spec, theta, block);
        double min = Double.POSITIVE_INFINITY;
        for (int l = 0; l < spec.numWeightLayers() - 1; l++) {
            for (double[] col : pre[l]) {
                for (double a : col) {
                    min = Math.min(min, Math.abs(a));
                }
            }
        }
        return min;
    }

    /** Which hidden pre-activations are positive, per example, from the reference forward pass. */
    private static boolean[][] reluPattern(NetworkSpec spec, double[] theta, Block block) {
        double[][][] pre = TestNets.referencePreActivations(spec, theta, block);
        int hiddenLayers = spec.numWeightLayers() - 1;
        boolean[][] pattern = new boolean[block.rows()][];
        for (int n = 0; n < block.rows(); n++) {
            List<Boolean> bits = new ArrayList<>();
            for (int l = 0; l < hiddenLayers; l++) {
                for (double a : pre[l][n]) {
                    bits.add(a > 0);
                }
            }
            pattern[n] = new boolean[bits.size()];
            for (int i = 0; i < bits.size(); i++) {
                pattern[n][i] = bits.get(i);
            }
        }
        return pattern;
    }
}
