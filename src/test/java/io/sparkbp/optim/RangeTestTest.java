package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeTestTest {
    @Test
    void ratesGrowGeometricallyFromTheFirstToTheLast() {
        assertEquals(RangeTest.MIN_RATE, RangeTest.rate(0, 5), 0);
        assertEquals(RangeTest.MAX_RATE, RangeTest.rate(4, 5), 1e-15);
        assertEquals(RangeTest.rate(1, 5) / RangeTest.rate(0, 5), RangeTest.rate(3, 5) / RangeTest.rate(2, 5), 1e-12);
    }

    /** A curve whose loss falls until step {@code low} and rises after it. */
    private static double[] valley(int steps, int low) {
        double[] l = new double[steps];
        for (int i = 0; i < steps; i++) {
            l[i] = 1 + 0.01 * (i - low) * (i - low);
        }
        return l;
    }

    @Test
    void picksATenthOfTheRateWhereTheSmoothedLossIsLowest() {
        RangeTest.Pick p = RangeTest.pick(valley(100, 60));
        // smoothing delays the minimum by about the average's memory (10 steps), never makes it earlier
        assertTrue(p.minimum() >= 60 && p.minimum() <= 72, "minimum at " + p.minimum());
        assertEquals(p.rates()[p.minimum()] / RangeTest.BACK_OFF, p.rate(), 1e-15);
        assertTrue(p.describe().contains("picked " + String.format(java.util.Locale.ROOT, "%.3g", p.rate())),
                p.describe());
    }

    @Test
    void theCurveEndsWhereTheLossBecomesNonFiniteOrExplodes() {
        double[] l = valley(100, 90);
        l[50] = Double.NaN;
        RangeTest.Pick p = RangeTest.pick(l);
        assertEquals(50, p.usable());
        assertEquals(49, p.minimum());
        double[] exploding = new double[100];
        for (int i = 0; i < 100; i++) {
            exploding[i] = i < 40 ? 2 - i * 0.02 : 1e6;
        }
        RangeTest.Pick q = RangeTest.pick(exploding);
        assertTrue(q.usable() <= 41, "usable " + q.usable());
        assertEquals(39, q.minimum());
    }

    @Test
    void thePickStaysInsideTheTestedRange() {
        double[] falling = new double[20];
        for (int i = 0; i < 20; i++) {
            falling[i] = 20 - i;
        }
        assertEquals(RangeTest.MAX_RATE / RangeTest.BACK_OFF, RangeTest.pick(falling).rate(), 1e-15);
        double[] rising = new double[20];
        for (int i = 0; i < 20; i++) {
            rising[i] = 1 + i;
        }
        assertEquals(RangeTest.MIN_RATE, RangeTest.pick(rising).rate(), 0);
        assertThrows(IllegalArgumentException.class, () -> RangeTest.pick(new double[1]));
    }
}
