package io.sparkbp.optim;

import java.io.Serializable;

/**
 * Settings of {@link Lbfgs}.
 *
 * @param memory                   number {@code m} of curvature pairs {@code (s, y)} kept, {@code >= 1}
 * @param gradientTolerance        converged when {@code ||grad||_2 <= gradientTolerance}; {@code >= 0}
 *                                 (0 stops only at an exactly zero gradient)
 * @param relativeTolerance        converged when an iteration decreases the objective by at most
 *                                 {@code relativeTolerance * max(|f_old|, |f_new|, 1)}; {@code >= 0}
 *                                 (0 disables the test)
 * @param maxLineSearchEvaluations most objective evaluations one line search may spend, {@code >= 1}
 */
public record LbfgsSettings(int memory, double gradientTolerance, double relativeTolerance,
                            int maxLineSearchEvaluations) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Memory 10, gradient tolerance 1e-6, relative tolerance 1e-9, 20 evaluations per line search. */
    public static final LbfgsSettings DEFAULTS = new LbfgsSettings(10, 1e-6, 1e-9, 20);

    public LbfgsSettings {
        if (memory < 1) {
            throw new IllegalArgumentException("memory must be >= 1, got " + memory);
        }
        if (!(gradientTolerance >= 0.0) || !Double.isFinite(gradientTolerance)) {
            throw new IllegalArgumentException("gradientTolerance must be >= 0 and finite, got " + gradientTolerance);
        }
        if (!(relativeTolerance >= 0.0 && relativeTolerance < 1.0)) {
            throw new IllegalArgumentException("relativeTolerance must be in [0, 1), got " + relativeTolerance);
        }
        if (maxLineSearchEvaluations < 1) {
            throw new IllegalArgumentException("maxLineSearchEvaluations must be >= 1, got " + maxLineSearchEvaluations);
        }
    }

    /** These settings with memory {@code m}. */
    public LbfgsSettings withMemory(int m) {
        return new LbfgsSettings(m, gradientTolerance, relativeTolerance, maxLineSearchEvaluations);
    }

    /** These settings with both convergence tolerances replaced. */
    public LbfgsSettings withTolerances(double gradientTol, double relativeTol) {
        return new LbfgsSettings(memory, gradientTol, relativeTol, maxLineSearchEvaluations);
    }
}
