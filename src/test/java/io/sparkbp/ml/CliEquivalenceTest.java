package io.sparkbp.ml;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.model.Model;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static io.sparkbp.cli.CliHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimator and the command line, given the same rows in the same partitions and the same
 * settings, train the same model bit for bit, and the model's predictions are {@code predict}'s.
 * The DataFrames are read with the input splits the command line reads the same files with.
 */
class CliEquivalenceTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = MlHarness.start("CliEquivalenceTest");
    }

    @AfterAll
    static void stop() {
        MlHarness.stop(spark);
    }

    @Test
    void digitsCsvGivesTheCommandLinesModelAndPredictions() throws Exception {
        Path cliModel = dir.resolve("cli.json");
        CliHarness.Result r = CliHarness.train("data.train=" + DATA.resolve("digits/train.csv"), "data.format=csv",
                "model.hidden=16", "model.outputs=10", "train.batchSize=256", "train.epochs=2", "train.l2=1e-4",
                "train.seed=7", "output.model=" + cliModel);
        assertEquals(0, r.code(), r::toString);
        Dataset<Row> train = MlHarness.csv(spark, DATA.resolve("digits/train.csv"), false);
        SparkbpModel model = new SparkbpEstimator().setHidden(new int[] {16}).setBatchSize(256).setEpochs(2)
                .setL2(1e-4).setSeed(7).fit(MlHarness.assembler(train).transform(train));
        Model expected = CliHarness.loadModel(cliModel);
        assertEquals(expected.spec(), model.network().spec());
        assertEquals(expected.inputTransform(), model.network().inputTransform());
        assertArrayEquals(expected.theta(), model.network().theta());

        // predict's lines for test.csv: class<TAB>p0,...,p9, with doubles that parse back to the same bits
        Path out = dir.resolve("predictions");
        r = CliHarness.run("predict", "--model", cliModel.toString(), "--data", DATA.resolve("digits/test.csv").toString(),
                "--out", out.toString(), "data.format=csv");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = CliHarness.partLines(out);
        Dataset<Row> test = MlHarness.csv(spark, DATA.resolve("digits/test.csv"), false);
        List<Row> rows = model.transform(MlHarness.assembler(test).transform(test))
                .select("probability", "prediction", "label").collectAsList();
        assertEquals(lines.size(), rows.size());
        int right = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] parts = lines.get(i).split("\t");
            String[] ps = parts[1].split(",");
            double[] p = new double[ps.length];
            for (int k = 0; k < p.length; k++) {
                p[k] = Double.parseDouble(ps[k]);
            }
            assertArrayEquals(p, MlHarness.values(rows.get(i).get(0)), "row " + i);
            assertEquals(Double.parseDouble(parts[0]), rows.get(i).getDouble(1), "row " + i);
            right += rows.get(i).getDouble(1) == rows.get(i).getDouble(2) ? 1 : 0;
        }

        // the command line's model file as a transformer predicts the same
        assertEquals(model.transform(MlHarness.assembler(test).transform(test)).select("probability").collectAsList(),
                SparkbpModel.fromModelFile(cliModel.toString()).transform(MlHarness.assembler(test).transform(test))
                        .select("probability").collectAsList());

        // the saved model's file is a command-line model: evaluate reads it and agrees on the accuracy
        model.write().save(dir.resolve("saved").toString());
        r = CliHarness.run("evaluate", "--model", dir.resolve("saved").resolve(SparkbpModel.MODEL_FILE).toString(),
                "--data", DATA.resolve("digits/test.csv").toString(), "data.format=csv");
        assertEquals(0, r.code(), r::toString);
        assertEquals(right / (double) rows.size(), r.lastJson().get("accuracy"), 1e-12);
    }

    @Test
    void float32WithAValidationColumnGivesTheCommandLinesFloat32ModelAndMetrics() throws Exception {
        Path cliModel = dir.resolve("cli32.json");
        Path cliMetrics = dir.resolve("cli32-metrics.jsonl");
        CliHarness.Result r = CliHarness.train("data.train=" + DATA.resolve("digits/train.csv"),
                "data.validation=" + DATA.resolve("digits/test.csv"), "data.format=csv", "model.hidden=16",
                "model.outputs=10", "train.batchSize=256", "train.epochs=2", "train.l2=1e-4", "train.seed=7",
                "train.precision=float32", "output.model=" + cliModel, "output.metrics=" + cliMetrics);
        assertEquals(0, r.code(), r::toString);
        // training rows, then the validation rows marked in a column (both files' partitions kept)
        Dataset<Row> rows = MlHarness.csv(spark, DATA.resolve("digits/train.csv"), false)
                .withColumn("isValidation", functions.lit(false))
                .union(MlHarness.csv(spark, DATA.resolve("digits/test.csv"), false)
                        .withColumn("isValidation", functions.lit(true)));
        Dataset<Row> assembled = new VectorAssembler().setInputCols(java.util.Arrays.copyOfRange(rows.columns(), 1, 65))
                .setOutputCol("features").transform(rows);
        SparkbpModel model = new SparkbpEstimator().setHidden(new int[] {16}).setBatchSize(256).setEpochs(2)
                .setL2(1e-4).setSeed(7).setPrecision("float32").setValidationIndicatorCol("isValidation")
                .fit(assembled);
        Model expected = CliHarness.loadModel(cliModel);
        assertArrayEquals(expected.theta(), model.network().theta());
        assertEquals("float32", ((Map<?, ?>) expected.extra().get("config")).get("train.precision"));
        assertEquals("float32", ((Map<?, ?>) model.network().extra().get("config")).get("train.precision"));
        // the same losses on the float training and validation blocks, epoch by epoch
        List<String> lines = java.nio.file.Files.readAllLines(cliMetrics);
        List<io.sparkbp.spark.EpochReport> history = model.trainingHistory();
        assertEquals(lines.size(), history.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Double> cli = CliHarness.flatJson(lines.get(i)); // the validation members come last
            assertEquals(cli.get("trainLoss"), history.get(i).trainLoss(), "epoch " + (i + 1));
            assertEquals(Set.of("loss", "accuracy", "examples"), history.get(i).validation().keySet());
            for (Map.Entry<String, Double> m : history.get(i).validation().entrySet()) {
                assertEquals(cli.get(m.getKey()), m.getValue(), "epoch " + (i + 1) + " validation " + m.getKey());
            }
        }
    }

    @Test
    void multiLabelVectorsWithAValidationColumnAndEarlyStoppingMatchDataValidation() throws Exception {
        Path trainFile = DATA.resolve("digits_multilabel/train.libsvm");
        // validation rows with every label flipped: their loss rises as training succeeds, so early
        // stopping must end the run (no minimum of steps) and keep the model of the first epoch
        List<String> flipped = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(DATA.resolve("digits_multilabel/test.libsvm"))) {
            int space = line.indexOf(' ');
            List<String> ids = List.of(line.substring(0, space).split(","));
            StringBuilder labels = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                if (!ids.contains(String.valueOf(k))) {
                    labels.append(labels.length() > 0 ? "," : "").append(k);
                }
            }
            flipped.add(labels + line.substring(space));
        }
        Path valFile = CliHarness.write(dir.resolve("flipped.libsvm"), flipped.toArray(new String[0]));
        Path cliModel = dir.resolve("cli.json");
        String[] settings = {"model.output=logistic", "model.outputs=3", "model.hidden=8", "train.batchSize=256",
                "train.epochs=6", "train.learningRate=0.05", "train.earlyStopping.patience=1",
                "train.earlyStopping.minSteps=0", "train.seed=11"};
        CliHarness.Result r = CliHarness.train(CliHarness.concat(new String[] {"data.train=" + trainFile,
                "data.validation=" + valFile, "data.features=64", "output.model=" + cliModel}, settings));
        assertEquals(0, r.code(), r::toString);

        // training rows, then validation rows marked in a column: the union keeps both files' partitions
        Dataset<Row> rows = multiLabel(trainFile, false).union(multiLabel(valFile, true));
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"even", "above4", "prime"})
                .setOutputCol("labels").transform(rows);
        SparkbpModel model = new SparkbpEstimator().setOutput("logistic").setHidden(new int[] {8}).setBatchSize(256)
                .setEpochs(6).setLearningRate(0.05).setPatience(1).setMinSteps(0).setSeed(11).setLabelCol("labels")
                .setValidationIndicatorCol("isValidation").fit(assembled);
        Model expected = CliHarness.loadModel(cliModel);
        Map<?, ?> cliRun = (Map<?, ?>) expected.extra().get("training");
        Map<?, ?> run = (Map<?, ?>) model.network().extra().get("training");
        assertEquals(cliRun.get("epochs"), run.get("epochs"));
        assertEquals(cliRun.get("bestEpoch"), run.get("bestEpoch"));
        assertEquals(cliRun.get("examples"), run.get("examples"));
        assertTrue(((Number) run.get("epochs")).intValue() < 6, "early stopping ends the run before epoch 6: " + run);
        assertArrayEquals(expected.theta(), model.network().theta());
        assertTrue(model.trainingHistory().get(0).validation().containsKey("hammingAccuracy"));

        Row first = model.transform(assembled).select("rawPrediction", "probability", "prediction").first();
        assertEquals(3, MlHarness.values(first.get(0)).length);
        double[] p = MlHarness.values(first.get(1));
        double[] predicted = MlHarness.values(first.get(2));
        for (int k = 0; k < 3; k++) {
            assertEquals(p[k] >= 0.5 ? 1.0 : 0.0, predicted[k]);
        }
    }

    @Test
    void sparseWeightedCsvRowsGiveTheCommandLinesModel() {
        int features = 200;
        SplittableRandom rng = new SplittableRandom(9);
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("y,w");
        for (int j = 0; j < features; j++) {
            header.append(",x").append(j);
        }
        lines.add(header.toString());
        for (int n = 0; n < 500; n++) {
            double[] x = new double[features];
            double score = 0;
            for (int q = 0; q < 6; q++) {
                int j = rng.nextInt(features);
                x[j] = Math.round(rng.nextDouble(-3, 3) * 100) / 100.0;
                score += (j % 2 == 0 ? 1 : -1) * x[j];
            }
            StringBuilder sb = new StringBuilder();
            sb.append(score > 0 ? 1 : 0).append(',').append(new double[] {0.5, 1, 2}[rng.nextInt(3)]);
            for (double v : x) {
                sb.append(',').append(v == 0 ? "0" : String.format(Locale.ROOT, "%.2f", v));
            }
            lines.add(sb.toString());
        }
        Path csv = CliHarness.write(dir.resolve("sparse.csv"), lines.toArray(new String[0]));
        Path cliModel = dir.resolve("cli.json");
        CliHarness.Result r = CliHarness.train("data.train=" + csv, "data.format=csv", "data.labelColumns=y",
                "data.weightColumn=w", "model.output=logistic", "model.outputs=1", "model.hidden=4",
                "train.batchSize=100", "train.epochs=2", "train.seed=5", "output.model=" + cliModel);
        assertEquals(0, r.code(), r::toString);

        // y, w and a sparse vector of the x columns, from the file's input splits
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = sc.textFile(csv.toString(), sc.defaultParallelism()).filter(l -> !l.startsWith("y,"))
                .map(l -> {
                    String[] v = l.split(",");
                    double[] dense = new double[v.length - 2];
                    for (int j = 0; j < dense.length; j++) {
                        dense[j] = Double.parseDouble(v[j + 2]);
                    }
                    return RowFactory.create(Double.parseDouble(v[0]), Double.parseDouble(v[1]),
                            Vectors.dense(dense).toSparse());
                });
        Dataset<Row> assembled = spark.createDataFrame(rows, new StructType().add("y", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType).add("features", new org.apache.spark.ml.linalg.VectorUDT()));
        SparkbpModel model = new SparkbpEstimator().setOutput("logistic").setHidden(new int[] {4}).setBatchSize(100)
                .setEpochs(2).setSeed(5).setLabelCol("y").setWeightCol("w").fit(assembled);
        Model expected = CliHarness.loadModel(cliModel);
        // sparse data are scaled, not centered: the blocks stayed sparse
        assertFalse(model.network().inputTransform().orElseThrow().centers());
        assertEquals(expected.inputTransform(), model.network().inputTransform());
        assertArrayEquals(expected.theta(), model.network().theta());
    }

    /** The multi-label LIBSVM file as columns even, above4, prime (0/1), a sparse features vector and a constant isValidation. */
    private static Dataset<Row> multiLabel(Path file, boolean validation) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Row> rows = sc.textFile(file.toString(), sc.defaultParallelism()).map(line -> {
            int space = line.indexOf(' ');
            double[] labels = new double[3];
            for (String id : line.substring(0, space).split(",")) {
                if (!id.isEmpty()) {
                    labels[Integer.parseInt(id)] = 1;
                }
            }
            String[] tokens = line.substring(space + 1).strip().split(" ");
            int[] idx = new int[tokens.length];
            double[] val = new double[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                int colon = tokens[i].indexOf(':');
                idx[i] = Integer.parseInt(tokens[i].substring(0, colon)) - 1;
                val[i] = Double.parseDouble(tokens[i].substring(colon + 1));
            }
            return RowFactory.create(labels[0], labels[1], labels[2], Vectors.sparse(64, idx, val), validation);
        });
        StructType schema = new StructType().add("even", DataTypes.DoubleType).add("above4", DataTypes.DoubleType)
                .add("prime", DataTypes.DoubleType).add("features", new org.apache.spark.ml.linalg.VectorUDT())
                .add("isValidation", DataTypes.BooleanType);
        return spark.createDataFrame(rows, schema);
    }
}
