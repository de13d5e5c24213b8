package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs are sacred and outputs are checked before any work ({@link RunPaths}): an output that is,
 * contains or lies inside an input or another output is refused (exit 2, both keys named), whatever
 * spelling names the path; an output that cannot be created, or a checkpoint directory that cannot
 * be used, is refused before the first epoch; {@code predict --out} with overwrite replaces only
 * earlier predictions.
 */
class RunPathsTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    Path data;
    String original;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("RunPathsTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    @BeforeEach
    void writeData() throws IOException {
        data = write(dir.resolve("in/tiny.libsvm"), "0 1:0.5 2:1", "1 1:1", "1 2:1", "0 1:1 2:1", "1 1:0.25", "0 2:0.75");
        original = Files.readString(data);
    }

    /** A valid small configuration that replaces existing outputs; {@code extra} settings override it. */
    private String[] valid(String... extra) {
        return concat(new String[] {"data.train=" + data, "data.features=2", "model.hidden=2", "model.output=softmax",
                "model.outputs=2", "train.epochs=1", "output.overwrite=true",
                "output.model=" + dir.resolve("out/model.json")}, extra);
    }

    private static void assertRefused(Result r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), () -> "one line on standard error\n" + r);
        assertTrue(err.get(0).startsWith("sparkbp: error: "), r::toString);
        for (String f : fragments) {
            assertTrue(err.get(0).contains(f), () -> "expected '" + f + "' in\n" + r);
        }
        assertFalse(r.out().contains("epoch 1/"), () -> "refused before training\n" + r);
    }

    private void assertDataIntact() throws IOException {
        assertEquals(original, Files.readString(data, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------ outputs vs inputs

    @Test
    void anOutputWhoseNameHoldsAColonIsRefusedBeforeAnyDataAreLoaded() throws IOException {
        Path model = dir.resolve("out/a:b.json");
        Result r = train(valid("output.model=" + model));
        assertRefused(r, "sparkbp: error: output.model=" + model + " has the name 'a:b.json', which holds a ':', and"
                + " a Hadoop path cannot hold a ':' in a file or directory name (it would read 'a:' as a URI scheme);"
                + " give output.model a path without ':'");
        assertFalse(r.out().contains("training data:"), () -> "nothing loaded\n" + r);
        assertFalse(r.err().contains("Relative path in absolute URI"), r::toString);
        assertRefused(train(valid("output.metrics=" + dir.resolve("m:1.jsonl"))), "output.metrics=",
                "the name 'm:1.jsonl'");
        assertRefused(train(valid("train.checkpointDir=ck:1")), "train.checkpointDir=ck:1 has the name 'ck:1'");
        Result t = train(valid());
        assertEquals(0, t.code(), t::toString);
        assertRefused(run("predict", "--model", dir.resolve("out/model.json").toString(), "--data", data.toString(),
                "--out", dir.resolve("p:1").toString()), "--out=" + dir.resolve("p:1") + " has the name 'p:1'");
        assertFalse(Files.exists(dir.resolve("p:1")));
        assertRefused(run("export", "--model", dir.resolve("out/model.json").toString(), "--format", "onnx",
                "--out", "x:y.onnx"), "--out=x:y.onnx has the name 'x:y.onnx'");
        // a scheme and an authority with a port are no names
        assertEquals(null, io.sparkbp.model.HadoopFiles.colonName("hdfs://nn:8020/d/m.json"));
        assertEquals(null, io.sparkbp.model.HadoopFiles.colonName("file:/d/m.json"));
        assertEquals("c:d", io.sparkbp.model.HadoopFiles.colonName("file:///a/c:d/m.json"));
    }

    @Test
    void theShippedDigitsConfigurationCannotWriteItsModelOverItsTrainingData() throws IOException {
        Path copy = Files.copy(DATA.resolve("digits/train.libsvm"), Files.createDirectories(dir.resolve("d"))
                .resolve("train.libsvm"));
        byte[] before = Files.readAllBytes(copy);
        Result r = run("train", "--conf", "conf/digits.properties", "train.epochs=1", "data.train=" + copy,
                "output.model=" + copy, "output.metrics=" + dir.resolve("m.jsonl"),
                "output.report=" + dir.resolve("r.html"));
        assertRefused(r, "output.model=" + copy, "data.train=" + copy, "an output never replaces");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(copy)), "the training data are unchanged");
        assertFalse(Files.exists(dir.resolve("m.jsonl")));
    }

    @Test
    void everyOutputIsCheckedAgainstEveryInput() throws IOException {
        Path test = write(dir.resolve("test.libsvm"), "0 1:1", "1 2:1");
        assertRefused(train(valid("data.test=" + test, "output.metrics=" + test)), "output.metrics=", "data.test=");
        assertRefused(train(valid("data.validation=" + test, "output.report=" + test)), "output.report=",
                "data.validation=");
        assertEquals("0 1:1\n1 2:1\n", Files.readString(test));
    }

    @Test
    void anOutputInsideADataDirectoryOrMatchedByAGlobIsRefused() throws IOException {
        Path inDir = data.getParent();
        assertRefused(train(valid("data.train=" + inDir, "output.model=" + inDir.resolve("model.json"))),
                "output.model=", "lies inside the input data.train=" + inDir);
        assertRefused(train(valid("data.train=" + inDir.resolve("*.libsvm"), "output.model=" + data)),
                "output.model=" + data, "is also data.train=");
        assertFalse(Files.exists(inDir.resolve("model.json")));
        assertDataIntact();
    }

    @Test
    void anOutputThatAGlobInputWouldMatchOnceWrittenIsRefused() throws IOException {
        Path inDir = data.getParent();
        Path future = inDir.resolve("model.libsvm");
        assertRefused(train(valid("data.train=" + inDir.resolve("*.libsvm"), "output.model=" + future)),
                "output.model=" + future + " would be matched by the input data.train=" + inDir.resolve("*.libsvm"),
                "a later run would read it as data");
        // a directory the pattern matches would be read as data too
        Path sibling = dir.resolve("in2/m.json");
        assertRefused(train(valid("data.train=" + dir.resolve("in*"), "output.metrics=" + sibling)),
                "output.metrics=" + sibling + " would be matched by the input data.train=");
        assertFalse(Files.exists(future) || Files.exists(sibling));
        Result ok = train(valid("data.train=" + inDir.resolve("*.libsvm"), "output.model=" + inDir.resolve("m.json")));
        assertEquals(ExitCode.OK, ok.code(), ok::toString);
        assertDataIntact();
    }

    @Test
    void aCheckpointDirectoryThatContainsTheDataIsRefused() throws IOException {
        Result r = train(valid("train.checkpointDir=" + dir));
        assertRefused(r, "train.checkpointDir=" + dir, "contains the input data.train=");
        assertDataIntact();
    }

    @Test
    void theInitialModelIsAnInput() throws IOException {
        Path model = dir.resolve("out/model.json");
        assertEquals(0, train(valid()).code());
        String saved = Files.readString(model);
        assertRefused(train(valid("train.initModel=" + model)), "output.model=", "train.initModel=");
        assertEquals(saved, Files.readString(model));
    }

    @Test
    void theConfigurationFileIsAnInput() throws IOException {
        Path conf = write(dir.resolve("run.properties"), "train.epochs=1");
        String text = Files.readString(conf);
        assertRefused(run(concat(new String[] {"train", "--conf", conf.toString()}, valid("output.report=" + conf))),
                "output.report=", "--conf");
        assertEquals(text, Files.readString(conf));
    }

    @Test
    void aPathIsTheSameWhateverItsSpelling() throws IOException {
        Path out = dir.resolve("out");
        Result dot = train(valid("output.metrics=" + out + "/./model.json"));
        assertRefused(dot, "output.metrics=" + out + "/./model.json", "is also output.model=");
        Result uri = train(valid("output.metrics=" + out.resolve("model.json").toUri()));
        assertRefused(uri, "is also output.model=");
        Result dotdot = train(valid("output.model=" + dir.resolve("in/../in/tiny.libsvm")));
        assertRefused(dotdot, "is also data.train=");
        assertDataIntact();
    }

    @Test
    void aSymbolicLinkToTheDataIsTheData() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.libsvm"), data);
        assertRefused(train(valid("output.model=" + link)), "output.model=" + link, "data.train=");
        assertDataIntact();
    }

    @Test
    void evaluateNeverWritesItsReportOverItsInputs() throws IOException {
        Path model = dir.resolve("out/model.json");
        assertEquals(0, train(valid()).code());
        String saved = Files.readString(model);
        assertRefused(run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "output.report=" + data, "output.overwrite=true"), "output.report=" + data, "--data=");
        assertRefused(run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "output.report=" + model, "output.overwrite=true"), "output.report=" + model, "--model=");
        assertDataIntact();
        assertEquals(saved, Files.readString(model));
    }

    @Test
    void exportNeverWritesOverItsModel() throws IOException {
        Path model = dir.resolve("out/model.json");
        assertEquals(0, train(valid()).code());
        String saved = Files.readString(model);
        assertRefused(run("export", "--model", model.toString(), "--format", "onnx", "--out", model.toString(),
                "output.overwrite=true"), "--out=" + model, "--model=");
        assertEquals(saved, Files.readString(model));
    }

    // ------------------------------------------------------------------------------ predict --out

    @Test
    void predictNeverDeletesItsInputs() throws IOException {
        Path model = dir.resolve("out/model.json");
        assertEquals(0, train(valid()).code());
        String saved = Files.readString(model);
        for (Path out : List.of(data.getParent(), data, model, model.getParent(), dir)) {
            Result r = run("predict", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                    "output.overwrite=true");
            assertRefused(r, "--out=" + out);
        }
        assertDataIntact();
        assertEquals(saved, Files.readString(model));
    }

    @Test
    void predictReplacesOnlyEarlierPredictions() throws IOException {
        Path model = dir.resolve("out/model.json");
        assertEquals(0, train(valid()).code());
        Path out = dir.resolve("predictions");
        String[] predict = {"predict", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                "output.overwrite=true"};
        Result first = run(predict);
        assertEquals(0, first.code(), first::toString);
        assertTrue(Files.exists(out.resolve(RunPaths.PREDICTIONS_MARKER)));
        Result again = run(predict);
        assertEquals(0, again.code(), again::toString);
        assertEquals(6, CliHarness.partLines(out).size());

        Path mine = Files.createDirectories(dir.resolve("mine"));
        Path keep = write(mine.resolve("notes.txt"), "keep me");
        Result r = run("predict", "--model", model.toString(), "--data", data.toString(), "--out", mine.toString(),
                "output.overwrite=true");
        assertRefused(r, "--out=" + mine, "was not written by sparkbp predict", RunPaths.PREDICTIONS_MARKER);
        assertEquals("keep me\n", Files.readString(keep));
    }

    // ------------------------------------------------------------------------------ writable before training

    @Test
    void anOutputThatCannotBeCreatedIsRefusedBeforeTrainingAndNothingIsWritten() {
        Path file = write(dir.resolve("plain.txt"), "a file");
        Path metrics = dir.resolve("out/metrics.jsonl");
        Result r = train(valid("output.metrics=" + metrics, "output.model=" + file.resolve("model.json")));
        assertRefused(r, "output.model=" + file.resolve("model.json"), file + " is a file");
        assertFalse(Files.exists(metrics));
    }

    @Test
    void anUnusableCheckpointDirectoryIsAUsageErrorBeforeTheFirstEpoch() {
        Path file = write(dir.resolve("plain.txt"), "a file");
        assertRefused(train(valid("train.checkpointDir=" + file.resolve("ckpt"))),
                "train.checkpointDir=" + file.resolve("ckpt"), file + " is a file");
        assertRefused(train(valid("train.checkpointDir=" + file)), "train.checkpointDir=" + file,
                "not a directory");
    }

    @Test
    void distinctOutputsInFreshDirectoriesAreAccepted() {
        Result r = train(valid("output.metrics=" + dir.resolve("a/b/metrics.jsonl"),
                "train.checkpointDir=" + dir.resolve("ckpt/run1")));
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.exists(dir.resolve("a/b/metrics.jsonl")));
    }
}
