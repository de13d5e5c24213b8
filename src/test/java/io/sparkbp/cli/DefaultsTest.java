package io.sparkbp.cli;

import io.sparkbp.model.Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.Result;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The automatic settings a run gets from the data description alone: the hold-out and what early
 * stopping watches, the stop reason, the learning-rate search, balanced class weights.
 */
class DefaultsTest {
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("DefaultsTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static final String DIGITS = "data.train=" + DATA.resolve("digits/train.libsvm");

    private static Map<String, Object> training(Path model) {
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) CliHarness.loadModel(model).extra().get("training");
        assertNotNull(t, "the model has a training section");
        return t;
    }

    private static int lastEpoch(Result r) {
        int last = 0;
        Matcher m = Pattern.compile("(?m)^epoch +(\\d+)/").matcher(r.out());
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    @Test
    void theDataDescriptionAloneHoldsOutTenPercentAndStopsOnTheValidationLossKeepingTheBestEpoch() {
        Path model = dir.resolve("digits.json");
        // a large learning rate overfits this small set soon, so early stopping ends the run
        Result r = train(DIGITS, "data.features=64", "model.hidden=32", "model.outputs=10", "train.learningRate=0.03",
                "output.model=" + model);
        assertEquals(0, r.code(), r::toString);
        Matcher held = Pattern.compile("validation: (\\d+) examples held out").matcher(r.out());
        assertTrue(held.find(), r::toString);
        int validation = Integer.parseInt(held.group(1));
        assertTrue(validation > 110 && validation < 180, "about 10% of 1,438 held out: " + validation);
        assertTrue(r.out().contains("training data: " + String.format(java.util.Locale.ROOT, "%,d", 1438 - validation)
                + " examples"), r::toString);
        Matcher stop = Pattern.compile("stopped after epoch (\\d+): no validation loss improvement of more than "
                + "0\\.0001 for (\\d+) epochs( \\(early stopping waits for 500 steps\\))?; best epoch (\\d+) kept")
                .matcher(r.out());
        assertTrue(stop.find(), r::toString);
        int last = Integer.parseInt(stop.group(1));
        int waited = Integer.parseInt(stop.group(2));
        int best = Integer.parseInt(stop.group(4));
        // 10 epochs of patience, but not before 500 steps: ceil(500 / ceil(examples / 64)) epochs
        int stepsPerEpoch = (1438 - validation + 63) / 64;
        int firstStop = (500 + stepsPerEpoch - 1) / stepsPerEpoch;
        assertEquals(Math.max(best + 10, firstStop), last, r::toString);
        assertEquals(last - best, waited);
        assertEquals(waited > 10, stop.group(3) != null, r::toString);
        assertTrue(last < 300, "early stopping ended the run before train.epochs");
        Map<String, Object> t = training(model);
        assertEquals((long) best, ((Number) t.get("bestEpoch")).longValue());
        assertTrue(((String) t.get("stopReason")).startsWith("no validation loss improvement"), t::toString);
        assertEquals(0.03, ((Number) t.get("learningRate")).doubleValue());
    }

    @Test
    void smallDataKeepEveryExampleAndStopOnTheTrainingLoss() throws IOException {
        List<String> lines = Files.readAllLines(DATA.resolve("digits/train.libsvm")).subList(0, 120);
        Path small = CliHarness.write(dir.resolve("small.libsvm"), lines.toArray(String[]::new));
        Path model = dir.resolve("small.json");
        Result r = train("data.train=" + small, "data.features=64", "model.hidden=8", "model.outputs=10",
                "output.model=" + model);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("training data: 120 examples in 1 partition"), r::toString);
        assertFalse(r.out().contains("validation:"), r::toString);
        assertTrue(r.out().contains("no training loss improvement") || r.out().contains("reached train.epochs=300"),
                r::toString);
        assertFalse(r.out().contains(" val "), "no validation metrics in the progress lines");
    }

    @Test
    void patienceZeroRunsEveryEpochOnEveryExampleAndKeepsTheLastWeights() {
        Path model = dir.resolve("fixed.json");
        Result r = train(DIGITS, "data.features=64", "model.hidden=8", "model.outputs=10", "train.epochs=3",
                "train.earlyStopping.patience=0", "output.model=" + model);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("training data: 1,438 examples"), r::toString);
        assertEquals(3, lastEpoch(r));
        assertTrue(r.out().contains("stopped after epoch 3: reached train.epochs=3"), r::toString);
        assertEquals(3L, ((Number) training(model).get("bestEpoch")).longValue());
    }

    @Test
    void epochsWithinThePatienceTakeNoHoldOut() {
        Result r = train(DIGITS, "data.features=64", "model.hidden=8", "model.outputs=10", "train.epochs=4");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("training data: 1,438 examples"), r::toString);
        assertEquals(4, lastEpoch(r));
    }

    @Test
    void theAutomaticLearningRateIsSearchedLoggedAndStoredInTheModel() {
        Path model = dir.resolve("auto.json");
        Result r = train(DIGITS, "data.features=64", "model.hidden=8", "model.outputs=10", "train.epochs=3",
                "train.learningRate=auto", "output.model=" + model);
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("learning rate search: 100 steps from 1\\.00e-05 to 1\\.00; smoothed loss lowest at "
                + "\\S+ \\(step \\d+ of \\d+ usable\\); picked (\\S+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        double picked = Double.parseDouble(m.group(1));
        Map<String, Object> t = training(model);
        double stored = ((Number) t.get("learningRate")).doubleValue();
        assertEquals(picked, stored, 1e-3 * stored, "the log shows 3 digits of the stored rate");
        @SuppressWarnings("unchecked")
        Map<String, Object> search = (Map<String, Object>) t.get("learningRateSearch");
        assertEquals(stored, ((Number) search.get("picked")).doubleValue());
        assertEquals(100L, ((Number) search.get("steps")).longValue());
        // the pick is a pure function of the data and the seed
        Path again = dir.resolve("auto-again.json");
        assertEquals(0, train(DIGITS, "data.features=64", "model.hidden=8", "model.outputs=10", "train.epochs=3",
                "train.learningRate=auto", "output.model=" + again).code());
        assertArrayEquals(CliHarness.loadModel(model).theta(), CliHarness.loadModel(again).theta());
    }

    /**
     * Balanced class weights are example weights: the same weights given in a CSV weight column train
     * the same model, bit for bit (the statistics are unweighted either way).
     */
    @Test
    void balancedClassWeightsTrainTheModelOfTheSameWeightsInAColumn() throws IOException {
        List<String> rows = Files.readAllLines(DATA.resolve("digits/train.csv"));
        // an imbalanced set: every row of class 0, and of the others only every third
        List<String> kept = new ArrayList<>();
        kept.add(rows.get(0));
        int[] counts = new int[10];
        for (int i = 1; i < rows.size(); i++) {
            String row = rows.get(i);
            int label = Integer.parseInt(row.substring(0, row.indexOf(',')));
            if (label == 0 || i % 3 == 0) {
                kept.add(row);
                counts[label]++;
            }
        }
        int n = kept.size() - 1;
        List<String> weighted = new ArrayList<>();
        weighted.add(kept.get(0) + ",w");
        for (String row : kept.subList(1, kept.size())) {
            int label = Integer.parseInt(row.substring(0, row.indexOf(',')));
            double w = (double) n / (10.0 * counts[label]);
            weighted.add(row + "," + w);
        }
        Path plain = CliHarness.write(dir.resolve("imbalanced.csv"), kept.toArray(String[]::new));
        Path column = CliHarness.write(dir.resolve("imbalanced-w.csv"), weighted.toArray(String[]::new));
        String[] common = {"data.format=csv", "model.hidden=8", "model.outputs=10", "train.epochs=3",
                "data.partitions=1"};
        Path balanced = dir.resolve("balanced.json");
        Path explicit = dir.resolve("explicit.json");
        Result a = train(CliHarness.concat(common, new String[] {"data.train=" + plain, "train.classWeight=balanced",
                "output.model=" + balanced}));
        assertEquals(0, a.code(), a::toString);
        Result b = train(CliHarness.concat(common, new String[] {"data.train=" + column, "data.weightColumn=w",
                "output.model=" + explicit}));
        assertEquals(0, b.code(), b::toString);
        Model mb = CliHarness.loadModel(balanced);
        assertArrayEquals(CliHarness.loadModel(explicit).theta(), mb.theta());
        @SuppressWarnings("unchecked")
        List<Object> stored = (List<Object>) ((Map<String, Object>) mb.extra().get("training")).get("classWeights");
        assertEquals(10, stored.size());
        assertEquals((double) n / (10.0 * counts[0]), ((Number) stored.get(0)).doubleValue());
    }

    @Test
    void classWeightsNeedClasses() {
        Result r = train("data.train=" + DATA.resolve("diabetes/train.libsvm"), "data.features=10",
                "model.output=linear", "model.outputs=1", "train.classWeight=balanced");
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("train.classWeight=balanced") && r.err().contains("need classes"), r::toString);
    }

    @Test
    void lbfgsIsFullBatchWithoutBeingToldButRefusesAnExplicitMiniBatch() {
        Result r = train(DIGITS, "data.features=64", "model.hidden=8", "model.outputs=10", "train.optimizer=lbfgs",
                "train.epochs=3");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("batch full"), r::toString);
        Result bad = run("train", DIGITS, "data.features=64", "model.outputs=10", "train.optimizer=lbfgs",
                "train.batchSize=64");
        assertEquals(ExitCode.USAGE, bad.code(), bad::toString);
    }
}
