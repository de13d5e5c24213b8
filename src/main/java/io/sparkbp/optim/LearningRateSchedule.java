package io.sparkbp.optim;

import io.sparkbp.math.Named;

import java.io.Serializable;

/**
 * Learning rate as a function of the 0-based epoch:
 *
 * <ul>
 *   <li>{@code constant}: {@code base};</li>
 *   <li>{@code step}: {@code base * gamma^floor(epoch / stepEpochs)}, i.e. multiplied by {@code gamma}
 *       every {@code stepEpochs} epochs;</li>
 *   <li>{@code exponential}: {@code base * gamma^epoch};</li>
 *   <li>{@code inverse}: {@code base / (1 + gamma * epoch)}.</li>
 * </ul>
 *
 * <p>{@code gamma} must be in {@code (0, 1]} for step and exponential decay and {@code >= 0} for
 * inverse decay; constant ignores it (but it must be finite). {@code stepEpochs >= 1} always, even
 * where unused, so a configuration error shows up whatever the kind. A decayed rate never reaches
 * 0: it is floored at {@link Double#MIN_NORMAL} so that it stays a valid step size.
 *
 * @param kind       how the rate changes with the epoch
 * @param base       rate at epoch 0, finite and {@code > 0}
 * @param gamma      decay factor (step, exponential) or decay rate (inverse)
 * @param stepEpochs epochs between decays of the step schedule
 */
public record LearningRateSchedule(Kind kind, double base, double gamma, int stepEpochs) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The schedule kinds, named in configuration by {@link #id()}. */
    public enum Kind implements Named {
        CONSTANT, STEP, EXPONENTIAL, INVERSE
    }

    public LearningRateSchedule {
        if (kind == null) {
            throw new IllegalArgumentException("learning-rate schedule kind is required");
        }
        if (!(base > 0.0) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + base);
        }
        if (!Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be finite, got " + gamma);
        }
        if ((kind == Kind.STEP || kind == Kind.EXPONENTIAL) && !(gamma > 0.0 && gamma <= 1.0)) {
            throw new IllegalArgumentException("gamma of the " + kind.id() + " schedule must be in (0, 1], got " + gamma);
        }
        if (kind == Kind.INVERSE && !(gamma >= 0.0)) {
            throw new IllegalArgumentException("gamma of the inverse schedule must be >= 0, got " + gamma);
        }
        if (stepEpochs < 1) {
            throw new IllegalArgumentException("stepEpochs must be >= 1, got " + stepEpochs);
        }
    }

    /** A constant rate {@code base}. */
    public static LearningRateSchedule constant(double base) {
        return new LearningRateSchedule(Kind.CONSTANT, base, 1.0, 1);
    }

    /**
     * Builds a schedule from configuration values; {@code kind} is {@code constant}, {@code step},
     * {@code exponential} or {@code inverse} (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown kind or invalid values
     */
    public static LearningRateSchedule parse(String kind, double base, double gamma, int stepEpochs) {
        return new LearningRateSchedule(Named.parse(Kind.class, kind, "learning-rate schedule"), base, gamma, stepEpochs);
    }

    /** This schedule with another base rate (for the pick of a learning-rate search). */
    public LearningRateSchedule withBase(double rate) {
        return new LearningRateSchedule(kind, rate, gamma, stepEpochs);
    }

    /** The learning rate for 0-based {@code epoch}; always finite and {@code > 0}. */
    public double rate(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        double r = switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(gamma, epoch / stepEpochs);
            case EXPONENTIAL -> base * Math.pow(gamma, epoch);
            case INVERSE -> base / (1.0 + gamma * epoch);
        };
        return Math.max(r, Double.MIN_NORMAL);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant(" + base + ")";
            case STEP -> "step(" + base + ", gamma=" + gamma + " every " + stepEpochs + " epochs)";
            case EXPONENTIAL -> "exponential(" + base + ", gamma=" + gamma + ")";
            case INVERSE -> "inverse(" + base + ", gamma=" + gamma + ")";
        };
    }
}
