package io.sparkbp.spark;

import io.sparkbp.data.Layout;
import io.sparkbp.model.Model;
import org.apache.spark.storage.StorageLevel;

import java.util.List;
import java.util.Map;

/**
 * Everything one training run needs, typed and validated by the front end that built it (the
 * command line's {@code train} or the estimator's {@code fit}); {@link TrainingRun} carries it out.
 *
 * @param settings    the network and the optimization ({@code localSteps == 0}: automatic)
 * @param data        the training data, and validation and test data if any
 * @param preparation how the examples become cached blocks
 * @param init        a model whose weights and transforms the run starts from, or null
 * @param checkpoints where and how to checkpoint, or null for none
 * @param provenance  what the model file records about the settings and the run
 */
public record TrainingPlan(TrainerSettings settings, Data data, Preparation preparation, Model init,
                           Checkpoints checkpoints, Provenance provenance) {
    public TrainingPlan {
        if (settings == null || data == null || preparation == null || provenance == null) {
            throw new IllegalArgumentException("settings, data, preparation and provenance are required");
        }
    }

    /**
     * The data sets of a run. Without a {@code validation} source, {@code holdOut} decides which part
     * of {@code train} is held out for validation.
     */
    public record Data(ExampleSource train, ExampleSource validation, ExampleSource test, HoldOut holdOut) {
        public Data {
            if (train == null || holdOut == null) {
                throw new IllegalArgumentException("training data and a hold-out rule are required");
            }
        }
    }

    /**
     * The part of the training data held out for validation: {@code fraction} of the rows (by a hash,
     * see {@link DataLoader.Holdout}), or with {@code auto} {@link AutoRules#VALIDATION_FRACTION} of them
     * unless the data are small ({@link AutoRules#holdOutFrom}).
     */
    public record HoldOut(double fraction, boolean auto) {
        public static final HoldOut NONE = new HoldOut(0, false);
        public static final HoldOut AUTO = new HoldOut(AutoRules.VALIDATION_FRACTION, true);

        public HoldOut {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("the validation fraction must be in [0, 1), got " + fraction);
            }
        }

        public static HoldOut of(double fraction) {
            return new HoldOut(fraction, false);
        }

        /**
         * The automatic hold-out where it can stop the run (a patience, and more epochs than it), else
         * none: a hold-out that cannot stop training would only take examples from it.
         */
        public static HoldOut auto(TrainerSettings settings) {
            int patience = settings.stopping().patience();
            return patience > 0 && settings.epochs() > patience ? AUTO : NONE;
        }
    }

    /**
     * How examples become blocks: standardization, balanced class weights, block layout and size,
     * storage level, and whether the partitions follow the work ({@link AutoRules#trainingPartitions})
     * or stay as the source gives them.
     */
    public record Preparation(boolean standardize, boolean balanced, Layout layout, int blockRows,
                              StorageLevel storageLevel, boolean autoPartitions) {
        public Preparation {
            if (layout == null || storageLevel == null || blockRows < 1) {
                throw new IllegalArgumentException("a layout, a storage level and blockRows >= 1 are required");
            }
        }
    }

    /**
     * Checkpointing: the directory, the interval, whether to resume, whether old checkpoints may be
     * replaced; {@code settings} are the fingerprint items of the run's settings, {@code defaults}
     * the default of every fingerprinted key (a checkpoint written before a key existed ran with it).
     */
    public record Checkpoints(String dir, int every, boolean resume, boolean overwrite, List<String> settings,
                              Map<String, String> defaults) {
        public Checkpoints {
            settings = List.copyOf(settings);
            defaults = Map.copyOf(defaults);
        }
    }

    /** The model file's {@code config} section, and extra entries of its {@code training} section. */
    public record Provenance(Map<String, String> config, Map<String, Object> training) {
    }
}
