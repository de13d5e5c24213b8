package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.model.Model;
import io.sparkbp.model.Predictor;
import io.sparkbp.report.Figures;
import io.sparkbp.report.Xhtml;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.numbers;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code output.report} through the command line: train writes a report whose numbers are those of
 * the run (checked against the metrics file and the model), evaluate writes the confusion matrix,
 * and an existing or unwritable report path is refused before any work.
 */
class ReportCommandTest {
    static JavaSparkContext sc;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path digitsModel;
    static Path digitsReport;
    static Path digitsMetrics;
    static Result digitsRun;

    @BeforeAll
    static void trainDigits() {
        sc = CliHarness.startSpark("ReportCommandTest");
        digitsModel = shared.resolve("digits.json");
        digitsReport = shared.resolve("reports/digits.html");
        digitsMetrics = shared.resolve("digits-metrics.jsonl");
        digitsRun = train(digits("data.validationFraction=0.2", "train.earlyStopping.patience=2", "train.epochs=6",
                "output.model=" + digitsModel, "output.metrics=" + digitsMetrics, "output.report=" + digitsReport));
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static String[] digits(String... extra) {
        return concat(new String[] {"data.train=" + DATA.resolve("digits/train.libsvm"),
                "data.test=" + DATA.resolve("digits/test.libsvm"), "data.features=64", "model.hidden=16",
                "model.outputs=10", "train.optimizer=adam", "train.learningRate=0.02", "train.batchSize=256",
                "train.seed=5"}, extra);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static double parse(String shown) {
        return shown.endsWith("%") ? Double.parseDouble(shown.replace("%", "")) / 100
                : Double.parseDouble(shown.replace(",", ""));
    }

    // ------------------------------------------------------------------------------ train

    @Test
    void trainWritesAReportWhoseNumbersAreThoseOfTheRun() {
        assertEquals(0, digitsRun.code(), digitsRun::toString);
        assertTrue(digitsRun.out().contains("report written to " + digitsReport), digitsRun::toString);
        Xhtml x = Xhtml.parse(read(digitsReport));
        x.assertLoadsNothing();

        // one row per line of the metrics file, with the same numbers
        List<String> lines = read(digitsMetrics).lines().toList();
        List<List<String>> rows = x.rows("epoch-table");
        assertEquals(lines.size(), rows.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Double> m = CliHarness.flatJson(lines.get(i).replaceAll("\"(validation|test)\":\\{[^}]*},?", ""));
            assertEquals(String.valueOf(i + 1), rows.get(i).get(0));
            assertEquals(Figures.number(m.get("trainLoss")), rows.get(i).get(1), "training loss of epoch " + (i + 1));
        }
        assertEquals(lines.size(), x.all("//*[@id='chart-loss']/svg/circle[contains(@class,'s-train')][title]").size());

        // the final test metrics are the model's
        Model model = loadModel(digitsModel);
        @SuppressWarnings("unchecked")
        Map<String, Double> test = numbers(((Map<String, Object>) model.extra().get("metrics")).get("test"));
        List<String> testRow = x.rows("final-metrics-table").stream().filter(r -> r.get(0).startsWith("test")).findFirst()
                .orElseThrow();
        assertTrue(testRow.contains(Figures.percent(test.get("accuracy"))), testRow.toString());
        assertTrue(testRow.contains(Figures.number(test.get("loss"))), testRow.toString());

        // the saved epoch is the one highlighted
        @SuppressWarnings("unchecked")
        int best = ((Number) ((Map<String, Object>) model.extra().get("training")).get("bestEpoch")).intValue();
        Element highlighted = x.one("//*[@id='epoch-table']/tbody/tr[@class='best']");
        assertEquals(String.valueOf(best), highlighted.getElementsByTagName("td").item(0).getTextContent());

        // data: the held-out validation lines and the training lines are all of train.libsvm
        List<List<String>> data = x.rows("data-table");
        assertEquals(List.of("training", "validation", "test"), data.stream().map(r -> r.get(0)).toList());
        assertEquals(1438, parse(data.get(0).get(2)) + parse(data.get(1).get(2)));
        assertEquals(359, parse(data.get(2).get(2)));

        // settings, with where they came from
        List<String> reportRow = x.rows("config-table").stream().filter(r -> r.get(0).equals("output.report"))
                .findFirst().orElseThrow();
        assertEquals(List.of("output.report", digitsReport.toString(), "command line"), reportRow);
        assertTrue(x.byId("run-table").getTextContent().contains("Spark" + sc.version()), "Spark version shown");
    }

    @Test
    void anExistingReportIsRefusedBeforeTrainingAndLeftAlone() throws IOException {
        Path report = write(dir.resolve("old.html"), "precious");
        FileTime before = Files.getLastModifiedTime(report);
        Path model = dir.resolve("m.json");
        Result r = train(digits("train.epochs=1", "output.model=" + model, "output.report=" + report));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("output.report=" + report + " already exists"), r::toString);
        assertFalse(r.out().contains("epoch 1/1"), "refused before training");
        assertFalse(Files.exists(model));
        assertEquals("precious\n", read(report));
        assertEquals(before, Files.getLastModifiedTime(report));

        Result again = train(digits("train.epochs=1", "output.model=" + model, "output.report=" + report,
                "output.overwrite=true"));
        assertEquals(0, again.code(), again::toString);
        Xhtml.parse(read(report));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary file left");
        }
    }

    @Test
    void aReportPathThatIsADirectoryIsRefusedBeforeTraining() throws IOException {
        Path d = Files.createDirectories(dir.resolve("adir"));
        Result r = train(digits("train.epochs=1", "output.report=" + d, "output.overwrite=true"));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("output.report=" + d + " cannot be written") && r.err().contains("directory"),
                r::toString);
        assertFalse(r.out().contains("epoch 1/1"), r::toString);
    }

    @Test
    void theReportCannotShareThePathOfTheModel() {
        Path same = dir.resolve("same");
        Result r = train(digits("train.epochs=1", "output.model=" + same, "output.report=" + same));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("output.report=" + same + " is also output.model"), r::toString);
        assertFalse(Files.exists(same));
    }

    // ------------------------------------------------------------------------------ evaluate

    @Test
    void evaluateWritesTheConfusionMatrixOfDigits() throws IOException {
        assertEquals(0, digitsRun.code(), digitsRun::toString);
        Path report = dir.resolve("eval.html");
        String testData = DATA.resolve("digits/test.libsvm").toString();
        Result e = run("evaluate", "--model", digitsModel.toString(), "--data", testData, "output.report=" + report);
        assertEquals(0, e.code(), e::toString);
        Map<String, Double> json = e.lastJson(); // still the last line
        assertTrue(e.out().contains("report written to " + report), e::toString);
        double[][] m = matrix(Xhtml.parse(read(report)), 10);

        double total = 0;
        double trace = 0;
        int[] perClass = new int[10];
        for (String line : Files.readAllLines(Path.of(testData))) {
            perClass[Integer.parseInt(line.substring(0, line.indexOf(' ')))]++;
        }
        for (int a = 0; a < 10; a++) {
            double row = 0;
            for (int p = 0; p < 10; p++) {
                row += m[a][p];
            }
            assertEquals(perClass[a], row, "row " + a + " holds the examples of class " + a);
            total += row;
            trace += m[a][a];
        }
        assertEquals(359, total);
        assertEquals(json.get("examples"), total);
        assertEquals(json.get("accuracy"), trace / total, 1e-12, "the diagonal is the accuracy");
        assertTrue(trace < total, "a 6-epoch model makes some mistakes, so off-diagonal cells are exercised");

        // the aggregation over 3 partitions gives the same matrix
        Path report3 = dir.resolve("eval3.html");
        Result e3 = run("evaluate", "--model", digitsModel.toString(), "--data", testData, "data.partitions=3",
                "output.report=" + report3);
        assertEquals(0, e3.code(), e3::toString);
        assertArrayEquals(m, matrix(Xhtml.parse(read(report3)), 10));
    }

    @Test
    void evaluateRefusesAnExistingReportBeforeEvaluating() {
        assertEquals(0, digitsRun.code(), digitsRun::toString);
        Path report = write(dir.resolve("eval.html"), "old");
        Result e = run("evaluate", "--model", digitsModel.toString(), "--data",
                DATA.resolve("digits/test.libsvm").toString(), "output.report=" + report);
        assertEquals(ExitCode.USAGE, e.code(), e::toString);
        assertTrue(e.err().contains("output.report=" + report + " already exists"), e::toString);
        assertFalse(e.out().contains("accuracy"), "no evaluation ran");
        assertEquals("old\n", read(report));
    }

    @Test
    void evaluateReportsABinaryModelAsATwoByTwoMatrix() throws IOException {
        Path model = dir.resolve("bc.json");
        String data = DATA.resolve("breast_cancer/test.libsvm").toString();
        Result t = train("data.train=" + DATA.resolve("breast_cancer/train.libsvm"), "data.features=30",
                "model.hidden=4", "model.output=logistic", "model.outputs=1", "train.epochs=2", "train.batchSize=128",
                "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Path report = dir.resolve("bc.html");
        Result e = run("evaluate", "--model", model.toString(), "--data", data, "output.report=" + report);
        assertEquals(0, e.code(), e::toString);
        double[][] m = matrix(Xhtml.parse(read(report)), 2);

        // the same counts from the model file alone, without Spark
        double[][] expected = new double[2][2];
        Predictor predictor = new Predictor(loadModel(model));
        for (String line : Files.readAllLines(Path.of(data))) {
            int actual = Integer.parseInt(line.substring(0, line.indexOf(' ')));
            int predicted = predictor.predict(features(line, 30))[0] >= 0.5 ? 1 : 0;
            expected[actual][predicted]++;
        }
        assertArrayEquals(expected, m);
        assertEquals(e.lastJson().get("accuracy"), (m[0][0] + m[1][1]) / 114, 1e-12);
    }

    @Test
    void evaluateReportsMultiLabelCountsPerLabel() throws IOException {
        Path model = dir.resolve("ml.json");
        String data = DATA.resolve("digits_multilabel/test.libsvm").toString();
        Result t = train("data.train=" + DATA.resolve("digits_multilabel/train.libsvm"), "data.features=64",
                "model.hidden=8", "model.output=logistic", "model.outputs=3", "train.epochs=2", "train.batchSize=256",
                "output.model=" + model);
        assertEquals(0, t.code(), t::toString);
        Path report = dir.resolve("ml.html");
        Result e = run("evaluate", "--model", model.toString(), "--data", data, "output.report=" + report);
        assertEquals(0, e.code(), e::toString);
        Xhtml x = Xhtml.parse(read(report));
        assertTrue(x.all("//*[@id='confusion-matrix']").isEmpty());
        List<List<String>> rows = x.rows("per-label-table");

        Predictor predictor = new Predictor(loadModel(model));
        double[][] expected = new double[3][4]; // TP, FP, FN, TN
        for (String line : Files.readAllLines(Path.of(data))) {
            String label = line.substring(0, line.indexOf(' '));
            double[] y = predictor.predict(features(line, 64));
            for (int k = 0; k < 3; k++) {
                boolean actual = !label.isEmpty() && List.of(label.split(",")).contains(String.valueOf(k));
                boolean predicted = y[k] >= 0.5;
                expected[k][actual ? (predicted ? 0 : 2) : (predicted ? 1 : 3)]++;
            }
        }
        for (int k = 0; k < 3; k++) {
            List<String> row = rows.get(k);
            assertEquals(String.valueOf(k), row.get(0));
            double[] shown = {parse(row.get(3)), parse(row.get(4)), parse(row.get(5)), parse(row.get(6))};
            assertArrayEquals(expected[k], shown, "label " + k + ": TP, FP, FN, TN");
        }
    }

    @Test
    void evaluateHelpNamesTheReportKey() {
        Result r = run("evaluate", "--help");
        assertTrue(r.out().contains("output.report"), r::toString);
    }

    /** The counts of the confusion-matrix table, {@code [actual][predicted]}. */
    private static double[][] matrix(Xhtml x, int k) {
        double[][] m = new double[k][k];
        List<Element> cells = x.all("//*[@id='confusion-matrix']//td[@data-actual]");
        assertEquals(k * k, cells.size());
        for (Element c : cells) {
            m[Integer.parseInt(c.getAttribute("data-actual"))][Integer.parseInt(c.getAttribute("data-predicted"))] =
                    parse(c.getTextContent());
        }
        return m;
    }

    /** The dense features of one LIBSVM line. */
    private static double[] features(String line, int n) {
        double[] x = new double[n];
        String[] tokens = line.strip().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            int colon = tokens[i].indexOf(':');
            if (colon > 0) {
                x[Integer.parseInt(tokens[i].substring(0, colon)) - 1] = Double.parseDouble(tokens[i].substring(colon + 1));
            }
        }
        return x;
    }
}
