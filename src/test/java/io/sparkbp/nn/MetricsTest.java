package io.sparkbp.nn;

import org.junit.jupiter.api.Test;

import java.util.Map;

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
        m.add(s1, 0, y.clone(), 0, new double[] {1, 0, 0}, 0, 1.0);   // right
        OutputKind.SOFTMAX.activate(s2, y, 0, 3);
        m.add(s2, 0, y.clone(), 0, new double[] {0, 1, 0}, 0, 3.0);   // wrong, weight 3
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
        m.add(s, 0, y, 0, new double[] {1, 0, 1}, 0, 1.0);                 // 3 of 3 right
        m.add(s, 0, y, 0, new double[] {1, 1, 0}, 0, 1.0);                 // 1 of 3 right
        Map<String, Double> r = m.toMap();
        assertEquals(0.5, r.get("subsetAccuracy"), EPS);
        assertEquals(4.0 / 6.0, r.get("hammingAccuracy"), EPS);
        assertEquals(null, r.get("accuracy"));
    }

    @Test
    void binaryLogisticUsesAThresholdOfOneHalf() {
        Metrics m = new Metrics(OutputKind.LOGISTIC, 1);
        m.add(new double[] {0.0}, 0, new double[] {0.5}, 0, new double[] {1}, 0, 1.0);   // 0.5 counts as 1
        m.add(new double[] {-1.0}, 0, new double[] {0.27}, 0, new double[] {1}, 0, 1.0);
        assertEquals(0.5, m.toMap().get("accuracy"), EPS);
        assertEquals((Math.log(2) + Math.log1p(Math.exp(1))) / 2, m.loss(), EPS);
    }

    @Test
    void linearReportsRmseAndR2PerOutputAveraged() {
        Metrics m = new Metrics(OutputKind.LINEAR, 2);
        double[][] t = {{1, 10}, {2, 20}, {3, 30}};
        double[][] y = {{1, 12}, {2, 18}, {4, 30}};
        for (int n = 0; n < 3; n++) {
            m.add(y[n], 0, y[n], 0, t[n], 0, 1.0);
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
            whole.add(y, 0, y, 0, t, 0, 1.0);
            (i < 2 ? a : b).add(y, 0, y, 0, t, 0, 1.0);
        }
        assertEquals(whole.toMap(), a.merge(b).toMap());
        assertThrows(IllegalArgumentException.class, () -> a.merge(new Metrics(OutputKind.SOFTMAX, 2)));
    }
}
