package io.sparkbp.optim;

import java.util.Locale;

/**
 * The learning-rate range test (L. N. Smith, "Cyclical Learning Rates for Training Neural Networks",
 * WACV 2017, section 3.3): from the initial weights, take {@code steps} mini-batch steps with the
 * rate growing geometrically from {@link #MIN_RATE} to {@link #MAX_RATE}, record the loss of each
 * step's mini-batch (measured before the step), and pick a rate from the curve. The trainer runs the
 * steps; this class owns the rates and the rule.
 *
 * <p>The rule: smooth the losses with an exponential moving average (factor {@link #SMOOTHING},
 * bias-corrected), stop reading the curve where it diverges (a non-finite loss, or a smoothed loss
 * above {@link #DIVERGED} times its minimum so far), and take the rate at the smoothed minimum
 * divided by {@link #BACK_OFF}: the largest rates that still lower the loss within a few steps are
 * too large to train with for long. The pick is clamped to {@code [MIN_RATE, MAX_RATE / BACK_OFF]}.
 */
public final class RangeTest {
    /** Steps of the test as the trainer runs it for {@code train.learningRate=auto}. */
    public static final int STEPS = 100;
    /** The first rate tried. */
    public static final double MIN_RATE = 1e-5;
    /** The last rate tried. */
    public static final double MAX_RATE = 1.0;
    /** Weight of the previous average in the smoothed loss. */
    public static final double SMOOTHING = 0.9;
    /** A smoothed loss this many times the smallest one so far ends the useful part of the curve. */
    public static final double DIVERGED = 4.0;
    /** The pick is the rate at the smoothed minimum divided by this. */
    public static final double BACK_OFF = 10.0;

    /** What the test tried and what it picked. */
    public record Pick(double rate, double[] rates, double[] losses, int minimum, int usable) {
        /** One line for the log: the range, where the loss was lowest, and the pick. */
        public String describe() {
            return String.format(Locale.ROOT, "learning rate search: %d steps from %s to %s; smoothed loss lowest "
                            + "at %s (step %d of %d usable); picked %s", rates.length, format(rates[0]),
                    format(rates[rates.length - 1]), format(rates[minimum]), minimum + 1, usable, format(rate));
        }
    }

    private RangeTest() {
    }

    /** The rate of step {@code i} (0-based) of {@code steps >= 2}. */
    public static double rate(int i, int steps) {
        return MIN_RATE * Math.pow(MAX_RATE / MIN_RATE, (double) i / (steps - 1));
    }

    /** Applies the rule of the class comment to the losses of steps {@code 0..losses.length-1}. */
    public static Pick pick(double[] losses) {
        int n = losses.length;
        if (n < 2) {
            throw new IllegalArgumentException("a range test needs at least 2 steps, got " + n);
        }
        double[] rates = new double[n];
        for (int i = 0; i < n; i++) {
            rates[i] = rate(i, n);
        }
        double avg = 0;
        double best = Double.POSITIVE_INFINITY;
        int minimum = 0;
        int usable = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(losses[i])) {
                break;
            }
            avg = SMOOTHING * avg + (1 - SMOOTHING) * losses[i];
            double smoothed = avg / (1 - Math.pow(SMOOTHING, i + 1));
            if (i > 0 && smoothed > DIVERGED * best) {
                break;
            }
            usable = i + 1;
            if (smoothed < best) {
                best = smoothed;
                minimum = i;
            }
        }
        double rate = Math.max(MIN_RATE, Math.min(MAX_RATE / BACK_OFF, rates[minimum] / BACK_OFF));
        return new Pick(rate, rates, losses.clone(), minimum, usable);
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
