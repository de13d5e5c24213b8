package io.sparkbp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sums collected by {@link BlockGradient} do not depend on how the examples are cut into blocks,
 * on dense versus sparse encoding, or on a {@link BlockGradient} having been used before on blocks of
 * other sizes.
 *
 * <p>Different cuts only reorder floating-point additions. The tolerance for gradient entry {@code i}
 * is therefore {@code 1e-12 * sum_n |w_n dE_n/dtheta_i|}, relative to the magnitude of the terms
 * being summed (a sum that cancels to nearly 0 cannot be reproduced to 12 digits of itself by any
 * reordering); loss and weight sums have nonnegative terms and are compared 1e-12 relative to
 * themselves.
 */
class BlockInvarianceTest {
    private static final int N = 37;
    private static final double REL = 1e-12;

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(new NetworkSpec(new int[] {6, 5, 3}, Activation.SIGMOID, OutputKind.SOFTMAX), true),
                Arguments.of(new NetworkSpec(new int[] {6, 5, 3}, Activation.SIGMOID, OutputKind.SOFTMAX), false),
                Arguments.of(new NetworkSpec(new int[] {6, 4, 7, 2}, Activation.TANH, OutputKind.LOGISTIC), true),
                Arguments.of(new NetworkSpec(new int[] {6, 8, 3, 1}, Activation.RELU, OutputKind.LINEAR), true),
                Arguments.of(new NetworkSpec(new int[] {6, 8, 3, 1}, Activation.RELU, OutputKind.LINEAR), false),
                Arguments.of(new NetworkSpec(new int[] {6, 2}, Activation.RELU, OutputKind.LOGISTIC), true));
    }

    @ParameterizedTest(name = "{0} weighted={1}")
    @MethodSource("networks")
    void sumsDoNotDependOnHowExamplesAreCutIntoBlocks(NetworkSpec spec, boolean weighted) {
        SplittableRandom rng = new SplittableRandom(spec.hashCode() + (weighted ? 1 : 0));
        TestNets.Data data = TestNets.randomData(rng, N, spec.inputs(), spec.outputs(), spec.output(), weighted, 0.4);
        double[] theta = TestNets.randomTheta(spec, rng, 1.5);
        double[] scale = termMagnitudes(spec, theta, data);

        for (boolean sparse : new boolean[] {false, true}) {
            GradientAccumulator whole = TestNets.accumulate(spec, theta, data.block(sparse));
            assertEquals(N, whole.count());
            assertSame(whole, TestNets.accumulate(spec, theta, cut(data, sparse, ones(N))), scale,
                    "one block vs 37 blocks of 1, sparse=" + sparse);
            assertSame(whole, TestNets.accumulate(spec, theta, cut(data, sparse, 5, 13, 1, 18)), scale,
                    "one block vs blocks of 5, 13, 1, 18, sparse=" + sparse);
            assertSame(whole, TestNets.accumulate(spec, theta, cut(data, sparse, 18, 1, 13, 5)), scale,
                    "one block vs blocks of 18, 1, 13, 5, sparse=" + sparse);

            // Merging per-block accumulators is the same as accumulating into one.
            GradientAccumulator merged = new GradientAccumulator(spec.numParams());
            for (Block b : cut(data, sparse, 5, 13, 1, 18)) {
                merged.merge(TestNets.accumulate(spec, theta, b));
            }
            assertSame(whole, merged, scale, "merged per-block accumulators, sparse=" + sparse);
        }
        assertSame(TestNets.accumulate(spec, theta, data.dense()), TestNets.accumulate(spec, theta, data.sparse()),
                scale, "dense vs sparse encoding of the same examples");
        assertSame(TestNets.accumulate(spec, theta, cut(data, false, 5, 13, 1, 18)),
                TestNets.accumulate(spec, theta, cut(data, true, 18, 1, 13, 5)),
                scale, "dense cut one way vs sparse cut another way");
    }

    @ParameterizedTest(name = "{0} weighted={1}")
    @MethodSource("networks")
    void rowRangesOfOneBlockGiveTheSameSumsAsTheWholeBlock(NetworkSpec spec, boolean weighted) {
        SplittableRandom rng = new SplittableRandom(31L * spec.hashCode() + (weighted ? 1 : 0));
        TestNets.Data data = TestNets.randomData(rng, N, spec.inputs(), spec.outputs(), spec.output(), weighted, 0.4);
        double[] theta = TestNets.randomTheta(spec, rng, 1.5);
        double[] scale = termMagnitudes(spec, theta, data);
        for (boolean sparse : new boolean[] {false, true}) {
            Block block = data.block(sparse);
            GradientAccumulator whole = TestNets.accumulate(spec, theta, block);
            GradientAccumulator ranges = new GradientAccumulator(spec.numParams());
            BlockGradient bg = new BlockGradient(spec, 1);
            int[] bounds = {0, 5, 18, 19, 37};
            for (int i = 0; i + 1 < bounds.length; i++) {
                bg.accumulate(theta, block, bounds[i], bounds[i + 1], ranges);
            }
            assertSame(whole, ranges, scale, "row ranges [0,5) [5,18) [18,19) [19,37), sparse=" + sparse);
        }
    }

    @ParameterizedTest(name = "{0} weighted={1}")
    @MethodSource("networks")
    void reusedBlockGradientMatchesAFreshOneForGrowingAndShrinkingBlocks(NetworkSpec spec, boolean weighted) {
        SplittableRandom rng = new SplittableRandom(17L * spec.hashCode() + (weighted ? 1 : 0));
        int[] sizes = {3, 10, 1, 7, 25, 2, 25, 4};
        BlockGradient reused = new BlockGradient(spec, 2);
        for (int round = 0; round < sizes.length; round++) {
            boolean sparse = round % 3 == 1;
            TestNets.Data data = TestNets.randomData(rng, sizes[round], spec.inputs(), spec.outputs(), spec.output(),
                    weighted, 0.3);
            double[] theta = TestNets.randomTheta(spec, rng, 1.5);
            Block block = data.block(sparse);

            GradientAccumulator a = new GradientAccumulator(spec.numParams());
            reused.accumulate(theta, block, a);
            GradientAccumulator b = new GradientAccumulator(spec.numParams());
            new BlockGradient(spec, block.rows()).accumulate(theta, block, b);
            assertSame(b, a, termMagnitudes(spec, theta, data), "round " + round + " (" + sizes[round] + " rows)");

            // The loss-only pass on the reused instance agrees too, and so do the outputs.
            GradientAccumulator lossOnly = new GradientAccumulator(spec.numParams());
            reused.accumulateLoss(theta, block, lossOnly);
            assertEquals(b.lossSum(), lossOnly.lossSum(), REL * b.lossSum(), "loss-only pass, round " + round);
            for (double g : lossOnly.gradSum()) {
                assertEquals(0.0, g, 0.0, "accumulateLoss must not touch the gradient");
            }
        }
    }

    @Test
    void accumulatingTwiceDoublesEverySum() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 3, 2}, Activation.TANH, OutputKind.SOFTMAX);
        SplittableRandom rng = new SplittableRandom(3);
        TestNets.Data data = TestNets.randomData(rng, 9, 4, 2, OutputKind.SOFTMAX, true, 0.0);
        double[] theta = TestNets.randomTheta(spec, rng, 1.0);
        GradientAccumulator once = TestNets.accumulate(spec, theta, data.dense());
        GradientAccumulator twice = TestNets.accumulate(spec, theta, data.dense(), data.dense());
        // The second pass keeps adding into the running sums, so only rounding may differ.
        double[] scale = termMagnitudes(spec, theta, data);
        assertEquals(2 * once.lossSum(), twice.lossSum(), REL * once.lossSum());
        assertEquals(2 * once.weightSum(), twice.weightSum(), REL * once.weightSum());
        assertEquals(18, twice.count());
        for (int p = 0; p < spec.numParams(); p++) {
            assertEquals(2 * once.gradSum()[p], twice.gradSum()[p], 2 * REL * scale[p], "theta[" + p + "]");
        }
    }

    @Test
    void emptyOrOutOfRangeRowRangesAndMismatchedShapesAreRejected() {
        NetworkSpec spec = new NetworkSpec(new int[] {3, 2, 2}, Activation.TANH, OutputKind.SOFTMAX);
        TestNets.Data data = TestNets.randomData(new SplittableRandom(1), 4, 3, 2, OutputKind.SOFTMAX, false, 0.0);
        Block block = data.dense();
        double[] theta = TestNets.randomTheta(spec, new SplittableRandom(2), 1.0);
        BlockGradient bg = new BlockGradient(spec, 4);
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        for (int[] range : new int[][] {{2, 2}, {3, 1}, {-1, 2}, {0, 5}}) {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> bg.accumulate(theta, block, range[0], range[1], acc)).getMessage();
            assertTrue(msg.contains("[" + range[0] + ", " + range[1] + ")"), msg);
        }
        assertThrows(IllegalArgumentException.class,
                () -> bg.accumulate(new double[spec.numParams() + 1], block, acc));
        Block wrongInputs = TestNets.randomData(new SplittableRandom(3), 4, 4, 2, OutputKind.SOFTMAX, false, 0.0).dense();
        assertThrows(IllegalArgumentException.class, () -> bg.accumulate(theta, wrongInputs, acc));
        // Nothing was added by the rejected calls.
        assertEquals(0, acc.count());
        assertEquals(0.0, acc.weightSum(), 0.0);
    }

    // ------------------------------------------------------------------ helpers

    private static int[] ones(int n) {
        int[] s = new int[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    private static Block[] cut(TestNets.Data data, boolean sparse, int... sizes) {
        List<Block> blocks = new ArrayList<>();
        int from = 0;
        for (int size : sizes) {
            blocks.add(data.slice(from, from + size).block(sparse));
            from += size;
        }
        assertEquals(data.rows(), from, "cut sizes must cover the data");
        return blocks.toArray(new Block[0]);
    }

    /** {@code sum_n |w_n dE_n/dtheta_i|}: per-example gradients from one-example blocks. */
    private static double[] termMagnitudes(NetworkSpec spec, double[] theta, TestNets.Data data) {
        double[] mag = new double[spec.numParams()];
        for (int n = 0; n < data.rows(); n++) {
            GradientAccumulator one = TestNets.accumulate(spec, theta, data.slice(n, n + 1).dense());
            for (int p = 0; p < mag.length; p++) {
                mag[p] += Math.abs(one.gradSum()[p]);
            }
        }
        return mag;
    }

    private static void assertSame(GradientAccumulator expected, GradientAccumulator actual, double[] scale,
                                   String what) {
        assertEquals(expected.count(), actual.count(), what + ": count");
        assertEquals(expected.weightSum(), actual.weightSum(), REL * expected.weightSum(), what + ": weight sum");
        assertEquals(expected.lossSum(), actual.lossSum(), REL * expected.lossSum(), what + ": loss sum");
        double[] e = expected.gradSum();
        double[] a = actual.gradSum();
        for (int p = 0; p < e.length; p++) {
            assertEquals(e[p], a[p], REL * scale[p], what + ": gradient sum theta[" + p + "]");
        }
    }
}
