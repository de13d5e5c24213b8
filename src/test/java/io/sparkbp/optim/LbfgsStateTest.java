package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LbfgsStateTest {
    private static final LbfgsSettings TIGHT = LbfgsSettings.DEFAULTS.withTolerances(1e-10, 0.0);

    @Test
    void stateRoundTripContinuesBitIdentically() {
        for (int k : new int[] {0, 1, 3, 15}) {
            Lbfgs.DiffFunction f = TestFunctions.ROSENBROCK;
            LbfgsSettings settings = TIGHT.withMemory(4);
            Lbfgs a = new Lbfgs(10, settings);
            double[] thetaA = TestFunctions.rosenbrockStart(10);
            for (int i = 0; i < k; i++) {
                a.iterate(thetaA, f);
            }
            Lbfgs b = new Lbfgs(10, settings);
            b.restoreState(a.state());
            double[] thetaB = thetaA.clone();
            for (int i = 0; i < 30; i++) {
                double va = a.iterate(thetaA, f);
                double vb = b.iterate(thetaB, f);
                assertEquals(Double.doubleToRawLongBits(va), Double.doubleToRawLongBits(vb));
                assertArrayEquals(thetaA, thetaB, 0.0, "after " + k + " + " + i + " iterations");
            }
            assertEquals(a.evaluations(), b.evaluations());
            assertEquals(a.iterations(), b.iterations());
            assertEquals(a.status(), b.status());
            double[][] sa = a.state();
            double[][] sb = b.state();
            assertEquals(sa.length, sb.length);
            for (int i = 0; i < sa.length; i++) {
                assertArrayEquals(sa[i], sb[i], 0.0);
            }
        }
    }

    @Test
    void aFreshOptimizerHasAnEmptyState() {
        Lbfgs lbfgs = new Lbfgs(3);
        double[][] s = lbfgs.state();
        assertEquals(3, s.length);
        assertEquals(0, s[1].length);
        assertTrue(Double.isNaN(lbfgs.value()));
        assertNull(lbfgs.gradient());
        assertFalse(lbfgs.converged());
        new Lbfgs(3).restoreState(s);
    }

    @Test
    void restoreRejectsInconsistentStateAndKeepsTheOldOne() {
        Lbfgs a = new Lbfgs(4, TIGHT);
        double[] theta = {3, 1, -2, 0.5};
        for (int i = 0; i < 3; i++) {
            a.iterate(theta, TestFunctions.ROSENBROCK);
        }
        double[][] good = a.state();
        int h = (int) good[0][3];
        assertTrue(h >= 1);
        Lbfgs small = new Lbfgs(4, TIGHT.withMemory(1));
        if (h > 1) {
            assertThrows(IllegalArgumentException.class, () -> small.restoreState(good));
        }
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(5).restoreState(good));
        Lbfgs b = new Lbfgs(4, TIGHT);
        b.restoreState(good);
        double[][] badCount = good.clone();
        badCount[0] = good[0].clone();
        badCount[0][3] = h + 1;
        assertThrows(IllegalArgumentException.class, () -> b.restoreState(badCount));
        double[][] badPair = good.clone();
        badPair[3] = good[3 + h].clone();
        for (int i = 0; i < badPair[3].length; i++) {
            badPair[3][i] = -badPair[3][i];
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restoreState(badPair));
        assertTrue(e.getMessage().contains("s.y"), e.getMessage());
        double[][] badValue = good.clone();
        badValue[0] = good[0].clone();
        badValue[0][4] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> b.restoreState(badValue));
        assertThrows(IllegalArgumentException.class, () -> b.restoreState(new double[][] {{1, 2}}));
        double[][] after = b.state();
        for (int i = 0; i < good.length; i++) {
            assertArrayEquals(good[i], after[i], 0.0);
        }
    }
}
