package io.sparkbp.optim;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    @Test
    void factoryBuildsSgdAndAdamByNameWithTheirSettings() {
        OptimizerSettings s = OptimizerSettings.DEFAULTS.withMomentum(0.8, true).withAdam(0.5, 0.6, 1e-6);
        Optimizer sgd = Optimizer.create(" SGD ", 7, s);
        Sgd typed = assertInstanceOf(Sgd.class, sgd);
        assertEquals(0.8, typed.momentum(), 0.0);
        assertTrue(typed.nesterov());
        assertEquals("sgd", sgd.name());
        assertEquals(7, sgd.numParams());
        Adam adam = assertInstanceOf(Adam.class, Optimizer.create("adam", 3, s));
        assertEquals("adam", adam.name());
        assertEquals(0.5, adam.beta1(), 0.0);
        assertEquals(0.6, adam.beta2(), 0.0);
        assertEquals(1e-6, adam.epsilon(), 0.0);
    }

    @Test
    void factoryNamesTheKnownOptimizersForAnUnknownName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create("rmsprop", 3, OptimizerSettings.DEFAULTS));
        assertEquals("unknown optimizer 'rmsprop': expected sgd, adam or lbfgs", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Optimizer.create((String) null, 3, OptimizerSettings.DEFAULTS));
        assertEquals("unknown optimizer 'null': expected sgd, adam or lbfgs", e.getMessage());
    }

    @Test
    void factorySendsLbfgsToTheLbfgsClass() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create("lbfgs", 3, OptimizerSettings.DEFAULTS));
        assertTrue(e.getMessage().contains("not a step optimizer") && e.getMessage().contains("Lbfgs"), e.getMessage());
    }

    @Test
    void settingsDefaultsAreThoseOfThePapers() {
        OptimizerSettings d = OptimizerSettings.DEFAULTS;
        assertEquals(0.0, d.momentum(), 0.0);
        assertEquals(0.9, d.beta1(), 0.0);
        assertEquals(0.999, d.beta2(), 0.0);
        assertEquals(1e-8, d.epsilon(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> d.withMomentum(1.0, false));
        // Nesterov without momentum is an SGD error only; Adam ignores the SGD fields
        OptimizerSettings stray = d.withMomentum(0.0, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.create("sgd", 2, stray));
        assertTrue(e.getMessage().contains("nesterov needs momentum > 0"), e.getMessage());
        assertInstanceOf(Adam.class, Optimizer.create("adam", 2, stray));
        assertThrows(IllegalArgumentException.class, () -> d.withAdam(0.9, 1.0, 1e-8));
    }

    static Stream<Arguments> stepOptimizers() {
        return Stream.of(
                Arguments.of("sgd", (Supplier<Optimizer>) () -> new Sgd(2), 1.5e-3, 60_000),
                Arguments.of("sgd momentum", (Supplier<Optimizer>) () -> new Sgd(2, 0.9, false), 2e-4, 30_000),
                Arguments.of("sgd nesterov", (Supplier<Optimizer>) () -> new Sgd(2, 0.9, true), 2e-4, 30_000),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(2), 1e-2, 10_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepOptimizers")
    void everyStepOptimizerMinimizesTheRosenbrockFunction(String label, Supplier<Optimizer> make, double lr,
                                                          int steps) {
        Optimizer opt = make.get();
        double[] theta = TestFunctions.rosenbrockStart(2);
        double[] g = new double[2];
        double f0 = TestFunctions.ROSENBROCK.valueAndGradient(theta, g);
        for (int k = 0; k < steps; k++) {
            TestFunctions.ROSENBROCK.valueAndGradient(theta, g);
            opt.step(theta, g, lr);
        }
        double f = TestFunctions.value(TestFunctions.ROSENBROCK, theta);
        assertTrue(f < 1e-4 * f0, label + ": f went from " + f0 + " to " + f);
        assertTrue(TestFunctions.maxAbsDistanceToOnes(theta) < 0.05, label + " ended at " + theta[0] + ", " + theta[1]);
        assertEquals(steps, opt.steps());
    }

    static Stream<Arguments> quadraticOptimizers() {
        return Stream.of(
                Arguments.of("sgd", (Supplier<Optimizer>) () -> new Sgd(20), 0.01),
                Arguments.of("sgd momentum", (Supplier<Optimizer>) () -> new Sgd(20, 0.8, false), 0.01),
                Arguments.of("sgd nesterov", (Supplier<Optimizer>) () -> new Sgd(20, 0.8, true), 0.01),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(20), 0.05));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quadraticOptimizers")
    void everyStepOptimizerMinimizesAConvexQuadratic(String label, Supplier<Optimizer> make, double lr) {
        Lbfgs.DiffFunction f = TestFunctions.quadratic(TestFunctions.curvatures(20, 100.0));
        Optimizer opt = make.get();
        double[] theta = TestFunctions.random(7, 20, 3.0);
        double[] g = new double[20];
        double f0 = f.valueAndGradient(theta, g);
        for (int k = 0; k < 3000; k++) {
            f.valueAndGradient(theta, g);
            opt.step(theta, g, lr);
        }
        double fEnd = TestFunctions.value(f, theta);
        assertTrue(fEnd < 1e-8 * f0, label + ": f went from " + f0 + " to " + fEnd);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sgd", "adam"})
    void aScaledStepWithAFloatCopyIsScalingThenStepThenNarrowingBitForBit(String name) {
        int n = 1000;
        OptimizerSettings s = OptimizerSettings.DEFAULTS.withMomentum(0.9, false);
        Optimizer fused = Optimizer.create(name, n, s);
        Optimizer plain = Optimizer.create(name, n, s);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        double[] b = a.clone();
        float[] single = new float[n];
        double[] scratch = new double[n];
        for (int step = 0; step < 5; step++) {
            double[] sums = new double[n];
            for (int i = 0; i < n; i++) {
                sums[i] = Math.pow(10, rng.nextInt(-6, 4)) * rng.nextGaussian();
            }
            double scale = 1.0 / (3 + 97 * rng.nextDouble());
            fused.stepScaled(a, sums, scale, 0.01, single, scratch);
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = sums[i] * scale;
            }
            plain.step(b, g, 0.01);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(b[i]), Double.doubleToRawLongBits(a[i]), "theta " + i);
                assertEquals(Float.floatToRawIntBits((float) b[i]), Float.floatToRawIntBits(single[i]), "float " + i);
            }
        }
        double[][] fs = fused.state();
        double[][] ps = plain.state();
        for (int v = 0; v < fs.length; v++) {
            assertTrue(java.util.Arrays.equals(ps[v], fs[v]), "state vector " + v);
        }
    }
}
