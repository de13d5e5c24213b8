package io.sparkbp.ml;

import io.sparkbp.cli.Keys;
import io.sparkbp.data.Layout;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link Param} objects of one {@link SparkbpEstimator} or {@link SparkbpModel} (Spark wants
 * every param owned by its instance), with their docs, validators and defaults. A training param is
 * named after the last part of its command-line key ({@code train.learningRate} becomes {@code
 * learningRate}, {@code train.earlyStopping.patience} becomes {@code patience}), takes its default
 * from {@link Keys} and accepts exactly the values the command line accepts for that key.
 */
final class ParamDefs implements Serializable {
    private static final long serialVersionUID = 1L;

    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "lbfgs");

    // columns
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> weightCol;
    final Param<String> validationIndicatorCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> rawPredictionCol;
    // network
    final IntArrayParam hidden;
    final Param<String> activation;
    final Param<String> output;
    // training
    final Param<String> optimizer;
    final Param<String> learningRate;
    final DoubleParam momentum;
    final BooleanParam nesterov;
    final Param<String> schedule;
    final DoubleParam decay;
    final IntParam decayEvery;
    final IntParam batchSize;
    final Param<String> localSteps;
    final IntParam epochs;
    final DoubleParam l2;
    final LongParam seed;
    final BooleanParam standardize;
    final IntParam patience;
    final DoubleParam minDelta;
    final Param<String> classWeight;
    final IntParam aggregationDepth;
    final Param<String> precision;
    // data
    final Param<String> validationFraction;
    final IntParam blockRows;
    final Param<String> layout;
    final Param<String> storageLevel;
    // prediction
    final DoubleParam threshold;

    /** Param name to command-line key, for the params that have one. */
    private final Map<String, String> cliKeys = new LinkedHashMap<>();

    ParamDefs(Params owner) {
        featuresCol = string(owner, "featuresCol", "features column: ml.linalg vectors, dense or sparse");
        labelCol = string(owner, "labelCol", "label column: a number (a class index for softmax, 0/1 for "
                + "logistic, the target for linear), or an array<double>/vector of K values (multi-label 0/1 "
                + "for logistic, K targets for linear)");
        weightCol = string(owner, "weightCol", "column of example weights w_n >= 0 (empty: every weight is 1; command line: data.weightColumn); "
                + "the objective and the validation metrics are weighted means");
        validationIndicatorCol = string(owner, "validationIndicatorCol", "boolean column: rows where it is true "
                + "are the validation set, the others train (empty: see validationFraction)");
        predictionCol = string(owner, "predictionCol", "prediction column (empty: not produced): the class index "
                + "(softmax, binary logistic), a 0/1 vector (multi-label), the value or a vector of values (linear)");
        probabilityCol = string(owner, "probabilityCol", "class probabilities column (classification; empty: "
                + "not produced); [1-p, p] for binary logistic, per-label p for multi-label");
        rawPredictionCol = string(owner, "rawPredictionCol", "raw prediction column (classification; empty: "
                + "not produced): the output pre-activations (logits); [-s, s] for binary logistic");

        hidden = new IntArrayParam(owner, "hidden", cli(Keys.MODEL_HIDDEN, "hidden layer widths, e.g. [256, 128] "
                + "(empty: no hidden layer)"), ParamChecks.widths());
        activation = parsed(owner, "activation", Keys.MODEL_ACTIVATION, "hidden activation: sigmoid, tanh or relu",
                Activation::parse);
        output = parsed(owner, "output", Keys.MODEL_OUTPUT, "output kind: softmax (multi-class), logistic "
                + "(binary/multi-label) or linear (regression); the number of outputs comes from the label", OutputKind::parse);

        optimizer = parsed(owner, "optimizer", Keys.TRAIN_OPTIMIZER, "sgd, adam or lbfgs (lbfgs is full batch)",
                ParamDefs::parseOptimizer);
        learningRate = parsed(owner, "learningRate", Keys.TRAIN_LEARNING_RATE, "initial learning rate (sgd, adam), "
                + "a number > 0, or auto: picked by a learning-rate range test before epoch 1", ParamDefs::parseRate);
        momentum = new DoubleParam(owner, "momentum", cli(Keys.TRAIN_MOMENTUM, "sgd momentum in [0, 1)"),
                ParamChecks.fraction());
        nesterov = new BooleanParam(owner, "nesterov", cli(Keys.TRAIN_NESTEROV, "sgd: use Nesterov momentum"));
        schedule = parsed(owner, "schedule", Keys.TRAIN_SCHEDULE, "learning-rate schedule: constant, step, "
                + "exponential or inverse", s -> LearningRateSchedule.parse(s, 1, 1, 1));
        decay = new DoubleParam(owner, "decay", cli(Keys.TRAIN_DECAY, "schedule factor gamma >= 0: step multiplies "
                + "the rate by it every decayEvery epochs, exponential by gamma^epoch, inverse divides by "
                + "1 + gamma*epoch"), ParamChecks.nonNegative());
        decayEvery = new IntParam(owner, "decayEvery", cli(Keys.TRAIN_DECAY_EVERY, "step schedule: epochs between "
                + "decays, >= 1"), ParamChecks.intAtLeast(1));
        batchSize = new IntParam(owner, "batchSize", cli(Keys.TRAIN_BATCH_SIZE, "examples per step across the "
                + "whole cluster (0 = full batch)"), ParamChecks.intAtLeast(0));
        localSteps = parsed(owner, "localSteps", Keys.TRAIN_LOCAL_STEPS, "sgd/adam with mini-batches: steps each "
                + "partition takes locally between synchronizations, an integer >= 1 (1 = synchronous), or auto: a whole "
                + "epoch on one partition, else enough steps for 5e8 multiply-adds per partition", ParamDefs::parseLocalSteps);
        epochs = new IntParam(owner, "epochs", cli(Keys.TRAIN_EPOCHS, "the most passes over the training data (lbfgs: "
                + "iterations), >= 1"), ParamChecks.intAtLeast(1));
        l2 = new DoubleParam(owner, "l2", cli(Keys.TRAIN_L2, "L2 penalty lambda >= 0 on weights (not biases): "
                + "J += lambda/2 ||W||^2"), ParamChecks.nonNegative());
        seed = new LongParam(owner, "seed", cli(Keys.TRAIN_SEED, "seed for initialization, block order and the "
                + "validationFraction split"));
        standardize = new BooleanParam(owner, "standardize", cli(Keys.TRAIN_STANDARDIZE, "standardize inputs (and "
                + "linear targets) with training statistics; stored in the model"));
        patience = new IntParam(owner, "patience", cli(Keys.TRAIN_PATIENCE, "stop after this many epochs without an "
                + "improvement of the validation loss (of the training loss without validation data) and keep the best "
                + "epoch's model (0 = off: run every epoch)"), ParamChecks.intAtLeast(0));
        minDelta = new DoubleParam(owner, "minDelta", cli(Keys.TRAIN_MIN_DELTA, "the smallest decrease of the monitored "
                + "loss that counts as an improvement for early stopping, >= 0"), ParamChecks.nonNegative());
        classWeight = parsed(owner, "classWeight", Keys.TRAIN_CLASS_WEIGHT, "none, or balanced: weigh each class by "
                + "N / (C n_c) (softmax, binary logistic), times weightCol", ParamDefs::parseClassWeight);
        aggregationDepth = new IntParam(owner, "aggregationDepth", cli(Keys.TRAIN_AGGREGATION_DEPTH, "depth of the "
                + "aggregation tree, >= 1"), ParamChecks.intAtLeast(1));
        precision = parsed(owner, "precision", Keys.TRAIN_PRECISION, "arithmetic of the training kernels: float64, "
                + "or float32 (the training and validation blocks cache their inputs as floats, half the bytes, and "
                + "the hidden layers run with sgemm on float weights; the gradient sums, the optimizer, the model "
                + "and prediction stay double)", Precision::parse);

        validationFraction = parsed(owner, "validationFraction", Keys.DATA_VALIDATION_FRACTION, "fraction in [0, 1) "
                + "of the rows held out for validation, chosen by a hash of the seed, the partition index and the row's "
                + "position in it (0 = none), or auto: 0.1, or none for fewer than 150 rows or when early stopping cannot "
                + "stop the run", ParamDefs::parseFraction);
        blockRows = new IntParam(owner, "blockRows", cli(Keys.DATA_BLOCK_ROWS, "examples per cached block and per "
                + "prediction block, >= 1"), ParamChecks.intAtLeast(1));
        layout = parsed(owner, "layout", Keys.DATA_LAYOUT, "block storage: dense, sparse or auto (per block: sparse "
                + "when under 25% of the entries are nonzero; sparse data are scaled, not centered)", Layout::parse);
        storageLevel = parsed(owner, "storageLevel", Keys.DATA_STORAGE_LEVEL, "Spark storage level of the cached "
                + "blocks", ParamDefs::parseStorageLevel);

        threshold = new DoubleParam(owner, "threshold", "logistic outputs: an output is predicted 1 when its "
                + "probability is >= threshold, in [0, 1]", ParamChecks.probability());

        owner.setDefault(featuresCol, "features");
        owner.setDefault(labelCol, "label");
        owner.setDefault(weightCol, cliDefault(Keys.DATA_WEIGHT_COLUMN));
        cliKeys.put(weightCol.name(), Keys.DATA_WEIGHT_COLUMN);
        owner.setDefault(validationIndicatorCol, "");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(rawPredictionCol, "rawPrediction");
        owner.setDefault(hidden, widths(cliDefault(Keys.MODEL_HIDDEN)));
        cliKeys.put(hidden.name(), Keys.MODEL_HIDDEN);
        defaultString(owner, activation, Keys.MODEL_ACTIVATION);
        defaultString(owner, output, Keys.MODEL_OUTPUT);
        defaultString(owner, optimizer, Keys.TRAIN_OPTIMIZER);
        defaultString(owner, learningRate, Keys.TRAIN_LEARNING_RATE);
        defaultDouble(owner, momentum, Keys.TRAIN_MOMENTUM);
        defaultBoolean(owner, nesterov, Keys.TRAIN_NESTEROV);
        defaultString(owner, schedule, Keys.TRAIN_SCHEDULE);
        defaultDouble(owner, decay, Keys.TRAIN_DECAY);
        defaultInt(owner, decayEvery, Keys.TRAIN_DECAY_EVERY);
        defaultInt(owner, batchSize, Keys.TRAIN_BATCH_SIZE);
        defaultString(owner, localSteps, Keys.TRAIN_LOCAL_STEPS);
        defaultInt(owner, epochs, Keys.TRAIN_EPOCHS);
        defaultDouble(owner, l2, Keys.TRAIN_L2);
        owner.setDefault(seed, Long.parseLong(cliDefault(Keys.TRAIN_SEED)));
        cliKeys.put(seed.name(), Keys.TRAIN_SEED);
        defaultBoolean(owner, standardize, Keys.TRAIN_STANDARDIZE);
        defaultInt(owner, patience, Keys.TRAIN_PATIENCE);
        defaultDouble(owner, minDelta, Keys.TRAIN_MIN_DELTA);
        defaultString(owner, classWeight, Keys.TRAIN_CLASS_WEIGHT);
        defaultInt(owner, aggregationDepth, Keys.TRAIN_AGGREGATION_DEPTH);
        defaultString(owner, precision, Keys.TRAIN_PRECISION);
        defaultString(owner, validationFraction, Keys.DATA_VALIDATION_FRACTION);
        defaultInt(owner, blockRows, Keys.DATA_BLOCK_ROWS);
        defaultString(owner, layout, Keys.DATA_LAYOUT);
        defaultString(owner, storageLevel, Keys.DATA_STORAGE_LEVEL);
        owner.setDefault(threshold, 0.5);
    }

    /** Param name to the command-line key it corresponds to, for every param that has one. */
    Map<String, String> cliKeys() {
        return Collections.unmodifiableMap(cliKeys);
    }

    /** {@code train.optimizer}'s values, as the CLI reads them (blanks stripped, any case). */
    static String parseOptimizer(String s) {
        String v = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (!OPTIMIZERS.contains(v)) {
            throw new IllegalArgumentException("unknown optimizer '" + s + "': expected sgd, adam or lbfgs");
        }
        return v;
    }

    /** A value of {@code key} that is a number or {@code auto}: NaN for auto, else the number, checked by {@code check}. */
    private static double numberOrAuto(String s, String what, java.util.function.DoublePredicate check) {
        String v = s == null ? "" : s.strip();
        if (v.equalsIgnoreCase("auto")) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(v);
            if (check.test(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid " + what + " '" + s + "'");
    }

    /** {@code train.learningRate}: a finite number > 0, or NaN for auto. */
    static double parseRate(String s) {
        return numberOrAuto(s, "learning rate (expected a number > 0 or auto)", d -> d > 0 && Double.isFinite(d));
    }

    /** {@code train.localSteps}: an integer >= 1, or 0 for auto. */
    static int parseLocalSteps(String s) {
        double d = numberOrAuto(s, "localSteps (expected an integer >= 1 or auto)", v -> v >= 1 && v == Math.rint(v)
                && v <= Integer.MAX_VALUE);
        return Double.isNaN(d) ? 0 : (int) d;
    }

    /** {@code data.validationFraction}: a number in [0, 1), or NaN for auto. */
    static double parseFraction(String s) {
        return numberOrAuto(s, "validationFraction (expected a number in [0, 1) or auto)", d -> d >= 0 && d < 1);
    }

    /** {@code train.classWeight}: whether it is {@code balanced} (or {@code none}). */
    static boolean parseClassWeight(String s) {
        String v = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (!v.equals("none") && !v.equals("balanced")) {
            throw new IllegalArgumentException("unknown class weight '" + s + "': expected none or balanced");
        }
        return v.equals("balanced");
    }

    /** {@code data.storageLevel}'s values, as the CLI reads them. */
    static StorageLevel parseStorageLevel(String s) {
        return StorageLevel.fromString(s == null ? "" : s.strip().toUpperCase(Locale.ROOT));
    }

    private static Param<String> string(Params owner, String name, String doc) {
        return new Param<>(owner, name, doc, ParamChecks.anyString());
    }

    private Param<String> parsed(Params owner, String name, String key, String doc, ParamChecks.SerializableParser parser) {
        cliKeys.put(name, key);
        return new Param<>(owner, name, cli(key, doc), ParamChecks.parses(parser));
    }

    private static String cli(String key, String doc) {
        return doc + " (command line: " + key + ")";
    }

    private static String cliDefault(String key) {
        return Keys.all().get(key).defaultValue();
    }

    private void defaultString(Params owner, Param<String> p, String key) {
        owner.setDefault(p, cliDefault(key));
        cliKeys.put(p.name(), key);
    }

    private void defaultInt(Params owner, IntParam p, String key) {
        owner.setDefault(p, Integer.parseInt(cliDefault(key)));
        cliKeys.put(p.name(), key);
    }

    private void defaultDouble(Params owner, DoubleParam p, String key) {
        owner.setDefault(p, Double.parseDouble(cliDefault(key)));
        cliKeys.put(p.name(), key);
    }

    private void defaultBoolean(Params owner, BooleanParam p, String key) {
        owner.setDefault(p, Boolean.parseBoolean(cliDefault(key)));
        cliKeys.put(p.name(), key);
    }

    private static int[] widths(String list) {
        if (list.isBlank()) {
            return new int[0];
        }
        String[] parts = list.split(",");
        int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            w[i] = Integer.parseInt(parts[i].strip());
        }
        return w;
    }
}
