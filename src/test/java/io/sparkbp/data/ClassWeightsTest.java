package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassWeightsTest {
    private static FeatureStats stats(int nOut, double[]... targets) {
        FeatureStats s = new FeatureStats(1, nOut);
        for (double[] t : targets) {
            s.add(new ParsedExample(new int[] {0}, new double[] {1}, t, 1.0));
        }
        return s;
    }

    @Test
    void softmaxClassesWeighNOverCTimesTheirCount() {
        // 6 examples: class 0 four times, class 1 twice, class 2 never
        FeatureStats s = stats(3, new double[] {1, 0, 0}, new double[] {1, 0, 0}, new double[] {1, 0, 0},
                new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 1, 0});
        ClassWeights w = ClassWeights.balanced(s, OutputKind.SOFTMAX, 3);
        assertArrayEquals(new double[] {6.0 / (3 * 4), 6.0 / (3 * 2), 1.0}, w.weights());
        assertEquals(1.0, w.of(new double[] {0, 1, 0}));
        // every present class carries the same total weight
        assertEquals(4 * w.weights()[0], 2 * w.weights()[1], 1e-15);
    }

    @Test
    void binaryLogisticHasTwoClasses() {
        FeatureStats s = stats(1, new double[] {1}, new double[] {0}, new double[] {0}, new double[] {0});
        ClassWeights w = ClassWeights.balanced(s, OutputKind.LOGISTIC, 1);
        assertArrayEquals(new double[] {4.0 / (2 * 3), 4.0 / (2 * 1)}, w.weights());
        assertEquals(2.0, w.of(new double[] {1}));
        assertEquals(4.0 / 6, w.of(new double[] {0}));
    }

    @Test
    void theyMultiplyTheExampleWeightInTheStandardizer() {
        FeatureStats s = stats(1, new double[] {1}, new double[] {0}, new double[] {0}, new double[] {0});
        ClassWeights w = ClassWeights.balanced(s, OutputKind.LOGISTIC, 1);
        ParsedExample e = new ParsedExample(new int[] {0}, new double[] {3}, new double[] {1}, 0.25);
        new Standardizer(null, null, w).apply(e);
        assertEquals(0.5, e.weight());
    }

    @Test
    void outputsThatAreNotClassesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.requireClasses(OutputKind.LINEAR, 1));
        assertTrue(e.getMessage().contains("softmax outputs or one logistic output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassWeights.requireClasses(OutputKind.LOGISTIC, 3));
    }
}
