package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.sparkbp.cli.CliHarness.assertOneLine;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mistakes whose message must say what to change (issue 17): a validation fraction that leaves a
 * side empty, a divergence caused by the data, keys that evaluate cannot use, metrics of weightless
 * data, more partitions than examples.
 */
class ActionableMessagesTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("ActionableMessagesTest");
        CliHarness.quietTaskFailures(true);
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.quietTaskFailures(false);
        CliHarness.stopSpark(sc);
    }

    private Path fourLines() {
        return write(dir.resolve("four.libsvm"), "0 1:1 2:0", "1 1:0 2:1", "0 1:1 2:1", "1 1:0 2:0");
    }

    private String[] base(Path data, String... more) {
        return concat(new String[] {"data.train=" + data, "data.features=2", "model.outputs=2", "model.hidden=2",
            "train.epochs=2", "output.model=" + dir.resolve("m.json")}, more);
    }

    @Test
    void aValidationFractionThatLeavesNoTrainingExamplesNamesTheFractionItsSourceAndTheCounts() {
        Path conf = write(dir.resolve("most.properties"), "data.validationFraction=0.999");
        Result r = train(concat(new String[] {"--conf", conf.toString()}, base(fourLines())));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: " + conf + ":1: data.validationFraction=0.999 holds out all"
                + " of the 4 examples of data.train for validation and leaves none for training; expected a smaller"
                + " fraction");
    }

    @Test
    void aValidationFractionThatHoldsOutNothingNamesTheFractionAndTheCounts() {
        Result r = train(base(fourLines(), "data.validationFraction=0.001"));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: command line: data.validationFraction=0.001 holds out none"
                + " of the 4 examples of data.train for validation", "leaves all 4 for training",
                "expected a larger fraction, or 0 for no validation");
    }

    private static String[] diabetes(String... more) {
        return concat(new String[] {"data.train=" + CliHarness.DATA.resolve("diabetes/train.libsvm"),
            "data.features=10", "model.hidden=4", "model.output=linear", "model.outputs=1", "train.optimizer=sgd",
            "train.learningRate=1e6", "train.batchSize=0", "train.epochs=60", "train.earlyStopping.patience=0"}, more);
    }

    @Test
    void aDivergenceWithStandardizedInputsDoesNotSuggestStandardizing() {
        Result on = train(diabetes("train.standardize=true"));
        assertOneLine(on, ExitCode.TRAINING, "sparkbp: training failed: training diverged in epoch ",
                "the learning rate is the likely cause (train.learningRate=1000000): lower it");
        assertFalse(on.err().contains("standardize"), on::toString);
        Result off = train(diabetes("train.standardize=false"));
        assertOneLine(off, ExitCode.TRAINING, "the learning rate is the likely cause (train.learningRate=1000000):"
                + " lower it, or enable train.standardize");
    }

    @Test
    void aDivergenceCausedByATargetOrWeightNearTheDoubleRangeBlamesTheDataNotTheLearningRate() {
        Path targets = write(dir.resolve("huge-target.libsvm"), "1e200 1:1 2:0", "2 1:0 2:1", "3 1:1 2:1");
        for (String standardize : new String[] {"true", "false"}) {
            Result r = train("data.train=" + targets, "data.features=2", "model.output=linear", "model.outputs=1",
                    "train.epochs=3", "train.standardize=" + standardize);
            assertOneLine(r, ExitCode.TRAINING, "sparkbp: training failed: training diverged in epoch 1",
                    "the data are the likely cause, not the learning rate: data.train holds a target of 1.00000e+200:"
                            + " rescale the targets (magnitudes above 1e150 are near the double range");
            assertFalse(r.err().contains("learning rate is the likely cause"), r::toString);
        }
        // the loss is a weighted mean: one huge weight is harmless, two whose sum overflows are not
        Path weights = write(dir.resolve("huge-weight.csv"), "label,x1,x2,w", "0,1,0,1e308", "1,0,1,1e308",
                "0,1,1,1", "1,0,0,1");
        Result w = train("data.train=" + weights, "data.format=csv", "data.weightColumn=w", "model.outputs=2",
                "train.epochs=3");
        assertOneLine(w, ExitCode.TRAINING, "data.train holds an example weight of 1.00000e+308: rescale the weights");
    }

    @Test
    void aDivergenceCausedByTinyExampleWeightsBlamesTheWeightsNotTheLearningRate() {
        // subnormal weights: the weighted loss underflows to 0/0 in the first step; a weight of 0 does not count
        Path weights = write(dir.resolve("tiny-weight.csv"), "label,x1,x2,w", "0,1,0,1e-310", "1,0,1,3e-310",
                "0,1,1,2e-310", "1,0,0,0");
        Result r = train("data.train=" + weights, "data.format=csv", "data.weightColumn=w", "model.outputs=2",
                "train.epochs=3");
        assertOneLine(r, ExitCode.TRAINING, "sparkbp: training failed: training diverged in epoch 1",
                "the data are the likely cause, not the learning rate: every example weight of data.train is below"
                        + " 1e-150 (the positive ones run from 1.00000e-310 to 3.00000e-310), so the weighted loss and"
                        + " its gradient underflow whatever the learning rate: rescale the weights (multiply them all"
                        + " by one factor, so that the largest is about 1)");
        assertFalse(r.err().contains("learning rate is the likely cause"), r::toString);
    }

    /** A model of two inputs, trained on four lines. */
    private Path twoInputModel() {
        Path model = dir.resolve("m.json");
        Result t = train(base(fourLines(), "output.overwrite=true"));
        assertEquals(0, t.code(), t::toString);
        return model;
    }

    @Test
    void evaluateAndPredictRefuseTrainingKeysAndADataFeaturesThatDiffersFromTheModel() {
        Path model = twoInputModel();
        String[] eval = {"evaluate", "--model", model.toString(), "--data", fourLines().toString()};
        assertOneLine(CliHarness.run(concat(eval, new String[] {"train.epochs=5"})), ExitCode.USAGE,
                "sparkbp: error: command line: train.epochs is a training setting, which evaluate does not use (the"
                        + " network, its weights and transforms come from --model, the data from --data); keys that"
                        + " apply: data.format, data.features");
        assertOneLine(CliHarness.run(concat(eval, new String[] {"model.hidden=8"})), ExitCode.USAGE,
                "command line: model.hidden is a network setting, which evaluate does not use");
        assertOneLine(CliHarness.run(concat(eval, new String[] {"data.features=3"})), ExitCode.USAGE,
                "sparkbp: error: command line: data.features=3 differs from the 2 inputs of the model's network"
                        + " [2, 2, 2]");
        Result same = CliHarness.run(concat(eval, new String[] {"data.features=2"}));
        assertEquals(0, same.code(), same::toString);

        String[] predict = {"predict", "--model", model.toString(), "--data", fourLines().toString(), "--out",
            dir.resolve("p").toString()};
        assertOneLine(CliHarness.run(concat(predict, new String[] {"output.report=" + dir.resolve("r.html")})),
                ExitCode.USAGE, "command line: output.report is not a setting of predict (the network");
        assertOneLine(CliHarness.run(concat(predict, new String[] {"data.features=64"})), ExitCode.USAGE,
                "data.features=64 differs from the 2 inputs");
    }

    @Test
    void metricsOfDataWhoseWeightsAreAllZeroAreADataErrorNotNulls() {
        Path one = write(dir.resolve("one.csv"), "label,x1,x2,w", "0,1,0,1", "1,0,1,1", "0,1,1,1", "1,0,0,1");
        Path zero = write(dir.resolve("zero.csv"), "label,x1,x2,w", "0,1,0,0", "1,0,1,0", "0,1,1,0", "1,0,0,0");
        String[] csv = {"data.format=csv", "data.weightColumn=w", "model.outputs=2", "train.epochs=2",
            "output.model=" + dir.resolve("w.json")};
        assertOneLine(train(concat(csv, new String[] {"data.train=" + one, "data.test=" + zero})), ExitCode.DATA,
                "sparkbp: data error: every one of the 4 examples of data.test (file:" + zero + ") has weight 0, so their"
                        + " metrics (weighted means) are undefined; expected at least one example of weight > 0");
        Result v = train(concat(csv, new String[] {"data.train=" + one, "data.validation=" + zero}));
        assertOneLine(v, ExitCode.DATA, "every one of the 4 examples of data.validation (file:" + zero + ") has weight 0");
        assertFalse(v.out().contains("epoch 1"), "refused before training: " + v);

        Result t = train(concat(csv, new String[] {"data.train=" + one}));
        assertEquals(0, t.code(), t::toString);
        Result e = CliHarness.run("evaluate", "--model", dir.resolve("w.json").toString(), "--data", zero.toString(),
                "data.format=csv", "data.weightColumn=w");
        assertOneLine(e, ExitCode.DATA, "sparkbp: data error: every one of the 4 examples of --data (file:" + zero
                + ") has weight 0 in column 'w' (data.weightColumn), so the metrics (weighted means) are undefined");
        assertFalse(e.out().contains("null"), e::toString);
    }

    @Test
    void morePartitionsThanTrainingExamplesAreRefusedNamingBothCounts() {
        // the examples are known once loaded: here 4 of the 7 lines, the others skipped as bad
        Path mixed = write(dir.resolve("mixed.libsvm"), "0 1:1 2:0", "x 1:1", "1 1:0 2:1", "y", "0 1:1 2:1", "z 2:1",
                "1 1:0 2:0");
        Path conf = write(dir.resolve("wide.properties"), "data.partitions=6");
        Result r = train(concat(new String[] {"--conf", conf.toString()}, base(mixed, "data.onBadRecord=skip")));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: " + conf + ":1: data.partitions gives the training data"
                + " 6 partitions for its 4 examples, so at least 2 partitions are empty and every step still"
                + " runs a task for each; expected at most 4, or 0 (automatic)");
        assertFalse(r.out().contains("epoch 1"), "refused before training: " + r);
        // one empty partition: singular, "1 partition is empty", not "1 partitions are empty"
        Result one = train(base(mixed, "data.onBadRecord=skip", "data.partitions=5"));
        assertOneLine(one, ExitCode.USAGE, "sparkbp: error: command line: data.partitions gives the training data"
                + " 5 partitions for its 4 examples, so at least 1 partition is empty and every step still runs a task"
                + " for each; expected at most 4, or 0 (automatic)");
        Path single = write(dir.resolve("single.libsvm"), "0 1:1 2:0", "x 1:1", "y");
        assertOneLine(train(base(single, "data.onBadRecord=skip", "data.partitions=2")), ExitCode.USAGE,
                "data.partitions gives the training data 2 partitions for its 1 example, so at least 1 partition is"
                        + " empty and");
        Result ok = train(base(fourLines(), "data.partitions=4", "output.overwrite=true"));
        assertEquals(0, ok.code(), ok::toString);
    }

    @Test
    void evaluateAndPredictNameTheirDataAsGivenNotAsDataTest() throws java.io.IOException {
        Result t = train(base(fourLines(), "output.overwrite=true"));
        assertEquals(0, t.code(), t::toString);
        String model = dir.resolve("m.json").toString();
        Path nested = java.nio.file.Files.createDirectories(dir.resolve("nested/sub")).getParent();
        write(nested.resolve("a.libsvm"), "0 1:1");
        Path empty = write(dir.resolve("empty.libsvm"));
        assertOneLine(CliHarness.run("evaluate", "--model", model, "--data", nested.toString()), ExitCode.DATA,
                "sparkbp: data error: the directory file:" + nested + " (--data) holds the sub-directory 'sub'");
        assertOneLine(CliHarness.run("predict", "--model", model, "--data", nested.toString(), "--out",
                dir.resolve("p").toString()), ExitCode.DATA, "(--data) holds the sub-directory 'sub'");
        assertOneLine(CliHarness.run("evaluate", "--model", model, "--data", empty.toString()), ExitCode.DATA,
                "sparkbp: data error: --data holds no examples");
        Path blank = write(dir.resolve("blank.libsvm"), "", "  ", "# only a comment");
        Path header = write(dir.resolve("header.csv"), "label,x1,x2");
        for (String[] data : new String[][] {{empty.toString()}, {blank.toString()},
                {header.toString(), "data.format=csv"}}) {
            Path out = dir.resolve("pred-" + Path.of(data[0]).getFileName());
            Result p = CliHarness.run(concat(new String[] {"predict", "--model", model, "--data", data[0], "--out",
                out.toString()}, java.util.Arrays.copyOfRange(data, 1, data.length)));
            assertOneLine(p, ExitCode.DATA, "sparkbp: data error: --data holds no examples in 'file:" + data[0]
                    + "'; expected at least one valid line");
            assertFalse(p.out().contains("predictions written"), p::toString);
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().contains("pred-")), "nothing written: " + p);
            }
        }
        Path bad = write(dir.resolve("bad.libsvm"), "x 1:1");
        assertOneLine(CliHarness.run("evaluate", "--model", model, "--data", bad.toString(), "data.onBadRecord=skip"),
                ExitCode.DATA, "--data holds no examples in 'file:" + bad + "'; expected at least one valid line (1 bad"
                        + " line was skipped)");
        assertOneLine(CliHarness.run("predict", "--model", model, "--data", bad.toString(), "--out",
                dir.resolve("pred-bad").toString(), "data.onBadRecord=skip"), ExitCode.DATA, "--data holds no examples in"
                + " 'file:" + bad + "'; expected at least one valid line (1 bad line was skipped)");
        // predictions of the lines kept, and the count of those skipped, as train and evaluate count them
        Path mixed = write(dir.resolve("mixed.libsvm"), "x 1:1", "0 1:1", "y 2:1", "1 2:1");
        Result kept = CliHarness.run("predict", "--model", model, "--data", mixed.toString(), "--out",
                dir.resolve("mixed-out").toString(), "data.onBadRecord=skip");
        assertEquals(0, kept.code(), kept::toString);
        assertTrue(kept.out().contains("2 predictions written to " + dir.resolve("mixed-out") + " (2 bad lines skipped)"),
                kept::toString);
        Path single = write(dir.resolve("single.libsvm"), "0 1:1");
        Result one = CliHarness.run("predict", "--model", model, "--data", single.toString(), "--out",
                dir.resolve("single-out").toString());
        assertTrue(one.out().contains("1 prediction written to "), one::toString);
    }

    @Test
    void morePartitionsThanLinesOfTextAreRefusedBeforeTheDataAreRead() {
        Path four = fourLines();
        Path conf = write(dir.resolve("wider.properties"), "data.partitions=1000");
        Result r = train(concat(new String[] {"--conf", conf.toString()}, base(four)));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: " + conf + ":1: data.partitions gives the training data"
                + " 1,000 partitions, but data.train (file:" + four + ") holds at most 4 examples (one per non-blank"
                + " line), so at least 996 partitions would be empty and every step would still run a task for each;"
                + " expected at most 4, or 0 (automatic)");
        assertFalse(r.out().contains("training data:") || r.out().contains("statistics"), "nothing loaded: " + r);
        assertOneLine(train(base(four, "data.partitions=5")), ExitCode.USAGE, "sparkbp: error: command line:"
                + " data.partitions gives the training data 5 partitions, but data.train (file:" + four + ") holds at"
                + " most 4 examples (one per non-blank line), so at least 1 partition would be empty and every step"
                + " would still run a task for each; expected at most 4, or 0 (automatic)");
        Path one = write(dir.resolve("one.libsvm"), "0 1:1 2:0");
        assertOneLine(train(base(one, "data.partitions=2")), ExitCode.USAGE, "data.partitions gives the training"
                + " data 2 partitions, but data.train (file:" + one + ") holds at most 1 example (one per non-blank"
                + " line), so at least 1 partition would be empty");
    }

    @Test
    void aSoftmaxLabelFarAboveTheClassCountNamesTheLabelAndTheLine() {
        Path libsvm = write(dir.resolve("huge-label.libsvm"), "0 1:1", "1000000000 2:1");
        assertOneLine(train(base(libsvm, "model.outputs=10")), ExitCode.DATA, "sparkbp: data error: file:" + libsvm
                + " line 2: class label 1000000000 is out of range in '1000000000'; expected a class id 0..9"
                + " (model.outputs=10)");
        Path csv = write(dir.resolve("huge-label.csv"), "label,x1,x2", "0,1,0", "1e9,0,1");
        assertOneLine(train(base(csv, "data.format=csv", "model.outputs=10")), ExitCode.DATA, "file:" + csv
                + " line 3: class label 1e9 is out of range in '1e9'; expected a class id 0..9 (model.outputs=10)");
    }
}
