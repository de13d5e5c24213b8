package io.sparkbp.cli;

import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Command-line and configuration errors end with exit code 2 and one line on standard error that
 * names the key (and, for a setting from a file, the file and line); help exits 0; a diverging run
 * exits 4 without writing a model.
 */
class CommandLineTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    Path data;
    Path model;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("CommandLineTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    @BeforeEach
    void writeData() {
        data = write(dir.resolve("tiny.libsvm"), "0 1:0.5 2:1", "1 1:1", "1 2:1", "0 1:1 2:1", "1 1:0.25", "0 2:0.75");
        model = dir.resolve("model.json");
    }

    /** A valid small configuration; {@code extra} settings come last and override it. */
    private String[] valid(String... extra) {
        return concat(new String[] {"data.train=" + data, "data.features=2", "model.hidden=2",
                "model.output=softmax", "model.outputs=2", "train.epochs=1", "output.model=" + model}, extra);
    }

    private static void assertUsageError(Result r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), () -> "one line on standard error\n" + r);
        assertTrue(err.get(0).startsWith("sparkbp: error: "), r::toString);
        for (String f : fragments) {
            assertTrue(err.get(0).contains(f), () -> "expected '" + f + "' in\n" + r);
        }
    }

    @Test
    void theValidBaseConfigurationTrains() {
        Result r = train(valid());
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.exists(model));
        assertEquals("", r.err(), "nothing on standard error");
    }

    // ------------------------------------------------------------------------------ keys and values

    @Test
    void anUnknownKeySuggestsTheClosestKnownKey() {
        Result r = train(valid("train.lerningRate=0.1"));
        assertUsageError(r, "unknown key 'train.lerningRate'", "did you mean 'train.learningRate'?");
        assertFalse(Files.exists(model));
    }

    @Test
    void anUnknownKeyFarFromEveryKnownKeyPointsToHelp() {
        Result r = train(valid("completely.different=1"));
        assertUsageError(r, "unknown key 'completely.different'", "--help");
    }

    /** Bad settings (space-separated when several) and the key the message must name. */
    static Stream<Arguments> badValues() {
        String[][] cases = {
                {"train.learningRate=-1", "train.learningRate"},
                {"train.learningRate=0", "train.learningRate"},
                {"train.learningRate=NaN", "train.learningRate"},
                {"model.output=foo", "model.output"},
                {"model.activation=swish", "model.activation"},
                {"train.batchSize=abc", "train.batchSize"},
                {"train.batchSize=-5", "train.batchSize"},
                {"train.epochs=0", "train.epochs"},
                {"train.momentum=1", "train.momentum"},
                {"train.l2=-0.1", "train.l2"},
                {"train.seed=one", "train.seed"},
                {"train.standardize=yes", "train.standardize"},
                {"train.schedule=cosine", "train.schedule"},
                {"train.aggregationDepth=0", "train.aggregationDepth"},
                {"model.hidden=8,-2", "model.hidden"},
                {"model.outputs=two", "model.outputs"},
                {"data.features=0", "data.features"},
                {"data.format=parquet", "data.format"},
                {"data.layout=diagonal", "data.layout"},
                {"data.onBadRecord=ignore", "data.onBadRecord"},
                {"data.partitions=-1", "data.partitions"},
                {"data.blockRows=0", "data.blockRows"},
                {"data.storageLevel=IN_THE_CLOUD", "data.storageLevel"},
                {"data.validationFraction=1", "data.validationFraction"},
                {"output.overwrite=maybe", "output.overwrite"},
                {"train.optimizer=lbfgs train.batchSize=32", "train.batchSize"},
                {"model.outputs=1", "model.outputs"},
                {"train.earlyStopping.minDelta=-1", "train.earlyStopping.minDelta"},
                {"train.earlyStopping.minSteps=-1", "train.earlyStopping.minSteps"},
                {"train.classWeight=heavy", "train.classWeight"},
                {"train.learningRate=fast", "train.learningRate"},
                {"train.localSteps=some", "train.localSteps"},
                {"data.validationFraction=most", "data.validationFraction"},
                {"train.localSteps=0", "train.localSteps"},
                {"train.optimizer=rmsprop", "train.optimizer"},
                {"train.precision=float16", "train.precision"},
                {"train.batchSize=0 train.localSteps=2", "train.localSteps"},
                {"train.optimizer=sgd train.momentum=0 train.nesterov=true", "train.nesterov"},
        };
        return Stream.of(cases).map(c -> Arguments.of(c[0], c[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueOnTheCommandLineIsAUsageErrorNamingItsKey(String settings, String key) {
        Result r = train(valid(settings.split(" ")));
        assertUsageError(r, key);
        assertFalse(Files.exists(model));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueInAConfigurationFileIsAUsageErrorNamingTheFileLineAndKey(String settings, String key) {
        List<String> lines = new ArrayList<>();
        lines.add("# generated by " + getClass().getSimpleName());
        lines.addAll(List.of(valid()));
        lines.addAll(List.of(settings.split(" ")));
        Path conf = write(dir.resolve("bad.properties"), lines.toArray(String[]::new));
        Result r = run("train", "--conf", conf.toString());
        // the named key is the last line of the file
        assertUsageError(r, key, "bad.properties:" + lines.size());
        assertFalse(Files.exists(model));
    }

    @Test
    void aCheckpointFromBeforeAKeyExistedComparesAsThatKeysDefault() {
        List<String> saved = io.sparkbp.spark.RunCheckpoints.withDefaultsOfNewerKeys(
                List.of("train.learningRate=0.5", "network=x"), TrainCommand.fingerprintedDefaults());
        assertTrue(saved.contains("train.learningRate=0.5") && saved.contains("network=x"), saved::toString);
        assertTrue(saved.contains("train.precision=float64"), saved::toString);
        assertFalse(saved.contains("train.learningRate=0.01"), "a recorded key keeps its recorded value");
        assertFalse(saved.stream().anyMatch(i -> i.startsWith("train.epochs=")), "train.epochs is not fingerprinted");
    }

    @Test
    void lbfgsWithAMiniBatchIsAUsageErrorNamingTheBatchSize() {
        Result r = train(valid("train.optimizer=lbfgs", "train.batchSize=32"));
        assertUsageError(r, "train.batchSize=32", "lbfgs");
    }

    @Test
    void softmaxWithOneOutputIsAUsageErrorSuggestingLogistic() {
        Result r = train(valid("model.outputs=1"));
        assertUsageError(r, "model.outputs", "softmax", "logistic with 1 output");
    }

    @Test
    void aMissingRequiredKeyIsAUsageError() {
        Result r = train("data.train=" + data, "data.features=2", "model.hidden=2");
        assertUsageError(r, "model.outputs is required");
    }

    @Test
    void anInitialModelOfAnotherShapeIsAUsageError() {
        assertEquals(0, train(valid()).code());
        Result r = train(valid("model.hidden=3", "train.initModel=" + model, "output.model=" + dir.resolve("b.json")));
        assertUsageError(r, "train.initModel");
        assertFalse(Files.exists(dir.resolve("b.json")));
    }

    // ------------------------------------------------------------------------------ configuration files

    @Test
    void aBadValueInTheConfigurationFileIsReportedWithTheFileAndLine() {
        Path conf = write(dir.resolve("run.properties"),
                "# a run",
                "data.train=" + data,
                "data.features=2",
                "",
                "model.outputs=2",
                "train.learningRate=-1",
                "output.model=" + model);
        Result r = run("train", "--conf", conf.toString());
        assertUsageError(r, "run.properties:6", "train.learningRate=-1");

        // a command-line override replaces the bad value
        Result fixed = run("train", "--conf", conf.toString(), "train.learningRate=0.1", "train.epochs=1");
        assertEquals(0, fixed.code(), fixed::toString);
        assertTrue(Files.exists(model));
    }

    @Test
    void anUnknownKeyInTheConfigurationFileIsReportedWithTheFileAndLine() {
        Path conf = write(dir.resolve("typo.properties"), "data.train=" + data, "# ok", "modle.outputs=2");
        Result r = run("train", "--conf", conf.toString());
        assertUsageError(r, "typo.properties:3", "unknown key 'modle.outputs'", "did you mean 'model.outputs'?");
    }

    @Test
    void aLineWithoutASeparatorInTheConfigurationFileIsReportedWithTheFileAndLine() {
        Path conf = write(dir.resolve("broken.properties"), "data.features=2", "just some words");
        Result r = run("train", "--conf", conf.toString());
        assertUsageError(r, "broken.properties:2", "expected key=value");
    }

    @Test
    void aMissingConfigurationFileIsAUsageError() {
        Result r = run("train", "--conf", dir.resolve("nope.properties").toString());
        assertUsageError(r, "nope.properties", "does not exist");
    }

    @Test
    void theSampleConfigurationFilesUseOnlyKnownKeys() throws IOException {
        try (var files = Files.list(Path.of("conf"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                if (f.getFileName().toString().startsWith("log4j")) {
                    continue;
                }
                Config c = new Config();
                c.loadFile(f); // throws a UsageException for an unknown key
                assertTrue(c.isSet(Schema.DATA_TRAIN.key()), f::toString);
                assertTrue(Files.exists(Path.of(c.get(Schema.DATA_TRAIN.key()))), f + ": " + c.get(Schema.DATA_TRAIN.key()));
            }
        }
    }

    // ------------------------------------------------------------------------------ commands and help

    @Test
    void anUnknownCommandIsAUsageError() {
        assertUsageError(run("fit", "data.train=x"), "unknown command 'fit'");
    }

    @Test
    void noArgumentsPrintUsageAndExitTwo() {
        Result r = run();
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("usage: sparkbp"), r::toString);
    }

    @Test
    void trainWithoutSettingsIsAUsageError() {
        assertUsageError(run("train"), "train needs --conf");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "evaluate --data x                       | evaluate needs --model",
            "evaluate --model m.json                 | evaluate needs --data",
            "predict --model m.json --data x         | predict needs --out",
            "evaluate --model m.json --data x --zap y | unknown option '--zap'",
            "train --config x.properties             | unknown option '--config'",
            "evaluate --model                        | --model needs a value",
    })
    void missingOrUnknownOptionsAreUsageErrors(String args, String message) {
        assertUsageError(run(args.strip().split("\\s+")), message);
    }

    @Test
    void evaluatingAModelThatDoesNotExistIsAUsageError() {
        Result r = run("evaluate", "--model", dir.resolve("missing.json").toString(), "--data", data.toString());
        assertUsageError(r, "missing.json", "does not exist");
    }

    @Test
    void evaluatingAFileThatIsNotAModelIsADataError() {
        Path notAModel = write(dir.resolve("notamodel.json"), "{\"format\": \"something else\"}");
        Result r = run("evaluate", "--model", notAModel.toString(), "--data", data.toString());
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertTrue(r.err().contains("notamodel.json"), r::toString);
    }

    @Test
    void trainHelpListsEveryKeyWithItsDefault() {
        Result r = run("train", "--help");
        assertEquals(0, r.code(), r::toString);
        for (Setting<?> k : Schema.all().values()) {
            assertTrue(r.out().contains(k.key()), k.key());
            if (!k.defaultValue().isEmpty()) {
                assertTrue(r.out().contains(k.defaultValue()), k.key() + " default " + k.defaultValue());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"evaluate", "predict"})
    void evaluateAndPredictHelpListTheKeysThatApply(String command) {
        Result r = run(command, "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("usage: sparkbp " + command), r::toString);
        // every key the command accepts (any other is refused), so help and the check cannot drift apart
        for (io.sparkbp.settings.Setting<?> key : command.equals("evaluate") ? EvaluateCommand.KEYS : PredictCommand.KEYS) {
            assertTrue(r.out().contains(key.key()), key.key());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void topLevelHelpListsTheCommandsAndExitCodes(String flag) {
        Result r = run(flag);
        assertEquals(0, r.code(), r::toString);
        for (String s : List.of("train", "evaluate", "predict", "exit codes")) {
            assertTrue(r.out().contains(s), s);
        }
    }

    // ------------------------------------------------------------------------------ outputs

    @Test
    void anExistingModelFileIsNotReplacedWithoutOverwrite() throws IOException {
        String original = "{\"precious\": true}\n";
        Files.writeString(model, original, StandardCharsets.UTF_8);
        FileTime before = Files.getLastModifiedTime(model);
        Result r = train(valid());
        assertUsageError(r, "output.model=", "already exists", "output.overwrite=true");
        assertEquals(original, Files.readString(model, StandardCharsets.UTF_8));
        assertEquals(before, Files.getLastModifiedTime(model));

        Result again = train(valid("output.overwrite=true"));
        assertEquals(0, again.code(), again::toString);
        assertTrue(Files.readString(model, StandardCharsets.UTF_8).contains("sparkbp-mlp"));
    }

    @Test
    void anExistingMetricsFileIsNotReplacedWithoutOverwriteAndNoModelIsWritten() throws IOException {
        Path metrics = write(dir.resolve("metrics.jsonl"), "old");
        Result r = train(valid("output.metrics=" + metrics));
        assertUsageError(r, "output.metrics=", "already exists");
        assertFalse(Files.exists(model));
        assertEquals("old\n", Files.readString(metrics));
    }

    @Test
    void existingPredictionsAreNotReplacedWithoutOverwrite() throws IOException {
        assertEquals(0, train(valid()).code());
        Path out = dir.resolve("predictions");
        String[] predict = {"predict", "--model", model.toString(), "--data", data.toString(), "--out", out.toString()};
        assertEquals(0, run(predict).code());
        Path part = out.resolve("part-00000");
        Files.writeString(part, "old\n");
        Result r = run(predict);
        assertUsageError(r, "--out", "already exists");
        assertEquals("old\n", Files.readString(part));

        Result again = run(concat(predict, new String[] {"output.overwrite=true"}));
        assertEquals(0, again.code(), again::toString);
        assertEquals(6, CliHarness.partLines(out).size());
    }

    // ------------------------------------------------------------------------------ training failure

    @Test
    void aDivergingRunExitsWithFourAndWritesNoModel() {
        Path metrics = dir.resolve("diverged-metrics.jsonl");
        Result r = train("data.train=" + DATA.resolve("diabetes/train.libsvm"), "data.features=10",
                "model.hidden=4", "model.output=linear", "model.outputs=1", "train.optimizer=sgd",
                "train.learningRate=1e6", "train.batchSize=0", "train.epochs=60", "train.standardize=false",
                "train.earlyStopping.patience=0",
                "output.model=" + model, "output.metrics=" + metrics);
        assertEquals(ExitCode.TRAINING, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("sparkbp: training failed: training diverged"), r::toString);
        assertTrue(r.err().contains("train.learningRate"), r::toString);
        assertFalse(Files.exists(model));
        assertFalse(Files.exists(metrics));
    }
}
