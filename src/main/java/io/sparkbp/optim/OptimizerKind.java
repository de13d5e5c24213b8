package io.sparkbp.optim;

import java.util.Locale;

/**
 * The optimizers the trainer offers ({@code train.optimizer}): the step optimizers {@link Sgd} and
 * {@link Adam}, which follow a learning rate over mini-batches or full batches, and full-batch
 * {@link Lbfgs}, whose line search picks its own steps. The one place their names are spelled.
 */
public enum OptimizerKind {
    SGD, ADAM, LBFGS;

    /** {@code sgd}, {@code adam} or {@code lbfgs}, as configuration and checkpoints spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a learning rate drives the updates (sgd, adam); not L-BFGS. */
    public boolean stepped() {
        return this != LBFGS;
    }

    /** The optimizer named {@code name} (any case, blanks around it ignored). */
    public static OptimizerKind parse(String name) {
        String id = name == null ? "" : name.trim();
        for (OptimizerKind k : values()) {
            if (k.id().equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "': expected sgd, adam or lbfgs");
    }
}
