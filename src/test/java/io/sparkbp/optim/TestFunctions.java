package io.sparkbp.optim;

import java.util.SplittableRandom;

/** Objectives with known minima for the optimizer tests. */
final class TestFunctions {
    private TestFunctions() {
    }

    /** A diagonal convex quadratic {@code f(x) = 1/2 sum_i c_i (x_i - 1)^2}, minimum 0 at all ones. */
    static Lbfgs.DiffFunction quadratic(double[] curvatures) {
        return (x, g) -> {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                double r = x[i] - 1.0;
                f += 0.5 * curvatures[i] * r * r;
                g[i] = curvatures[i] * r;
            }
            return f;
        };
    }

    /** Curvatures spread log-uniformly over {@code [1, condition]}. */
    static double[] curvatures(int n, double condition) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = Math.pow(condition, n == 1 ? 0.0 : (double) i / (n - 1));
        }
        return c;
    }

    /**
     * The extended Rosenbrock function (Moré, Garbow &amp; Hillstrom 1981, problem 21), for even
     * {@code n}: {@code sum_pairs 100 (x_2i - x_2i-1^2)^2 + (1 - x_2i-1)^2}; for {@code n = 2} it is
     * the classic Rosenbrock function. Minimum 0 at all ones.
     */
    static final Lbfgs.DiffFunction ROSENBROCK = (x, g) -> {
        double f = 0;
        for (int i = 0; i + 1 < x.length; i += 2) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
            g[i] = -400.0 * x[i] * a - 2.0 * b;
            g[i + 1] = 200.0 * a;
        }
        return f;
    };

    /** The standard start {@code (-1.2, 1, -1.2, 1, ...)}. */
    static double[] rosenbrockStart(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        return x;
    }

    static double[] random(long seed, int n, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2.0 * rng.nextDouble() - 1.0) * scale;
        }
        return a;
    }

    static double maxAbsDistanceToOnes(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v - 1.0));
        }
        return m;
    }

    static double value(Lbfgs.DiffFunction f, double[] x) {
        return f.valueAndGradient(x, new double[x.length]);
    }
}
