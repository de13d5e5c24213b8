package io.sparkbp.settings;

import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.spark.StorageLevels;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.apache.spark.storage.StorageLevel;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the trainer, in documentation order: the one schema under the command line's
 * keys ({@code cli.Config}), {@code train --help}, the estimator's params ({@code ml.ParamDefs}) and
 * the README's tables (a test holds them against it). A new setting is added here, once.
 */
public final class Schema {
    private static final Map<String, Setting<?>> ALL = new LinkedHashMap<>();

    private static <T> Setting<T> def(String key, String param, Kind<T> kind, String defaultValue, String meaning) {
        Setting<T> s = new Setting<>(key, param, kind, defaultValue, meaning);
        ALL.put(key, s);
        return s;
    }

    private static <T> Setting<T> def(String key, Kind<T> kind, String defaultValue, String meaning) {
        return def(key, null, kind, defaultValue, meaning);
    }

    /** The param name of a training setting: the last part of its key. */
    private static <T> Setting<T> param(String key, Kind<T> kind, String defaultValue, String meaning) {
        return def(key, key.substring(key.lastIndexOf('.') + 1), kind, defaultValue, meaning);
    }

    public static final Setting<String> DATA_TRAIN = def("data.train", Kind.text(), "", "training data: a Hadoop path or glob (file:, hdfs:, s3a:, relative local paths)");
    public static final Setting<String> DATA_TEST = def("data.test", Kind.text(), "", "test data, evaluated after every epoch and at the end (optional)");
    public static final Setting<String> DATA_VALIDATION = def("data.validation", Kind.text(), "", "validation data for early stopping (optional)");
    public static final Setting<Optional<Double>> DATA_VALIDATION_FRACTION = param("data.validationFraction", Kind.orAuto(Kind.fraction()), "auto", "fraction of the training examples held out for validation when data.validation is empty (0 = none); auto: 0.1, or none for fewer than 150 examples (1,000 for regression) or when early stopping cannot stop the run (patience 0, or train.epochs <= patience)");
    public static final Setting<Format> DATA_FORMAT = def("data.format", Kind.parsed(Format::parse, "libsvm or csv"), "libsvm", "libsvm or csv");
    public static final Setting<Integer> DATA_FEATURES = def("data.features", Kind.integer(1), "", "number of input features; required for libsvm, taken from the header for csv");
    public static final Setting<List<String>> DATA_LABEL_COLUMNS = def("data.labelColumns", Kind.names(), "", "csv: comma-separated label column names (default: label_0..label_{K-1} if present, else the first column)");
    public static final Setting<String> DATA_WEIGHT_COLUMN = def("data.weightColumn", "weightCol", Kind.text(), "", "csv: name of a column of example weights w_n >= 0 (default: every weight is 1); the objective and all metrics are weighted means");
    public static final Setting<Integer> DATA_PARTITIONS = def("data.partitions", Kind.integer(0), "0", "number of partitions of the training data (0 = automatic: one per input split, at least the default parallelism, then merged down to one per 2e8 multiply-adds of a pass over the data); train refuses more partitions than training examples");
    public static final Setting<Integer> DATA_BLOCK_ROWS = param("data.blockRows", Kind.integer(1), "256", "examples per cached block (a matrix per block for level-3 BLAS)");
    public static final Setting<Layout> DATA_LAYOUT = param("data.layout", Kind.parsed(Layout::parse, "dense, sparse or auto"), "auto", "block storage: dense, sparse or auto (per block: sparse when under 25% of the entries are nonzero; sparse data are scaled, not centered, by standardization, but for their mostly nonzero features)");
    public static final Setting<StorageLevel> DATA_STORAGE_LEVEL = param("data.storageLevel", Kind.parsed(StorageLevels::parse, "a Spark storage level such as MEMORY_AND_DISK"), "MEMORY_AND_DISK", "Spark storage level of the cached blocks");
    public static final Setting<String> DATA_ON_BAD_RECORD = def("data.onBadRecord", Kind.choice("fail", "skip"), "fail", "fail: stop before training at the first bad line; skip: skip and count bad lines");
    public static final Setting<int[]> MODEL_HIDDEN = param("model.hidden", Kind.widths(), "", "hidden layer widths, e.g. 256,128 (empty = no hidden layer)");
    public static final Setting<Activation> MODEL_ACTIVATION = param("model.activation", Kind.parsed(Activation::parse, "sigmoid, tanh or relu"), "sigmoid", "hidden activation: sigmoid, tanh or relu");
    public static final Setting<OutputKind> MODEL_OUTPUT = param("model.output", Kind.parsed(OutputKind::parse, "softmax, logistic or linear"), "softmax", "output kind: softmax (multi-class), logistic (binary/multi-label) or linear (regression)");
    public static final Setting<Integer> MODEL_OUTPUTS = def("model.outputs", Kind.integer(1), "", "number of outputs K (classes, labels or regression targets)");
    public static final Setting<String> TRAIN_OPTIMIZER = param("train.optimizer", Kind.choice(Arrays.stream(OptimizerKind.values()).map(OptimizerKind::id).toArray(String[]::new)), "adam", "sgd, adam or lbfgs (lbfgs is full batch)");
    public static final Setting<Optional<Double>> TRAIN_LEARNING_RATE = param("train.learningRate", Kind.orAuto(Kind.positive()), "0.003", "initial learning rate (sgd, adam), or auto: picked by a learning-rate range test of 100 steps before epoch 1");
    public static final Setting<Double> TRAIN_MOMENTUM = param("train.momentum", Kind.fraction(), "0.9", "sgd momentum in [0, 1)");
    public static final Setting<Boolean> TRAIN_NESTEROV = param("train.nesterov", Kind.bool(), "false", "sgd: use Nesterov momentum");
    public static final Setting<LearningRateSchedule.Kind> TRAIN_SCHEDULE = param("train.schedule", Kind.parsed(Schema::scheduleKind, "constant, step, exponential or inverse"), "constant", "learning-rate schedule: constant, step, exponential or inverse");
    public static final Setting<Double> TRAIN_DECAY = param("train.decay", Kind.nonNegative(), "0.5", "schedule factor gamma: step multiplies by it every train.decayEvery epochs, exponential by gamma^epoch, inverse divides by 1 + gamma*epoch");
    public static final Setting<Integer> TRAIN_DECAY_EVERY = param("train.decayEvery", Kind.integer(1), "10", "step schedule: epochs between decays");
    public static final Setting<Integer> TRAIN_BATCH_SIZE = param("train.batchSize", Kind.integer(0), "64", "examples per step across the whole cluster (0 = full batch; lbfgs is always full batch unless this is set)");
    public static final Setting<Optional<Integer>> TRAIN_LOCAL_STEPS = param("train.localSteps", Kind.orAuto(Kind.integer(1)), "auto", "sgd/adam with mini-batches: steps each partition takes locally between synchronizations; the driver averages the partitions' weights and optimizer state (1 = plain synchronous training; auto: a whole epoch on one partition, else enough steps for 5e8 multiply-adds per partition per round)");
    public static final Setting<Integer> TRAIN_EPOCHS = param("train.epochs", Kind.integer(1), "300", "the most passes over the training data (lbfgs: iterations); early stopping usually ends the run sooner");
    public static final Setting<Double> TRAIN_L2 = param("train.l2", Kind.nonNegative(), "0", "L2 penalty lambda on weights (not biases): J += lambda/2 ||W||^2");
    public static final Setting<Long> TRAIN_SEED = param("train.seed", Kind.longInteger(), "1", "seed for initialization, row order and validation split");
    public static final Setting<String> TRAIN_CLASS_WEIGHT = param("train.classWeight", Kind.choice("none", "balanced"), "none", "none, or balanced: weigh each class by N / (C n_c) (softmax, binary logistic), times data.weightColumn");
    public static final Setting<Boolean> TRAIN_STANDARDIZE = param("train.standardize", Kind.bool(), "true", "standardize inputs (and linear targets); stored in the model");
    public static final Setting<String> TRAIN_INIT_MODEL = def("train.initModel", Kind.text(), "", "start from exactly the weights (and transforms) of this model file");
    public static final Setting<Integer> TRAIN_PATIENCE = param("train.earlyStopping.patience", Kind.integer(0), "10", "stop after this many epochs without an improvement of the validation loss (of the training loss when there is no validation data) and keep the best epoch's model (0 = off: run every epoch)");
    public static final Setting<Double> TRAIN_MIN_DELTA = param("train.earlyStopping.minDelta", Kind.nonNegative(), "1e-4", "the smallest decrease of the monitored loss that counts as an improvement for early stopping");
    public static final Setting<Integer> TRAIN_MIN_STEPS = param("train.earlyStopping.minSteps", Kind.integer(0), "500", "sgd/adam: early stopping does not end a run before it has taken this many optimizer steps (on small data ten epochs are only a few steps); the best epoch is still the one kept (0 = no minimum)");
    public static final Setting<Optional<Precision>> TRAIN_PRECISION = param("train.precision", Kind.orAuto(Kind.parsed(Precision::parse, "float64 or float32")), "auto", "arithmetic of the block kernels: float64, or float32 (inputs cached as floats, half the bytes; sgemm; float weights sent to executors; the driver's weights, optimizer and model stay double); auto: float32 for mini-batch sgd/adam, float64 for full-batch steps and lbfgs");
    public static final Setting<Integer> TRAIN_AGGREGATION_DEPTH = param("train.aggregationDepth", Kind.integer(1), "2", "depth of treeAggregate");
    public static final Setting<String> TRAIN_CHECKPOINT_DIR = def("train.checkpointDir", Kind.text(), "", "directory (Hadoop path) for checkpoints checkpoint-<epoch>.ckpt of weights, optimizer and early-stopping state and the epoch metrics, written atomically; the newest 2 are kept (empty = no checkpoints)");
    public static final Setting<Integer> TRAIN_CHECKPOINT_EVERY = def("train.checkpointEvery", Kind.integer(1), "1", "write a checkpoint after every this many epochs, and always after the last epoch");
    public static final Setting<Boolean> TRAIN_RESUME = def("train.resume", Kind.bool(), "false", "continue from the newest checkpoint in train.checkpointDir after its epoch (start from scratch if there is none); the settings, the data (paths as resolved, examples, partitions, standardization) and the initial weights must match the checkpoint's, only train.epochs, train.checkpoint*, output.* and data.storageLevel may change; the result equals an uninterrupted run bit for bit");
    public static final Setting<String> OUTPUT_MODEL = def("output.model", Kind.text(), "", "where to write the model JSON (Hadoop path)");
    public static final Setting<String> OUTPUT_METRICS = def("output.metrics", Kind.text(), "", "where to write per-epoch metrics as JSON lines (optional)");
    public static final Setting<String> OUTPUT_REPORT = def("output.report", Kind.text(), "", "where to write a self-contained HTML report (Hadoop path; optional): for train the loss, metric and throughput curves per epoch, data, settings and final metrics; for evaluate the metrics and the confusion matrix");
    public static final Setting<Boolean> OUTPUT_OVERWRITE = def("output.overwrite", Kind.bool(), "false", "allow replacing existing output files");

    private Schema() {
    }

    private static LearningRateSchedule.Kind scheduleKind(String s) {
        return LearningRateSchedule.parse(s, 1, 1, 1).kind();
    }

    /** Every setting, by key, in documentation order. */
    public static Map<String, Setting<?>> all() {
        return Collections.unmodifiableMap(ALL);
    }

    /** The setting of {@code key}, or null. */
    public static Setting<?> of(String key) {
        return ALL.get(key);
    }

    /** The known key closest to {@code key} (a typo a few letters off), or null when none is close. */
    public static String closest(String key) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : ALL.keySet()) {
            int d = distance.apply(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }
}
