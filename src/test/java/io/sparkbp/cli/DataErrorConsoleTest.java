package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.spark.TaskFailureWatch;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A data error found inside a Spark task reaches the user as the one {@code sparkbp: data error:}
 * sentence and nothing else: no Spark task fails (so Spark logs no {@code Exception in task} or
 * {@code Lost task} with a stack trace), in every pass that reads data (statistics, packing, test
 * data, evaluate, predict), also when the bad line travels through a shuffle.
 */
class DataErrorConsoleTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    private TaskFailureWatch watch;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("DataErrorConsoleTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    @BeforeEach
    void watch() {
        watch = new TaskFailureWatch(sc.sc());
    }

    @AfterEach
    void unwatch() {
        watch.close();
    }

    private void assertOneSentence(Result r, String sentence) {
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertEquals(List.of("sparkbp: data error: " + sentence), r.errLines(), r::toString);
        assertEquals(List.of(), watch.failedTasks(), "no Spark task fails on a data error");
        assertEquals(List.of(), watch.logged(), "Spark logs nothing about a data error");
    }

    private String[] base(Path data, String... more) {
        String[] base = {"data.train=" + data, "data.features=2", "model.outputs=2", "model.hidden=2",
                "train.epochs=1", "output.model=" + dir.resolve("m.json")};
        return CliHarness.concat(base, more);
    }

    @Test
    void aBadLabelFoundWhileComputingStatisticsIsOneSentence() {
        Path data = write(dir.resolve("bad.libsvm"), "1 1:0.5", "x 2:1");
        assertOneSentence(train(base(data)), "file:" + data + " line 2: class label is not a number in 'x';"
                + " expected a class id 0..1 (model.outputs=2)");
    }

    @Test
    void aBadLineFoundWhilePackingIsOneSentence() {
        Path data = write(dir.resolve("bad.libsvm"), "1 1:0.5", "0 2:1", "1 3:1");
        assertOneSentence(train(base(data, "train.standardize=false")), "file:" + data + " line 3: feature index 3"
                + " is out of range in '3:1'; expected indices 1..2 (data.features=2)");
    }

    @Test
    void aBadLineInTheTestDataIsOneSentence() {
        Path data = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 2:1");
        Path test = write(dir.resolve("test.libsvm"), "1 1:0.5", "0 2:y");
        assertOneSentence(train(base(data, "data.test=" + test)), "file:" + test + " line 2: non-numeric feature"
                + " value in '2:y'; expected index:value with a decimal number as value");
    }

    @Test
    void aBadLineThatTravelsThroughAShuffleIsOneSentence() throws IOException {
        // a gzip file is one split; data.partitions=3 repartitions its examples
        Path data = dir.resolve("bad.libsvm.gz");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            text.append(i == 250 ? "2 1:1" : (i % 2) + " 1:" + i).append('\n');
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        assertOneSentence(train(base(data, "data.partitions=3")), "file:" + data + " line 250: class label 2 is out"
                + " of range in '2'; expected a class id 0..1 (model.outputs=2)");
    }

    @Test
    void evaluateAndPredictReportABadLineInOneSentence() {
        Path good = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 2:1");
        Path model = dir.resolve("m.json");
        Result t = train(base(good));
        assertEquals(0, t.code(), t::toString);
        Path bad = write(dir.resolve("eval.libsvm"), "1 1:0.5", "", "0 2:x");
        String sentence = "file:" + bad + " line 3: non-numeric feature value in '2:x';"
                + " expected index:value with a decimal number as value";
        assertOneSentence(run("evaluate", "--model", model.toString(), "--data", bad.toString()), sentence);
        assertOneSentence(run("predict", "--model", model.toString(), "--data", bad.toString(),
                "--out", dir.resolve("p").toString()), sentence);
    }
}
