package io.sparkbp.spark;

/** Training could not continue (for example the loss became non-finite). The CLI exits with code 4. */
public final class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    /**
     * Throws, naming epoch {@code epoch} (and {@code step} when positive), unless {@code value} and
     * every element of {@code v} are finite: the run diverged, and the learning rate of {@code s}
     * at that epoch is the likely cause.
     */
    static void requireFinite(TrainerSettings s, double value, double[] v, int epoch, int step, String what) {
        boolean ok = Double.isFinite(value);
        for (int i = 0; ok && i < v.length; i++) {
            ok = Double.isFinite(v[i]);
        }
        if (!ok) {
            throw new TrainingException("training diverged in epoch " + epoch + (step > 0 ? " step " + step : "")
                    + ": the " + what + " is not finite; the learning rate is the likely cause (train.learningRate="
                    + s.schedule().rate(Math.max(0, epoch - 1)) + "): lower it, or enable train.standardize");
        }
    }
}
