package io.sparkbp.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key the trainer understands, with its default and meaning: the one mapping
 * between {@code conf/*.properties}, {@code key=value} overrides, {@code --help} and the README.
 */
public final class Keys {
    /** One key: its default ({@code ""} for none) and a one-line meaning. */
    public record Key(String name, String defaultValue, String meaning) {
    }

    private static final Map<String, Key> ALL = new LinkedHashMap<>();

    private static String def(String name, String defaultValue, String meaning) {
        ALL.put(name, new Key(name, defaultValue, meaning));
        return name;
    }

    public static final String DATA_TRAIN = def("data.train", "", "training data: a Hadoop path or glob (file:, hdfs:, s3a:, relative local paths)");
    public static final String DATA_TEST = def("data.test", "", "test data, evaluated after every epoch and at the end (optional)");
    public static final String DATA_VALIDATION = def("data.validation", "", "validation data for early stopping (optional)");
    public static final String DATA_VALIDATION_FRACTION = def("data.validationFraction", "auto", "fraction of the training examples held out for validation when data.validation is empty (0 = none); auto: 0.1, or none for fewer than 150 examples or when early stopping cannot stop the run (patience 0, or train.epochs <= patience)");
    public static final String DATA_FORMAT = def("data.format", "libsvm", "libsvm or csv");
    public static final String DATA_FEATURES = def("data.features", "", "number of input features; required for libsvm, taken from the header for csv");
    public static final String DATA_LABEL_COLUMNS = def("data.labelColumns", "", "csv: comma-separated label column names (default: label_0..label_{K-1} if present, else the first column)");
    public static final String DATA_WEIGHT_COLUMN = def("data.weightColumn", "", "csv: name of a column of example weights w_n >= 0 (default: every weight is 1); the objective and all metrics are weighted means");
    public static final String DATA_PARTITIONS = def("data.partitions", "0", "number of partitions of the training data (0 = automatic: one per input split, at least the default parallelism, then merged down to one per 2e8 multiply-adds of a pass over the data)");
    public static final String DATA_BLOCK_ROWS = def("data.blockRows", "256", "examples per cached block (a matrix per block for level-3 BLAS)");
    public static final String DATA_LAYOUT = def("data.layout", "auto", "block storage: dense, sparse or auto (per block: sparse when under 25% of the entries are nonzero; sparse data are scaled, not centered, by standardization)");
    public static final String DATA_STORAGE_LEVEL = def("data.storageLevel", "MEMORY_AND_DISK", "Spark storage level of the cached blocks");
    public static final String DATA_ON_BAD_RECORD = def("data.onBadRecord", "fail", "fail: stop before training at the first bad line; skip: skip and count bad lines");
    public static final String MODEL_HIDDEN = def("model.hidden", "", "hidden layer widths, e.g. 256,128 (empty = no hidden layer)");
    public static final String MODEL_ACTIVATION = def("model.activation", "sigmoid", "hidden activation: sigmoid, tanh or relu");
    public static final String MODEL_OUTPUT = def("model.output", "softmax", "output kind: softmax (multi-class), logistic (binary/multi-label) or linear (regression)");
    public static final String MODEL_OUTPUTS = def("model.outputs", "", "number of outputs K (classes, labels or regression targets)");
    public static final String TRAIN_OPTIMIZER = def("train.optimizer", "adam", "sgd, adam or lbfgs (lbfgs is full batch)");
    public static final String TRAIN_LEARNING_RATE = def("train.learningRate", "0.003", "initial learning rate (sgd, adam), or auto: picked by a learning-rate range test of 100 steps before epoch 1");
    public static final String TRAIN_MOMENTUM = def("train.momentum", "0.9", "sgd momentum in [0, 1)");
    public static final String TRAIN_NESTEROV = def("train.nesterov", "false", "sgd: use Nesterov momentum");
    public static final String TRAIN_SCHEDULE = def("train.schedule", "constant", "learning-rate schedule: constant, step, exponential or inverse");
    public static final String TRAIN_DECAY = def("train.decay", "0.5", "schedule factor gamma: step multiplies by it every train.decayEvery epochs, exponential by gamma^epoch, inverse divides by 1 + gamma*epoch");
    public static final String TRAIN_DECAY_EVERY = def("train.decayEvery", "10", "step schedule: epochs between decays");
    public static final String TRAIN_BATCH_SIZE = def("train.batchSize", "64", "examples per step across the whole cluster (0 = full batch)");
    public static final String TRAIN_LOCAL_STEPS = def("train.localSteps", "auto", "sgd/adam with mini-batches: steps each partition takes locally between synchronizations; the driver averages the partitions' weights and optimizer state (1 = plain synchronous training; auto: a whole epoch on one partition, else enough steps for 5e8 multiply-adds per partition per round)");
    public static final String TRAIN_EPOCHS = def("train.epochs", "300", "the most passes over the training data (lbfgs: iterations); early stopping usually ends the run sooner");
    public static final String TRAIN_L2 = def("train.l2", "0", "L2 penalty lambda on weights (not biases): J += lambda/2 ||W||^2");
    public static final String TRAIN_SEED = def("train.seed", "1", "seed for initialization, block order and validation split");
    public static final String TRAIN_CLASS_WEIGHT = def("train.classWeight", "none", "none, or balanced: weigh each class by N / (C n_c) (softmax, binary logistic), times data.weightColumn");
    public static final String TRAIN_STANDARDIZE = def("train.standardize", "true", "standardize inputs (and linear targets); stored in the model");
    public static final String TRAIN_INIT_MODEL = def("train.initModel", "", "start from exactly the weights (and transforms) of this model file");
    public static final String TRAIN_PATIENCE = def("train.earlyStopping.patience", "10", "stop after this many epochs without an improvement of the validation loss (of the training loss when there is no validation data) and keep the best epoch's model (0 = off: run every epoch)");
    public static final String TRAIN_MIN_DELTA = def("train.earlyStopping.minDelta", "1e-4", "the smallest decrease of the monitored loss that counts as an improvement for early stopping");
    public static final String TRAIN_PRECISION = def("train.precision", "float64", "arithmetic of the block kernels: float64, or float32 (inputs cached as floats, half the bytes; sgemm; float weights sent to executors; the driver's weights, optimizer and model stay double)");
    public static final String TRAIN_AGGREGATION_DEPTH = def("train.aggregationDepth", "2", "depth of treeAggregate");
    public static final String TRAIN_CHECKPOINT_DIR = def("train.checkpointDir", "", "directory (Hadoop path) for checkpoints checkpoint-<epoch>.ckpt of weights, optimizer and early-stopping state and the epoch metrics, written atomically; the newest 2 are kept (empty = no checkpoints)");
    public static final String TRAIN_CHECKPOINT_EVERY = def("train.checkpointEvery", "1", "write a checkpoint after every this many epochs, and always after the last epoch");
    public static final String TRAIN_RESUME = def("train.resume", "false", "continue from the newest checkpoint in train.checkpointDir after its epoch (start from scratch if there is none); the settings, the data (paths as resolved, examples, partitions, standardization) and the initial weights must match the checkpoint's, only train.epochs, train.checkpoint*, output.* and data.storageLevel may change; the result equals an uninterrupted run bit for bit");
    public static final String OUTPUT_MODEL = def("output.model", "", "where to write the model JSON (Hadoop path)");
    public static final String OUTPUT_METRICS = def("output.metrics", "", "where to write per-epoch metrics as JSON lines (optional)");
    public static final String OUTPUT_REPORT = def("output.report", "", "where to write a self-contained HTML report (Hadoop path; optional): for train the loss, metric and throughput curves per epoch, data, settings and final metrics; for evaluate the metrics and the confusion matrix");
    public static final String OUTPUT_OVERWRITE = def("output.overwrite", "false", "allow replacing existing output files");

    private Keys() {
    }

    /** All keys in documentation order. */
    public static Map<String, Key> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }

    public static boolean isKnown(String name) {
        return ALL.containsKey(name);
    }
}
