package io.sparkbp.data;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardizationTest {
    /** Examples with a large offset (to stress cancellation), sparse features and 2 targets. */
    static List<ParsedExample> data(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<ParsedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[6];
            x[0] = 1e6 + rng.nextDouble();                  // huge mean, small spread
            x[1] = rng.nextDouble() < 0.3 ? rng.nextGaussian() * 3 : 0; // sparse
            x[2] = 7.25;                                      // constant nonzero
            x[3] = 0;                                         // always zero
            x[4] = rng.nextInt(5);                            // small integers incl. zeros
            x[5] = rng.nextDouble() < 0.01 ? 1e-3 : 0;        // very sparse
            out.add(ParsedExample.dense(x, new double[] {250 + 50 * rng.nextGaussian(), rng.nextInt(2)}));
        }
        return out;
    }

    /** Two-pass reference population mean and variance of feature j (or target k when target). */
    static double[] reference(List<ParsedExample> ex, int j, boolean target) {
        double sum = 0;
        for (ParsedExample e : ex) {
            sum += target ? e.targets()[j] : e.feature(j);
        }
        double mean = sum / ex.size();
        double ss = 0;
        for (ParsedExample e : ex) {
            double d = (target ? e.targets()[j] : e.feature(j)) - mean;
            ss += d * d;
        }
        return new double[] {mean, ss / ex.size()};
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void singlePassMatchesTwoPassReference() {
        List<ParsedExample> ex = data(1000, 7);
        FeatureStats s = new FeatureStats(6, 2);
        ex.forEach(s::add);
        assertEquals(1000, s.count());
        for (int j = 0; j < 6; j++) {
            double[] ref = reference(ex, j, false);
            assertClose(ref[0], s.inputMean(j), "mean " + j);
            assertClose(ref[1], s.inputVariance(j), "variance " + j);
        }
        for (int k = 0; k < 2; k++) {
            double[] ref = reference(ex, k, true);
            assertClose(ref[0], s.targetMean(k), "target mean " + k);
            assertClose(ref[1], s.targetVariance(k), "target variance " + k);
        }
        assertEquals(0.0, s.inputVariance(2));
        assertEquals(0.0, s.inputVariance(3));
        assertEquals(0, s.inputNonzeros(3));
        assertEquals(1000, s.inputNonzeros(0));
    }

    @Test
    void mergeEqualsSinglePass() {
        List<ParsedExample> ex = data(1000, 11);
        FeatureStats single = new FeatureStats(6, 2);
        ex.forEach(single::add);
        // uneven parts, including an empty one, merged in a tree
        int[] cuts = {0, 1, 1, 137, 500, 501, 999, 1000};
        List<FeatureStats> parts = new ArrayList<>();
        for (int c = 0; c + 1 < cuts.length; c++) {
            FeatureStats p = new FeatureStats(6, 2);
            ex.subList(cuts[c], cuts[c + 1]).forEach(p::add);
            parts.add(p);
        }
        FeatureStats left = parts.get(0).merge(parts.get(1)).merge(parts.get(2));
        FeatureStats right = parts.get(3).merge(parts.get(4).merge(parts.get(5))).merge(parts.get(6));
        FeatureStats merged = new FeatureStats(6, 2).merge(left).merge(right);
        assertEquals(single.count(), merged.count());
        for (int j = 0; j < 6; j++) {
            assertClose(single.inputMean(j), merged.inputMean(j), "mean " + j);
            assertClose(single.inputVariance(j), merged.inputVariance(j), "variance " + j);
            assertEquals(single.inputNonzeros(j), merged.inputNonzeros(j));
        }
        for (int k = 0; k < 2; k++) {
            assertClose(single.targetMean(k), merged.targetMean(k), "target mean " + k);
            assertClose(single.targetVariance(k), merged.targetVariance(k), "target variance " + k);
        }
        assertClose(single.nonzeroFraction(), merged.nonzeroFraction(), "density");
        assertThrows(IllegalArgumentException.class, () -> merged.merge(new FeatureStats(5, 2)));
    }

    @Test
    void statsSurviveSerialization() throws Exception {
        FeatureStats s = new FeatureStats(6, 2);
        data(50, 3).forEach(s::add);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        FeatureStats copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (FeatureStats) in.readObject();
        }
        assertEquals(s.inputVariance(1), copy.inputVariance(1));
        assertEquals(50, copy.count());
    }

    @Test
    void transformsFromStats() {
        FeatureStats s = new FeatureStats(3, 1);
        s.add(ParsedExample.dense(new double[] {1, 0, 5}, new double[] {10}));
        s.add(ParsedExample.dense(new double[] {3, 0, 5}, new double[] {20}));
        s.add(ParsedExample.dense(new double[] {5, 0, 5}, new double[] {30}));
        Transform centered = s.inputTransform(true);
        assertArrayEquals(new double[] {3, 0, 5}, centered.mean(), 1e-15);
        // population std of {1,3,5} = sqrt(8/3); constant columns get scale 1
        assertArrayEquals(new double[] {Math.sqrt(8.0 / 3), 1, 1}, centered.scale(), 1e-15);
        Transform scaleOnly = s.inputTransform(false);
        assertArrayEquals(new double[] {0, 0, 0}, scaleOnly.mean(), 0.0);
        assertArrayEquals(centered.scale(), scaleOnly.scale(), 0.0);
        Transform t = s.targetTransform();
        assertArrayEquals(new double[] {20}, t.mean(), 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(200.0 / 3)}, t.scale(), 1e-12);
        // empty statistics: identity-like transform
        Transform empty = new FeatureStats(2, 1).inputTransform(true);
        assertArrayEquals(new double[] {0, 0}, empty.mean(), 0.0);
        assertArrayEquals(new double[] {1, 1}, empty.scale(), 0.0);
        assertEquals(0.0, new FeatureStats(2, 1).nonzeroFraction());
        // rounding noise on a constant column counts as constant
        assertEquals(1.0, FeatureStats.scaleOf(0.1, 1e-36));
        assertEquals(1e-9, FeatureStats.scaleOf(0.1, 1e-18), 1e-24);
    }

    @Test
    void applyScaleOnlyKeepsSparsity() {
        Transform t = new Transform(new double[] {0, 0, 0, 0}, new double[] {2, 4, 8, 0.5});
        ParsedExample e = new ParsedExample(new int[] {1, 3}, new double[] {8, 3}, new double[] {1}, 1);
        int[] before = e.indices();
        Standardizer.applyToFeatures(t, e);
        assertSame(before, e.indices());
        assertArrayEquals(new double[] {2, 6}, e.values(), 0.0);
    }

    @Test
    void applyCenteredMakesDense() {
        Transform t = new Transform(new double[] {1, 2, 3}, new double[] {2, 4, 1});
        ParsedExample e = new ParsedExample(new int[] {0, 2}, new double[] {5, 3}, new double[] {1}, 1);
        new Standardizer(t, null).apply(e);
        // x = (5, 0, 3) -> ((5-1)/2, (0-2)/4, (3-3)/1) = (2, -0.5, 0): the exact zero is dropped
        assertArrayEquals(new int[] {0, 1}, e.indices());
        assertArrayEquals(new double[] {2, -0.5}, e.values(), 0.0);
        ParsedExample full = new ParsedExample(new int[] {1}, new double[] {6}, new double[] {1}, 1);
        Standardizer st = new Standardizer(t, null);
        st.apply(full);
        assertArrayEquals(new int[] {0, 1, 2}, full.indices());
        assertArrayEquals(new double[] {-0.5, 1, -3}, full.values(), 0.0);
        // the same arithmetic as Transform.apply (what prediction uses)
        for (int j = 0; j < 3; j++) {
            assertEquals(t.apply(j, j == 1 ? 6 : 0), full.values()[j], 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> st.apply(
                new ParsedExample(new int[] {3}, new double[] {1}, new double[] {1}, 1)));
    }

    @Test
    void targetsAndInverse() {
        FeatureStats s = new FeatureStats(2, 2);
        List<ParsedExample> ex = List.of(
                ParsedExample.dense(new double[] {1, 2}, new double[] {100, -1}),
                ParsedExample.dense(new double[] {3, 0}, new double[] {300, -3}),
                ParsedExample.dense(new double[] {2, 0}, new double[] {200, -8}));
        ex.forEach(s::add);
        Standardizer linear = Standardizer.fit(s, OutputKind.LINEAR, true);
        assertTrue(linear.inputs().centers());
        Standardizer logistic = Standardizer.fit(s, OutputKind.LOGISTIC, true);
        assertNull(logistic.targets());
        double[][] original = new double[3][];
        for (int i = 0; i < 3; i++) {
            original[i] = ex.get(i).targets().clone();
            linear.apply(ex.get(i));
        }
        // standardized targets have mean 0 and population variance 1
        for (int k = 0; k < 2; k++) {
            double m = 0;
            double v = 0;
            for (ParsedExample e : ex) {
                m += e.targets()[k] / 3;
            }
            for (ParsedExample e : ex) {
                v += (e.targets()[k] - m) * (e.targets()[k] - m) / 3;
            }
            assertEquals(0, m, 1e-12);
            assertEquals(1, v, 1e-12);
        }
        // inverse: y = y' * scale + mean
        for (int i = 0; i < 3; i++) {
            double[] y = ex.get(i).targets().clone();
            linear.targets().invertInPlace(y, 0);
            assertArrayEquals(original[i], y, 1e-12);
        }
        assertNull(linear.apply(null));
        assertTrue(Standardizer.none().isIdentity());
        assertFalse(linear.isIdentity());
    }

    @Test
    void centerDecision() {
        FeatureStats sparse = new FeatureStats(10, 1);
        sparse.add(ParsedExample.dense(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 2}, new double[] {1}));
        FeatureStats dense = new FeatureStats(2, 1);
        dense.add(ParsedExample.dense(new double[] {1, 0}, new double[] {1}));
        assertEquals(0.2, sparse.nonzeroFraction(), 1e-15);
        assertFalse(Standardizer.centerInputs(Layout.AUTO, sparse));
        assertTrue(Standardizer.centerInputs(Layout.AUTO, dense));
        assertTrue(Standardizer.centerInputs(Layout.DENSE, sparse));
        assertFalse(Standardizer.centerInputs(Layout.SPARSE, dense));
    }

    @Test
    void standardizeBeforePackingGivesDenseBlocks() {
        LineParser parser = LineParser.libsvm(4, 1, OutputKind.LINEAR);
        List<String> lines = List.of("1 1:1", "2 2:1", "3 3:1", "4 4:1", "5 1:2");
        FeatureStats stats = new FeatureStats(4, 1);
        lines.forEach(l -> stats.add(parser.parse(l)));
        Standardizer st = Standardizer.fit(stats, OutputKind.LINEAR, Standardizer.centerInputs(Layout.AUTO, stats));
        assertTrue(st.inputs().centers()); // 5 of 20 entries nonzero = 0.25: dense enough to center
        List<Block> blocks = new ArrayList<>();
        new BlockPacker(4, 1, 2, Layout.AUTO).pack(lines.iterator(), l -> st.apply(parser.parse(l)))
                .forEachRemaining(blocks::add);
        assertEquals(3, blocks.size());
        for (Block b : blocks) {
            assertFalse(b.isSparse());
        }
        Transform in = st.inputs();
        assertEquals(in.apply(0, 1), blocks.get(0).input(0, 0), 0.0);
        assertEquals(in.apply(1, 0), blocks.get(0).input(0, 1), 0.0);
        assertEquals(in.apply(0, 2), blocks.get(2).input(0, 0), 0.0);
        assertEquals(st.targets().apply(0, 5), blocks.get(2).t()[0], 0.0);
    }

    @Test
    void trainingBoundsStandardizedValuesToFiveScaleUnitsWithoutChangingOrdinaryFeatures() {
        // feature 0: lit in 1 of 1,000 examples (z-score 31.6); feature 1: evenly spread over 0..9
        FeatureStats s = new FeatureStats(2, 1);
        for (int i = 0; i < 1000; i++) {
            s.add(ParsedExample.dense(new double[] {i == 0 ? 1 : 0, i % 10}, new double[] {0}));
        }
        Transform z = s.inputTransform(true);
        Transform bounded = s.inputTransform(new boolean[] {true, true}, true);
        assertEquals((1 - 0.001) / Math.sqrt(0.001 * 0.999), z.apply(0, 1.0), 1e-9);
        assertEquals(5.0, bounded.apply(0, 1.0), 1e-12);
        assertEquals(z.scale(1), bounded.scale(1), 0.0);
        assertEquals(z.mean(0), bounded.mean(0), 0.0);
        // scaled only (sparse data): the distance from 0 is what is bounded
        Transform scaleOnly = s.inputTransform(new boolean[] {false, false}, true);
        assertEquals(5.0, scaleOnly.apply(0, 1.0), 1e-12);
    }
}
