package io.sparkbp.spark;

/**
 * A run that cannot start as planned (checkpoints of another configuration, a resume beyond the
 * epochs asked for, a network too large for the driver): a configuration error, which the command
 * line reports with exit code 2 and the estimator as the {@link IllegalArgumentException} it is.
 * When one setting is the one to change, {@link #key()} names it, so that the command line can say
 * where its value came from ({@code conf/x.properties:3: model.hidden: ...}).
 */
public final class PlanException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public PlanException(String message) {
        this(null, message);
    }

    /** A refusal whose cure is to change setting {@code key} (a command-line key such as {@code model.hidden}). */
    public PlanException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The key of the setting to change, or null when no single setting is at fault. */
    public String key() {
        return key;
    }
}
