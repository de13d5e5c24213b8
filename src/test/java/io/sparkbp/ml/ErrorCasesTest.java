package io.sparkbp.ml;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.data.DataException;
import io.sparkbp.spark.TaskFailureWatch;
import io.sparkbp.spark.TrainingException;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad columns, bad rows and bad settings fail with one clear message, before or instead of training. */
class ErrorCasesTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = MlHarness.start("ErrorCasesTest");
        CliHarness.quietTaskFailures(true);
    }

    @AfterAll
    static void stop() {
        CliHarness.quietTaskFailures(false);
        MlHarness.stop(spark);
    }

    private static SparkbpEstimator quick() {
        return new SparkbpEstimator().setEpochs(1).setBatchSize(0);
    }

    /** Rows of (features, label) with the given label type. */
    private static Dataset<Row> rows(DataType labelType, Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r));
        }
        return spark.createDataFrame(list, new StructType().add("features", new VectorUDT()).add("label", labelType));
    }

    private static Object[] row(Object label, double... x) {
        return new Object[] {Vectors.dense(x), label};
    }

    private static <T extends Throwable> void fails(Class<T> type, Executable run, String... parts) {
        T e = assertThrows(type, run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' does not contain '" + p + "'");
        }
    }

    @Test
    void columnsOfTheWrongTypeAreRefusedBeforeAnyJob() {
        Dataset<Row> good = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1));
        fails(IllegalArgumentException.class, () -> quick().setFeaturesCol("label").fit(good),
                "column 'label' (featuresCol) is of type double", "expected a vector");
        fails(IllegalArgumentException.class, () -> quick().setLabelCol("missing").fit(good),
                "column 'missing' (labelCol) does not exist", "[features, label]");
        Dataset<Row> strings = rows(DataTypes.StringType, row("a", 1, 2), row("b", 2, 1));
        fails(IllegalArgumentException.class, () -> quick().fit(strings), "of type string", "StringIndexer");
        Dataset<Row> arrays = rows(DataTypes.createArrayType(DataTypes.DoubleType), row(List.of(0.0, 1.0), 1, 2));
        fails(IllegalArgumentException.class, () -> quick().fit(arrays), "softmax output needs a class index");
        fails(IllegalArgumentException.class, () -> quick().setWeightCol("w").fit(good.withColumn("w",
                functions.lit("x"))), "column 'w' (weightCol) is of type string; expected a number");
        fails(IllegalArgumentException.class, () -> quick().setValidationIndicatorCol("label").fit(good),
                "(validationIndicatorCol) is of type double; expected boolean");
    }

    @Test
    void badLabelsAreNamedWithTheirRow() {
        Dataset<Row> nan = rows(DataTypes.DoubleType, row(1.0, 1, 2), row(Double.NaN, 2, 1));
        fails(DataException.class, () -> quick().setOutput("linear").fit(nan),
                "label column 'label' holds NaN; expected a finite number (linear output)");
        fails(DataException.class, () -> quick().fit(nan), "the largest value of label column 'label' is NaN");
        Dataset<Row> fraction = rows(DataTypes.DoubleType, row(1.0, 1, 2), row(1.5, 2, 1), row(2.0, 2, 2));
        fails(DataException.class, () -> quick().fit(fraction), "label column 'label' holds 1.5",
                "expected a class index 0..2 (3 classes: the largest label in column 'label' is 2)");
        Dataset<Row> negative = rows(DataTypes.DoubleType, row(1.0, 1, 2), row(-1.0, 2, 1));
        fails(DataException.class, () -> quick().fit(negative), "holds -1.0");
        // StringIndexer-style metadata fixes the class count; a larger label is out of range
        Dataset<Row> indexed = rows(DataTypes.DoubleType, row(1.0, 1, 2), row(4.0, 2, 1)).withColumn("label",
                functions.col("label").as("label", NominalAttribute.defaultAttr().withNumValues(3).toMetadata()));
        fails(DataException.class, () -> quick().fit(indexed), "holds 4.0",
                "expected a class index 0..2 (3 classes from the metadata of column 'label')");
        Dataset<Row> binary = rows(DataTypes.DoubleType, row(1.0, 1, 2), row(2.0, 2, 1));
        fails(DataException.class, () -> quick().setOutput("logistic").fit(binary), "holds 2.0",
                "expected 0 or 1 (binary logistic output)");
        Dataset<Row> labels = rows(new VectorUDT(), row(Vectors.dense(1, 0, 1), 1, 2), row(Vectors.dense(1, 0), 2, 1));
        fails(DataException.class, () -> quick().setOutput("logistic").fit(labels), "holds 2 values",
                "expected 3 values of 0 or 1 (multi-label logistic output, 3 outputs, the size of the label in the first row)");
    }

    @Test
    void aSoftmaxLabelFarAboveAnyClassCountNamesTheLabelAndItsRow() {
        Dataset<Row> huge = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1e9, 2, 1), row(2.0, 1, 1)).coalesce(1);
        fails(DataException.class, () -> quick().fit(huge), "row 1 of partition 0: label column 'label' holds 1.0E9,"
                + " which would make 1,000,000,001 classes; expected class indices 0..K-1 with K at most 100,000");
        // just above the limit is refused too, at the limit it is a (large) class count
        Dataset<Row> over = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(100_000.0, 2, 1)).coalesce(1);
        fails(DataException.class, () -> quick().fit(over), "row 1 of partition 0: label column 'label' holds 100000.0");
    }

    @Test
    void badFeaturesAndWeightsAreNamedWithTheirRow() {
        Dataset<Row> sizes = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 1, 2, 3));
        fails(DataException.class, () -> quick().fit(sizes), "features column 'features' holds a vector of size 3",
                "expected size 2");
        Dataset<Row> nan = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 1, Double.NaN));
        fails(DataException.class, () -> quick().fit(nan), "feature 1 of column 'features' is NaN");
        Dataset<Row> weights = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1))
                .withColumn("w", functions.expr("IF(label = 1, -1.0, 1.0)"));
        fails(DataException.class, () -> quick().setWeightCol("w").fit(weights),
                "weight column 'w' holds -1.0; expected a finite number >= 0");
        Dataset<Row> empty = rows(DataTypes.DoubleType).limit(0);
        fails(DataException.class, () -> quick().fit(empty), "the DataFrame holds no rows");
    }

    @Test
    void aBadRowIsTheDataExceptionItselfAndNoSparkTaskFails() {
        Dataset<Row> bad = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, Double.NaN));
        try (TaskFailureWatch watch = new TaskFailureWatch(spark.sparkContext())) {
            DataException e = assertThrows(DataException.class, () -> quick().fit(bad));
            assertTrue(e.getMessage().startsWith("row "), e::getMessage);
            assertTrue(e.getMessage().contains("feature 1 of column 'features' is NaN"), e::getMessage);
            assertEquals(0, e.getSuppressed().length, "no Spark job failure wraps or accompanies it");
            assertEquals(List.of(), watch.failedTasks(), "no Spark task fails on a bad row");
        }
    }

    @Test
    void trainingRowsThatAllWeighZeroAreADataErrorNotAnUntrainedModel() {
        Dataset<Row> zero = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1))
                .withColumn("w", functions.lit(0.0));
        fails(DataException.class, () -> quick().setWeightCol("w").fit(zero),
                "every one of the 3 training rows has weight 0 in weightCol 'w'", "total training weight is 0");
    }

    @Test
    void aValidationFractionThatLeavesASideEmptyNamesTheFractionAndTheCounts() {
        Dataset<Row> three = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1));
        fails(IllegalArgumentException.class, () -> quick().setValidationFraction(0.999).fit(three),
                "param validationFraction (data.validationFraction): data.validationFraction=0.999 holds out all of the 3 examples of the DataFrame for validation and"
                        + " leaves none for training");
        fails(IllegalArgumentException.class, () -> quick().setValidationFraction(0.001).fit(three),
                "data.validationFraction=0.001 holds out none of the 3 examples of the DataFrame for validation",
                "leaves all 3 for training");
    }

    @Test
    void aRefusedHoldOutLeavesNothingCached() {
        Dataset<Row> three = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1));
        for (double fraction : new double[] {0.999, 0.001}) {
            for (boolean standardize : new boolean[] {true, false}) {
                assertThrows(IllegalArgumentException.class, () -> quick().setStandardize(standardize)
                        .setValidationFraction(fraction).fit(three));
                assertEquals(List.of(), sparkbpCaches(), "cached after validationFraction=" + fraction
                        + ", standardize=" + standardize);
            }
        }
    }

    /** The names of the cached RDDs of sparkbp (its blocks are named "sparkbp ..."). */
    private static List<String> sparkbpCaches() {
        List<String> names = new ArrayList<>();
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().values()
                .forEach(r -> {
                    if (r.name() != null && r.name().startsWith("sparkbp")) {
                        names.add(r.name());
                    }
                });
        return names;
    }

    @Test
    void transformNamesABadRowAndSkipsOrKeepsItWhenAsked() {
        Dataset<Row> good = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1));
        SparkbpModel model = quick().fit(good);
        List<Row> list = new ArrayList<>();
        list.add(RowFactory.create(Vectors.dense(1, 2)));
        list.add(RowFactory.create(Vectors.dense(1, 2, 3)));
        list.add(RowFactory.create(Vectors.dense(1, Double.NaN)));
        list.add(RowFactory.create((Object) null));
        list.add(RowFactory.create(Vectors.sparse(2, new int[] {1}, new double[] {Double.POSITIVE_INFINITY})));
        list.add(RowFactory.create(Vectors.dense(2, 1)));
        Dataset<Row> mixed = spark.createDataFrame(list, new StructType().add("features", new VectorUDT()))
                .coalesce(1);
        assertEquals("error", model.getHandleInvalid());
        Exception e = assertThrows(Exception.class, () -> model.transform(mixed).collectAsList());
        Throwable cause = e;
        while (!(cause instanceof DataException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().startsWith("row 1 of partition 0: features column 'features' holds a vector"
                + " of size 3; expected size 2 (the number of inputs), or handleInvalid set to 'skip' (drop such rows)"
                + " or 'keep' (keep them with NaN outputs)"), cause::getMessage);

        List<Row> clean = model.transform(good.select("features").coalesce(1)).collectAsList();
        List<Row> skipped = model.copy(new org.apache.spark.ml.param.ParamMap()).setHandleInvalid("skip")
                .transform(mixed).collectAsList();
        assertEquals(2, skipped.size());
        assertEquals(clean.get(0), skipped.get(0));
        assertEquals(clean.get(1), skipped.get(1));

        List<Row> kept = model.setHandleInvalid("keep").setBlockRows(2).transform(mixed).collectAsList();
        assertEquals(6, kept.size());
        assertEquals(clean.get(0), kept.get(0));
        assertEquals(clean.get(1), kept.get(5));
        for (int n = 1; n <= 4; n++) {
            Row r = kept.get(n);
            assertEquals(list.get(n).get(0), r.get(0));
            assertTrue(Double.isNaN(r.getDouble(r.fieldIndex("prediction"))), r::toString);
            for (String c : new String[] {"rawPrediction", "probability"}) {
                double[] v = MlHarness.values(r.get(r.fieldIndex(c)));
                assertEquals(2, v.length);
                assertTrue(Double.isNaN(v[0]) && Double.isNaN(v[1]), r::toString);
            }
        }
        fails(IllegalArgumentException.class, () -> model.setHandleInvalid("Skip"), "handleInvalid");
        fails(IllegalArgumentException.class, () -> new SparkbpEstimator().setHandleInvalid("drop"), "handleInvalid");
    }

    @Test
    void aNetworkTooLargeForTheDriverNamesTheEstimatorsParam() {
        Dataset<Row> three = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quick().setHidden(new int[] {20000, 20000}).fit(three));
        assertTrue(e.getMessage().startsWith("param hidden (model.hidden): the network [2, 20000, 20000, 2]"),
                e.getMessage());
    }

    @Test
    void aDivergenceCausedByAHugeTargetBlamesTheDataAsTrainDoes() {
        Dataset<Row> huge = rows(DataTypes.DoubleType, row(1e200, 1, 2), row(2.0, 2, 1), row(3.0, 1, 1));
        fails(TrainingException.class, () -> quick().setOutput("linear").fit(huge),
                "the data are the likely cause, not the learning rate: the DataFrame holds a target of 1.00000e+200");
    }

    @Test
    void validationRowsThatAllWeighZeroAreADataErrorBeforeTraining() {
        Dataset<Row> rows = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1), row(1.0, 1, 1), row(0.0, 2, 2))
                .withColumn("v", functions.expr("features IS NOT NULL AND label = 0"))
                .withColumn("w", functions.expr("IF(v, 0.0, 1.0)"));
        fails(DataException.class, () -> quick().setWeightCol("w").setValidationIndicatorCol("v").fit(rows),
                "every one of the 2 validation examples held out from the DataFrame has weight 0",
                "metrics (weighted means) are undefined");
    }

    @Test
    void invalidSettingsAreRefusedAsTheCommandLineRefusesThem() {
        SparkbpEstimator e = new SparkbpEstimator();
        fails(IllegalArgumentException.class, () -> e.setLearningRate(-1), "learningRate given invalid value -1.0");
        fails(IllegalArgumentException.class, () -> e.setLearningRate(Double.POSITIVE_INFINITY), "learningRate");
        fails(IllegalArgumentException.class, () -> e.setMomentum(1.0), "momentum");
        fails(IllegalArgumentException.class, () -> e.setOptimizer("rmsprop"), "optimizer");
        fails(IllegalArgumentException.class, () -> e.setSchedule("cosine"), "schedule");
        fails(IllegalArgumentException.class, () -> e.setHidden(new int[] {8, 0}), "hidden");
        fails(IllegalArgumentException.class, () -> e.setValidationFraction(1.0), "validationFraction");
        fails(IllegalArgumentException.class, () -> e.setValidationFraction("most"), "validationFraction");
        fails(IllegalArgumentException.class, () -> e.setLearningRate("fast"), "learningRate given invalid value fast");
        fails(IllegalArgumentException.class, () -> e.setLocalSteps(0), "localSteps");
        fails(IllegalArgumentException.class, () -> e.setClassWeight("heavy"), "classWeight");
        fails(IllegalArgumentException.class, () -> e.setMinDelta(-1), "minDelta");
        fails(IllegalArgumentException.class, () -> e.setMinSteps(-1), "minSteps");
        fails(IllegalArgumentException.class, () -> e.setStorageLevel("IN_THE_CLOUD"), "storageLevel");
        fails(IllegalArgumentException.class, () -> e.setEpochs(0), "epochs");
        fails(IllegalArgumentException.class, () -> e.setPrecision("float16"), "precision given invalid value float16");
        fails(IllegalArgumentException.class, () -> e.setPrecision("double"), "precision given invalid value double");
        assertEquals("auto", e.getPrecision());
        // as train reads them: any case, blanks stripped
        e.setOptimizer(" LBFGS ").setLayout("Sparse").setStorageLevel("memory_only").setPrecision(" Float32 ");
        assertEquals(" LBFGS ", e.getOptimizer());
        assertEquals(" Float32 ", e.getPrecision());

        Dataset<Row> good = rows(DataTypes.DoubleType, row(0.0, 1, 2), row(1.0, 2, 1));
        fails(IllegalArgumentException.class, () -> quick().setOptimizer("lbfgs").setBatchSize(64).fit(good),
                "lbfgs is a full-batch method");
        fails(IllegalArgumentException.class, () -> quick().setOptimizer("sgd").setMomentum(0).setNesterov(true)
                .fit(good), "nesterov needs momentum > 0");
        fails(IllegalArgumentException.class, () -> quick().setOutput("linear").setClassWeight("balanced").fit(good),
                "balanced class weights need classes");
        fails(IllegalArgumentException.class, () -> quick().setValidationFraction(0.2)
                .setValidationIndicatorCol("v").fit(good.withColumn("v", functions.lit(true))), "not both");
        fails(IllegalArgumentException.class, () -> quick().setOutput("softmax").fit(good.withColumn("label",
                functions.lit(0.0))), "output 'softmax' needs at least 2 outputs");
    }

    @Test
    void multiOutputRegressionTakesArrayLabelsAndPredictsVectors() {
        List<Row> list = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            double a = n % 7;
            double b = n % 5;
            list.add(RowFactory.create(Vectors.dense(a, b), List.of(a + b, a - b)));
        }
        Dataset<Row> df = spark.createDataFrame(list, new StructType().add("features", new VectorUDT())
                .add("label", DataTypes.createArrayType(DataTypes.DoubleType)));
        SparkbpModel model = new SparkbpEstimator().setOutput("linear").setOptimizer("lbfgs").setEpochs(50).fit(df);
        assertEquals(2, model.numOutputs());
        Dataset<Row> out = model.transform(df);
        assertEquals(model.transformSchema(df.schema()), out.schema());
        Row first = out.select("label", "prediction").first();
        double[] p = MlHarness.values(first.get(1));
        assertEquals((Double) first.getList(0).get(0), p[0], 1e-3);
        assertEquals((Double) first.getList(0).get(1), p[1], 1e-3);

        // prediction-time checks
        fails(IllegalArgumentException.class, () -> model.transform(out), "output column 'prediction' "
                + "(predictionCol) already exists");
        Dataset<Row> wide = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2, 3))),
                new StructType().add("features", new VectorUDT()));
        // found by a task when the rows are computed: Spark's job failure carries the row's DataException
        Exception e = assertThrows(Exception.class, () -> model.transform(wide).collectAsList());
        Throwable cause = e;
        while (!(cause instanceof DataException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("features column 'features' holds a vector of size 3; expected size 2"),
                cause::getMessage);
    }
}
