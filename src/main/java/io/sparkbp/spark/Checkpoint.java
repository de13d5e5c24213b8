package io.sparkbp.spark;

import io.sparkbp.optim.EarlyStopping;

import java.util.List;

/**
 * Everything needed to continue a training run after epoch {@code epoch} exactly as if it had never
 * stopped: the weights, the optimizer state, the early-stopping state and the epoch reports so far.
 *
 * <p>No random-number generator state is saved: the block order of every step and the validation
 * split are pure functions of the seed, the epoch number and the step (see {@link
 * PartitionData#forEachSlice} and {@link DataLoader.Holdout}), and the learning rate is a function
 * of the epoch number, so restoring the numbers below is enough for a bit-identical continuation.
 *
 * @param fingerprint {@code name=value} items describing everything that determines the training
 *                    trajectory (see {@link Checkpointer#firstDifference})
 * @param epoch       the last completed epoch, {@code >= 1}
 * @param state       the weights, the optimizer state and the early-stopping state after that epoch
 * @param reports     the reports of epochs {@code 1..epoch}
 * @param source      the file it was read from, for messages (null for one about to be written)
 */
public record Checkpoint(List<String> fingerprint, int epoch, TrainerState state, List<EpochReport> reports,
                         String source) {
    public Checkpoint {
        fingerprint = List.copyOf(fingerprint);
        reports = List.copyOf(reports);
        if (state == null) {
            throw new IllegalArgumentException("the trainer state is required");
        }
    }

    /**
     * What the trainer restores after an epoch.
     *
     * @param theta          the weights
     * @param optimizer      {@code sgd}, {@code adam} or {@code lbfgs}
     * @param optimizerState {@code Optimizer.state()} or {@code Lbfgs.state()}
     * @param stopping       the early-stopping state: the best weights by the monitored loss (or null),
     *                       that loss, their epoch and the epochs since it
     */
    public record TrainerState(double[] theta, String optimizer, double[][] optimizerState,
                               EarlyStopping.State stopping) {
    }

    public double[] theta() {
        return state.theta();
    }

    public String optimizer() {
        return state.optimizer();
    }

    public double[][] optimizerState() {
        return state.optimizerState();
    }

    public EarlyStopping.State stopping() {
        return state.stopping();
    }
}
