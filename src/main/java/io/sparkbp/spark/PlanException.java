package io.sparkbp.spark;

/**
 * A run that cannot start as planned (checkpoints of another configuration, a resume beyond the
 * epochs asked for): a configuration error, which the command line reports with exit code 2 and the
 * estimator as the {@link IllegalArgumentException} it is.
 */
public final class PlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }
}
