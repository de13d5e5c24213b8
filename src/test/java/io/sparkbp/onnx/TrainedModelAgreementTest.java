package io.sparkbp.onnx;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.ml.SparkbpEstimator;
import io.sparkbp.ml.SparkbpModel;
import io.sparkbp.model.Model;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.sparkbp.cli.CliHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models trained by Spark ({@code local[2]}, a few epochs) on the sample data sets, one per output
 * kind, exported through {@code sparkbp export} (and {@link SparkbpModel#exportOnnx}) and run in ONNX
 * Runtime on the test split: the ONNX outputs agree with sparkbp's {@link io.sparkbp.model.Predictor},
 * and for the digits with the lines {@code predict} prints, within {@link OrtHarness#tolerance}.
 */
class TrainedModelAgreementTest {
    private static final Map<String, Double> WORST = new TreeMap<>();
    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSpark() {
        CliHarness.startSpark("TrainedModelAgreementTest");
        spark = SparkSession.builder().getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        WORST.forEach((k, v) -> System.out.printf("onnx agreement, trained models, %-40s max error %.3g%n", k, v));
    }

    /** Trains with {@code settings} on {@code set}'s training file and returns the model file. */
    private static Path train(String name, Path trainFile, String... settings) {
        Path model = dir.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of("data.train=" + trainFile, "output.model=" + model,
                "train.optimizer=adam", "train.learningRate=0.01", "train.batchSize=64", "train.seed=7"));
        args.addAll(List.of(settings));
        Result r = CliHarness.train(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return model;
    }

    /** Exports {@code model} with the command line at both precisions and checks both files on {@code rows}. */
    private static void exportAndCompare(String name, Path model, double[][] rows) throws Exception {
        Model network = CliHarness.loadModel(model);
        OrtHarness.Reference expected = OrtHarness.reference(network, rows);
        for (OnnxPrecision p : OnnxPrecision.values()) {
            Path onnx = onnxFile(model, p);
            Result r = CliHarness.run("export", "--model", model.toString(), "--format", "onnx", "--out", onnx.toString(),
                    "onnx.precision=" + p.id());
            assertEquals(0, r.code(), r::toString);
            Map<String, double[][]> actual;
            try (var session = OrtHarness.session(Files.readAllBytes(onnx))) {
                actual = OrtHarness.run(session, rows, p);
            }
            boolean linear = actual.containsKey("values");
            check(name + " " + p.id(), actual.get(linear ? "values" : "probabilities"), expected.outputs(), p);
            if (!linear) {
                check(name + " logits " + p.id(), actual.get("logits"), expected.logits(), p);
            }
        }
    }

    /** Where {@link #exportAndCompare} writes the ONNX file of {@code model} at {@code p}. */
    private static Path onnxFile(Path model, OnnxPrecision p) {
        return dir.resolve(model.getFileName().toString().replace(".json", "." + p.id() + ".onnx"));
    }

    private static void check(String what, double[][] actual, double[][] expected, OnnxPrecision p) {
        double err = OrtHarness.error(actual, expected);
        WORST.merge(what, err, Math::max);
        assertTrue(err <= OrtHarness.tolerance(p), () -> what + ": error " + err + " above " + OrtHarness.tolerance(p));
    }

    @Test
    void digitsSoftmaxWithSigmoidUnitsAgreesWithPredictAndItsPrintedLines() throws Exception {
        Path model = train("digits", DATA.resolve("digits/train.libsvm"), "data.features=64", "model.hidden=16",
                "model.activation=sigmoid", "model.output=softmax", "model.outputs=10", "train.epochs=3");
        Path test = DATA.resolve("digits/test.libsvm");
        double[][] rows = denseRows(test, 64);
        exportAndCompare("digits softmax [64,16,10] sigmoid", model, rows);

        Path out = dir.resolve("digits-predictions");
        Result r = CliHarness.run("predict", "--model", model.toString(), "--data", test.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        double[][] printed = CliHarness.partLines(out).stream().map(l -> parseDoubles(l.split("\t")[1]))
                .toArray(double[][]::new);
        try (var session = OrtHarness.session(Files.readAllBytes(onnxFile(model, OnnxPrecision.FLOAT64)))) {
            check("digits softmax, predict's printed lines float64",
                    OrtHarness.run(session, rows, OnnxPrecision.FLOAT64).get("probabilities"), printed, OnnxPrecision.FLOAT64);
        }
    }

    @Test
    void breastCancerBinaryLogisticWithTwoTanhLayersAgrees() throws Exception {
        Path model = train("breast-cancer", DATA.resolve("breast_cancer/train.libsvm"), "data.features=30",
                "model.hidden=8,8", "model.activation=tanh", "model.output=logistic", "model.outputs=1", "train.epochs=5");
        exportAndCompare("breast-cancer logistic [30,8,8,1] tanh", model, denseRows(DATA.resolve("breast_cancer/test.libsvm"), 30));
    }

    @Test
    void digitsMultiLabelLogisticWithThreeReluLayersAgrees() throws Exception {
        Path model = train("multilabel", DATA.resolve("digits_multilabel/train.libsvm"), "data.features=64",
                "model.hidden=16,8,8", "model.activation=relu", "model.output=logistic", "model.outputs=3",
                "train.epochs=3");
        exportAndCompare("multi-label logistic [64,16,8,8,3] relu", model,
                denseRows(DATA.resolve("digits_multilabel/test.libsvm"), 64));
    }

    @Test
    void diabetesLinearWithoutHiddenLayersAndWithTwoTargetsAgreeInTheTargetsUnits() throws Exception {
        Path one = train("diabetes", DATA.resolve("diabetes/train.libsvm"), "data.features=10", "model.output=linear",
                "model.outputs=1", "train.epochs=4");
        double[][] rows = denseRows(DATA.resolve("diabetes/test.libsvm"), 10);
        exportAndCompare("diabetes linear [10,1]", one, rows);

        Path two = train("diabetes2", twoTargets(DATA.resolve("diabetes/train.libsvm")), "data.features=10",
                "model.hidden=8", "model.activation=relu", "model.output=linear", "model.outputs=2", "train.epochs=4");
        exportAndCompare("diabetes 2-target linear [10,8,2] relu", two, rows);
    }

    @Test
    void theEstimatorsModelExportsThroughExportOnnxAndAgrees() throws Exception {
        Path train = DATA.resolve("diabetes/train.libsvm");
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
        List<Row> data = new ArrayList<>();
        double[][] x = denseRows(train, 10);
        List<String> lines = Files.readAllLines(train, StandardCharsets.UTF_8);
        for (int i = 0; i < x.length; i++) {
            data.add(RowFactory.create(Double.parseDouble(lines.get(i).split(" ")[0]), Vectors.dense(x[i])));
        }
        Dataset<Row> df = spark.createDataFrame(data, schema).repartition(2);
        SparkbpModel fitted = new SparkbpEstimator().setOutput("linear").setHidden(new int[] {6}).setActivation("tanh")
                .setBatchSize(64).setEpochs(3).setSeed(3).fit(df);
        Path onnx = dir.resolve("estimator.onnx");
        fitted.exportOnnx(onnx.toString());
        double[][] rows = denseRows(DATA.resolve("diabetes/test.libsvm"), 10);
        try (var session = OrtHarness.session(Files.readAllBytes(onnx))) {
            check("estimator linear [10,6,1] tanh float64", OrtHarness.run(session, rows, OnnxPrecision.FLOAT64).get("values"),
                    OrtHarness.reference(fitted.network(), rows).outputs(), OnnxPrecision.FLOAT64);
        }
        Path onnx32 = dir.resolve("estimator32.onnx");
        fitted.exportOnnx(onnx32.toString(), OnnxPrecision.FLOAT32, false);
        try (var session = OrtHarness.session(Files.readAllBytes(onnx32))) {
            check("estimator linear [10,6,1] tanh float32", OrtHarness.run(session, rows, OnnxPrecision.FLOAT32).get("values"),
                    OrtHarness.reference(fitted.network(), rows).outputs(), OnnxPrecision.FLOAT32);
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> fitted.exportOnnx(onnx.toString()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        fitted.exportOnnx(onnx.toString(), OnnxPrecision.FLOAT32, true);
    }

    /** The features of a LIBSVM file (1-based indices) as dense rows; labels are skipped. */
    static double[][] denseRows(Path file, int features) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> {
                double[] row = new double[features];
                for (String token : l.strip().split("\\s+")) {
                    int colon = token.indexOf(':');
                    if (colon > 0) {
                        row[Integer.parseInt(token.substring(0, colon)) - 1] = Double.parseDouble(token.substring(colon + 1));
                    }
                }
                return row;
            }).toArray(double[][]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The diabetes training file with two targets per line: the disease progression y and log(y). */
    private static Path twoTargets(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            double y = Double.parseDouble(line.substring(0, space));
            out.add(y + "," + Math.log(y) + line.substring(space));
        }
        return Files.write(dir.resolve("diabetes-two-targets.libsvm"), out, StandardCharsets.UTF_8);
    }

    private static double[] parseDoubles(String csv) {
        String[] parts = csv.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Double.parseDouble(parts[i]);
        }
        return v;
    }
}
