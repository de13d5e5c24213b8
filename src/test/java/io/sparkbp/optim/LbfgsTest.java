package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LbfgsTest {
    private static final LbfgsSettings TIGHT = LbfgsSettings.DEFAULTS.withTolerances(1e-10, 0.0);

    /** Counts calls, so the test sees the evaluations the optimizer really made. */
    private static final class Counting implements Lbfgs.DiffFunction {
        final Lbfgs.DiffFunction f;
        int calls;

        Counting(Lbfgs.DiffFunction f) {
            this.f = f;
        }

        @Override
        public double valueAndGradient(double[] x, double[] gradOut) {
            calls++;
            return f.valueAndGradient(x, gradOut);
        }
    }

    private static int runToConvergence(Lbfgs lbfgs, double[] theta, Lbfgs.DiffFunction f, int maxIterations) {
        int it = 0;
        while (!lbfgs.converged() && it < maxIterations) {
            lbfgs.iterate(theta, f);
            it++;
        }
        return it;
    }

    @Test
    void minimizesTheTwoDimensionalRosenbrockFunction() {
        Counting f = new Counting(TestFunctions.ROSENBROCK);
        Lbfgs lbfgs = new Lbfgs(2, TIGHT);
        double[] theta = TestFunctions.rosenbrockStart(2);
        int iterations = runToConvergence(lbfgs, theta, f, 200);
        assertTrue(lbfgs.converged(), "not converged after " + iterations + " iterations");
        assertTrue(iterations <= 100, "took " + iterations + " iterations");
        assertTrue(TestFunctions.maxAbsDistanceToOnes(theta) < 1e-6, theta[0] + ", " + theta[1]);
        assertTrue(lbfgs.value() < 1e-12, "f = " + lbfgs.value());
        assertEquals(f.calls, lbfgs.evaluations());
        assertTrue(f.calls <= 2 * iterations, f.calls + " evaluations for " + iterations + " iterations");
    }

    @Test
    void minimizesTheTenDimensionalRosenbrockFunction() {
        Counting f = new Counting(TestFunctions.ROSENBROCK);
        Lbfgs lbfgs = new Lbfgs(10, TIGHT);
        double[] theta = TestFunctions.rosenbrockStart(10);
        int iterations = runToConvergence(lbfgs, theta, f, 200);
        assertTrue(lbfgs.converged() && iterations <= 100, "took " + iterations + " iterations");
        assertEquals(Lbfgs.Status.SMALL_GRADIENT, lbfgs.status());
        assertTrue(TestFunctions.maxAbsDistanceToOnes(theta) < 1e-6);
        assertEquals(f.calls, lbfgs.evaluations());
    }

    @Test
    void minimizesAFiftyDimensionalConvexQuadraticInFewIterations() {
        // condition number 10; gradient norm from ~100 down to 1e-10 in fewer iterations than dimensions
        Counting f = new Counting(TestFunctions.quadratic(TestFunctions.curvatures(50, 10.0)));
        Lbfgs lbfgs = new Lbfgs(50, TIGHT);
        double[] theta = TestFunctions.random(11, 50, 5.0);
        int iterations = runToConvergence(lbfgs, theta, f, 200);
        assertTrue(lbfgs.converged() && iterations <= 50, "took " + iterations + " iterations");
        assertTrue(TestFunctions.maxAbsDistanceToOnes(theta) < 1e-9);
        // one evaluation at the start, then mostly one per iteration
        assertTrue(f.calls <= iterations + 10, f.calls + " evaluations for " + iterations + " iterations");
    }

    @Test
    void eachIterationReusesTheCachedValueAndGradient() {
        Counting f = new Counting(TestFunctions.quadratic(TestFunctions.curvatures(10, 10.0)));
        Lbfgs lbfgs = new Lbfgs(10, TIGHT);
        double[] theta = TestFunctions.random(12, 10, 1.0);
        double v = lbfgs.iterate(theta, f);
        int afterFirst = f.calls;
        assertTrue(afterFirst >= 2, "the first call evaluates at the start and at least once in the line search");
        assertEquals(TestFunctions.value(f.f, theta), v, 0.0);
        assertEquals(v, lbfgs.value(), 0.0);
        double[] g = new double[10];
        f.f.valueAndGradient(theta, g);
        assertArrayEquals(g, lbfgs.gradient(), 0.0);
        lbfgs.iterate(theta, f);
        lbfgs.iterate(theta, f);
        assertEquals(afterFirst + 2, f.calls, "later iterations take the unit step with one evaluation");
    }

    @Test
    void movingThetaBehindItsBackForcesAFreshEvaluation() {
        Counting f = new Counting(TestFunctions.quadratic(TestFunctions.curvatures(4, 4.0)));
        Lbfgs lbfgs = new Lbfgs(4, TIGHT);
        double[] theta = {3, -2, 0.5, 7};
        lbfgs.iterate(theta, f);
        int calls = f.calls;
        theta[0] += 1.0;
        lbfgs.iterate(theta, f);
        assertTrue(f.calls >= calls + 2);
        assertEquals(TestFunctions.value(f.f, theta), lbfgs.value(), 0.0);
    }

    @Test
    void survivesAFunctionThatIsNaNOutsideARegion() {
        Lbfgs.DiffFunction quad = TestFunctions.quadratic(TestFunctions.curvatures(5, 1000.0));
        // defined only inside the box |x_i| < 1.5; the minimum, all ones, lies inside
        int[] nanCalls = {0};
        Counting f = new Counting((x, g) -> {
            for (double v : x) {
                if (!(Math.abs(v) < 1.5)) {
                    nanCalls[0]++;
                    java.util.Arrays.fill(g, Double.NaN);
                    return Double.NaN;
                }
            }
            return quad.valueAndGradient(x, g);
        });
        Lbfgs lbfgs = new Lbfgs(5, TIGHT);
        // close to the minimum, so the first trial step (length 1) leaves the box
        double[] theta = {0.8, 1.1, 0.9, 1.05, 0.95};
        int iterations = runToConvergence(lbfgs, theta, f, 200);
        assertTrue(nanCalls[0] > 0, "the line search never met the undefined region");
        assertTrue(lbfgs.converged() && iterations < 100, "took " + iterations + " iterations");
        assertTrue(TestFunctions.maxAbsDistanceToOnes(theta) < 1e-8, java.util.Arrays.toString(theta));
        assertTrue(Double.isFinite(lbfgs.value()));
        assertEquals(f.calls, lbfgs.evaluations());
    }

    @Test
    void aNonFiniteStartingPointIsRejected() {
        Lbfgs lbfgs = new Lbfgs(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lbfgs.iterate(new double[2], (x, g) -> Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lbfgs.iterate(new double[3], TestFunctions.ROSENBROCK));
        assertThrows(IllegalArgumentException.class, () -> lbfgs.iterate(new double[2], null));
    }

    @Test
    void aConvergedOptimizerDoesNotEvaluateAgain() {
        Counting f = new Counting(TestFunctions.quadratic(new double[] {1, 2}));
        Lbfgs lbfgs = new Lbfgs(2, TIGHT);
        double[] theta = {1, 1};
        assertEquals(0.0, lbfgs.iterate(theta, f), 0.0);
        assertTrue(lbfgs.converged());
        assertEquals(Lbfgs.Status.SMALL_GRADIENT, lbfgs.status());
        assertEquals(1, f.calls);
        lbfgs.iterate(theta, f);
        assertEquals(1, f.calls);
        assertEquals(0, lbfgs.iterations());
    }

    @Test
    void theRelativeDecreaseTestStopsAStalledRun() {
        Lbfgs lbfgs = new Lbfgs(10, LbfgsSettings.DEFAULTS.withTolerances(0.0, 1e-3));
        double[] theta = TestFunctions.rosenbrockStart(10);
        int iterations = runToConvergence(lbfgs, theta, TestFunctions.ROSENBROCK, 500);
        assertTrue(lbfgs.converged() && iterations < 500);
        assertEquals(Lbfgs.Status.SMALL_DECREASE, lbfgs.status());
    }

    @Test
    void aFunctionWithNoDescentStopsWithNoProgress() {
        // the gradient claims descent but the value never decreases
        Lbfgs lbfgs = new Lbfgs(1, LbfgsSettings.DEFAULTS.withTolerances(0.0, 0.0));
        double[] theta = {0.0};
        lbfgs.iterate(theta, (x, g) -> {
            g[0] = 1.0;
            return 5.0;
        });
        assertEquals(Lbfgs.Status.NO_PROGRESS, lbfgs.status());
        assertArrayEquals(new double[] {0.0}, theta, 0.0);
        assertEquals(1 + LbfgsSettings.DEFAULTS.maxLineSearchEvaluations(), lbfgs.evaluations());
    }

    @Test
    void theShortConstructorSetsMemoryAndBothTolerances() {
        LbfgsSettings s = new Lbfgs(3, 5, 1e-7).settings();
        assertEquals(new LbfgsSettings(5, 1e-7, 1e-7, LbfgsSettings.DEFAULTS.maxLineSearchEvaluations()), s);
        assertEquals(LbfgsSettings.DEFAULTS, new Lbfgs(3).settings());
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(3, 0, 1e-7));
    }

    @Test
    void badSettingsAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LbfgsSettings(0, 1e-6, 1e-9, 20));
        assertEquals("memory must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LbfgsSettings(10, -1, 1e-9, 20));
        assertThrows(IllegalArgumentException.class, () -> new LbfgsSettings(10, 1e-6, Double.NaN, 20));
        assertThrows(IllegalArgumentException.class, () -> new LbfgsSettings(10, 1e-6, 1e-9, 0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(3, null));
    }

    @Test
    void theEvaluationCountIsExposedAcrossCalls() {
        AtomicInteger calls = new AtomicInteger();
        Lbfgs.DiffFunction f = (x, g) -> {
            calls.incrementAndGet();
            return TestFunctions.ROSENBROCK.valueAndGradient(x, g);
        };
        Lbfgs lbfgs = new Lbfgs(2);
        double[] theta = TestFunctions.rosenbrockStart(2);
        for (int i = 0; i < 10; i++) {
            lbfgs.iterate(theta, f);
            assertEquals(calls.get(), lbfgs.evaluations());
        }
        assertEquals(10, lbfgs.iterations());
    }
}
