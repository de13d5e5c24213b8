package io.sparkbp.spark;

/** Training could not continue (for example the loss became non-finite). The CLI exits with code 4. */
public final class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }
}
