package io.sparkbp.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one argmax, threshold rule and headline metric that metrics, predictions and scoring share. */
class OutputKindDecisionTest {
    @Test
    void argmaxReadsTheWindowAndTakesTheFirstOfTies() {
        double[] v = {9.0, 0.1, 0.7, 0.7, 0.2, 9.0};
        assertEquals(1, OutputKind.argmax(v, 1, 4)); // 0.1, 0.7, 0.7, 0.2: the first 0.7
        assertEquals(0, OutputKind.argmax(v, 0, 3));
        assertEquals(3, OutputKind.argmax(v, 2, 4)); // 0.7, 0.7, 0.2, 9.0
        // the comparison is v[i] > v[best]: nothing is greater than a NaN in front
        assertEquals(0, OutputKind.argmax(new double[] {Double.NaN, 1.0}, 0, 2));
    }

    @Test
    void aProbabilityAtTheThresholdIsPositive() {
        assertTrue(OutputKind.positive(0.5, OutputKind.THRESHOLD));
        assertFalse(OutputKind.positive(Math.nextDown(0.5), OutputKind.THRESHOLD));
        assertTrue(OutputKind.positive(0.3, 0.3));
        assertFalse(OutputKind.positive(Double.NaN, OutputKind.THRESHOLD));
    }

    @Test
    void theHeadlineMetricIsTheOneMetricsReports() {
        assertEquals("accuracy", OutputKind.SOFTMAX.headlineMetric(3));
        assertEquals("accuracy", OutputKind.LOGISTIC.headlineMetric(1));
        assertEquals("subsetAccuracy", OutputKind.LOGISTIC.headlineMetric(4));
        assertEquals("r2", OutputKind.LINEAR.headlineMetric(2));
        for (OutputKind kind : OutputKind.values()) {
            for (int k = kind.minOutputs(); k <= 3; k++) {
                Metrics m = new Metrics(kind, k, false);
                assertTrue(m.toMap().containsKey(kind.headlineMetric(k)), kind + " with " + k + " outputs");
            }
        }
    }

    @Test
    void aScalarLabelIsEncodedOrRefusedByItsKind() {
        double[] t = new double[3];
        assertTrue(OutputKind.SOFTMAX.encodeLabel(2.0, t, 3));
        assertArrayEquals(new double[] {0, 0, 1}, t, 0.0);
        assertFalse(OutputKind.SOFTMAX.encodeLabel(3.0, new double[3], 3));
        assertFalse(OutputKind.SOFTMAX.encodeLabel(1.5, new double[3], 3));
        assertFalse(OutputKind.SOFTMAX.encodeLabel(-1.0, new double[3], 3));
        double[] one = new double[1];
        assertTrue(OutputKind.LOGISTIC.encodeLabel(1.0, one, 1));
        assertEquals(1.0, one[0], 0.0);
        assertFalse(OutputKind.LOGISTIC.encodeLabel(0.5, new double[1], 1));
        assertTrue(OutputKind.LINEAR.encodeLabel(-0.0, one, 1));
        assertEquals(0L, Double.doubleToRawLongBits(one[0]), "-0.0 is stored as 0.0");
        assertFalse(OutputKind.LINEAR.encodeLabel(Double.NaN, new double[1], 1));
        assertTrue(OutputKind.LINEAR.acceptsTarget(-3.5));
        assertFalse(OutputKind.LOGISTIC.acceptsTarget(2.0));
        assertTrue(OutputKind.SOFTMAX.acceptsTarget(1.0));
    }
}
