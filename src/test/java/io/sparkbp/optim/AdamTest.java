package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamTest {
    @Test
    void firstTwoStepsMatchTheHandComputedBiasCorrectedUpdates() {
        Adam adam = new Adam(2);
        double lr = 0.01;
        double[] theta = {0.5, 0.0};
        adam.step(theta, new double[] {2.0, -0.001}, lr);
        // step 1: m = 0.1 g, v = 0.001 g^2, so m_hat = g, v_hat = g^2 and the update is lr g / (|g| + eps)
        assertEquals(0.5 - 0.01 * 2.0 / (2.0 + 1e-8), theta[0], 1e-16);
        assertEquals(0.49000000005, theta[0], 1e-15);
        assertEquals(0.01 * 0.001 / (0.001 + 1e-8), theta[1], 1e-16);
        adam.step(theta, new double[] {-1.0, 0.003}, lr);
        // step 2, first parameter: m = 0.9 * 0.2 - 0.1 = 0.08, v = 0.999 * 0.004 + 0.001 = 0.004996,
        // bias corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999
        assertEquals(0.49000000005 - 0.01 * (0.08 / 0.19) / (Math.sqrt(0.004996 / 0.001999) + 1e-8), theta[0], 1e-15);
        assertEquals(0.4873366296702431, theta[0], 1e-14);
        // second parameter: m = -9e-5 + 3e-4 = 2.1e-4, v = 0.999e-9 + 9e-9 = 9.999e-9
        double u1 = -0.001 / (0.001 + 1e-8);
        double u2 = (2.1e-4 / 0.19) / (Math.sqrt(9.999e-9 / 0.001999) + 1e-8);
        assertEquals(0.494187623664950, u2, 1e-12);
        assertEquals(-0.01 * u1 - 0.01 * u2, theta[1], 1e-15);
        assertEquals(2, adam.steps());
    }

    @Test
    void stepSizeIsBoundedByTheLearningRateWhateverTheGradientScale() {
        for (double scale : new double[] {1e-6, 1.0, 1e6}) {
            Adam adam = new Adam(1);
            double[] theta = {0.0};
            adam.step(theta, new double[] {scale}, 0.1);
            assertTrue(theta[0] < 0 && theta[0] >= -0.1, "scale " + scale + " gave " + theta[0]);
        }
    }

    @Test
    void customBetasAndEpsilonAreUsed() {
        Adam adam = new Adam(1, 0.5, 0.75, 0.5);
        double[] theta = {0.0};
        adam.step(theta, new double[] {4.0}, 1.0);
        // m_hat = 4, v_hat = 16: update 4 / (4 + 0.5)
        assertEquals(-4.0 / 4.5, theta[0], 1e-15);
        assertEquals(0.5, adam.beta1(), 0.0);
        assertEquals(0.75, adam.beta2(), 0.0);
        assertEquals(0.5, adam.epsilon(), 0.0);
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        int n = 40;
        Adam a = new Adam(n);
        Adam b = new Adam(n);
        double[] thetaA = TestFunctions.random(4, n, 1.0);
        double[] thetaB = null;
        for (int k = 0; k < 25; k++) {
            if (k == 11) {
                b.restoreState(a.state());
                thetaB = thetaA.clone();
            }
            double[] grad = TestFunctions.random(500 + k, n, 0.3);
            a.step(thetaA, grad, 0.01);
            if (thetaB != null) {
                b.step(thetaB, grad, 0.01);
            }
        }
        assertArrayEquals(thetaA, thetaB, 0.0);
        assertEquals(25, b.steps());
        double[][] sa = a.state();
        double[][] sb = b.state();
        for (int i = 0; i < sa.length; i++) {
            assertArrayEquals(sa[i], sb[i], 0.0);
        }
    }

    @Test
    void restoreRejectsMalformedState() {
        Adam adam = new Adam(2);
        assertThrows(IllegalArgumentException.class, () -> adam.restoreState(new double[][] {{0}, new double[2]}));
        assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(new double[][] {{0}, new double[2], new double[3]}));
        assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(new double[][] {{0}, new double[2], {1, -1}}));
        assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(new double[][] {{0}, {Double.NaN, 0}, new double[2]}));
        assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(new double[][] {{0, 1}, new double[2], new double[2]}));
        adam.restoreState(new double[][] {{3}, {1, 2}, {3, 4}});
        assertEquals(3, adam.steps());
    }

    @Test
    void badSettingsAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(2, 1.0, 0.999, 1e-8));
        assertEquals("beta1 must be in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(2, 0.9, -0.5, 1e-8));
        assertEquals("beta2 must be in [0, 1), got -0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(2, 0.9, 0.999, 0.0));
        assertEquals("epsilon must be > 0 and finite, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Adam(0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(2).step(new double[2], new double[2], -1));
    }
}
