package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineSearchTest {
    @Test
    void theLineSearchShrinksAStepThatOverflows() {
        // f(x) = x^2 / 2 - x for x < 2, +infinity beyond: the first trial at x = 10 must shrink
        int[] calls = {0};
        Lbfgs.DiffFunction f = (x, g) -> {
            calls[0]++;
            g[0] = x[0] - 1.0;
            return x[0] < 2.0 ? 0.5 * x[0] * x[0] - x[0] : Double.POSITIVE_INFINITY;
        };
        double[] d = {1.0};
        double[] gBest = new double[1];
        LineSearch.Result r = LineSearch.strongWolfe(f,
                new LineSearch.Line(new double[] {0.0}, d, 0.0, -1.0), 10.0, 20,
                new LineSearch.Work(new double[1], new double[1], gBest));
        assertTrue(r.accepted());
        assertTrue(r.alpha() > 0.0 && r.alpha() < 2.0, "alpha " + r.alpha());
        assertTrue(r.value() < 0.0);
        assertEquals(r.alpha() - 1.0, gBest[0], 0.0);
        assertEquals(calls[0], r.evaluations());
    }

    @Test
    void aGoodFirstTrialCostsOneEvaluation() {
        // Newton step on f(x) = 2 (x - 3)^2 from 0: d = 3, alpha 1 lands on the minimum
        int[] calls = {0};
        Lbfgs.DiffFunction f = (x, g) -> {
            calls[0]++;
            g[0] = 4.0 * (x[0] - 3.0);
            return 2.0 * (x[0] - 3.0) * (x[0] - 3.0);
        };
        double[] gBest = new double[1];
        LineSearch.Result r = LineSearch.strongWolfe(f,
                new LineSearch.Line(new double[] {0.0}, new double[] {3.0}, 18.0, -36.0), 1.0, 20,
                new LineSearch.Work(new double[1], new double[1], gBest));
        assertTrue(r.accepted());
        assertEquals(1, r.evaluations());
        assertEquals(1, calls[0]);
        assertEquals(1.0, r.alpha(), 0.0);
        assertEquals(0.0, r.value(), 0.0);
    }

    @Test
    void aTooShortFirstTrialIsExtendedUntilTheCurvatureConditionHolds() {
        // f(x) = (x - 100)^2 / 2 from 0 along d = 1, first trial 1e-3: far too short
        Lbfgs.DiffFunction f = (x, g) -> {
            g[0] = x[0] - 100.0;
            return 0.5 * (x[0] - 100.0) * (x[0] - 100.0);
        };
        double[] gBest = new double[1];
        LineSearch.Result r = LineSearch.strongWolfe(f,
                new LineSearch.Line(new double[] {0.0}, new double[] {1.0}, 5000.0, -100.0), 1e-3, 20,
                new LineSearch.Work(new double[1], new double[1], gBest));
        assertTrue(r.accepted());
        assertTrue(Math.abs(gBest[0]) <= LineSearch.C2 * 100.0, "curvature condition: slope " + gBest[0]);
        assertTrue(r.value() <= 5000.0 - LineSearch.C1 * r.alpha() * 100.0, "sufficient decrease");
        assertTrue(r.evaluations() < 20, r.evaluations() + " evaluations");
    }

    @Test
    void aDirectionWithoutDecreaseFailsWithinTheBudget() {
        Lbfgs.DiffFunction f = (x, g) -> {
            g[0] = -1.0;
            return 1.0 + x[0] * x[0];
        };
        LineSearch.Result r = LineSearch.strongWolfe(f,
                new LineSearch.Line(new double[] {0.0}, new double[] {1.0}, 1.0, -1.0), 1.0, 7,
                new LineSearch.Work(new double[1], new double[1], new double[1]));
        assertFalse(r.accepted());
        assertEquals(7, r.evaluations());
        assertEquals(1.0, r.value(), 0.0);
    }

    @Test
    void theCubicInterpolantIsExactForAQuadraticAndNaNWithoutAMinimum() {
        // phi(a) = (a - 2)^2: values and slopes at 0 and 3; the interpolant is exact
        double m = LineSearch.cubicMinimizer(0.0, 4.0, -4.0, 3.0, 1.0, 2.0);
        assertEquals(2.0, m, 1e-12);
        assertTrue(Double.isNaN(LineSearch.cubicMinimizer(0.0, 0.0, -3.0, 1.0, -2.0, -3.0)));
    }
}
