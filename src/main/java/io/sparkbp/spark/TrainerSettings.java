package io.sparkbp.spark;

import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.StoppingRule;

import java.io.Serializable;

/**
 * Typed training settings, validated on construction: the network and its L2 factor, then four small
 * groups, each checked by its own constructor: how the optimizer steps ({@link Steps}), the learning
 * rate ({@link Rate}), how long the run goes ({@link Length}) and how it executes ({@link Execution}).
 * The accessors below read through the groups, so a caller asks {@code settings.batchSize()} without
 * knowing which group holds it.
 *
 * @param spec the network
 * @param l2   the L2 factor of the objective, a finite number >= 0
 */
public record TrainerSettings(NetworkSpec spec, double l2, Steps steps, Rate rate, Length length,
                              Execution execution) implements Serializable {

    /**
     * The optimizer and how it steps.
     *
     * @param batchSize  examples per step across the whole cluster; 0 means full batch
     * @param localSteps steps each partition takes on its own between synchronizations (model averaging);
     *                   1 is plain synchronous data-parallel training, 0 chooses them from the data ({@link
     *                   AutoRules#localSteps}, resolved by {@link TrainingRun} before training)
     */
    public record Steps(OptimizerKind optimizer, double momentum, boolean nesterov, int batchSize, int localSteps)
            implements Serializable {
        /** @throws IllegalArgumentException naming the first invalid setting or combination */
        public Steps {
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
                throw new IllegalArgumentException("localSteps > 1 needs a step optimizer (sgd or adam) with "
                        + "mini-batches (batchSize > 0), got optimizer " + optimizer.id() + " and batchSize " + batchSize);
            }
        }
    }

    /**
     * The learning rate.
     *
     * @param rangeTestSteps steps of the learning-rate range test that picks the schedule's base rate before
     *                       epoch 1 ({@code train.learningRate=auto}); 0 uses the schedule's own base rate
     */
    public record Rate(LearningRateSchedule schedule, int rangeTestSteps) implements Serializable {
        public Rate {
            if (schedule == null) {
                throw new IllegalArgumentException("a learning-rate schedule is required");
            }
            if (rangeTestSteps < 0 || rangeTestSteps == 1) {
                throw new IllegalArgumentException("rangeTestSteps must be 0 or >= 2, got " + rangeTestSteps);
            }
        }
    }

    /**
     * How long the run goes: at most {@code epochs}, fewer when early stopping ends it.
     *
     * @param stopping when early stopping ends the run, on the validation loss, else the training loss
     *                 ({@link StoppingRule#OFF}: never)
     */
    public record Length(int epochs, StoppingRule stopping) implements Serializable {
        public Length {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (stopping == null) {
                throw new IllegalArgumentException("a stopping rule is required");
            }
        }
    }

    /**
     * How the run executes.
     *
     * @param seed             the seed every random stream derives from
     * @param aggregationDepth the depth of {@code treeAggregate}
     * @param precision        arithmetic of the block kernels and the weights sent to executors; the driver's
     *                         weights, optimizer state and model are double either way
     */
    public record Execution(long seed, int aggregationDepth, Precision precision) implements Serializable {
        public Execution {
            if (precision == null) {
                throw new IllegalArgumentException("precision is required (float64 or float32)");
            }
            if (aggregationDepth < 1) {
                throw new IllegalArgumentException("aggregationDepth must be >= 1, got " + aggregationDepth);
            }
        }
    }

    public TrainerSettings {
        if (spec == null) {
            throw new IllegalArgumentException("a network spec is required");
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be a finite number >= 0, got " + l2);
        }
        if (steps == null || rate == null || length == null || execution == null) {
            throw new IllegalArgumentException("the steps, rate, length and execution settings are required");
        }
    }

    /** These settings with {@code localSteps} replaced (for {@code train.localSteps=auto}, once the data are loaded). */
    public TrainerSettings withLocalSteps(int localSteps) {
        Steps s = new Steps(steps.optimizer(), steps.momentum(), steps.nesterov(), steps.batchSize(), localSteps);
        return new TrainerSettings(spec, l2, s, rate, length, execution);
    }

    public OptimizerKind optimizer() {
        return steps.optimizer();
    }

    public double momentum() {
        return steps.momentum();
    }

    public boolean nesterov() {
        return steps.nesterov();
    }

    /** Examples per step across the whole cluster; 0 means full batch. */
    public int batchSize() {
        return steps.batchSize();
    }

    /** Steps each partition takes on its own between synchronizations; 0 until resolved ({@link Steps}). */
    public int localSteps() {
        return steps.localSteps();
    }

    public LearningRateSchedule schedule() {
        return rate.schedule();
    }

    /** Steps of the learning-rate range test before epoch 1; 0 for none ({@link Rate}). */
    public int rangeTestSteps() {
        return rate.rangeTestSteps();
    }

    public int epochs() {
        return length.epochs();
    }

    public StoppingRule stopping() {
        return length.stopping();
    }

    public long seed() {
        return execution.seed();
    }

    public int aggregationDepth() {
        return execution.aggregationDepth();
    }

    public Precision precision() {
        return execution.precision();
    }
}
