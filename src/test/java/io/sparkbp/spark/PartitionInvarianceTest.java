package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.cli.CliHarness;
import io.sparkbp.data.Transform;
import io.sparkbp.model.Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-batch training computes the same objective whatever the partitioning (up to the rounding of
 * the sums), and a run repeated with the same settings gives the same model bit for bit.
 */
class PartitionInvarianceTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("PartitionInvarianceTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    static final String[] DIGITS = {
            "data.train=" + DATA.resolve("digits/train.libsvm"), "data.features=64",
            "model.hidden=16", "model.output=softmax", "model.outputs=10", "train.l2=1e-3", "train.seed=5"};

    static final String[] FULL_BATCH_SGD = {
            "train.optimizer=sgd", "train.learningRate=0.5", "train.momentum=0.9", "train.batchSize=0",
            "train.epochs=4"};

    static final String[] FULL_BATCH_LBFGS = {"train.optimizer=lbfgs", "train.epochs=4"};

    static final String[] MINI_BATCH_ADAM = {
            "train.optimizer=adam", "train.learningRate=0.01", "train.batchSize=256", "train.epochs=2"};

    private Model train(String name, String[]... settings) {
        Path model = dir.resolve(name + ".json");
        Result r = CliHarness.train(concat(concat(settings), new String[] {"output.model=" + model}));
        assertEquals(0, r.code(), r::toString);
        return CliHarness.loadModel(model);
    }

    private static String[] options(String optimizer) {
        return switch (optimizer) {
            case "sgd" -> FULL_BATCH_SGD;
            case "lbfgs" -> FULL_BATCH_LBFGS;
            case "adam" -> MINI_BATCH_ADAM;
            default -> throw new IllegalArgumentException(optimizer);
        };
    }

    @ParameterizedTest(name = "full-batch {0}")
    @ValueSource(strings = {"sgd", "lbfgs"})
    void fullBatchTrainingOnOneOrThreePartitionsGivesTheSameModelUpToRounding(String optimizer) {
        Model one = train("one", DIGITS, options(optimizer), new String[] {"data.partitions=1"});
        Model three = train("three", DIGITS, options(optimizer), new String[] {"data.partitions=3"});
        double thetaDifference = CliHarness.maxRelativeDifference(one.theta(), three.theta());
        assertTrue(thetaDifference <= 1e-12, () -> "models differ by " + thetaDifference + " relative to max |theta|");
        Transform a = one.inputTransform().orElseThrow();
        Transform b = three.inputTransform().orElseThrow();
        assertTrue(CliHarness.maxRelativeDifference(a.mean(), b.mean()) <= 1e-13);
        assertTrue(CliHarness.maxRelativeDifference(a.scale(), b.scale()) <= 1e-13);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd", "adam"})
    void theSameRunTwiceGivesABitIdenticalModel(String optimizer) {
        String[] partitions = {"data.partitions=3"};
        Model first = train("first", DIGITS, options(optimizer), partitions);
        Model second = train("second", DIGITS, options(optimizer), partitions);
        Transform a = first.inputTransform().orElseThrow();
        Transform b = second.inputTransform().orElseThrow();
        assertAll(
                () -> assertArrayEquals(a.mean(), b.mean(), "standardization means must be bit-identical"),
                () -> assertArrayEquals(a.scale(), b.scale(), "standardization scales must be bit-identical"),
                () -> assertArrayEquals(first.theta(), second.theta(), "theta must be bit-identical"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sgd:0", "sgd:0.9", "adam:0.9"})
    void localStepsOnASinglePartitionAreOrdinaryMiniBatchTrainingWithTheOptimizerStateCarriedOver(String opt) {
        // with one partition the "average" of one local model (and of its optimizer state) is that
        // model, so local rounds must retrace synchronous training: Adam's moments and SGD's velocity
        // carry over between rounds, and Adam's step counter (its bias correction) keeps counting
        String[] parts = opt.split(":");
        String[] options = {"data.partitions=1", "train.optimizer=" + parts[0], "train.momentum=" + parts[1],
                "train.learningRate=" + (parts[0].equals("adam") ? "0.01" : "0.3"), "train.batchSize=256",
                "train.epochs=2", "train.precision=float64"}; // float32 rounds return rounded weight changes
        Model synchronous = train("sync-" + parts[0] + parts[1], DIGITS, options, new String[] {"train.localSteps=1"});
        Model local = train("local-" + parts[0] + parts[1], DIGITS, options, new String[] {"train.localSteps=3"});
        double difference = CliHarness.maxRelativeDifference(synchronous.theta(), local.theta());
        assertTrue(difference <= 1e-13, () -> "models differ by " + difference + " relative to max |theta|");
    }

    @org.junit.jupiter.api.Test
    void float32RunsAreBitIdenticalAndOneOrThreePartitionsAgreeWithinFloatRounding() {
        String[] single = {"train.precision=float32"};
        Model first = train("f32-first", DIGITS, FULL_BATCH_SGD, single, new String[] {"data.partitions=3"});
        Model second = train("f32-second", DIGITS, FULL_BATCH_SGD, single, new String[] {"data.partitions=3"});
        assertArrayEquals(first.theta(), second.theta(), "float32 theta must be bit-identical");
        // other partitions change which examples share a block, so the per-block float sums round
        // differently; after four steps of momentum SGD about 1e-7 of max |theta| is observed, 1e-5 allowed
        Model one = train("f32-one", DIGITS, FULL_BATCH_SGD, single, new String[] {"data.partitions=1"});
        double partitions = CliHarness.maxRelativeDifference(one.theta(), first.theta());
        assertTrue(partitions <= 1e-5, () -> "1 and 3 partitions differ by " + partitions + " relative to max |theta|");
        assertTrue(partitions > 0, "float32 rounding should differ somewhere between 1 and 3 partitions");
        // and float32 trains the float64 model up to float rounding
        Model wide = train("f64-three", DIGITS, FULL_BATCH_SGD, new String[] {"data.partitions=3"});
        double precision = CliHarness.maxRelativeDifference(wide.theta(), first.theta());
        assertTrue(precision <= 1e-5, () -> "float32 and float64 differ by " + precision + " relative to max |theta|");
    }

    @org.junit.jupiter.api.Test
    void float32LocalStepsRunsAreBitIdenticalAndAverageLikeFloat64() {
        String[] local = {"data.partitions=3", "train.localSteps=2", "train.optimizer=sgd", "train.momentum=0.5",
                "train.learningRate=0.3", "train.batchSize=256", "train.epochs=2"};
        String[] single = {"train.precision=float32"};
        Model first = train("f32-local-first", DIGITS, local, single);
        Model second = train("f32-local-second", DIGITS, local, single);
        assertArrayEquals(first.theta(), second.theta(), "float32 local-steps theta must be bit-identical");
        // float32 rounds and returns weight changes instead of weights; the average is the same up to rounding
        Model wide = train("f64-local", DIGITS, local);
        double difference = CliHarness.maxRelativeDifference(wide.theta(), first.theta());
        assertTrue(difference <= 1e-5, () -> "float32 and float64 local rounds differ by " + difference);
    }

    @org.junit.jupiter.api.Test
    void float32LbfgsFollowsTheFloat64Path() {
        Model single = train("f32-lbfgs", DIGITS, FULL_BATCH_LBFGS, new String[] {"train.precision=float32"});
        Model wide = train("f64-lbfgs", DIGITS, FULL_BATCH_LBFGS);
        double difference = CliHarness.maxRelativeDifference(wide.theta(), single.theta());
        assertTrue(difference <= 1e-5, () -> "float32 and float64 L-BFGS differ by " + difference);
    }
}
