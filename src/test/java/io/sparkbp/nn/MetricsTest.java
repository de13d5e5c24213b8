package io.sparkbp.nn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void softmaxAccuracyAndLossCountExampleWeights() {
        Metrics m = new Metrics(OutputKind.SOFTMAX, 3);
        double[] s1 = {2, 0, 0};               // predicts class 0
        double[] s2 = {0, 0, 1};               // predicts class 2
        double[] y = new double[3];
        OutputKind.SOFTMAX.activate(s1, y, 0, 3);
        m.add(s1, new double[] {1, 0, 0}, 0, y.clone(), 0, 1.0);   // right
        OutputKind.SOFTMAX.activate(s2, y, 0, 3);
        m.add(s2, new double[] {0, 1, 0}, 0, y.clone(), 0, 3.0);   // wrong, weight 3
        Map<String, Double> r = m.toMap();
        assertEquals(2.0, r.get("examples"));
        assertEquals(0.25, r.get("accuracy"), EPS);
        double e1 = Math.log(Math.exp(2) + 2) - 2;
        double e2 = Math.log(2 + Math.exp(1)) - 0;
        assertEquals((e1 + 3 * e2) / 4, r.get("loss"), EPS);
    }

    @Test
    void multiLabelReportsSubsetAndHammingAccuracy() {
        Metrics m = new Metrics(OutputKind.LOGISTIC, 3);
        double[] s = {3, -3, 3};
        double[] y = new double[3];
        OutputKind.LOGISTIC.activate(s, y, 0, 3);                          // predicts 1,0,1
        m.add(s, new double[] {1, 0, 1}, 0, y, 0, 1.0);                 // 3 of 3 right
        m.add(s, new double[] {1, 1, 0}, 0, y, 0, 1.0);                 // 1 of 3 right
        Map<String, Double> r = m.toMap();
        assertEquals(0.5, r.get("subsetAccuracy"), EPS);
        assertEquals(4.0 / 6.0, r.get("hammingAccuracy"), EPS);
        assertEquals(null, r.get("accuracy"));
    }

    @Test
    void binaryLogisticUsesAThresholdOfOneHalf() {
        Metrics m = new Metrics(OutputKind.LOGISTIC, 1);
        m.add(new double[] {0.0}, new double[] {1}, 0, new double[] {0.5}, 0, 1.0);   // 0.5 counts as 1
        m.add(new double[] {-1.0}, new double[] {1}, 0, new double[] {0.27}, 0, 1.0);
        assertEquals(0.5, m.toMap().get("accuracy"), EPS);
        assertEquals((Math.log(2) + Math.log1p(Math.exp(1))) / 2, m.loss(), EPS);
    }

    @Test
    void linearReportsRmseAndR2PerOutputAveraged() {
        Metrics m = new Metrics(OutputKind.LINEAR, 2);
        double[][] t = {{1, 10}, {2, 20}, {3, 30}};
        double[][] y = {{1, 12}, {2, 18}, {4, 30}};
        for (int n = 0; n < 3; n++) {
            m.add(y[n], t[n], 0, y[n], 0, 1.0);
        }
        Map<String, Double> r = m.toMap();
        // output 0: SSE 1, SST 2 -> r2 0.5; output 1: SSE 8, SST 200 -> r2 0.96
        assertEquals((0.5 + 0.96) / 2, r.get("r2"), EPS);
        assertEquals(Math.sqrt(9.0 / 6.0), r.get("rmse"), EPS);
        assertEquals(9.0 / 2.0 / 3.0, r.get("loss"), EPS);
    }

    @Test
    void mergingPartsEqualsOnePassAndRejectsOtherKinds() {
        Metrics whole = new Metrics(OutputKind.LINEAR, 1);
        Metrics a = new Metrics(OutputKind.LINEAR, 1);
        Metrics b = new Metrics(OutputKind.LINEAR, 1);
        double[][] pairs = {{1, 1.5}, {2, 1.0}, {4, 4.5}, {7, 6}};
        for (int i = 0; i < pairs.length; i++) {
            double[] y = {pairs[i][1]};
            double[] t = {pairs[i][0]};
            whole.add(y, t, 0, y, 0, 1.0);
            (i < 2 ? a : b).add(y, t, 0, y, 0, 1.0);
        }
        assertEquals(whole.toMap(), a.merge(b).toMap());
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Metrics(OutputKind.SOFTMAX, 2)));
    }

    // ------------------------------------------------------------------------------ confusion counts

    /** Adds a softmax example whose pre-activations put the maximum at {@code predicted}. */
    private static void addSoftmax(Metrics m, int k, int predicted, int actual, double w) {
        double[] s = new double[k];
        s[predicted] = 3;
        double[] y = new double[k];
        OutputKind.SOFTMAX.activate(s, y, 0, k);
        double[] t = new double[k];
        t[actual] = 1;
        m.add(s, t, 0, y, 0, w);
    }

    @Test
    void softmaxConfusionCountsArgmaxAgainstTheTargetAndItsDiagonalIsTheAccuracy() {
        Metrics m = new Metrics(OutputKind.SOFTMAX, 3, true);
        int[][] pairs = {{0, 0}, {0, 0}, {1, 0}, {2, 2}, {2, 1}, {1, 1}, {1, 1}}; // {predicted, actual}
        for (int[] p : pairs) {
            addSoftmax(m, 3, p[0], p[1], 1.0);
        }
        Confusion c = m.confusion();
        assertEquals(3, c.outputs());
        assertEquals(7.0, c.total());
        double[][] expected = {{2, 1, 0}, {0, 2, 1}, {0, 0, 1}}; // [actual][predicted]
        double trace = 0;
        for (int a = 0; a < 3; a++) {
            double row = 0;
            for (int p = 0; p < 3; p++) {
                assertEquals(expected[a][p], c.cell(a, p), "cell " + a + "," + p);
                row += c.cell(a, p);
            }
            assertEquals(row, c.actual(a));
            assertEquals(expected[a][a], c.truePositives(a));
            trace += c.cell(a, a);
        }
        assertArrayEquals(new double[] {2, 3, 2}, new double[] {c.predicted(0), c.predicted(1), c.predicted(2)});
        assertEquals(m.toMap().get("accuracy"), trace / c.total(), EPS);
        assertThrows(IllegalStateException.class, () -> c.trueNegatives(0));
    }

    @Test
    void confusionCountsAreWeightSums() {
        Metrics m = new Metrics(OutputKind.SOFTMAX, 2, true);
        addSoftmax(m, 2, 0, 0, 2.5);
        addSoftmax(m, 2, 0, 1, 0.5);
        assertEquals(2.5, m.confusion().cell(0, 0));
        assertEquals(0.5, m.confusion().cell(1, 0));
        assertEquals(3.0, m.confusion().total());
        assertEquals(m.toMap().get("accuracy"), m.confusion().cell(0, 0) / m.confusion().total(), EPS);
    }

    @Test
    void manyClassesKeepPerClassCountsButNoMatrix() {
        int k = Confusion.MAX_MATRIX_CLASSES + 1;
        Metrics m = new Metrics(OutputKind.SOFTMAX, k, true);
        addSoftmax(m, k, 7, 7, 1.0);
        addSoftmax(m, k, 7, 100, 1.0);
        Confusion c = m.confusion();
        assertEquals(false, c.hasMatrix());
        assertThrows(IllegalStateException.class, () -> c.cell(0, 0));
        assertEquals(2.0, c.predicted(7));
        assertEquals(1.0, c.truePositives(7));
        assertEquals(1.0, c.actual(100));
    }

    @Test
    void logisticOutputsGetATwoByTwoTableEachAtOneHalf() {
        Metrics m = new Metrics(OutputKind.LOGISTIC, 2, true);
        double[][] y = {{0.9, 0.2}, {0.6, 0.5}, {0.1, 0.7}, {0.4, 0.1}};
        double[][] t = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
        for (int n = 0; n < 4; n++) {
            m.add(new double[2], t[n], 0, y[n], 0, 1.0);
        }
        Confusion c = m.confusion();
        assertEquals(4.0, c.total());
        // output 0: TP (0.9,1), FP (0.6,0), FN (0.1,1), TN (0.4,0)
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0),
                List.of(c.truePositives(0), c.falsePositives(0), c.falseNegatives(0), c.trueNegatives(0)));
        // output 1: TN (0.2,0), TP (0.5,1: 0.5 is positive), TP (0.7,1), TN (0.1,0)
        assertEquals(List.of(2.0, 0.0, 0.0, 2.0),
                List.of(c.truePositives(1), c.falsePositives(1), c.falseNegatives(1), c.trueNegatives(1)));
        assertEquals(2.0, c.actual(0));
        assertEquals(2.0, c.predicted(0));
        double right = c.truePositives(0) + c.trueNegatives(0) + c.truePositives(1) + c.trueNegatives(1);
        assertEquals(m.toMap().get("hammingAccuracy"), right / (2 * c.total()), EPS);
    }

    @Test
    void confusionCountsMergeLikeOnePassAndOnlyWithTheirKind() {
        Metrics whole = new Metrics(OutputKind.SOFTMAX, 3, true);
        Metrics a = new Metrics(OutputKind.SOFTMAX, 3, true);
        Metrics b = new Metrics(OutputKind.SOFTMAX, 3, true);
        for (int i = 0; i < 9; i++) {
            addSoftmax(whole, 3, i % 3, (i * 2) % 3, 1.0);
            addSoftmax(i < 4 ? a : b, 3, i % 3, (i * 2) % 3, 1.0);
        }
        a.merge(b);
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 3; y++) {
                assertEquals(whole.confusion().cell(x, y), a.confusion().cell(x, y));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Metrics(OutputKind.SOFTMAX, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Confusion(OutputKind.LINEAR, 1));
        assertEquals(null, new Metrics(OutputKind.LINEAR, 2, true).confusion(), "regression has no confusion counts");
        assertEquals(null, new Metrics(OutputKind.SOFTMAX, 2).confusion(), "only when asked for");
    }

    @Test
    void linearErrorsPerOutputAgreeWithTheAverages() {
        Metrics m = new Metrics(OutputKind.LINEAR, 2);
        double[][] t = {{1, 10}, {2, 20}, {3, 30}};
        double[][] y = {{1, 12}, {2, 18}, {4, 30}};
        for (int n = 0; n < 3; n++) {
            m.add(y[n], t[n], 0, y[n], 0, 1.0);
        }
        assertArrayEquals(new double[] {Math.sqrt(1.0 / 3), Math.sqrt(8.0 / 3)}, m.rmsePerOutput(), EPS);
        assertArrayEquals(new double[] {0.5, 0.96}, m.r2PerOutput(), EPS);
        assertThrows(IllegalStateException.class, () -> new Metrics(OutputKind.SOFTMAX, 2).rmsePerOutput());
    }
}
