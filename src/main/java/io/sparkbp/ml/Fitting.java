package io.sparkbp.ml;

import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Layout;
import io.sparkbp.data.Standardizer;
import io.sparkbp.model.Model;
import io.sparkbp.model.Transform;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.EpochReport;
import io.sparkbp.spark.TrainerSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@link SparkbpEstimator#fit}: the command line's {@code train} on a DataFrame. It checks the
 * settings, infers the number of inputs (features metadata, else the first row) and of outputs
 * (label metadata such as StringIndexer's, else the data), reads the rows of each partition in order
 * into examples, and from there does exactly what {@code train} does with the examples of a file:
 * the same standardization statistics ({@link DataLoader#stats(JavaRDD, int, int)}), the same blocks
 * ({@link DataLoader#pack}, in the same {@link Precision}), the same initial weights and the same
 * {@link DistributedTrainer}. So the same rows in the same partitions give the model {@code train}
 * writes, bit for bit, in either precision.
 */
final class Fitting {
    private static final Logger LOG = LoggerFactory.getLogger(SparkbpEstimator.class);

    private final SparkbpEstimator est;

    Fitting(SparkbpEstimator est) {
        this.est = est;
    }

    SparkbpModel fit(Dataset<?> dataset) {
        OutputKind kind = OutputKind.parse(est.getOutput());
        Activation act = Activation.parse(est.getActivation());
        String optimizer = ParamDefs.parseOptimizer(est.getOptimizer());
        LearningRateSchedule schedule = LearningRateSchedule.parse(est.getSchedule(), est.getLearningRate(),
                est.getDecay(), est.getDecayEvery());
        Layout layout = Layout.parse(est.getLayout());
        StorageLevel level = ParamDefs.parseStorageLevel(est.getStorageLevel());
        Precision precision = Precision.parse(est.getPrecision());
        String indicator = est.getValidationIndicatorCol();
        double fraction = est.getValidationFraction();
        if (!indicator.isEmpty() && fraction > 0) {
            throw new IllegalArgumentException("set either validationIndicatorCol (" + indicator
                    + ") or validationFraction (" + fraction + "), not both");
        }
        boolean hasValidation = !indicator.isEmpty() || fraction > 0;
        if (est.getPatience() > 0 && !hasValidation) {
            throw new IllegalArgumentException("patience=" + est.getPatience() + " needs validation data: set "
                    + "validationFraction or validationIndicatorCol");
        }
        TrainerSettings.check(optimizer, est.getMomentum(), est.getNesterov(), est.getBatchSize(), est.getLocalSteps(),
                est.getEpochs(), est.getL2(), est.getPatience(), est.getAggregationDepth());
        Columns.LabelShape shape = est.checkSchema(dataset.schema(), true);

        Dataset<Row> input = project(dataset, shape);
        Inferred sizes = infer(input, dataset.schema(), kind, shape);
        int[] hidden = est.getHidden();
        int[] layers = new int[hidden.length + 2];
        layers[0] = sizes.inputs;
        System.arraycopy(hidden, 0, layers, 1, hidden.length);
        layers[layers.length - 1] = sizes.outputs;
        NetworkSpec spec = new NetworkSpec(layers, act, kind);
        TrainerSettings settings = new TrainerSettings(spec, optimizer, schedule, est.getMomentum(), est.getNesterov(),
                est.getBatchSize(), est.getLocalSteps(), est.getEpochs(), est.getL2(), est.getSeed(),
                est.getPatience(), est.getAggregationDepth(), precision);

        RowExamples reader = new RowExamples(sizes.inputs, sizes.outputs, kind, shape, est.getFeaturesCol(),
                est.getLabelCol(), est.getWeightCol(), indicator, sizes.source, fraction, est.getSeed());
        JavaRDD<Row> rows = input.javaRDD();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        List<JavaRDD<?>> cached = new ArrayList<>();
        try {
            Transform inT = null;
            Transform outT = null;
            if (est.getStandardize()) {
                sc.setJobDescription("sparkbp standardization statistics");
                FeatureStats stats = DataLoader.stats(reader.examples(rows, false), sizes.inputs, sizes.outputs);
                inT = DataLoader.inputTransform(stats, layout);
                outT = kind == OutputKind.LINEAR ? DataLoader.targetTransform(stats) : null;
            }
            sc.setJobDescription("sparkbp training blocks");
            DataLoader.Loaded train = DataLoader.pack(reader.examples(rows, false), new Standardizer(inT, outT),
                    sizes.inputs, sizes.outputs, est.getBlockRows(), layout, precision, level,
                    "sparkbp training blocks " + est.uid());
            cached.add(train.rdd());
            if (train.examples() == 0) {
                throw DataException.schema("no training rows", null, null, hasValidation
                        ? "rows outside the validation set" : "a DataFrame with at least one row");
            }
            DistributedTrainer.EvalSet validation = null;
            if (hasValidation) {
                sc.setJobDescription("sparkbp validation blocks");
                DataLoader.Loaded v = DataLoader.pack(reader.examples(rows, true), new Standardizer(inT, null),
                        sizes.inputs, sizes.outputs, est.getBlockRows(), layout, precision, level,
                        "sparkbp validation blocks " + est.uid());
                cached.add(v.rdd());
                if (v.examples() == 0) {
                    throw DataException.schema("the validation set is empty", null, null, indicator.isEmpty()
                            ? "a validationFraction that holds out at least one of " + train.examples() + " rows"
                            : "some rows where '" + indicator + "' is true");
                }
                validation = new DistributedTrainer.EvalSet(v.rdd(), outT == null ? null : outT.mean(),
                        outT == null ? null : outT.scale());
            }
            sc.setJobDescription(null);
            LOG.info(String.format(Locale.ROOT, "sparkbp: network %s, %,d parameters, optimizer %s, precision %s; %,d "
                            + "training examples in %d partitions, %,d bytes cached", spec, spec.numParams(), optimizer,
                    precision.id(), train.examples(), train.partitions(), train.bytes()));
            DistributedTrainer.Result result = new DistributedTrainer(sc, settings).train(train.rdd(), train.examples(),
                    spec.initialParameters(est.getSeed()), validation, null, Fitting::log);
            Model network = new Model(spec, result.theta(), inT, outT, extra(result, train.examples()));
            return new SparkbpModel(est.uid(), network, result.reports());
        } catch (Exception e) {
            DataException d = DataErrors.find(e);
            if (d != null) {
                throw d;
            }
            throw e;
        } finally {
            sc.setJobDescription(null);
            for (JavaRDD<?> r : cached) {
                r.unpersist(false);
            }
        }
    }

    /** {@code (features, label[, weight][, indicator])} with numbers cast to double; the partitioning is kept. */
    private Dataset<Row> project(Dataset<?> dataset, Columns.LabelShape shape) {
        List<Column> cols = new ArrayList<>();
        cols.add(functions.col(est.getFeaturesCol()).as("features"));
        Column label = functions.col(est.getLabelCol());
        Column typed = switch (shape) {
            case SCALAR -> label.cast(DataTypes.DoubleType);
            case ARRAY -> label.cast(DataTypes.createArrayType(DataTypes.DoubleType));
            case VECTOR -> label;
        };
        cols.add(typed.as("label"));
        if (!est.getWeightCol().isEmpty()) {
            cols.add(functions.col(est.getWeightCol()).cast(DataTypes.DoubleType).as("weight"));
        }
        if (!est.getValidationIndicatorCol().isEmpty()) {
            cols.add(functions.col(est.getValidationIndicatorCol()).as("validation"));
        }
        return dataset.select(cols.toArray(new Column[0]));
    }

    /** The network's input and output counts, and where the output count came from (for messages). */
    private record Inferred(int inputs, int outputs, String source) {
    }

    private Inferred infer(Dataset<Row> input, StructType schema, OutputKind kind, Columns.LabelShape shape) {
        StructField features = Columns.field(schema, est.getFeaturesCol(), "featuresCol");
        StructField label = Columns.field(schema, est.getLabelCol(), "labelCol");
        List<Row> first = input.limit(1).collectAsList();
        if (first.isEmpty()) {
            throw DataException.schema("the DataFrame holds no rows", null, null, "training rows");
        }
        Row row = first.get(0);
        int nIn = AttributeGroup.fromStructField(features).size();
        if (nIn < 0) {
            if (row.isNullAt(0)) {
                throw DataException.schema("the first row's features column '" + est.getFeaturesCol()
                        + "' is null", null, null, "a vector");
            }
            nIn = ((Vector) row.get(0)).size();
        }
        if (nIn < 1) {
            throw DataException.schema("the features column '" + est.getFeaturesCol() + "' holds vectors of size 0",
                    null, null, "at least one feature");
        }
        String labelName = "column '" + est.getLabelCol() + "'";
        if (shape == Columns.LabelShape.SCALAR) {
            if (kind != OutputKind.SOFTMAX) {
                return new Inferred(nIn, 1, "one output");
            }
            int k = classesFromMetadata(label);
            if (k > 0) {
                return new Inferred(nIn, k, k + " classes from the metadata of " + labelName);
            }
            Row max = input.agg(functions.max(functions.col("label"))).first();
            double m = max.isNullAt(0) ? Double.NaN : max.getDouble(0);
            if (!Double.isFinite(m) || m != Math.rint(m) || m < 0 || m >= Integer.MAX_VALUE) {
                throw DataException.schema("the largest value of label " + labelName + " is " + m, null, null,
                        "class indices 0..K-1");
            }
            return new Inferred(nIn, (int) m + 1, ((int) m + 1) + " classes: the largest label in " + labelName
                    + " is " + (int) m);
        }
        int k = shape == Columns.LabelShape.VECTOR ? AttributeGroup.fromStructField(label).size() : -1;
        if (k > 0) {
            return new Inferred(nIn, k, k + " outputs from the metadata of " + labelName);
        }
        if (row.isNullAt(1)) {
            throw DataException.schema("the first row's label " + labelName + " is null", null, null,
                    "an array or vector of K values");
        }
        k = shape == Columns.LabelShape.VECTOR ? ((Vector) row.get(1)).size() : row.getList(1).size();
        if (k < 1) {
            throw DataException.schema("the first row's label " + labelName + " holds an empty array or vector",
                    null, null, "K >= 1 values");
        }
        return new Inferred(nIn, k, k + " outputs, the size of the label in the first row");
    }

    /** The class count a StringIndexer (or any nominal/binary attribute) recorded, or -1. */
    static int classesFromMetadata(StructField label) {
        Attribute a = Attribute.fromStructField(label);
        if (a instanceof BinaryAttribute) {
            return 2;
        }
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        return -1;
    }

    private static void log(EpochReport r) {
        if (LOG.isInfoEnabled()) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "sparkbp epoch %d/%d loss %.6g", r.epoch(), r.epochs(), r.trainLoss()));
            if (r.validation() != null) {
                for (Map.Entry<String, Double> e : r.validation().entrySet()) {
                    sb.append(String.format(Locale.ROOT, " validation %s %.6g", e.getKey(), e.getValue()));
                }
            }
            sb.append(String.format(Locale.ROOT, " %.0f ex/s %.1fs", r.examplesPerSecond(), r.elapsedSeconds()));
            LOG.info(sb.toString());
        }
    }

    /** What the model file records about its training: the settings as command-line keys, and the run. */
    private Map<String, Object> extra(DistributedTrainer.Result result, long examples) {
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : est.paramDefs().cliKeys().entrySet()) {
            Object v = est.getOrDefault(est.getParam(e.getKey()));
            config.put(e.getValue(), v instanceof int[] a ? join(a) : String.valueOf(v));
        }
        List<EpochReport> reports = result.reports();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epochs", reports.size());
        training.put("bestEpoch", result.bestEpoch());
        training.put("examples", examples);
        training.put("seconds", reports.isEmpty() ? 0.0 : reports.get(reports.size() - 1).elapsedSeconds());
        training.put("estimator", est.uid());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", config);
        extra.put("training", training);
        int best = result.bestEpoch();
        if (best >= 1 && best <= reports.size() && reports.get(best - 1).validation() != null) {
            extra.put("metrics", Map.of("validation", reports.get(best - 1).validation()));
        }
        return extra;
    }

    private static String join(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            sb.append(i > 0 ? "," : "").append(a[i]);
        }
        return sb.toString();
    }
}
