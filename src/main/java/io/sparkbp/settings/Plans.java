package io.sparkbp.settings;

import io.sparkbp.data.ClassWeights;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Precision;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.optim.StoppingRule;
import io.sparkbp.spark.TrainerSettings;
import io.sparkbp.spark.TrainingPlan;

import java.util.Optional;

/**
 * The parts of a {@link TrainingPlan} that the settings decide, the same for both front ends: the
 * network, the trainer's settings, the data preparation and the hold-out. Every combination that
 * does not fit is a {@link SettingException} naming the setting to change.
 */
public final class Plans {
    private Plans() {
    }

    /** The network of {@code inputs} inputs and {@code outputs} outputs with the hidden layers and kinds of {@code v}. */
    public static NetworkSpec network(Values v, int inputs, int outputs) {
        int[] hidden = v.get(Schema.MODEL_HIDDEN);
        int[] layers = new int[hidden.length + 2];
        layers[0] = inputs;
        System.arraycopy(hidden, 0, layers, 1, hidden.length);
        layers[layers.length - 1] = outputs;
        var activation = v.get(Schema.MODEL_ACTIVATION);
        OutputKind kind = v.get(Schema.MODEL_OUTPUT);
        try {
            return new NetworkSpec(layers, activation, kind);
        } catch (IllegalArgumentException e) {
            // blame the key the user can change: too few outputs for the kind, else the hidden widths
            boolean outputsAtFault = outputs < kind.minOutputs();
            Setting<?> key = outputsAtFault ? Schema.MODEL_OUTPUTS : Schema.MODEL_HIDDEN;
            throw new SettingException(key, key.key() + ": " + e.getMessage());
        }
    }

    /**
     * Checks everything {@link #trainer} checks before the data have given the network its size: every
     * training setting's value, and the combinations that do not fit.
     */
    public static void check(Values v) {
        OutputKind kind = v.get(Schema.MODEL_OUTPUT);
        v.get(Schema.MODEL_HIDDEN);
        trainer(v, new NetworkSpec(new int[] {1, Math.max(2, kind.minOutputs())}, v.get(Schema.MODEL_ACTIVATION), kind));
        v.get(Schema.DATA_VALIDATION_FRACTION);
        preparation(v, true);
    }

    /** The trainer's settings for {@code spec} ({@code localSteps} 0 when automatic, resolved by the run). */
    public static TrainerSettings trainer(Values v, NetworkSpec spec) {
        OptimizerKind optimizer = OptimizerKind.parse(v.get(Schema.TRAIN_OPTIMIZER));
        boolean lbfgs = !optimizer.stepped();
        int batch = batchSize(v, lbfgs);
        Optional<Double> rate = v.get(Schema.TRAIN_LEARNING_RATE);
        LearningRateSchedule schedule = new LearningRateSchedule(v.get(Schema.TRAIN_SCHEDULE),
                rate.orElse(RangeTest.MIN_RATE), v.get(Schema.TRAIN_DECAY), v.get(Schema.TRAIN_DECAY_EVERY));
        double momentum = v.get(Schema.TRAIN_MOMENTUM);
        boolean nesterov = v.get(Schema.TRAIN_NESTEROV);
        if (optimizer == OptimizerKind.SGD && nesterov && momentum == 0) {
            throw new SettingException(Schema.TRAIN_NESTEROV, "train.nesterov needs momentum > 0 (train.momentum="
                    + momentum + ")");
        }
        // read in this order, so that of several bad settings the same one is reported first
        var steps = new TrainerSettings.Steps(optimizer, momentum, nesterov, batch, localSteps(v, lbfgs, batch));
        int epochs = v.get(Schema.TRAIN_EPOCHS);
        double l2 = v.get(Schema.TRAIN_L2);
        long seed = v.get(Schema.TRAIN_SEED);
        var length = new TrainerSettings.Length(epochs, stopping(v));
        var execution = new TrainerSettings.Execution(seed, v.get(Schema.TRAIN_AGGREGATION_DEPTH),
                precision(v, lbfgs, batch));
        var learningRate = new TrainerSettings.Rate(schedule, rate.isEmpty() && !lbfgs ? RangeTest.STEPS : 0);
        return new TrainerSettings(spec, l2, steps, learningRate, length, execution);
    }

    /**
     * The kernels' precision: {@code auto} is float32 for mini-batch sgd/adam, whose gradient noise
     * is far above a float's rounding (measured: the same accuracies on the defaults benchmark's sets,
     * half the cached bytes, less time per epoch), and float64 where each step is meant to be the
     * exact gradient: full-batch steps and lbfgs, whose line search and convergence test work on small
     * differences of losses and gradients.
     */
    private static Precision precision(Values v, boolean lbfgs, int batch) {
        return v.get(Schema.TRAIN_PRECISION).orElse(lbfgs || batch == 0 ? Precision.FLOAT64 : Precision.FLOAT32);
    }

    /** Patience, minimum improvement and minimum of steps of early stopping. */
    private static StoppingRule stopping(Values v) {
        return new StoppingRule(v.get(Schema.TRAIN_PATIENCE), v.get(Schema.TRAIN_MIN_DELTA),
                v.get(Schema.TRAIN_MIN_STEPS));
    }

    /** The batch size: lbfgs is full batch, so the mini-batch default applies to sgd and adam only. */
    private static int batchSize(Values v, boolean lbfgs) {
        if (lbfgs && !v.isExplicit(Schema.TRAIN_BATCH_SIZE)) {
            return 0;
        }
        int batch = v.get(Schema.TRAIN_BATCH_SIZE);
        if (lbfgs && batch != 0) {
            throw new SettingException(Schema.TRAIN_BATCH_SIZE, "train.batchSize=" + batch + " cannot be used with "
                    + "train.optimizer=lbfgs: lbfgs is a full-batch method; leave train.batchSize unset or 0");
        }
        return batch;
    }

    /** Local steps per round: 0 for automatic with mini-batches, 1 where rounds do not apply. */
    private static int localSteps(Values v, boolean lbfgs, int batch) {
        Optional<Integer> steps = v.get(Schema.TRAIN_LOCAL_STEPS);
        if (steps.isEmpty()) {
            return lbfgs || batch == 0 ? 1 : 0;
        }
        if (steps.get() > 1 && (lbfgs || batch == 0)) {
            throw new SettingException(Schema.TRAIN_LOCAL_STEPS, "train.localSteps=" + steps.get() + " needs "
                    + "train.optimizer=sgd or adam with mini-batches (train.batchSize > 0)");
        }
        return steps.get();
    }

    /** How the examples become blocks; {@code autoPartitions} lets the partitions follow the work. */
    public static TrainingPlan.Preparation preparation(Values v, boolean autoPartitions) {
        return new TrainingPlan.Preparation(v.get(Schema.TRAIN_STANDARDIZE), balanced(v, null, 0),
                v.get(Schema.DATA_LAYOUT), v.get(Schema.DATA_BLOCK_ROWS), v.get(Schema.DATA_STORAGE_LEVEL),
                autoPartitions);
    }

    /**
     * Whether {@code train.classWeight=balanced}; with a network ({@code kind} not null) also checks that
     * its outputs are classes.
     */
    public static boolean balanced(Values v, OutputKind kind, int outputs) {
        boolean balanced = v.get(Schema.TRAIN_CLASS_WEIGHT).equals("balanced");
        if (balanced && kind != null) {
            try {
                ClassWeights.requireClasses(kind, outputs);
            } catch (IllegalArgumentException e) {
                throw new SettingException(Schema.TRAIN_CLASS_WEIGHT, "train.classWeight=balanced: " + e.getMessage()
                        + " (model.output, model.outputs)");
            }
        }
        return balanced;
    }

    /**
     * The hold-out of the training data for validation, when the run has no validation data of its
     * own: the fraction given, or with {@code auto} the automatic one where it can stop the run.
     */
    public static TrainingPlan.HoldOut holdOut(Values v, TrainerSettings t) {
        Optional<Double> fraction = v.get(Schema.DATA_VALIDATION_FRACTION);
        return fraction.isPresent() ? TrainingPlan.HoldOut.of(fraction.get()) : TrainingPlan.HoldOut.auto(t);
    }
}
