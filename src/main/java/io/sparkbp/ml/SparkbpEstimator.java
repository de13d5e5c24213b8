package io.sparkbp.ml;

import io.sparkbp.nn.OutputKind;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A {@code spark.ml} {@link Estimator} that trains a sparkbp network (the command line's {@code
 * train}) on a DataFrame and returns a {@link SparkbpModel}. Drop it into a {@code Pipeline} after a
 * {@code VectorAssembler} (features) and a {@code StringIndexer} (class labels), or tune it with
 * {@code CrossValidator} and {@code ParamGridBuilder}:
 *
 * <pre>
 * SparkbpEstimator mlp = new SparkbpEstimator()
 *     .setHidden(new int[] {64}).setOutput("softmax")
 *     .setBatchSize(64).setEpochs(20).setL2(1e-4).setSeed(42);
 * SparkbpModel model = mlp.fit(train);           // columns "features" and "label"
 * model.transform(test);                         // adds rawPrediction, probability, prediction
 * </pre>
 *
 * <p>Input: {@code featuresCol} holds {@code ml.linalg} vectors (dense or sparse; the number of
 * inputs comes from the column's ML attributes or the first row); {@code labelCol} holds a class
 * index for softmax output (the number of classes comes from the column's nominal attribute, as
 * StringIndexer sets it, else from the largest label), 0/1 for binary logistic output, the target
 * for linear output, or an array/vector of K values for multi-label logistic or multi-output linear
 * output; {@code weightCol} optional example weights. The DataFrame's partitioning and row order are
 * kept: each partition is packed into cached blocks in order, as the command line packs a file's
 * input splits, so the same rows in the same partitions train the same model, bit for bit. Repartition
 * the DataFrame to choose the parallelism, and cache it when it is expensive to compute: it is read
 * for its first row (and its largest label when no metadata gives the class count), then once each
 * for the standardization statistics, the training blocks and the validation blocks.
 *
 * <p>The params, their command-line keys and defaults: {@link SparkbpParams} and {@code explainParams()}.
 * Persistence: {@code write().save(path)} and {@link #load(String)} (params only, as for every estimator).
 */
public final class SparkbpEstimator extends Estimator<SparkbpModel> implements SparkbpParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ParamDefs defs;

    public SparkbpEstimator() {
        this(Identifiable.randomUID("sparkbp"));
    }

    /** An estimator with the given unique id (Spark's persistence and {@code copy} use this constructor). */
    public SparkbpEstimator(String uid) {
        this.uid = uid;
        this.defs = new ParamDefs(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ParamDefs paramDefs() {
        return defs;
    }

    /** Trains on {@code dataset}; see the class comment. */
    @Override
    public SparkbpModel fit(Dataset<?> dataset) {
        SparkbpModel model = new Fitting(this).fit(dataset);
        return copyValues(model, new ParamMap()).setParent(this);
    }

    @Override
    public SparkbpEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * Checks the input columns ({@code featuresCol} a vector; {@code labelCol}, if present, of a type
     * that suits {@code output}; {@code weightCol} numeric; {@code validationIndicatorCol} boolean) and
     * returns the schema the fitted model will produce.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        checkSchema(schema, false);
        OutputKind kind = OutputKind.parse(getOutput());
        boolean vectorLabel = Columns.fieldNames(schema).contains(getLabelCol())
                && Columns.labelShape(schema, getLabelCol(), kind) != Columns.LabelShape.SCALAR;
        return new Columns.Outputs(getRawPredictionCol(), getProbabilityCol(), getPredictionCol(), kind,
                kind == OutputKind.LOGISTIC && !vectorLabel ? 1 : -1, vectorLabel).appendTo(schema);
    }

    /**
     * Checks the input columns; the label, weight and validation indicator columns must exist only when
     * {@code fitting} (as in MLlib). Returns the label's shape (null when it is absent).
     */
    Columns.LabelShape checkSchema(StructType schema, boolean fitting) {
        Columns.vectorField(schema, getFeaturesCol(), "featuresCol");
        Columns.LabelShape shape = null;
        if (fitting || Columns.fieldNames(schema).contains(getLabelCol())) {
            shape = Columns.labelShape(schema, getLabelCol(), OutputKind.parse(getOutput()));
        }
        if (!getWeightCol().isEmpty() && (fitting || Columns.fieldNames(schema).contains(getWeightCol()))) {
            Columns.requireNumeric(schema, getWeightCol(), "weightCol");
        }
        if (!getValidationIndicatorCol().isEmpty() && (fitting || Columns.fieldNames(schema).contains(getValidationIndicatorCol()))) {
            Columns.requireBoolean(schema, getValidationIndicatorCol(), "validationIndicatorCol");
        }
        return shape;
    }

    /** Reads an estimator written by {@code write().save(path)}. */
    public static MLReader<SparkbpEstimator> read() {
        return new DefaultParamsReadable<SparkbpEstimator>() {
        }.read();
    }

    public static SparkbpEstimator load(String path) {
        return read().load(path);
    }

    // ---- setters ----------------------------------------------------------------------------

    public SparkbpEstimator setFeaturesCol(String value) {
        set(featuresCol(), value);
        return this;
    }

    public SparkbpEstimator setLabelCol(String value) {
        set(labelCol(), value);
        return this;
    }

    public SparkbpEstimator setWeightCol(String value) {
        set(weightCol(), value);
        return this;
    }

    public SparkbpEstimator setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return this;
    }

    public SparkbpEstimator setPredictionCol(String value) {
        set(predictionCol(), value);
        return this;
    }

    public SparkbpEstimator setProbabilityCol(String value) {
        set(probabilityCol(), value);
        return this;
    }

    public SparkbpEstimator setRawPredictionCol(String value) {
        set(rawPredictionCol(), value);
        return this;
    }

    public SparkbpEstimator setHidden(int[] value) {
        set(hidden(), value.clone());
        return this;
    }

    public SparkbpEstimator setActivation(String value) {
        set(activation(), value);
        return this;
    }

    public SparkbpEstimator setOutput(String value) {
        set(output(), value);
        return this;
    }

    public SparkbpEstimator setOptimizer(String value) {
        set(optimizer(), value);
        return this;
    }

    public SparkbpEstimator setLearningRate(double value) {
        set(learningRate(), Double.toString(value));
        return this;
    }

    /** A learning rate as text: a number > 0, or {@code auto} (a range test picks it before epoch 1). */
    public SparkbpEstimator setLearningRate(String value) {
        set(learningRate(), value);
        return this;
    }

    public SparkbpEstimator setMomentum(double value) {
        set(momentum(), value);
        return this;
    }

    public SparkbpEstimator setNesterov(boolean value) {
        set(nesterov(), value);
        return this;
    }

    public SparkbpEstimator setSchedule(String value) {
        set(schedule(), value);
        return this;
    }

    public SparkbpEstimator setDecay(double value) {
        set(decay(), value);
        return this;
    }

    public SparkbpEstimator setDecayEvery(int value) {
        set(decayEvery(), value);
        return this;
    }

    public SparkbpEstimator setBatchSize(int value) {
        set(batchSize(), value);
        return this;
    }

    public SparkbpEstimator setLocalSteps(int value) {
        set(localSteps(), Integer.toString(value));
        return this;
    }

    /** Local steps as text: an integer >= 1, or {@code auto}. */
    public SparkbpEstimator setLocalSteps(String value) {
        set(localSteps(), value);
        return this;
    }

    public SparkbpEstimator setEpochs(int value) {
        set(epochs(), value);
        return this;
    }

    public SparkbpEstimator setL2(double value) {
        set(l2(), value);
        return this;
    }

    public SparkbpEstimator setSeed(long value) {
        set(seed(), value);
        return this;
    }

    public SparkbpEstimator setStandardize(boolean value) {
        set(standardize(), value);
        return this;
    }

    public SparkbpEstimator setMinDelta(double value) {
        set(minDelta(), value);
        return this;
    }

    public SparkbpEstimator setMinSteps(int value) {
        set(minSteps(), value);
        return this;
    }

    /** {@code none} (the default) or {@code balanced}: see the {@code classWeight} param's doc. */
    public SparkbpEstimator setClassWeight(String value) {
        set(classWeight(), value);
        return this;
    }

    public SparkbpEstimator setPatience(int value) {
        set(patience(), value);
        return this;
    }

    public SparkbpEstimator setAggregationDepth(int value) {
        set(aggregationDepth(), value);
        return this;
    }

    /** {@code "auto"} (the default: float32 for mini-batch sgd/adam, float64 otherwise), {@code "float64"} or {@code "float32"}: see the {@code precision} param's doc. */
    public SparkbpEstimator setPrecision(String value) {
        set(precision(), value);
        return this;
    }

    public SparkbpEstimator setValidationFraction(double value) {
        set(validationFraction(), Double.toString(value));
        return this;
    }

    /** A validation fraction as text: a number in [0, 1), or {@code auto}. */
    public SparkbpEstimator setValidationFraction(String value) {
        set(validationFraction(), value);
        return this;
    }

    public SparkbpEstimator setBlockRows(int value) {
        set(blockRows(), value);
        return this;
    }

    public SparkbpEstimator setLayout(String value) {
        set(layout(), value);
        return this;
    }

    public SparkbpEstimator setStorageLevel(String value) {
        set(storageLevel(), value);
        return this;
    }

    public SparkbpEstimator setThreshold(double value) {
        set(threshold(), value);
        return this;
    }

    /** How the fitted model's {@code transform} treats a row with bad features (see {@link SparkbpParams#handleInvalid}). */
    public SparkbpEstimator setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }
}
