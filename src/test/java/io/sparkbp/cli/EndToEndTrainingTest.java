package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.model.Model;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.numbers;
import static io.sparkbp.cli.CliHarness.partLines;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole train / evaluate / predict runs through {@link Main#run} on small and sample data sets. */
class EndToEndTrainingTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("EndToEndTrainingTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static String data(String set, String file) {
        return "data." + file + "=" + DATA.resolve(set).resolve(file + ".libsvm");
    }

    private static Map<String, Double> evaluate(Path model, String data, String... settings) {
        Result r = run(concat(new String[] {"evaluate", "--model", model.toString(), "--data", data}, settings));
        assertEquals(0, r.code(), r::toString);
        return r.lastJson();
    }

    // ------------------------------------------------------------------------------ XOR

    @Test
    void xorIsLearnedAndEvaluatedAndPredictedThroughTheCommandLine() {
        Path xor = write(dir.resolve("xor.libsvm"),
                "0 1:0 2:0",
                "1 1:1 2:0",
                "1 1:0 2:1",
                "0 1:1 2:1");
        Path model = dir.resolve("xor.json");
        Result t = train("data.train=" + xor, "data.features=2", "data.partitions=1",
                "model.hidden=6", "model.activation=sigmoid", "model.output=logistic", "model.outputs=1",
                "train.optimizer=lbfgs", "train.epochs=200", "train.standardize=false", "train.seed=3",
                "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        assertTrue(Files.exists(model), t::toString);

        Result e = run("evaluate", "--model", model.toString(), "--data", xor.toString());
        assertEquals(0, e.code(), e::toString);
        Map<String, Double> metrics = e.lastJson();
        assertEquals(4.0, metrics.get("examples"));
        assertEquals(1.0, metrics.get("accuracy"), e::toString);
        assertTrue(metrics.get("loss") < 0.1, e::toString);

        Path out = dir.resolve("xor-predictions");
        Result p = run("predict", "--model", model.toString(), "--data", xor.toString(), "--out", out.toString());
        assertEquals(0, p.code(), p::toString);
        List<String> lines = partLines(out);
        assertEquals(4, lines.size(), lines::toString);
        int[] expected = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            String[] fields = lines.get(i).split("\t");
            assertEquals(2, fields.length, lines.get(i));
            assertEquals(String.valueOf(expected[i]), fields[0], lines::toString);
            double prob = Double.parseDouble(fields[1]);
            assertEquals(expected[i], prob, 0.5, lines.get(i));
        }

        // LIBSVM lines without a label predict the same
        Path unlabelled = write(dir.resolve("xor-unlabelled.libsvm"), "1:0 2:0", "1:1", "2:1", "1:1 2:1");
        Path out2 = dir.resolve("xor-predictions-unlabelled");
        Result p2 = run("predict", "--model", model.toString(), "--data", unlabelled.toString(), "--out", out2.toString());
        assertEquals(0, p2.code(), p2::toString);
        assertEquals(lines, partLines(out2));
    }

    // ------------------------------------------------------------------------------ sample data

    @Test
    void digitsReachesNinetyFivePercentTestAccuracyInThirtyLbfgsIterations() {
        Path model = dir.resolve("digits.json");
        Result t = train(data("digits", "train"), "data.features=64", "model.hidden=64", "model.output=softmax",
                "model.outputs=10", "train.optimizer=lbfgs", "train.epochs=30", "train.l2=1e-3",
                "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Path test = DATA.resolve("digits/test.libsvm");
        Map<String, Double> m = evaluate(model, test.toString());
        assertEquals(359.0, m.get("examples"));
        assertTrue(m.get("accuracy") >= 0.95, () -> "test accuracy " + m + "\n" + t);

        // predict writes one line per test example, in order, whose classes give the same accuracy
        Path out = dir.resolve("digits-predictions");
        Result p = run("predict", "--model", model.toString(), "--data", test.toString(), "--out", out.toString());
        assertEquals(0, p.code(), p::toString);
        List<String> predicted = partLines(out);
        List<String> truth = readLines(test);
        assertEquals(truth.size(), predicted.size());
        int right = 0;
        for (int i = 0; i < truth.size(); i++) {
            String[] fields = predicted.get(i).split("\t");
            String[] probabilities = fields[1].split(",");
            assertEquals(10, probabilities.length);
            double sum = 0;
            for (String q : probabilities) {
                sum += Double.parseDouble(q);
            }
            assertEquals(1.0, sum, 1e-12);
            if (fields[0].equals(truth.get(i).split(" ")[0])) {
                right++;
            }
        }
        assertEquals(m.get("accuracy"), right / 359.0, 1e-15);
    }

    @Test
    void digitsReachNinetySevenPercentTestAccuracyInSinglePrecision() {
        Path model = dir.resolve("digits-float32.json");
        Result t = train(data("digits", "train"), "data.features=64", "model.hidden=64", "model.output=softmax",
                "model.outputs=10", "train.seed=42", "train.precision=float32", "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("(float32)"), t::toString);
        Map<String, Double> m = evaluate(model, DATA.resolve("digits/test.libsvm").toString());
        assertTrue(m.get("accuracy") >= 0.97, () -> "float32 test accuracy " + m + "\n" + t);
        // the model's weights are double; the configuration recorded with it names the precision
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) CliHarness.loadModel(model).extra().get("config");
        assertEquals("float32", config.get("train.precision"));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void csvAndLibsvmCopiesOfDigitsTrainTheSameModel() {
        String[] common = {"data.features=64", "data.partitions=1", "model.hidden=16", "model.output=softmax",
                "model.outputs=10", "train.optimizer=sgd", "train.learningRate=0.5", "train.batchSize=0",
                "train.epochs=3"};
        Path fromLibsvm = dir.resolve("digits-libsvm.json");
        Path fromCsv = dir.resolve("digits-csv.json");
        Result a = train(concat(common, new String[] {data("digits", "train"), "output.model=" + fromLibsvm}));
        assertEquals(0, a.code(), a::toString);
        Result b = train(concat(common, new String[] {"data.train=" + DATA.resolve("digits/train.csv"),
                "data.format=csv", "output.model=" + fromCsv}));
        assertEquals(0, b.code(), b::toString);
        Model ma = loadModel(fromLibsvm);
        Model mb = loadModel(fromCsv);
        assertTrue(CliHarness.maxRelativeDifference(ma.theta(), mb.theta()) <= 1e-12);
        Map<String, Double> csvMetrics = evaluate(fromCsv, DATA.resolve("digits/test.csv").toString(), "data.format=csv");
        Map<String, Double> libsvmMetrics = evaluate(fromCsv, DATA.resolve("digits/test.libsvm").toString());
        assertEquals(libsvmMetrics.get("accuracy"), csvMetrics.get("accuracy"));
        assertEquals(libsvmMetrics.get("loss"), csvMetrics.get("loss"), 1e-12);
    }

    @Test
    void aDirectoryOfPartFilesIsReadAsOneDataSet() throws java.io.IOException {
        List<String> lines = readLines(DATA.resolve("digits/train.libsvm"));
        Path parts = Files.createDirectories(dir.resolve("digits-parts"));
        write(parts.resolve("part-00000"), lines.subList(0, 500).toArray(String[]::new));
        write(parts.resolve("part-00001"), lines.subList(500, lines.size()).toArray(String[]::new));
        write(parts.resolve("_SUCCESS"));
        write(parts.resolve(".part-00000.crc"), "not data");
        Path model = dir.resolve("parts.json");
        Result t = train("data.train=" + parts, "data.features=64", "model.hidden=4", "model.output=softmax",
                "model.outputs=10", "train.epochs=1", "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("training data: 1,438 examples"), t::toString);
        Result e = run("evaluate", "--model", model.toString(), "--data", parts + "/part-*");
        assertEquals(0, e.code(), e::toString);
        assertEquals(1438.0, e.lastJson().get("examples"));
    }

    @Test
    void multiLabelDigitsReachNinetyPercentHammingAccuracy() {
        Path model = dir.resolve("multilabel.json");
        Result t = train(data("digits_multilabel", "train"), "data.features=64", "model.hidden=32",
                "model.output=logistic", "model.outputs=3", "train.optimizer=lbfgs", "train.epochs=15",
                "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Path test = DATA.resolve("digits_multilabel/test.libsvm");
        Map<String, Double> m = evaluate(model, test.toString());
        assertTrue(m.get("hammingAccuracy") >= 0.9, () -> m + "\n" + t);

        // predicted id sets ("0,2", or empty) match the label fields as often as subsetAccuracy says
        Path out = dir.resolve("multilabel-predictions");
        Result p = run("predict", "--model", model.toString(), "--data", test.toString(), "--out", out.toString());
        assertEquals(0, p.code(), p::toString);
        List<String> predicted = partLines(out);
        List<String> truth = readLines(test);
        assertEquals(truth.size(), predicted.size());
        int exact = 0;
        for (int i = 0; i < truth.size(); i++) {
            String ids = predicted.get(i).substring(0, predicted.get(i).indexOf('\t'));
            String line = truth.get(i);
            String label = line.startsWith(" ") ? "" : line.substring(0, line.indexOf(' '));
            assertEquals(3, predicted.get(i).substring(ids.length() + 1).split(",").length);
            if (ids.equals(label)) {
                exact++;
            }
        }
        assertEquals(m.get("subsetAccuracy"), exact / (double) truth.size(), 1e-15);
    }

    @Test
    void breastCancerReachesNinetyThreePercentTestAccuracyWithMiniBatchAdam() {
        Path model = dir.resolve("bc.json");
        Result t = train(data("breast_cancer", "train"), "data.features=30", "model.hidden=16",
                "model.output=logistic", "model.outputs=1", "train.optimizer=adam", "train.learningRate=0.01",
                "train.batchSize=128", "train.epochs=5", "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Map<String, Double> m = evaluate(model, DATA.resolve("breast_cancer/test.libsvm").toString());
        assertTrue(m.get("accuracy") >= 0.93, () -> m + "\n" + t);
    }

    @Test
    void diabetesRegressionExplainsAtLeastThirtyPercentOfTheTestVariance() {
        Path model = dir.resolve("diabetes.json");
        Result t = train(data("diabetes", "train"), "data.features=10", "model.hidden=8",
                "model.output=linear", "model.outputs=1", "train.optimizer=lbfgs", "train.epochs=8",
                "train.l2=1e-3", "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Model saved = loadModel(model);
        assertTrue(saved.outputTransform().isPresent(), "linear targets are standardized and the transform stored");
        assertTrue(saved.inputTransform().isPresent());
        Map<String, Double> m = evaluate(model, DATA.resolve("diabetes/test.libsvm").toString());
        assertTrue(m.get("r2") >= 0.3, () -> m + "\n" + t);
        // Reported in the data's units: the targets range 25..346, so an RMSE in standardized units (~0.7)
        // would be a bug.
        assertTrue(m.get("rmse") > 20 && m.get("rmse") < 80, m::toString);
    }

    @Test
    void multiOutputRegressionOfLinearTargetsReachesR2OfNinetyFivePercent() {
        SplittableRandom rng = new SplittableRandom(11);
        List<String> train = new ArrayList<>();
        List<String> test = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            double x1 = rng.nextDouble(-2, 2);
            double x2 = rng.nextDouble(-2, 2);
            double x3 = rng.nextDouble(-2, 2);
            double y1 = 3 * x1 - 2 * x2 + 0.5 * x3 + 10;
            double y2 = -x1 + 4 * x3 - 5;
            String line = String.format(Locale.ROOT, "%.6f,%.6f 1:%.6f 2:%.6f 3:%.6f", y1, y2, x1, x2, x3);
            (n < 240 ? train : test).add(line);
        }
        Path trainFile = write(dir.resolve("lin-train.libsvm"), train.toArray(String[]::new));
        Path testFile = write(dir.resolve("lin-test.libsvm"), test.toArray(String[]::new));
        Path model = dir.resolve("lin.json");
        Result t = train("data.train=" + trainFile, "data.features=3", "model.hidden=4",
                "model.activation=tanh", "model.output=linear", "model.outputs=2", "train.optimizer=lbfgs",
                "train.epochs=15", "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Map<String, Double> m = evaluate(model, testFile.toString());
        assertEquals(60.0, m.get("examples"));
        assertTrue(m.get("r2") >= 0.95, () -> m + "\n" + t);

        Path out = dir.resolve("lin-predictions");
        Result p = run("predict", "--model", model.toString(), "--data", testFile.toString(), "--out", out.toString());
        assertEquals(0, p.code(), p::toString);
        List<String> lines = partLines(out);
        assertEquals(60, lines.size());
        for (int i = 0; i < 60; i++) {
            String[] predicted = lines.get(i).split(",");
            String[] truth = test.get(i).split(" ")[0].split(",");
            assertEquals(2, predicted.length, lines.get(i));
            for (int k = 0; k < 2; k++) {
                // in the targets' own units (they span about +-15), not standardized ones
                assertEquals(Double.parseDouble(truth[k]), Double.parseDouble(predicted[k]), 2.5,
                        "example " + i + " output " + k);
            }
        }
    }

    // ------------------------------------------------------------------------------ round trip

    private static final Pattern PRINTED = Pattern.compile("^test: loss (\\S+) accuracy (\\S+)%$", Pattern.MULTILINE);

    @Test
    void evaluateOfTheWrittenModelReproducesTheFinalTestMetricsOfTraining() {
        Path model = dir.resolve("bc-roundtrip.json");
        Path metricsFile = dir.resolve("bc-metrics.jsonl");
        String test = DATA.resolve("breast_cancer/test.libsvm").toString();
        Result t = train(data("breast_cancer", "train"), "data.test=" + test, "data.features=30",
                "model.hidden=8", "model.output=logistic", "model.outputs=1", "train.optimizer=adam",
                "train.learningRate=0.01", "train.batchSize=0", "train.epochs=5",
                "output.model=" + model, "output.metrics=" + metricsFile);
        assertEquals(0, t.code(), t::toString);

        Matcher printed = PRINTED.matcher(t.out());
        assertTrue(printed.find(), t::toString);
        double printedLoss = Double.parseDouble(printed.group(1));
        double printedAccuracy = Double.parseDouble(printed.group(2)) / 100;

        Map<String, Double> evaluated = evaluate(model, test);
        Map<String, Object> extra = loadModel(model).extra();
        assertTrue(extra.get("metrics") instanceof Map, extra::toString);
        Map<String, Double> stored = numbers(((Map<?, ?>) extra.get("metrics")).get("test"));

        assertEquals(stored.keySet(), evaluated.keySet());
        for (String k : stored.keySet()) {
            assertEquals(stored.get(k), evaluated.get(k), 1e-12 * Math.max(1, Math.abs(stored.get(k))), k);
        }
        assertEquals(printedLoss, evaluated.get("loss"), 1e-5 * Math.max(1, evaluated.get("loss")));
        assertEquals(printedAccuracy, evaluated.get("accuracy"), 5e-5);

        // the last epoch's test metrics in the metrics file are the same numbers
        List<String> epochs;
        try {
            epochs = Files.readAllLines(metricsFile);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(5, epochs.size());
        String last = epochs.get(4);
        String testJson = last.substring(last.indexOf("\"test\":") + 7, last.lastIndexOf('}'));
        Map<String, Double> lastEpoch = CliHarness.flatJson(testJson);
        for (String k : stored.keySet()) {
            assertEquals(stored.get(k), lastEpoch.get(k), 1e-12 * Math.max(1, Math.abs(stored.get(k))), k);
        }
        assertFalse(extra.get("config") == null, "the effective configuration is stored");
        assertEquals(OutputKind.LOGISTIC, loadModel(model).spec().output());
    }
}
