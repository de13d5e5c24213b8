package io.sparkbp.ml;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.onnx.OnnxExporter;
import io.sparkbp.onnx.OnnxPrecision;
import io.sparkbp.spark.EpochReport;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * A trained sparkbp network as a {@code spark.ml} {@code Model}: {@link #transform} appends the
 * columns MLlib's classifiers append, {@code rawPrediction}, {@code probability} and {@code prediction}
 * (classification), or {@code prediction} (regression); see {@link Scoring} for their values. Binary
 * logistic models give 2-element rawPrediction/probability vectors, so {@code
 * BinaryClassificationEvaluator} and {@code MulticlassClassificationEvaluator} work unchanged.
 *
 * <p>Persistence: {@code write().save(path)} writes Spark's usual {@code metadata} (the params) and
 * {@code path/model.json}, the command line's model file: {@code sparkbp evaluate --model
 * path/model.json} and {@code predict} read it as they read a model from {@code train}. {@link
 * #load(String)} reads it back (also inside a saved {@code PipelineModel} or {@code CrossValidatorModel}).
 * {@link #SparkbpModel(Model)} and {@link #fromModelFile(String)} go the other way: they wrap a model
 * file written by {@code train}.
 */
public final class SparkbpModel extends org.apache.spark.ml.Model<SparkbpModel> implements SparkbpParams, MLWritable {
    private static final long serialVersionUID = 1L;

    /** The model file inside a saved model's directory. */
    public static final String MODEL_FILE = "model.json";

    private final String uid;
    private final ParamDefs defs;
    private final Model network;
    private final transient List<EpochReport> history;

    SparkbpModel(String uid, Model network, List<EpochReport> history) {
        if (network == null) {
            throw new IllegalArgumentException("a network is required");
        }
        this.uid = uid;
        this.defs = new ParamDefs(this);
        this.network = network;
        this.history = List.copyOf(history);
        NetworkSpec spec = network.spec();
        int[] layers = spec.layers();
        setDefault(hidden(), Arrays.copyOfRange(layers, 1, layers.length - 1));
        setDefault(activation(), spec.hidden().id());
        setDefault(output(), spec.output().id());
    }

    /** Wraps {@code network}, e.g. a model file the command line's {@code train} wrote. */
    public SparkbpModel(Model network) {
        this(Identifiable.randomUID("sparkbp"), network, List.of());
    }

    /** Wraps the model file at {@code path} (any Hadoop path), read with the active Spark session's configuration. */
    public static SparkbpModel fromModelFile(String path) {
        try {
            return new SparkbpModel(ModelFormat.load(path, SparkSession.active().sparkContext().hadoopConfiguration()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ParamDefs paramDefs() {
        return defs;
    }

    /** The trained network: shape, weights and input/output transforms, as in the model file. */
    public Model network() {
        return network;
    }

    /** Number of input features. */
    public int numFeatures() {
        return network.spec().inputs();
    }

    /** Number of network outputs K (classes for softmax, labels for logistic, targets for linear). */
    public int numOutputs() {
        return network.spec().outputs();
    }

    /** The per-epoch reports of the training run (loss, validation metrics, throughput); empty after {@link #load}. */
    public List<EpochReport> trainingHistory() {
        return history == null ? List.of() : history;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Columns.Outputs outputs = outputs();
        if (!outputs.hasRaw() && !outputs.hasProbability() && !outputs.hasPrediction()) {
            return dataset.toDF();
        }
        Broadcast<Model> bc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(network);
        int features = dataset.schema().fieldIndex(getFeaturesCol());
        // through an RDD of rows, so that every column keeps its metadata (StringIndexer's labels, ...)
        Scoring.Settings settings = new Scoring.Settings(features, getFeaturesCol(), getThreshold(), getBlockRows(),
                Scoring.Invalid.of(getHandleInvalid()));
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(new Scoring(bc, outputs, settings), true);
        return dataset.sparkSession().createDataFrame(rows, out);
    }

    /** Checks that {@code featuresCol} holds vectors (of {@link #numFeatures()} if its metadata says) and appends the outputs. */
    @Override
    public StructType transformSchema(StructType schema) {
        int size = AttributeGroup.fromStructField(Columns.vectorField(schema, getFeaturesCol(), "featuresCol")).size();
        if (size >= 0 && size != numFeatures()) {
            throw new IllegalArgumentException("column '" + getFeaturesCol() + "' (featuresCol) holds vectors of size "
                    + size + "; the model has " + numFeatures() + " inputs");
        }
        return outputs().appendTo(schema);
    }

    private Columns.Outputs outputs() {
        OutputKind kind = network.spec().output();
        int k = network.spec().outputs();
        return new Columns.Outputs(getRawPredictionCol(), getProbabilityCol(), getPredictionCol(), kind, k,
                k > 1 && kind != OutputKind.SOFTMAX);
    }

    @Override
    public SparkbpModel copy(ParamMap extra) {
        SparkbpModel that = new SparkbpModel(uid, network, trainingHistory());
        return copyValues(that, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelIo.Writer(this);
    }

    /** Reads a model written by {@code write().save(path)}. */
    public static MLReader<SparkbpModel> read() {
        return new ModelIo.Reader();
    }

    public static SparkbpModel load(String path) {
        return read().load(path);
    }

    /**
     * Writes the network as a float64 ONNX file at {@code path} (any Hadoop path, with the active Spark
     * session's Hadoop configuration), refusing an existing file; see {@link #exportOnnx(String,
     * OnnxPrecision, boolean)}.
     */
    public void exportOnnx(String path) {
        exportOnnx(path, OnnxPrecision.FLOAT64, false);
    }

    /**
     * Writes the network as an ONNX file at {@code path}, atomically, as {@code sparkbp export} does: input
     * {@code features} of raw features, outputs {@code probabilities} and {@code logits} (softmax, logistic)
     * or {@code values} in the label's units (linear); see {@link OnnxExporter}. The ONNX outputs are
     * what {@code predict} prints; {@link #transform}'s binary {@code probability} vector {@code [1-p, p]}
     * holds the same p.
     *
     * @throws UncheckedIOException when {@code path} exists and {@code overwrite} is false, or writing fails
     */
    public void exportOnnx(String path, OnnxPrecision precision, boolean overwrite) {
        try {
            OnnxExporter.save(network, precision, path, SparkSession.active().sparkContext().hadoopConfiguration(),
                    overwrite);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the model to " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SparkbpModel: uid=" + uid + ", network=" + network.spec() + ", numFeatures=" + numFeatures();
    }

    // ---- setters of the params that apply at prediction time ----------------------------------

    public SparkbpModel setFeaturesCol(String value) {
        set(featuresCol(), value);
        return this;
    }

    public SparkbpModel setPredictionCol(String value) {
        set(predictionCol(), value);
        return this;
    }

    public SparkbpModel setProbabilityCol(String value) {
        set(probabilityCol(), value);
        return this;
    }

    public SparkbpModel setRawPredictionCol(String value) {
        set(rawPredictionCol(), value);
        return this;
    }

    public SparkbpModel setThreshold(double value) {
        set(threshold(), value);
        return this;
    }

    public SparkbpModel setBlockRows(int value) {
        set(blockRows(), value);
        return this;
    }

    /**
     * What {@link #transform} does with a row whose features are null, of another size than {@link
     * #numFeatures()}, or not finite: {@code error} (the default) fails the job with a {@link
     * io.sparkbp.data.DataException} naming the row, the column and the problem, {@code skip} drops the
     * row, {@code keep} keeps it with NaN outputs.
     */
    public SparkbpModel setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }
}
