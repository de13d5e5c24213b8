package io.sparkbp.optim;

import io.sparkbp.math.Named;

/**
 * The optimizers the trainer offers ({@code train.optimizer}): the step optimizers {@link Sgd} and
 * {@link Adam}, which follow a learning rate over mini-batches or full batches, and full-batch
 * {@link Lbfgs}, whose line search picks its own steps. The one place their names are spelled.
 */
public enum OptimizerKind implements Named {
    SGD, ADAM, LBFGS;

    /** Whether a learning rate drives the updates (sgd, adam); not L-BFGS. */
    public boolean stepped() {
        return this != LBFGS;
    }

    /** The optimizer named {@code name} (any case, blanks around it ignored). */
    public static OptimizerKind parse(String name) {
        return Named.parse(OptimizerKind.class, name, "optimizer");
    }
}
