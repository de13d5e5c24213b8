package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static io.sparkbp.cli.CliHarness.writeRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input line stops {@code train} before anything is written, with exit code 3 and
 * one message naming the file, the 1-based line and what was wrong; {@code data.onBadRecord=skip}
 * skips and counts such lines instead.
 */
class BadRecordTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("BadRecordTest");
        CliHarness.quietTaskFailures(true);
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.quietTaskFailures(false);
        CliHarness.stopSpark(sc);
    }

    static final String[] SOFTMAX3 = {"model.output=softmax", "model.outputs=3"};
    static final String[] BINARY = {"model.output=logistic", "model.outputs=1"};
    static final String[] REGRESSION2 = {"model.output=linear", "model.outputs=2"};

    /** name, file lines, output settings, bad line number, expected message text after "line N: ". */
    static Stream<Arguments> badLibsvmLines() {
        return Stream.of(
                Arguments.of("a feature without ':'",
                        List.of("1 1:0.5 2:1", "0 3:1", "2 1:0.5 2", "1 4:2"), SOFTMAX3, 3,
                        "feature is missing ':' in '2'"),
                Arguments.of("feature index 0",
                        List.of("1 1:0.5", "2 0:1.5 2:1", "0 3:1"), SOFTMAX3, 2,
                        "feature index 0 is out of range in '0:1.5'; expected indices 1..4 (data.features=4)"),
                Arguments.of("feature index above data.features",
                        List.of("1 1:0.5", "0 3:1", "# a comment", "2 2:1 5:1"), SOFTMAX3, 4,
                        "feature index 5 is out of range in '5:1'; expected indices 1..4 (data.features=4)"),
                Arguments.of("class label K",
                        List.of("1 1:0.5", "", "3 1:1", "0 3:1"), SOFTMAX3, 3,
                        "class label 3 is out of range in '3'; expected a class id 0..2 (model.outputs=3)"),
                Arguments.of("negative class label",
                        List.of("-1 1:0.5", "0 3:1"), SOFTMAX3, 1,
                        "class label -1 is out of range in '-1'"),
                Arguments.of("binary label 2",
                        List.of("1 1:0.5", "0 3:1", "1 2:1", "2 1:1"), BINARY, 4,
                        "binary label is not 0 or 1 in '2'; expected 0 or 1 (binary logistic output, model.outputs=1)"),
                Arguments.of("binary label -1",
                        List.of("1 1:0.5", "-1 3:1"), BINARY, 2,
                        "binary label is not 0 or 1 in '-1'"),
                Arguments.of("NaN feature value",
                        List.of("1 1:0.5", "0 3:1", "1 2:NaN"), BINARY, 3,
                        "feature value is not finite in '2:NaN'"),
                Arguments.of("infinite feature value",
                        List.of("1 1:0.5", "0 3:inf"), BINARY, 2,
                        "feature value is not finite in '3:inf'"),
                Arguments.of("NaN target",
                        List.of("1,2 1:0.5", "nan,1 3:1"), REGRESSION2, 2,
                        "target value 'nan' is not finite"),
                Arguments.of("too few targets",
                        List.of("1,2 1:0.5", "0.5,1 3:1", "1.5 2:1"), REGRESSION2, 3,
                        "wrong number of target values: got 1 in '1.5'; expected 2 comma-separated finite target values (model.outputs=2)"),
                Arguments.of("too many targets",
                        List.of("1,2,3 1:0.5"), REGRESSION2, 1,
                        "wrong number of target values: got 3 in '1,2,3'"));
    }

    private Path model() {
        return dir.resolve("out/model.json");
    }

    private Path metrics() {
        return dir.resolve("out/metrics.jsonl");
    }

    private String[] base(Path data) {
        return new String[] {"data.train=" + data, "data.features=4", "model.hidden=2", "train.epochs=1",
                "output.model=" + model(), "output.metrics=" + metrics()};
    }

    private void assertDataError(Result r, String file, long line, String message) {
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r::toString);
        String expected = file + " line " + line + ": " + message;
        assertTrue(err.get(0).startsWith("sparkbp: data error: "), r::toString);
        assertTrue(err.get(0).contains(expected), () -> "expected '" + expected + "' in\n" + r);
        assertNothingWritten();
    }

    private void assertNothingWritten() {
        assertFalse(Files.exists(model()), "no model is written on a data error");
        assertFalse(Files.exists(metrics()), "no metrics file is written on a data error");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLibsvmLines")
    void aBadLibsvmLineStopsTrainingWithItsFileLineAndProblem(String name, List<String> lines, String[] output,
                                                              int line, String message) {
        Path data = write(dir.resolve("bad.libsvm"), lines.toArray(String[]::new));
        Result r = train(concat(base(data), output));
        assertDataError(r, "bad.libsvm", line, message);
    }

    @Test
    void aFileWithOnlyBlankAndCommentLinesIsAnEmptyDataSet() {
        Path data = write(dir.resolve("empty.libsvm"), "# nothing here", "", "   ", "\t", "# still nothing");
        Result r = train(concat(base(data), SOFTMAX3));
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("data.train holds no examples"), r::toString);
        assertTrue(r.err().contains("empty.libsvm"), r::toString);
        assertNothingWritten();
    }

    @Test
    void aCsvHeaderWithoutTheConfiguredLabelColumnIsADataErrorAtLineOne() {
        Path data = write(dir.resolve("nolabel.csv"), "a,b,c,d,e", "1,0,1,0,1", "0,1,0,1,0");
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.format=csv", "data.labelColumns=label"}));
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("nolabel.csv line 1: label column 'label' is not in the header"), r::toString);
        assertNothingWritten();
    }

    @Test
    void aCsvRowWithANonNumericValueNamesItsColumnAndLine() {
        Path data = write(dir.resolve("bad.csv"), "label,a,b,c,d", "1,0,1,0,1", "0,1,0,1,0", "2,1,x,1,0", "1,1,1,1,1");
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.format=csv"}));
        assertDataError(r, "bad.csv", 4, "non-numeric value in column 'b' in 'x'");
    }

    @Test
    void aBadLineInTheTestDataNamesTheTestFile() {
        Path good = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 3:1", "2 2:1");
        Path bad = write(dir.resolve("badtest.libsvm"), "1 1:0.5", "0 3:1", "7 2:1");
        Result r = train(concat(base(good), SOFTMAX3, new String[] {"data.test=" + bad}));
        assertDataError(r, "badtest.libsvm", 3, "class label 7 is out of range");
    }

    @Test
    void skippingBadRecordsReportsTheirCountAndStillTrains() {
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            lines.add((n % 3) + " " + (1 + n % 4) + ":" + (0.5 + n));
            if (n == 4) {
                lines.add("9 1:1");          // label out of range
            } else if (n == 9) {
                lines.add("1 1:0.5 2");      // malformed
            } else if (n == 15) {
                lines.add("0 6:1");          // index out of range
            }
        }
        Path data = write(dir.resolve("some-bad.libsvm"), lines.toArray(String[]::new));
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.onBadRecord=skip"}));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("training data: 20 examples"), r::toString);
        assertTrue(r.out().contains("3 bad lines skipped"), r::toString);
        assertTrue(Files.exists(model()), r::toString);
        assertTrue(Files.exists(metrics()), r::toString);
    }

    /** {@code count} good softmax lines with line {@code bad} (1-based) replaced by a bad one. */
    private static String bigFile(int count, int bad, String newline) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= count; n++) {
            if (n == bad) {
                sb.append("1 2:0.25 4:").append(newline);
            } else {
                sb.append(String.format(Locale.ROOT, "%d 1:%.3f 2:%.3f 3:%.3f 4:%.3f", n % 3, n * 0.001, 1.0 / n,
                        (n % 7) * 0.5, (n % 11) * 0.25)).append(newline);
            }
        }
        return sb.toString();
    }

    @Test
    void aBadLineNearTheEndOfAFileSplitIntoThreePartitionsReportsItsLineInTheWholeFile() {
        Path data = writeRaw(dir.resolve("big.libsvm"), bigFile(3000, 2950, "\n"));
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.partitions=3"}));
        assertDataError(r, "big.libsvm", 2950, "missing feature value in '4:'");
    }

    @Test
    void aBadLineInAWindowsCrLfFileReportsTheRightLine() {
        Path data = writeRaw(dir.resolve("crlf.libsvm"), String.join("\r\n",
                "1 1:0.5", "0 3:1", "", "# comment", "2 2:1 5:1", "1 4:2") + "\r\n");
        Result r = train(concat(base(data), SOFTMAX3));
        assertDataError(r, "crlf.libsvm", 5, "feature index 5 is out of range in '5:1'");
    }

    @Test
    void aBadLineNearTheEndOfABigCrLfFileInThreePartitionsReportsTheRightLine() {
        Path data = writeRaw(dir.resolve("bigcrlf.libsvm"), bigFile(3000, 2990, "\r\n"));
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.partitions=3"}));
        assertDataError(r, "bigcrlf.libsvm", 2990, "missing feature value in '4:'");
    }

    @Test
    void aBadLineInAGzipCompressedFileReportsItsLineInTheDecompressedText() throws java.io.IOException {
        Path data = dir.resolve("big.libsvm.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(data))) {
            out.write(bigFile(1200, 1100, "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Result r = train(concat(base(data), SOFTMAX3, new String[] {"data.partitions=3"}));
        assertDataError(r, "big.libsvm.gz", 1100, "missing feature value in '4:'");
    }

    @Test
    void evaluateAndPredictReportBadLinesTheSameWay() {
        Path good = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 3:1", "2 2:1");
        Path modelFile = dir.resolve("m.json");
        Result t = train("data.train=" + good, "data.features=4", "model.hidden=2", "train.epochs=1",
                "model.output=softmax", "model.outputs=3", "output.model=" + modelFile);
        assertEquals(0, t.code(), t::toString);
        Path bad = write(dir.resolve("eval.libsvm"), "1 1:0.5", "0 3:1", "", "1 2:x");

        Result e = run("evaluate", "--model", modelFile.toString(), "--data", bad.toString());
        assertEquals(ExitCode.DATA, e.code(), e::toString);
        assertTrue(e.err().contains("eval.libsvm line 4: non-numeric feature value in '2:x'"), e::toString);

        Path out = dir.resolve("predictions");
        Result p = run("predict", "--model", modelFile.toString(), "--data", bad.toString(), "--out", out.toString());
        assertEquals(ExitCode.DATA, p.code(), p::toString);
        assertTrue(p.err().contains("eval.libsvm line 4: non-numeric feature value in '2:x'"), p::toString);
        assertFalse(Files.exists(out), "no partial predictions are left behind");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(f -> f.contains("predictions"))
                    .toList(), "nor a temporary directory");
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
