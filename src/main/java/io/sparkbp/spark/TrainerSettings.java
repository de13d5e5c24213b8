package io.sparkbp.spark;

import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.StoppingRule;

import java.io.Serializable;

/**
 * Typed training settings, validated on construction.
 *
 * @param batchSize examples per step across the whole cluster; 0 means full batch
 * @param localSteps steps each partition takes on its own between synchronizations (model averaging);
 *                   1 is plain synchronous data-parallel training, 0 chooses them from the data ({@link
 *                   AutoRules#localSteps}, resolved by {@link TrainingRun} before training)
 * @param stopping  when early stopping ends the run, on the validation loss, else the training loss
 *                  ({@link StoppingRule#OFF}: never)
 * @param rangeTestSteps steps of the learning-rate range test that picks the schedule's base rate before
 *                  epoch 1 ({@code train.learningRate=auto}); 0 uses the schedule's own base rate
 * @param precision arithmetic of the block kernels and the weights sent to executors; the driver's
 *                  weights, optimizer state and model are double either way
 */
public record TrainerSettings(NetworkSpec spec, OptimizerKind optimizer, LearningRateSchedule schedule,
                              double momentum, boolean nesterov, int batchSize, int localSteps, int epochs,
                              double l2, long seed, StoppingRule stopping, int aggregationDepth,
                              Precision precision, int rangeTestSteps)
        implements Serializable {
    /** Settings with {@link Precision#FLOAT64} arithmetic and early stopping by {@code patience} alone. */
    public TrainerSettings(NetworkSpec spec, OptimizerKind optimizer, LearningRateSchedule schedule, double momentum,
                           boolean nesterov, int batchSize, int localSteps, int epochs, double l2, long seed,
                           int patience, int aggregationDepth) {
        this(spec, optimizer, schedule, momentum, nesterov, batchSize, localSteps, epochs, l2, seed,
                new StoppingRule(patience, 0, 0), aggregationDepth, Precision.FLOAT64, 0);
    }

    public TrainerSettings {
        if (precision == null) {
            throw new IllegalArgumentException("precision is required (float64 or float32)");
        }
        if (spec == null || schedule == null || stopping == null) {
            throw new IllegalArgumentException("a network spec, a learning-rate schedule and a stopping rule are required");
        }
        checkSteps(optimizer, momentum, nesterov, batchSize, localSteps);
        checkRun(epochs, l2, aggregationDepth);
        if (rangeTestSteps < 0 || rangeTestSteps == 1) {
            throw new IllegalArgumentException("rangeTestSteps must be 0 or >= 2, got " + rangeTestSteps);
        }
    }

    /** These settings with {@code localSteps} replaced (for {@code train.localSteps=auto}, once the data are loaded). */
    public TrainerSettings withLocalSteps(int steps) {
        return new TrainerSettings(spec, optimizer, schedule, momentum, nesterov, batchSize, steps, epochs, l2, seed,
                stopping, aggregationDepth, precision, rangeTestSteps);
    }

    /**
     * Checks the optimizer and how it steps: momentum, batch size and local steps, alone and in combination.
     *
     * @throws IllegalArgumentException naming the first invalid setting or combination
     */
    private static void checkSteps(OptimizerKind optimizer, double momentum, boolean nesterov, int batchSize,
                                   int localSteps) {
        if (optimizer == null) {
            throw new IllegalArgumentException("an optimizer is required: sgd, adam or lbfgs");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (optimizer == OptimizerKind.SGD && nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs momentum > 0, got momentum " + momentum);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 0, got " + batchSize);
        }
        if (optimizer == OptimizerKind.LBFGS && batchSize != 0) {
            throw new IllegalArgumentException("lbfgs is a full-batch method: batchSize must be 0, got " + batchSize);
        }
        if (localSteps < 0) {
            throw new IllegalArgumentException("localSteps must be >= 1 (or 0 for automatic), got " + localSteps);
        }
        if (localSteps > 1 && (!optimizer.stepped() || batchSize == 0)) {
            throw new IllegalArgumentException("localSteps > 1 needs a step optimizer (sgd or adam) with mini-batches "
                    + "(batchSize > 0), got optimizer " + optimizer.id() + " and batchSize " + batchSize);
        }
    }

    /** Checks the epoch count, the L2 factor and the aggregation depth. */
    private static void checkRun(int epochs, double l2, int aggregationDepth) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be a finite number >= 0, got " + l2);
        }
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregationDepth must be >= 1, got " + aggregationDepth);
        }
    }
}
