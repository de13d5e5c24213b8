package io.sparkbp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkSpecTest {

    private static String rejectionMessage(int[] layers, Activation act, OutputKind kind) {
        return assertThrows(IllegalArgumentException.class, () -> new NetworkSpec(layers, act, kind)).getMessage();
    }

    // ------------------------------------------------------------------ validation

    @Test
    void softmaxWithOneOutputIsRejectedNamingTheCount() {
        String msg = rejectionMessage(new int[] {4, 3, 1}, Activation.SIGMOID, OutputKind.SOFTMAX);
        assertTrue(msg.contains("softmax"), msg);
        assertTrue(msg.contains("got 1"), msg);
        assertTrue(msg.contains("at least 2"), msg);
    }

    @ParameterizedTest
    @EnumSource(value = OutputKind.class, names = {"LOGISTIC", "LINEAR"})
    void logisticAndLinearAcceptOneOutput(OutputKind kind) {
        assertEquals(1, new NetworkSpec(new int[] {4, 1}, Activation.TANH, kind).outputs());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3})
    void zeroOrNegativeWidthLayerIsRejectedNamingTheLayerAndWidth(int width) {
        String msg = rejectionMessage(new int[] {4, width, 2}, Activation.RELU, OutputKind.LOGISTIC);
        assertTrue(msg.contains("layer 1"), msg);
        assertTrue(msg.contains("width " + width), msg);
        assertTrue(msg.contains(Arrays.toString(new int[] {4, width, 2})), msg);
    }

    @Test
    void zeroInputsOrOutputsAreRejected() {
        assertTrue(rejectionMessage(new int[] {0, 2}, Activation.RELU, OutputKind.LINEAR).contains("width 0"));
        assertTrue(rejectionMessage(new int[] {3, 0}, Activation.RELU, OutputKind.LINEAR).contains("width 0"));
    }

    @Test
    void fewerThanTwoLayersIsRejectedNamingTheLayers() {
        String msg = rejectionMessage(new int[] {5}, Activation.SIGMOID, OutputKind.LINEAR);
        assertTrue(msg.contains("[5]"), msg);
        assertTrue(rejectionMessage(new int[0], Activation.SIGMOID, OutputKind.LINEAR).contains("[]"));
        assertTrue(rejectionMessage(null, Activation.SIGMOID, OutputKind.LINEAR).contains("null"));
    }

    @Test
    void missingActivationOrOutputKindIsRejected() {
        rejectionMessage(new int[] {2, 2}, null, OutputKind.LINEAR);
        rejectionMessage(new int[] {2, 2}, Activation.TANH, null);
    }

    @Test
    void tooManyParametersAreRejectedNamingTheCount() {
        String msg = rejectionMessage(new int[] {100_000, 100_000}, Activation.TANH, OutputKind.LINEAR);
        assertTrue(msg.contains("10000100000"), msg);
    }

    // ------------------------------------------------------------------ layout

    @Test
    void parameterCountAndOffsetsFor342() {
        NetworkSpec spec = new NetworkSpec(new int[] {3, 4, 2}, Activation.TANH, OutputKind.SOFTMAX);
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, spec.numParams());
        assertEquals(26, spec.numParams());
        assertEquals(2, spec.numWeightLayers());
        assertEquals(3, spec.inputs());
        assertEquals(2, spec.outputs());
        assertEquals(0, spec.weightOffset(0));
        assertEquals(12, spec.biasOffset(0));
        assertEquals(16, spec.weightOffset(1));
        assertEquals(24, spec.biasOffset(1));
        for (int p = 0; p < 26; p++) {
            boolean weight = p < 12 || (p >= 16 && p < 24);
            assertEquals(weight, spec.isWeight(p), "isWeight(" + p + ")");
        }
    }

    @Test
    void parameterCountWithoutHiddenLayersAndWithSeveral() {
        assertEquals(5 * 3 + 3, new NetworkSpec(new int[] {5, 3}, Activation.RELU, OutputKind.SOFTMAX).numParams());
        NetworkSpec deep = new NetworkSpec(new int[] {2, 3, 4, 5, 1}, Activation.RELU, OutputKind.LINEAR);
        assertEquals((2 * 3 + 3) + (3 * 4 + 4) + (4 * 5 + 5) + (5 * 1 + 1), deep.numParams());
        assertEquals(9, deep.weightOffset(1));
        assertEquals(9 + 16, deep.weightOffset(2));
        assertEquals(9 + 16 + 25, deep.weightOffset(3));
        assertEquals(9 + 16 + 25 + 5, deep.biasOffset(3));
    }

    @Test
    void layersAreDefensivelyCopied() {
        int[] layers = {3, 4, 2};
        NetworkSpec spec = new NetworkSpec(layers, Activation.TANH, OutputKind.SOFTMAX);
        layers[1] = 99;
        assertEquals(4, spec.width(1));
        spec.layers()[1] = 99;
        assertEquals(4, spec.width(1));
    }

    @Test
    void equalityIsByValue() {
        NetworkSpec a = new NetworkSpec(new int[] {3, 4, 2}, Activation.TANH, OutputKind.SOFTMAX);
        NetworkSpec b = new NetworkSpec(new int[] {3, 4, 2}, Activation.TANH, OutputKind.SOFTMAX);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new NetworkSpec(new int[] {3, 4, 2}, Activation.RELU, OutputKind.SOFTMAX));
        assertNotEquals(a, new NetworkSpec(new int[] {3, 4, 2}, Activation.TANH, OutputKind.LOGISTIC));
        assertNotEquals(a, new NetworkSpec(new int[] {3, 5, 2}, Activation.TANH, OutputKind.SOFTMAX));
        assertEquals("[3, 4, 2] tanh/softmax", a.toString());
    }

    @Test
    void activationAndOutputKindNamesRoundTrip() {
        for (Activation a : Activation.values()) {
            assertEquals(a, Activation.parse(" " + a.id().toUpperCase() + " "));
        }
        for (OutputKind k : OutputKind.values()) {
            assertEquals(k, OutputKind.parse(k.id()));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Activation.parse("softsign"))
                .getMessage().contains("softsign"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OutputKind.parse("poisson"))
                .getMessage().contains("poisson"));
    }

    // ------------------------------------------------------------------ Glorot initialisation

    private static final NetworkSpec INIT_SPEC =
            new NetworkSpec(new int[] {30, 20, 7, 3}, Activation.TANH, OutputKind.SOFTMAX);

    @Test
    void sameSeedGivesIdenticalParameters() {
        assertArrayEquals(INIT_SPEC.initialParameters(12345L), INIT_SPEC.initialParameters(12345L), 0.0);
    }

    @Test
    void differentSeedsGiveDifferentParameters() {
        double[] a = INIT_SPEC.initialParameters(1L);
        double[] b = INIT_SPEC.initialParameters(2L);
        int same = 0;
        for (int p = 0; p < a.length; p++) {
            if (INIT_SPEC.isWeight(p) && a[p] == b[p]) {
                same++;
            }
        }
        assertEquals(0, same, "weights shared by two seeds");
    }

    @Test
    void weightsAreWithinGlorotRangeAndBiasesAreExactlyZero() {
        double[] theta = INIT_SPEC.initialParameters(7L);
        assertEquals(INIT_SPEC.numParams(), theta.length);
        for (int l = 0; l < INIT_SPEC.numWeightLayers(); l++) {
            int in = INIT_SPEC.width(l);
            int out = INIT_SPEC.width(l + 1);
            double r = Math.sqrt(6.0 / (in + out));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sumSq = 0;
            for (int p = INIT_SPEC.weightOffset(l); p < INIT_SPEC.biasOffset(l); p++) {
                assertTrue(theta[p] >= -r && theta[p] < r, "layer " + l + " weight " + theta[p] + " outside +-" + r);
                min = Math.min(min, theta[p]);
                max = Math.max(max, theta[p]);
                sumSq += theta[p] * theta[p];
            }
            if (in * out >= 100) {
                // Actually spread over the range (not, e.g., all zero or a tenth of it): with >= 100
                // uniform draws these hold with overwhelming probability for any seed.
                assertTrue(min < -0.8 * r && max > 0.8 * r, "layer " + l + " spans [" + min + ", " + max + "]");
                double meanSq = sumSq / (in * out);
                assertEquals(r * r / 3, meanSq, 0.3 * r * r / 3, "layer " + l + " variance of uniform(-r, r)");
            }
            for (int p = INIT_SPEC.biasOffset(l); p < INIT_SPEC.biasOffset(l) + out; p++) {
                assertEquals(0L, Double.doubleToRawLongBits(theta[p]), "bias " + p + " must be +0.0");
            }
        }
        assertFalse(Arrays.stream(theta).anyMatch(Double::isNaN));
    }
}
