package io.sparkbp.spark;

import java.util.regex.Pattern;

/** Training could not continue (for example the loss became non-finite). The CLI exits with code 4. */
public final class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** How every divergence message starts. */
    static final String DIVERGED = "training diverged in epoch ";
    /** The advice for data that were not standardized, after the learning rate's. */
    static final String STANDARDIZE = ", or enable train.standardize";
    /** The learning rate's part of a divergence message, which {@link #explained} replaces when the data are the cause. */
    private static final Pattern RATE_ADVICE = Pattern.compile(
            "the learning rate is the likely cause \\(train\\.learningRate=[^)]*\\): lower it(, or enable train\\.standardize)?");

    public TrainingException(String message) {
        super(message);
    }

    private TrainingException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Throws, naming epoch {@code epoch} (and {@code step} when positive), unless {@code value} and
     * every element of {@code v} are finite: the run diverged, and the learning rate of {@code s}
     * at that epoch is the likely cause, or the data's scale ({@link #explained} tells which, once
     * the run knows its data).
     */
    static void requireFinite(TrainerSettings s, double value, double[] v, int epoch, int step, String what) {
        boolean ok = Double.isFinite(value);
        for (int i = 0; ok && i < v.length; i++) {
            ok = Double.isFinite(v[i]);
        }
        if (!ok) {
            throw new TrainingException(DIVERGED + epoch + (step > 0 ? " step " + step : "")
                    + ": the " + what + " is not finite; the learning rate is the likely cause (train.learningRate="
                    + io.sparkbp.report.Figures.number(s.schedule().rate(Math.max(0, epoch - 1))) + "): lower it"
                    + STANDARDIZE);
        }
    }

    /**
     * {@code e} with its advice fitted to the run: a divergence whose cause is in the data ({@code
     * dataCause}, a sentence, or null) says so instead of blaming the learning rate; one whose inputs
     * were standardized ({@code standardized}) does not suggest enabling standardization. Any other
     * failure is {@code e} itself.
     */
    static TrainingException explained(TrainingException e, boolean standardized, String dataCause) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(DIVERGED)) {
            return e;
        }
        String fitted;
        if (dataCause != null) {
            fitted = RATE_ADVICE.matcher(m).replaceFirst(java.util.regex.Matcher.quoteReplacement(dataCause));
        } else if (standardized) {
            int at = m.indexOf(STANDARDIZE);
            fitted = at < 0 ? m : m.substring(0, at) + m.substring(at + STANDARDIZE.length());
        } else {
            return e;
        }
        return fitted.equals(m) ? e : new TrainingException(fitted, e);
    }
}
