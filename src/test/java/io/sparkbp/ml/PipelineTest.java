package io.sparkbp.ml;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.model.Model;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.EpochReport;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.sparkbp.cli.CliHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimator inside Pipelines, with MLlib's feature stages, evaluators, persistence and tuning. */
class PipelineTest {
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;
    /** VectorAssembler + StringIndexer + estimator, fitted once on the digits training rows. */
    private static PipelineModel digits;
    /** The bytes of the blocks the estimators cache, from Spark's block updates. */
    private static MlHarness.CachedBytes cached;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = MlHarness.start("PipelineTest");
        cached = MlHarness.CachedBytes.listen(spark);
        train = MlHarness.csv(spark, DATA.resolve("digits/train.csv"), true).cache();
        test = MlHarness.csv(spark, DATA.resolve("digits/test.csv"), true).cache();
        digits = digitsPipeline(digitsEstimator()).fit(train);
    }

    /** The defaults and a hidden size, as a new user would start: early stopping on a 10% hold-out ends the run. */
    private static SparkbpEstimator digitsEstimator() {
        return new SparkbpEstimator().setHidden(new int[] {64}).setSeed(42).setLabelCol("indexed");
    }

    /** VectorAssembler of the 64 pixels, StringIndexer of the label into "indexed", then {@code mlp}. */
    private static Pipeline digitsPipeline(SparkbpEstimator mlp) {
        Dataset<Row> pixels = train.drop("label");
        return new Pipeline().setStages(new PipelineStage[] {
                MlHarness.assembler(pixels).setInputCols(pixels.columns()),
                new StringIndexer().setInputCol("label").setOutputCol("indexed"),
                mlp});
    }

    private static double digitsAccuracy(PipelineModel model) {
        return new MulticlassClassificationEvaluator().setLabelCol("indexed").setMetricName("accuracy")
                .evaluate(model.transform(test));
    }

    @AfterAll
    static void stop() {
        MlHarness.stop(spark);
    }

    @Test
    void assemblerIndexerAndEstimatorReachTheCommandLinesAccuracy() {
        Dataset<Row> predicted = digits.transform(test);
        double accuracy = digitsAccuracy(digits);
        System.out.println("digits pipeline test accuracy " + accuracy);
        assertTrue(accuracy >= 0.97, "test accuracy " + accuracy + "; the command line reaches 0.977");

        // MLlib's column types and attributes, so that downstream stages work unchanged
        assertEquals(10, AttributeGroup.fromStructField(predicted.schema().apply("probability")).size());
        assertEquals(10, AttributeGroup.fromStructField(predicted.schema().apply("rawPrediction")).size());
        Attribute prediction = Attribute.fromStructField(predicted.schema().apply("prediction"));
        assertEquals(10, (Integer) ((NominalAttribute) prediction).getNumValues().get());
        assertEquals(DataTypes.DoubleType, predicted.schema().apply("prediction").dataType());
        // the input columns pass through with their metadata (StringIndexer's labels on "indexed")
        assertEquals(train.schema().size() + 5, predicted.schema().size());
        StringIndexerModel indexer = (StringIndexerModel) digits.stages()[1];
        Dataset<Row> named = new IndexToString().setInputCol("prediction").setOutputCol("digit")
                .setLabels(indexer.labelsArray()[0]).transform(predicted);
        long right = named.filter("digit = label").count();
        assertEquals(accuracy, right / (double) test.count(), 1e-12);
        // probabilities sum to 1 and the prediction is their argmax
        for (Row r : predicted.select("probability", "prediction").collectAsList()) {
            double[] p = MlHarness.values(r.get(0));
            double sum = 0;
            int best = 0;
            for (int k = 0; k < p.length; k++) {
                sum += p[k];
                best = p[k] > p[best] ? k : best;
            }
            assertEquals(1.0, sum, 1e-12);
            assertEquals(best, r.getDouble(1));
        }
    }

    @Test
    void float32CachesFloatBlocksRunsTheFloatKernelsAndReachesTheFloat64Accuracy() {
        PipelineModel single = digitsPipeline(digitsEstimator().setPrecision("float32")).fit(train);
        PipelineModel doubles = digitsPipeline(digitsEstimator().setPrecision("float64")).fit(train);
        SparkbpModel m32 = (SparkbpModel) single.stages()[2];
        SparkbpModel m64 = (SparkbpModel) doubles.stages()[2];
        SparkbpModel auto = (SparkbpModel) digits.stages()[2];
        assertEquals("float32", m32.getPrecision());
        assertEquals("float64", m64.getPrecision());
        assertEquals("auto", auto.getPrecision());
        // recorded in the model file's configuration, as train records it, and the precision used in training
        assertEquals("float32", ((Map<?, ?>) m32.network().extra().get("config")).get("train.precision"));
        assertEquals("float64", ((Map<?, ?>) m64.network().extra().get("config")).get("train.precision"));
        assertEquals("float32", ((Map<?, ?>) auto.network().extra().get("training")).get("precision"));
        assertEquals("float64", ((Map<?, ?>) m64.network().extra().get("training")).get("precision"));
        // auto with the default mini-batch adam is float32, bit for bit
        assertArrayEquals(m32.network().theta(), auto.network().theta());

        // the training blocks were cached as floats: 4 bytes less per input value (targets and weights stay double)
        long rows = ((Number) ((Map<?, ?>) m64.network().extra().get("training")).get("examples")).longValue();
        long bytes64 = cached.of("sparkbp training blocks " + m64.uid());
        long bytes32 = cached.of("sparkbp training blocks " + m32.uid());
        System.out.println("digits training blocks cached: float64 " + bytes64 + " bytes, float32 " + bytes32 + " bytes");
        assertEquals(4.0 * 64 * rows, bytes64 - bytes32, 0.01 * bytes64, bytes64 + " vs " + bytes32 + " bytes");

        // the single-precision kernels ran (a float64 fit is bit-identical to itself), and learned as well
        assertFalse(Arrays.equals(m64.network().theta(), m32.network().theta()));
        double a64 = digitsAccuracy(doubles);
        double a32 = digitsAccuracy(single);
        System.out.println("digits pipeline test accuracy float64 " + a64 + ", float32 " + a32);
        assertTrue(a32 >= 0.97 && Math.abs(a32 - a64) <= 0.015, "float32 accuracy " + a32 + ", float64 " + a64);
    }

    @Test
    void aSavedPipelineModelPredictsTheSameAfterLoadingAndHoldsTheCommandLinesModelFile() throws Exception {
        Path saved = dir.resolve("pipeline");
        digits.write().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        SparkbpModel before = (SparkbpModel) digits.stages()[2];
        SparkbpModel after = (SparkbpModel) loaded.stages()[2];
        assertEquals(before.uid(), after.uid());
        for (Param<?> param : before.params()) {
            Object x = before.getOrDefault(param);
            Object y = after.getOrDefault(after.getParam(param.name()));
            if (x instanceof int[] ints) {
                assertArrayEquals(ints, (int[]) y, param.name());
            } else {
                assertEquals(x, y, param.name());
            }
        }
        assertEquals(before.network(), after.network());

        List<Row> a = digits.transform(test).select("rawPrediction", "probability", "prediction").collectAsList();
        List<Row> b = loaded.transform(test).select("rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(a, b);

        // the stage directory holds the command line's model file, which the CLI reads and evaluates
        Path stage;
        try (var dirs = Files.list(saved.resolve("stages"))) {
            stage = dirs.filter(p -> p.getFileName().toString().startsWith("2_")).findFirst().orElseThrow();
        }
        Model file = CliHarness.loadModel(stage.resolve(SparkbpModel.MODEL_FILE));
        assertEquals(before.network(), file);
        assertEquals("64", ((java.util.Map<?, ?>) file.extra().get("config")).get("model.hidden"));
    }

    @Test
    void crossValidatorTunesL2AndItsModelsSaveAndLoad() throws Exception {
        Dataset<Row> digitsRows = spark.read().format("libsvm").option("numFeatures", "64")
                .load(DATA.resolve("digits/train.libsvm").toString()).limit(600).cache();
        SparkbpEstimator mlp = new SparkbpEstimator().setHidden(new int[] {16}).setBatchSize(200).setEpochs(3)
                .setLearningRate(0.05).setSeed(3);
        ParamMap[] grid = new ParamGridBuilder().addGrid(mlp.l2(), new double[] {1e-4, 0.3}).build();
        CrossValidator cv = new CrossValidator().setEstimator(mlp).setEstimatorParamMaps(grid).setNumFolds(2)
                .setSeed(5).setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"));
        CrossValidatorModel fitted = cv.fit(digitsRows);
        double[] metrics = fitted.avgMetrics();
        System.out.println("cross-validated accuracy for l2 = 1e-4, 0.3: " + metrics[0] + ", " + metrics[1]);
        assertEquals(2, metrics.length);
        assertTrue(metrics[0] > metrics[1], "heavy L2 should cost accuracy: " + metrics[0] + " vs " + metrics[1]);
        SparkbpModel best = (SparkbpModel) fitted.bestModel();
        assertEquals(1e-4, best.getL2());

        cv.write().save(dir.resolve("cv").toString());
        CrossValidator cvLoaded = CrossValidator.load(dir.resolve("cv").toString());
        SparkbpEstimator e = (SparkbpEstimator) cvLoaded.getEstimator();
        assertEquals(mlp.uid(), e.uid());
        assertArrayEquals(new int[] {16}, e.getHidden());
        assertEquals(0.3, (Double) cvLoaded.getEstimatorParamMaps()[1].apply(e.l2()));

        fitted.write().save(dir.resolve("cvModel").toString());
        CrossValidatorModel fittedLoaded = CrossValidatorModel.load(dir.resolve("cvModel").toString());
        assertArrayEquals(metrics, fittedLoaded.avgMetrics());
        assertEquals(fitted.transform(digitsRows).select("probability").collectAsList(),
                fittedLoaded.transform(digitsRows).select("probability").collectAsList());
    }

    @Test
    void binaryLogisticOutputGivesTwoElementVectorsForTheBinaryEvaluator() {
        Dataset<Row> bcTrain = spark.read().format("libsvm").option("numFeatures", "30")
                .load(DATA.resolve("breast_cancer/train.libsvm").toString());
        Dataset<Row> bcTest = spark.read().format("libsvm").option("numFeatures", "30")
                .load(DATA.resolve("breast_cancer/test.libsvm").toString());
        SparkbpModel model = new SparkbpEstimator().setOutput("logistic").setHidden(new int[] {8}).setSeed(1)
                .fit(bcTrain);
        assertEquals(1, model.numOutputs());
        Dataset<Row> predicted = model.transform(bcTest);
        double auc = new BinaryClassificationEvaluator().evaluate(predicted);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
        System.out.println("breast cancer test AUC " + auc + ", accuracy " + accuracy);
        assertTrue(auc > 0.98, "AUC " + auc);
        assertTrue(accuracy > 0.93, "accuracy " + accuracy);
        for (Row r : predicted.select("rawPrediction", "probability", "prediction").collectAsList()) {
            double[] raw = MlHarness.values(r.get(0));
            double[] p = MlHarness.values(r.get(1));
            assertEquals(2, raw.length);
            assertEquals(-raw[0], raw[1]);
            assertEquals(1.0, p[0] + p[1], 1e-15);
            assertEquals(p[1] >= 0.5 ? 1.0 : 0.0, r.getDouble(2));
        }
        // a higher threshold predicts fewer ones
        long ones = predicted.filter("prediction = 1").count();
        long strict = model.copy(new ParamMap()).setThreshold(0.99).transform(bcTest).filter("prediction = 1").count();
        assertTrue(strict < ones, strict + " vs " + ones);
    }

    @Test
    void validationFractionHoldsOutRowsByTheSeedThePartitionAndThePosition() {
        Dataset<Row> bc = spark.read().format("libsvm").option("numFeatures", "30")
                .load(DATA.resolve("breast_cancer/train.libsvm").toString()).repartition(2).cache();
        SparkbpEstimator mlp = new SparkbpEstimator().setOutput("logistic").setBatchSize(128).setEpochs(4)
                .setValidationFraction(0.25).setPatience(1).setSeed(8);
        SparkbpModel model = mlp.fit(bc);
        // the documented rule, applied here to the same partitions
        long expected = bc.javaRDD().mapPartitionsWithIndex((p, rows) -> {
            DataLoader.Holdout held = new DataLoader.Holdout(0.25, 8, true);
            long n = 0;
            for (long r = 0; rows.hasNext(); r++) {
                rows.next();
                n += held.keepsRow(p, r) ? 1 : 0;
            }
            return List.of(n).iterator();
        }, true).reduce(Long::sum);
        List<EpochReport> history = model.trainingHistory();
        assertEquals((double) expected, history.get(0).validation().get("examples"));
        assertEquals(bc.count() - expected, ((Number) ((Map<?, ?>) model.network().extra().get("training"))
                .get("examples")).longValue());
        assertTrue(expected > 0.15 * bc.count() && expected < 0.35 * bc.count(), expected + " held out");
        assertArrayEquals(model.network().theta(), mlp.fit(bc).network().theta(), "the same fit twice");
    }

    @Test
    void linearOutputRegressesInTheLabelsUnitsWithExampleWeights() {
        Dataset<Row> dTrain = spark.read().format("libsvm").option("numFeatures", "10")
                .load(DATA.resolve("diabetes/train.libsvm").toString()).selectExpr("*", "1.0 as w");
        Dataset<Row> dTest = spark.read().format("libsvm").option("numFeatures", "10")
                .load(DATA.resolve("diabetes/test.libsvm").toString());
        SparkbpModel model = new SparkbpEstimator().setOutput("linear").setOptimizer("lbfgs").setEpochs(30)
                .setL2(1e-3).setWeightCol("w").fit(dTrain);
        Dataset<Row> predicted = model.transform(dTest);
        assertEquals(List.of("label", "features", "prediction"), List.of(predicted.columns()));
        double r2 = new RegressionEvaluator().setMetricName("r2").evaluate(predicted);
        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(predicted);
        System.out.println("diabetes test r2 " + r2 + ", rmse " + rmse);
        assertTrue(r2 > 0.4 && rmse < 65, "r2 " + r2 + ", rmse " + rmse);
        assertInstanceOf(Double.class, predicted.first().get(2));
    }
}
