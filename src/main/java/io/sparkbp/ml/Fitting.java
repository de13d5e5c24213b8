package io.sparkbp.ml;

import io.sparkbp.data.DataException;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.settings.Plans;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.EpochReport;
import io.sparkbp.spark.PlanException;
import io.sparkbp.spark.RunListener;
import io.sparkbp.spark.TrainerSettings;
import io.sparkbp.spark.TrainingPlan;
import io.sparkbp.spark.TrainingRun;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link SparkbpEstimator#fit}: the command line's {@code train} on a DataFrame. It checks the
 * settings, infers the number of inputs (features metadata, else the first row) and of outputs
 * (label metadata such as StringIndexer's, else the data), reads the rows of each partition in order
 * into examples, and from there does exactly what {@code train} does with the examples of a file:
 * the same standardization statistics ({@link DataLoader#stats(JavaRDD, int, int)}), the same blocks
 * ({@code spark.BlockCache.pack}, in the same {@link Precision}), the same initial weights and the same
 * {@link DistributedTrainer}. So the same rows in the same partitions give the model {@code train}
 * writes, bit for bit, in either precision.
 */
final class Fitting {
    private static final Logger LOG = LoggerFactory.getLogger(SparkbpEstimator.class);

    /** The most classes {@link #classesFromLabels} infers from the largest label (metadata may give more). */
    static final int MAX_INFERRED_CLASSES = 100_000;

    private final SparkbpEstimator est;

    Fitting(SparkbpEstimator est) {
        this.est = est;
    }

    SparkbpModel fit(Dataset<?> dataset) {
        try {
            return train(dataset);
        } catch (SettingException e) {
            throw named(e.setting() == null ? null : e.setting().key(), e);
        } catch (PlanException e) {
            throw named(e.key(), e);
        }
    }

    /**
     * A refusal of one setting, with the estimator's name for it in front ({@code param
     * validationFraction (data.validationFraction): ...}): the shared messages name the command-line
     * key, which an estimator user did not write.
     */
    private static IllegalArgumentException named(String key, IllegalArgumentException e) {
        Setting<?> setting = key == null ? null : Schema.of(key);
        if (setting == null || setting.param() == null) {
            return e;
        }
        String message = e.getMessage().startsWith(key + ": ") ? e.getMessage().substring(key.length() + 2)
                : e.getMessage();
        return new IllegalArgumentException("param " + setting.param() + " (" + key + "): " + message, e);
    }

    private SparkbpModel train(Dataset<?> dataset) {
        Values v = est.paramDefs().values(est);
        Plans.check(v);
        OutputKind kind = v.get(Schema.MODEL_OUTPUT);
        String indicator = est.getValidationIndicatorCol();
        Optional<Double> fraction = v.get(Schema.DATA_VALIDATION_FRACTION);
        if (!indicator.isEmpty() && fraction.isPresent() && fraction.get() > 0) {
            throw new IllegalArgumentException("set either validationIndicatorCol (" + indicator
                    + ") or validationFraction (" + fraction.get() + "), not both");
        }
        Columns.LabelShape shape = est.checkSchema(dataset.schema(), true);

        Dataset<Row> input = project(dataset, shape);
        Inferred sizes = infer(input, dataset.schema(), kind, shape);
        NetworkSpec spec = Plans.network(v, sizes.inputs, sizes.outputs);
        Plans.balanced(v, kind, sizes.outputs);
        TrainerSettings settings = Plans.trainer(v, spec);
        RowExamples.Projection columns = new RowExamples.Projection(est.getFeaturesCol(), est.getLabelCol(),
                est.getWeightCol(), indicator);
        RowExamples reader = new RowExamples(sizes.inputs, sizes.outputs, kind, shape, columns, sizes.source);
        RowSource source = new RowSource(input.javaRDD(), reader, indicator, est.uid());
        TrainingPlan.HoldOut holdOut = indicator.isEmpty() ? Plans.holdOut(v, settings) : TrainingPlan.HoldOut.NONE;
        TrainingPlan plan = new TrainingPlan(settings, new TrainingPlan.Data(source, null, null, holdOut),
                Plans.preparation(v, true), null, null,
                new TrainingPlan.Provenance(config(), Map.of("estimator", est.uid())));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        try {
            TrainingRun.Outcome outcome = new TrainingRun(sc, plan, LISTENER).run();
            return new SparkbpModel(est.uid(), outcome.model(), outcome.result().reports());
        } catch (Exception e) {
            DataException d = DataErrors.find(e);
            if (d != null) {
                throw d;
            }
            throw e;
        } finally {
            sc.setJobDescription(null);
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
            int classes = classesFromLabels(input, labelName);
            return new Inferred(nIn, classes, classes + " classes: the largest label in " + labelName
                    + " is " + (classes - 1));
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

    /**
     * The class count of softmax labels without metadata: the largest label plus one. A largest label
     * that is not a class index, or that would make more than {@link #MAX_INFERRED_CLASSES} classes
     * (a value far above any class count, such as 1e9: a regression target or an id), is a data error
     * naming the label and its row.
     */
    private int classesFromLabels(Dataset<Row> input, String labelName) {
        Row max = input.agg(functions.max(functions.col("label"))).first();
        double m = max.isNullAt(0) ? Double.NaN : max.getDouble(0);
        if (!Double.isFinite(m) || m != Math.rint(m) || m < 0 || m >= Integer.MAX_VALUE) {
            throw DataException.schema("the largest value of label " + labelName + " is " + m, null, null,
                    "class indices 0..K-1");
        }
        if (m + 1 > MAX_INFERRED_CLASSES) {
            long[] at = RowExamples.firstRowWith(input.select("label").javaRDD(), m);
            throw RowExamples.bad((int) at[0], at[1], String.format(Locale.ROOT, "label %s holds %s, which would"
                    + " make %,d classes", labelName, m, (long) m + 1), null, String.format(Locale.ROOT, "class indices"
                    + " 0..K-1 with K at most %,d (more classes need the label's class count in its metadata, as"
                    + " StringIndexer records it)", MAX_INFERRED_CLASSES));
        }
        return (int) m + 1;
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

    /** Logs the run's lines and epochs at INFO, as {@code train} prints them. */
    private static final RunListener LISTENER = new RunListener() {
        @Override
        public void message(String line) {
            LOG.info("sparkbp: " + line);
        }

        @Override
        public void epochDone(EpochReport r) {
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

        @Override
        public void searchDone(RangeTest.Pick pick) {
            LOG.info("sparkbp: " + pick.describe());
        }
    };

    /** The model file's {@code config} section: the params under their command-line keys, as {@code train} records its settings. */
    private Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : est.paramDefs().cliKeys().entrySet()) {
            Object v = est.getOrDefault(est.getParam(e.getKey()));
            config.put(e.getValue(), ParamDefs.text(v));
        }
        return config;
    }

    private static String join(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            sb.append(i > 0 ? "," : "").append(a[i]);
        }
        return sb.toString();
    }
}
