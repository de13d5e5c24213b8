package io.sparkbp.nn;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.math.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single-precision kernels against the double-precision ones, which {@link GradientCheckTest}
 * checks against finite differences.
 *
 * <p>Tolerance: the float path rounds inputs and weights to float (relative 6e-8 each) and runs
 * sgemm in float, whose sums over {@code K} terms carry a relative error of about {@code K u} in
 * the worst case and {@code sqrt(K) u} typically ({@code u = 6e-8}); the networks here have at most
 * 40 terms per sum and three layers, so the expected error of the whole gradient is about 1e-6 (at
 * most 2e-7 is observed) and
 * the bound is 1e-4 on the norm-wise relative error {@code ||g32 - g64|| / ||g64||}. A wrong or
 * missing term (for example a delta formed at the wrong precision or an unscaled weight) gives an
 * error of order 1, so the bound separates rounding from bugs by four orders of magnitude. The loss
 * sum, computed in double from the float logits, must agree to 1e-5.
 */
class SinglePrecisionTest {
    private static final double GRADIENT_TOLERANCE = 1e-4;
    private static final double LOSS_TOLERANCE = 1e-5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (OutputKind kind : OutputKind.values()) {
            for (Activation act : Activation.values()) {
                for (int[] hidden : new int[][] {{}, {24, 12}}) {
                    for (boolean sparse : new boolean[] {false, true}) {
                        out.add(Arguments.of(kind, act, hidden, sparse, sparse));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} hidden={2} sparse={3} weighted={4}")
    @MethodSource("cases")
    void floatGradientAgreesWithTheDoubleGradientWithinFloatRounding(OutputKind kind, Activation act, int[] hidden,
                                                                    boolean sparse, boolean weighted) {
        int nOut = kind == OutputKind.SOFTMAX ? 4 : 3;
        NetworkSpec spec = TestNets.spec(40, hidden, nOut, act, kind);
        SplittableRandom rng = new SplittableRandom(31L * kind.ordinal() + 7L * act.ordinal() + hidden.length);
        double[] theta = TestNets.randomTheta(spec, rng, 2.0);
        TestNets.Data data = TestNets.randomData(rng, 37, 40, nOut, kind, weighted, sparse ? 0.8 : 0.1);
        Block block = data.block(sparse);
        Block single = block.withPrecision(Precision.FLOAT32);
        float[] thetaF = Kernels.toFloat(theta);

        GradientAccumulator d = TestNets.accumulate(spec, theta, block);
        GradientAccumulator f = new GradientAccumulator(spec.numParams());
        BlockGradient bg = new BlockGradient(spec, 1);
        // two slices, as mini-batches take them
        bg.accumulate(thetaF, single, 0, 20, f);
        bg.accumulate(thetaF, single, 20, 37, f);

        assertEquals(d.count(), f.count());
        assertEquals(d.weightSum(), f.weightSum(), 0.0, "weights are double in both");
        TestNets.assertRelClose(d.lossSum(), f.lossSum(), LOSS_TOLERANCE, "loss sum");
        double err = normRelativeError(d.gradSum(), f.gradSum());
        assertTrue(err <= GRADIENT_TOLERANCE, () -> "float gradient differs by " + err + " (norm-wise relative)");
    }

    /**
     * Example weights far from 1 (2^-140 and 2^130, outside what a float delta can carry) give, in
     * float, exactly the gradient, loss and weight sums of the same examples at their weights over
     * 2^e, times 2^e: the deltas are scaled by a power of two before narrowing and the gradient
     * back. Before, 2^-140 times a delta rounded to a subnormal float or 0, and the run did not learn.
     */
    @ParameterizedTest(name = "{0} sparse={1}")
    @MethodSource("extremeWeightCases")
    void extremeExampleWeightsGiveTheExactlyScaledGradientInFloat(OutputKind kind, boolean sparse) {
        int nOut = kind == OutputKind.SOFTMAX ? 4 : 3;
        NetworkSpec spec = TestNets.spec(40, new int[] {24, 12}, nOut, Activation.SIGMOID, kind);
        SplittableRandom rng = new SplittableRandom(17L + kind.ordinal());
        float[] thetaF = Kernels.toFloat(TestNets.randomTheta(spec, rng, 2.0));
        TestNets.Data data = TestNets.randomData(rng, 37, 40, nOut, kind, true, sparse ? 0.8 : 0.1);
        for (int e : new int[] {-140, 130}) {
            double factor = Math.scalb(1.0, e);
            double[] w = data.w().clone();
            for (int n = 0; n < w.length; n++) {
                w[n] *= factor;
            }
            TestNets.Data scaled = new TestNets.Data(37, 40, nOut, data.x(), data.t(), w);
            GradientAccumulator plain = floatSums(spec, thetaF, data.block(sparse));
            GradientAccumulator far = floatSums(spec, thetaF, scaled.block(sparse));
            assertEquals(plain.weightSum() * factor, far.weightSum(), 0.0, "weight sum at 2^" + e);
            assertEquals(plain.lossSum() * factor, far.lossSum(), 0.0, "loss sum at 2^" + e);
            double[] expected = plain.gradSum().clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] *= factor;
            }
            assertArrayEquals(expected, far.gradSum(), 0.0, "gradient sum at 2^" + e);
        }
    }

    static Stream<Arguments> extremeWeightCases() {
        List<Arguments> out = new ArrayList<>();
        for (OutputKind kind : OutputKind.values()) {
            out.add(Arguments.of(kind, false));
            out.add(Arguments.of(kind, true));
        }
        return out.stream();
    }

    private static GradientAccumulator floatSums(NetworkSpec spec, float[] thetaF, Block block) {
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        BlockGradient bg = new BlockGradient(spec, 1);
        Block single = block.withPrecision(Precision.FLOAT32);
        bg.accumulate(thetaF, single, 0, 20, acc);
        bg.accumulate(thetaF, single, 20, 37, acc);
        return acc;
    }

    @Test
    void floatWeightsOnDoubleBlocksEqualFloatWeightsOnFloatBlocks() {
        // the trainer may be given double blocks (e.g. built by another caller) in float32 mode
        NetworkSpec spec = TestNets.spec(12, new int[] {6}, 3, Activation.TANH, OutputKind.SOFTMAX);
        SplittableRandom rng = new SplittableRandom(5);
        float[] thetaF = Kernels.toFloat(TestNets.randomTheta(spec, rng, 1.0));
        TestNets.Data data = TestNets.randomData(rng, 9, 12, 3, OutputKind.SOFTMAX, true, 0.5);
        for (boolean sparse : new boolean[] {false, true}) {
            Block b = data.block(sparse);
            GradientAccumulator fromDouble = new GradientAccumulator(spec.numParams());
            GradientAccumulator fromFloat = new GradientAccumulator(spec.numParams());
            new BlockGradient(spec, 1).accumulate(thetaF, b, 2, 8, fromDouble);
            new BlockGradient(spec, 1).accumulate(thetaF, b.withPrecision(Precision.FLOAT32), 2, 8, fromFloat);
            assertArrayEquals(fromFloat.gradSum(), fromDouble.gradSum(), 0.0);
            assertEquals(fromFloat.lossSum(), fromDouble.lossSum(), 0.0);
        }
    }

    @Test
    void doubleWeightsOnFloatBlocksEvaluateTheRoundedInputsInDouble() {
        // evaluation and prediction run double weights over the cached float blocks
        NetworkSpec spec = TestNets.spec(10, new int[] {5}, 2, Activation.SIGMOID, OutputKind.LOGISTIC);
        SplittableRandom rng = new SplittableRandom(9);
        double[] theta = TestNets.randomTheta(spec, rng, 1.0);
        TestNets.Data data = TestNets.randomData(rng, 8, 10, 2, OutputKind.LOGISTIC, false, 0.6);
        for (boolean sparse : new boolean[] {false, true}) {
            Block single = data.block(sparse).withPrecision(Precision.FLOAT32);
            Block widened = single.withPrecision(Precision.FLOAT64);
            assertEquals(Precision.FLOAT64, widened.precision());
            GradientAccumulator a = new GradientAccumulator(spec.numParams());
            GradientAccumulator b = new GradientAccumulator(spec.numParams());
            new BlockGradient(spec, 1).accumulate(theta, single, 1, 7, a);
            new BlockGradient(spec, 1).accumulate(theta, widened, 1, 7, b);
            assertArrayEquals(b.gradSum(), a.gradSum(), 0.0);
            assertEquals(b.lossSum(), a.lossSum(), 0.0);
        }
    }

    @Test
    void lossesStayStableAtExtremeLogitsInFloat() {
        // one weight layer with large weights: logits of about +-1000, far outside exp's range
        for (OutputKind kind : new OutputKind[] {OutputKind.LOGISTIC, OutputKind.SOFTMAX}) {
            NetworkSpec spec = TestNets.spec(2, new int[0], 2, Activation.SIGMOID, kind);
            double[] theta = {1000, -1000, -1000, 1000, 0, 0};
            double[] x = {1, 0, 0, 1};
            double[] t = {1, 0, 1, 0};
            Block b = Block.dense(2, 2, 2, x, t, null);
            GradientAccumulator d = TestNets.accumulate(spec, theta, b);
            GradientAccumulator f = new GradientAccumulator(spec.numParams());
            new BlockGradient(spec, 1).accumulate(Kernels.toFloat(theta), b.withPrecision(Precision.FLOAT32), 0, 2, f);
            assertTrue(Double.isFinite(f.lossSum()) && f.lossSum() > 1000, () -> kind + " loss " + f.lossSum());
            assertEquals(d.lossSum(), f.lossSum(), 0.0, kind + ": integer logits are exact in float");
            assertArrayEquals(d.gradSum(), f.gradSum(), 0.0, kind.id());
        }
    }

    @Test
    void floatBlocksCostHalfTheBytesPerValue() {
        NetworkSpec spec = TestNets.spec(100, new int[0], 2, Activation.SIGMOID, OutputKind.SOFTMAX);
        TestNets.Data data = TestNets.randomData(new SplittableRandom(3), 64, 100, 2, OutputKind.SOFTMAX, true, 0.9);
        for (boolean sparse : new boolean[] {false, true}) {
            Block d = data.block(sparse);
            Block f = d.withPrecision(Precision.FLOAT32);
            assertEquals(spec.inputs(), f.inputs());
            long fixed = 8L * d.t().length + 8L * d.rows() + (sparse ? 4L * (d.rows() + 1) : 0);
            long perValue = sparse ? 12 : 8;
            assertEquals(fixed + perValue * d.storedValues(), d.sizeInBytes());
            assertEquals(fixed + (perValue - 4) * f.storedValues(), f.sizeInBytes());
            double valueBytes = (d.sizeInBytes() - fixed) / (double) (f.sizeInBytes() - fixed);
            assertEquals(sparse ? 1.5 : 2.0, valueBytes, 0.0, "value bytes float64 / float32");
        }
    }

    @Test
    void blockConversionsRoundToNearestFloatAndBack() {
        TestNets.Data data = TestNets.randomData(new SplittableRandom(4), 5, 7, 2, OutputKind.LINEAR, false, 0.5);
        for (boolean sparse : new boolean[] {false, true}) {
            Block d = data.block(sparse);
            assertSame(d, d.withPrecision(Precision.FLOAT64));
            Block f = d.withPrecision(Precision.FLOAT32);
            assertEquals(Precision.FLOAT32, f.precision());
            assertEquals(sparse, f.isSparse());
            assertNull(sparse ? f.values() : f.x());
            assertSame(d.t(), f.t());
            for (int n = 0; n < d.rows(); n++) {
                for (int j = 0; j < d.inputs(); j++) {
                    assertEquals((double) (float) d.input(n, j), f.input(n, j), 0.0);
                }
            }
        }
    }

    @Test
    void packerStoresFloat32BlocksWithTheSameLayoutDecision() {
        List<ParsedExample> rows = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            rows.add(new ParsedExample(new int[] {r, 7}, new double[] {0.1 * (r + 1), -1.0 / 3}, new double[] {r % 2}, 1.0));
        }
        for (Layout layout : Layout.values()) {
            List<Block> d = new ArrayList<>();
            List<Block> f = new ArrayList<>();
            new BlockPacker(8, 1, 4, layout).pack(rows.iterator()).forEachRemaining(d::add);
            new BlockPacker(8, 1, 4, layout, Precision.FLOAT32).pack(rows.iterator()).forEachRemaining(f::add);
            assertEquals(d.size(), f.size());
            for (int i = 0; i < d.size(); i++) {
                assertEquals(Precision.FLOAT32, f.get(i).precision());
                assertEquals(d.get(i).isSparse(), f.get(i).isSparse(), layout.id());
                for (int n = 0; n < d.get(i).rows(); n++) {
                    for (int j = 0; j < 8; j++) {
                        assertEquals((double) (float) d.get(i).input(n, j), f.get(i).input(n, j), 0.0);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new BlockPacker(8, 1, 4, Layout.AUTO, null));
    }

    @Test
    void precisionParsesItsConfigurationNames() {
        assertEquals(Precision.FLOAT32, Precision.parse(" Float32 "));
        assertEquals(Precision.FLOAT64, Precision.parse("float64"));
        assertEquals("unknown precision 'double': expected float64 or float32",
                assertThrows(IllegalArgumentException.class, () -> Precision.parse("double")).getMessage());
    }

    private static double normRelativeError(double[] expected, double[] actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
