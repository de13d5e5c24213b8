package io.sparkbp.optim;

import java.io.Serializable;

/**
 * Hyperparameters of the step optimizers, as one validated value so that a command line or a
 * checkpoint can carry them without knowing which optimizer is in use. Each optimizer reads only
 * its own fields: {@link Sgd} the momentum and Nesterov flag, {@link Adam} the betas and epsilon.
 *
 * @param momentum  SGD momentum {@code mu} in {@code [0, 1)}; 0 is plain gradient descent
 * @param nesterov  SGD with Nesterov's accelerated gradient instead of classic momentum ({@link
 *                  Sgd} rejects it without momentum; other optimizers ignore it)
 * @param beta1     Adam decay rate of the first-moment estimate, in {@code [0, 1)}
 * @param beta2     Adam decay rate of the second-moment estimate, in {@code [0, 1)}
 * @param epsilon   Adam denominator offset, {@code > 0}
 */
public record OptimizerSettings(double momentum, boolean nesterov, double beta1, double beta2, double epsilon)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Plain SGD; Adam with the defaults of Kingma &amp; Ba (2015): 0.9, 0.999, 1e-8. */
    public static final OptimizerSettings DEFAULTS = new OptimizerSettings(0.0, false, 0.9, 0.999, 1e-8);

    public OptimizerSettings {
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        checkAdam(beta1, beta2, epsilon);
    }

    /** Momentum in [0, 1), and Nesterov only with momentum; checked by {@link Sgd}, where it matters. */
    static void checkMomentum(double momentum, boolean nesterov) {
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0.0) {
            throw new IllegalArgumentException("nesterov needs momentum > 0, got momentum " + momentum);
        }
    }

    static void checkAdam(double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0.0 && beta1 < 1.0)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0.0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be > 0 and finite, got " + epsilon);
        }
    }

    /** These settings with SGD momentum {@code mu} and the Nesterov flag replaced. */
    public OptimizerSettings withMomentum(double mu, boolean useNesterov) {
        return new OptimizerSettings(mu, useNesterov, beta1, beta2, epsilon);
    }

    /** These settings with the Adam parameters replaced. */
    public OptimizerSettings withAdam(double b1, double b2, double eps) {
        return new OptimizerSettings(momentum, nesterov, b1, b2, eps);
    }
}
