package io.sparkbp.optim;

import java.io.Serializable;

/**
 * When early stopping ends a run: after {@code patience} epochs in a row in which the monitored loss
 * did not fall below its best by more than {@code minDelta}, but not before the run has taken {@code
 * minSteps} optimizer steps. On a small data set an epoch is a handful of steps (150 examples in
 * batches of 64 are 3), and ten epochs of them are too few to tell a plateau from the first moves
 * away from the initial weights; the minimum keeps such a run going until it has had a fair number
 * of updates, and the best epoch's weights are still the ones kept.
 *
 * @param patience epochs without an improvement before stopping, {@code >= 0} (0: never stop)
 * @param minDelta the smallest decrease of the monitored loss that counts as an improvement, {@code >= 0}
 * @param minSteps the optimizer steps a run takes before early stopping may end it, {@code >= 0}
 */
public record StoppingRule(int patience, double minDelta, int minSteps) implements Serializable {
    /** Never stops: every epoch runs and the last weights are kept. */
    public static final StoppingRule OFF = new StoppingRule(0, 0, 0);

    public StoppingRule {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be a finite number >= 0, got " + minDelta);
        }
        if (minSteps < 0) {
            throw new IllegalArgumentException("minSteps must be >= 0, got " + minSteps);
        }
    }

    /** Whether this rule can stop a run at all. */
    public boolean enabled() {
        return patience > 0;
    }

    /** This rule without the minimum of steps (for L-BFGS, whose iterations are few and each a line search). */
    public StoppingRule withoutMinSteps() {
        return new StoppingRule(patience, minDelta, 0);
    }

    /** The first epoch after which a run of {@code stepsPerEpoch} steps per epoch may stop: {@code ceil(minSteps / stepsPerEpoch)}, at least 1. */
    public int firstStopEpoch(int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
        }
        return (int) Math.max(1, ((long) minSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }
}
