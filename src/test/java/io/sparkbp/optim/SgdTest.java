package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SgdTest {
    @Test
    void plainSgdIsExactlyThetaMinusLearningRateTimesGradientBitForBit() {
        int n = 10_000;
        Sgd sgd = new Sgd(n);
        double[] theta = TestFunctions.random(1, n, 10.0);
        double[] lrs = {0.1, 1e-3, 0.7316, 3.0e-5};
        for (int s = 0; s < lrs.length; s++) {
            double[] grad = TestFunctions.random(100 + s, n, Math.pow(10, s - 2));
            double[] theta0 = theta.clone();
            double lr = lrs[s];
            sgd.step(theta, grad, lr);
            for (int i = 0; i < n; i++) {
                double expected = theta0[i] - lr * grad[i];
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(theta[i]),
                        "step " + s + " index " + i);
            }
        }
        assertEquals(lrs.length, sgd.steps());
    }

    @Test
    void plainSgdAllocatesNoVelocity() {
        double[][] state = new Sgd(5).state();
        assertEquals(2, state.length);
        assertEquals(0, state[1].length);
    }

    @Test
    void classicMomentumMatchesTheHandUnrolledRecurrence() {
        double mu = 0.9;
        double lr = 0.1;
        double[][] g = {{1.0, -2.0}, {0.5, 0.25}, {-1.0, 3.0}};
        Sgd sgd = new Sgd(2, mu, false);
        double[] theta = {1.0, 2.0};
        for (double[] gk : g) {
            sgd.step(theta, gk, lr);
        }
        double[] expected = new double[2];
        for (int i = 0; i < 2; i++) {
            double v1 = -lr * g[0][i];
            double v2 = mu * v1 - lr * g[1][i];
            double v3 = mu * v2 - lr * g[2][i];
            expected[i] = (i == 0 ? 1.0 : 2.0) + v1 + v2 + v3;
        }
        assertArrayEquals(expected, theta, 1e-15);
        // theta_0 = 1: v1 = -0.1, v2 = -0.09 - 0.05 = -0.14, v3 = -0.126 + 0.1 = -0.026
        assertEquals(1.0 - 0.1 - 0.14 - 0.026, theta[0], 1e-15);
    }

    @Test
    void nesterovMatchesTheHandUnrolledRecurrence() {
        double mu = 0.5;
        double lr = 0.2;
        double[][] g = {{1.0, -2.0}, {0.5, 0.25}, {-1.0, 3.0}};
        Sgd sgd = new Sgd(2, mu, true);
        double[] theta = {1.0, 2.0};
        for (double[] gk : g) {
            sgd.step(theta, gk, lr);
        }
        double[] expected = {1.0, 2.0};
        for (int i = 0; i < 2; i++) {
            double v = 0;
            for (double[] gk : g) {
                double vNew = mu * v - lr * gk[i];
                expected[i] += -mu * v + (1 + mu) * vNew;
                v = vNew;
            }
        }
        assertArrayEquals(expected, theta, 1e-15);
        // theta_0 = 1 by hand: v1 = -0.2, +(-0.3); v2 = -0.1 - 0.1 = -0.2, +(0.1 - 0.3) = -0.2;
        // v3 = -0.1 + 0.2 = 0.1, +(0.1 + 0.15) = 0.25
        assertEquals(1.0 - 0.3 - 0.2 + 0.25, theta[0], 1e-15);
    }

    @Test
    void nesterovLooksAheadSoItDiffersFromClassicMomentum() {
        double[] a = {0.0};
        double[] b = {0.0};
        Sgd classic = new Sgd(1, 0.9, false);
        Sgd nesterov = new Sgd(1, 0.9, true);
        classic.step(a, new double[] {1.0}, 0.1);
        nesterov.step(b, new double[] {1.0}, 0.1);
        assertEquals(-0.1, a[0], 0.0);
        assertEquals(-0.19, b[0], 1e-15);
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        for (boolean nesterov : new boolean[] {false, true}) {
            for (double mu : new double[] {0.0, 0.9}) {
                if (nesterov && mu == 0.0) {
                    continue;
                }
                int n = 50;
                Sgd a = new Sgd(n, mu, nesterov);
                double[] thetaA = TestFunctions.random(3, n, 1.0);
                Sgd b = null;
                double[] thetaB = null;
                for (int k = 0; k < 20; k++) {
                    if (k == 7) {
                        b = new Sgd(n, mu, nesterov);
                        b.restoreState(a.state());
                        thetaB = thetaA.clone();
                    }
                    double[] grad = TestFunctions.random(1000 + k, n, 1.0);
                    a.step(thetaA, grad, 0.05);
                    if (b != null) {
                        b.step(thetaB, grad, 0.05);
                    }
                }
                assertArrayEquals(thetaA, thetaB, 0.0);
                assertEquals(a.steps(), b.steps());
                assertEquals(20, b.steps());
            }
        }
    }

    @Test
    void stateIsACopy() {
        Sgd sgd = new Sgd(2, 0.5, false);
        sgd.step(new double[2], new double[] {1, 1}, 1.0);
        double[][] s = sgd.state();
        s[1][0] = 42;
        assertEquals(-1.0, sgd.state()[1][0], 0.0);
    }

    @Test
    void restoreRejectsMismatchedStateAndKeepsTheOldOne() {
        Sgd sgd = new Sgd(3, 0.5, false);
        sgd.step(new double[3], new double[] {1, 1, 1}, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sgd.restoreState(new double[][] {{0}, new double[2]}));
        assertTrue(e.getMessage().contains("length 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.restoreState(new double[][] {{1.5}, new double[3]}));
        assertThrows(IllegalArgumentException.class, () -> sgd.restoreState(new double[][] {{-1}, new double[3]}));
        assertThrows(IllegalArgumentException.class, () -> sgd.restoreState(new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> sgd.restoreState(null));
        assertThrows(IllegalArgumentException.class,
                () -> new Sgd(3).restoreState(new double[][] {{1}, new double[3]}));
        assertEquals(1, sgd.steps());
        assertEquals(-1.0, sgd.state()[1][2], 0.0);
    }

    @Test
    void badSettingsAndArgumentsAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(3, 1.0, false));
        assertEquals("momentum must be in [0, 1), got 1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(3, -0.1, false));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(3, Double.NaN, false));
        e = assertThrows(IllegalArgumentException.class, () -> new Sgd(3, 0.0, true));
        assertTrue(e.getMessage().contains("nesterov needs momentum > 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0));
        Sgd sgd = new Sgd(3);
        double[] theta = {1, 2, 3};
        e = assertThrows(IllegalArgumentException.class, () -> sgd.step(theta, new double[3], 0.0));
        assertTrue(e.getMessage().startsWith("learningRate must be > 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.step(theta, new double[3], Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(theta, new double[3], Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(theta, new double[2], 0.1));
        assertThrows(IllegalArgumentException.class, () -> sgd.step(new double[4], new double[4], 0.1));
        assertArrayEquals(new double[] {1, 2, 3}, theta, 0.0);
        assertEquals(0, sgd.steps());
    }
}
