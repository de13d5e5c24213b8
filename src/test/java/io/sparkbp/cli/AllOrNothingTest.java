package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.model.FailingFileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run that fails after training writes no output at all: the model, metrics and report are written
 * under temporary names and renamed together, and a failure (here a full disk while the last output is
 * written, through {@link FailingFileSystem}) removes what the run wrote and keeps what was there.
 */
class AllOrNothingTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    Path data;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("AllOrNothingTest");
        sc.hadoopConfiguration().set("fs." + FailingFileSystem.SCHEME + ".impl", FailingFileSystem.class.getName());
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    @BeforeEach
    void writeData() {
        data = write(dir.resolve("in/tiny.libsvm"), "0 1:0.5 2:1", "1 1:1", "1 2:1", "0 1:1 2:1", "1 1:0.25", "0 2:0.75");
    }

    private String[] run(String report, String... extra) {
        return concat(new String[] {"data.train=" + data, "data.features=2", "model.hidden=2", "model.output=softmax",
                "model.outputs=2", "train.epochs=1", "output.model=" + dir.resolve("out/model.json"),
                "output.metrics=" + dir.resolve("out/metrics.jsonl"),
                "output.report=" + FailingFileSystem.SCHEME + ":" + dir.resolve(report)}, extra);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFullDiskAtTheLastOutputLeavesNoOutputOfTheRun() throws IOException {
        Result r = train(run("reports/full.html"));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("sparkbp: error: cannot write output.report="), r::toString);
        assertTrue(r.err().contains("No space left on device"), r::toString);
        assertEquals(List.of("in/tiny.libsvm"), files(), "no model, metrics or temporary file");
        assertTrue(!Files.exists(dir.resolve("out")) && !Files.exists(dir.resolve("reports")),
                "the directories the run created are gone");
    }

    @Test
    void aFailedReplacementKeepsThePreviousOutputs() throws IOException {
        Path model = write(dir.resolve("out/model.json"), "previous model");
        Path metrics = write(dir.resolve("out/metrics.jsonl"), "previous metrics");
        Result r = train(run("full.html", "output.overwrite=true"));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertEquals("previous model\n", Files.readString(model));
        assertEquals("previous metrics\n", Files.readString(metrics));
        assertEquals(List.of("in/tiny.libsvm", "out/metrics.jsonl", "out/model.json"), files());
    }

    @Test
    void aRenameThatFailsPutsThePreviousOutputsBack() throws IOException {
        Path model = write(dir.resolve("out/model.json"), "previous model");
        Result r = train(run("stuck.html", "output.overwrite=true"));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("none was written"), r::toString);
        assertEquals("previous model\n", Files.readString(model));
        assertEquals(List.of("in/tiny.libsvm", "out/model.json"), files());
    }

    @Test
    void aFullDiskWhileWritingACheckpointIsOneSentenceNamingItAndLeavesNoOutput() throws IOException {
        String ck = FailingFileSystem.SCHEME + ":" + dir.resolve("full-disk");
        Files.createDirectories(dir.resolve("full-disk"));
        Result r = train(run("reports/r.html", "train.checkpointDir=" + ck));
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("sparkbp: error: command line: cannot write checkpoint " + ck
                + "/checkpoint-00000001.ckpt: No space left on device; no model was written"), r::toString);
        assertEquals(List.of("in/tiny.libsvm"), files(), "no model, metrics, report, checkpoint or temporary file");
    }

    @Test
    void predictionsThatCannotBeWrittenAreOneSentenceNamingTheOutput() throws IOException {
        Result t = train(run("reports/r.html"));
        assertEquals(ExitCode.OK, t.code(), t::toString);
        Files.createDirectories(dir.resolve("full-disk"));
        String target = FailingFileSystem.SCHEME + ":" + dir.resolve("full-disk/pred");
        Result r = CliHarness.run("predict", "--model", dir.resolve("out/model.json").toString(), "--data",
                data.toString(), "--out", target);
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("sparkbp: error: cannot write predictions to " + target + ": "), r::toString);
        assertTrue(r.err().contains("No space left on device"), r::toString);
        try (Stream<Path> s = Files.list(dir.resolve("full-disk"))) {
            assertEquals(List.of(), s.toList(), "no predictions and no temporary directory");
        }
    }
}
