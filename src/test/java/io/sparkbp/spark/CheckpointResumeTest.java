package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints and {@code train.resume} through the command line, on the digits sample data. */
class CheckpointResumeTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("CheckpointResumeTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static final String[] DIGITS = {
        "data.train=" + DATA.resolve("digits/train.libsvm"), "data.test=" + DATA.resolve("digits/test.libsvm"),
        "data.features=64", "model.hidden=16", "model.output=softmax", "model.outputs=10", "train.seed=7"};

    private static final String[] ADAM = {"train.optimizer=adam", "train.batchSize=256", "train.learningRate=0.01",
        "data.validationFraction=0.2", "train.earlyStopping.patience=100"};

    private static final String[] SGD = {"train.optimizer=sgd", "train.batchSize=256", "train.learningRate=0.05",
        "train.momentum=0.9", "train.schedule=step", "train.decay=0.5", "train.decayEvery=2", "train.l2=1e-4"};

    private static final String[] LBFGS = {"train.optimizer=lbfgs", "train.batchSize=0", "train.l2=1e-3"};

    @Test
    void resumedAdamMiniBatchRunIsBitIdentical() throws IOException {
        assertResumeIsBitIdentical(ADAM);
    }

    @Test
    void resumedSgdMomentumRunIsBitIdentical() throws IOException {
        assertResumeIsBitIdentical(SGD);
    }

    @Test
    void resumedLbfgsRunIsBitIdentical() throws IOException {
        assertResumeIsBitIdentical(LBFGS);
    }

    @Test
    void resumedLocalStepsRunIsBitIdentical() throws IOException {
        assertResumeIsBitIdentical(concat(SGD, new String[] {"train.localSteps=2"}));
    }

    @Test
    void resumedFloat32RunIsBitIdentical() throws IOException {
        assertResumeIsBitIdentical(concat(ADAM, new String[] {"train.precision=float32"}));
    }

    @Test
    void aCheckpointOfTheOtherPrecisionIsRefused() {
        Path ck = dir.resolve("precision");
        Result first = train(concat(DIGITS, ADAM, new String[] {"train.epochs=1", "train.checkpointDir=" + ck,
            "train.precision=float32"}));
        assertEquals(0, first.code(), first::toString);
        Result other = train(concat(DIGITS, ADAM, new String[] {"train.epochs=2", "train.checkpointDir=" + ck,
            "train.resume=true", "train.precision=float64"}));
        assertEquals(2, other.code(), other::toString);
        assertTrue(other.err().contains("different configuration: train.precision is 'float32' in the checkpoint but "
                + "'float64' now"), other::toString);
    }

    private void assertResumeIsBitIdentical(String[] optimizer) throws IOException {
        String[] base = concat(DIGITS, optimizer);
        Path ck = dir.resolve("ck");
        Result full = train(concat(base, new String[] {"train.epochs=6", "output.model=" + dir.resolve("full.json"),
            "output.metrics=" + dir.resolve("full.jsonl")}));
        assertEquals(0, full.code(), full::toString);

        Result first = train(concat(base, new String[] {"train.epochs=3", "train.checkpointDir=" + ck,
            "output.model=" + dir.resolve("first.json")}));
        assertEquals(0, first.code(), first::toString);
        assertEquals(List.of("checkpoint-00000002.ckpt", "checkpoint-00000003.ckpt"), files(ck));

        Result resumed = train(concat(base, new String[] {"train.epochs=6", "train.checkpointDir=" + ck,
            "train.resume=true", "output.model=" + dir.resolve("resumed.json"),
            "output.metrics=" + dir.resolve("resumed.jsonl")}));
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.out().contains("resuming from") && resumed.out().contains("after epoch 3"), resumed::toString);
        assertFalse(resumed.out().contains("epoch 1/6"), resumed::toString);
        assertTrue(resumed.out().contains("epoch 4/6"), resumed::toString);

        assertArrayEquals(loadModel(dir.resolve("full.json")).theta(), loadModel(dir.resolve("resumed.json")).theta(),
                "the resumed run must end with exactly the weights of the uninterrupted one");
        List<String> a = withoutTiming(dir.resolve("full.jsonl"));
        List<String> b = withoutTiming(dir.resolve("resumed.jsonl"));
        assertEquals(6, a.size());
        assertEquals(a, b);
        assertEquals(List.of("checkpoint-00000005.ckpt", "checkpoint-00000006.ckpt"), files(ck));
    }

    @Test
    void checkpointEveryTwoWritesEvenEpochsAndTheLastAndKeepsTheNewestTwo() throws IOException {
        Path ck = dir.resolve("every2");
        Result r = train(concat(DIGITS, SGD, new String[] {"train.epochs=5", "train.checkpointDir=" + ck,
            "train.checkpointEvery=2"}));
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("checkpoint-00000004.ckpt", "checkpoint-00000005.ckpt"), files(ck));
        try (Stream<Path> all = Files.list(ck)) {
            assertEquals(2, all.count(), "no temporary or checksum files remain");
        }

        // a fresh run does not silently mix with old checkpoints
        Result again = train(concat(DIGITS, SGD, new String[] {"train.epochs=1", "train.checkpointDir=" + ck}));
        assertEquals(2, again.code(), again::toString);
        assertTrue(again.err().contains("already holds checkpoints") && again.err().contains("train.resume=true"),
                again::toString);
        Result replace = train(concat(DIGITS, SGD, new String[] {"train.epochs=1", "train.checkpointDir=" + ck,
            "output.overwrite=true"}));
        assertEquals(0, replace.code(), replace::toString);
        assertEquals(List.of("checkpoint-00000001.ckpt"), files(ck));
    }

    @Test
    void resumeWithoutCheckpointStartsFromScratch() throws IOException {
        Path ck = dir.resolve("empty");
        Files.createDirectories(ck);
        Files.writeString(ck.resolve(".checkpoint-00000009.ckpt.tmp-0123456789abcdef"), "half-written");
        Result r = train(concat(DIGITS, SGD, new String[] {"train.epochs=1", "train.checkpointDir=" + ck,
            "train.resume=true"}));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("holds no checkpoint: starting from scratch"), r::toString);
        assertEquals(List.of("checkpoint-00000001.ckpt"), files(ck));
    }

    @Test
    void resumeNeedsACheckpointDir() {
        Result r = train(concat(DIGITS, SGD, new String[] {"train.epochs=1", "train.resume=true"}));
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("train.checkpointDir"), r::toString);
    }

    @Test
    void checkpointOfAnotherConfigurationIsRefused() {
        Path ck = dir.resolve("mismatch");
        Result first = train(concat(DIGITS, ADAM, new String[] {"train.epochs=1", "train.checkpointDir=" + ck}));
        assertEquals(0, first.code(), first::toString);

        Result lr = train(concat(DIGITS, ADAM, new String[] {"train.epochs=3", "train.checkpointDir=" + ck,
            "train.resume=true", "train.learningRate=0.02"}));
        assertEquals(2, lr.code(), lr::toString);
        assertTrue(lr.err().contains("checkpoint-00000001.ckpt was written by a different configuration: "
                + "train.learningRate is '0.01' in the checkpoint but '0.02' now"), lr::toString);

        Result net = train(concat(DIGITS, ADAM, new String[] {"train.epochs=3", "train.checkpointDir=" + ck,
            "train.resume=true", "model.hidden=8"}));
        assertEquals(2, net.code(), net::toString);
        assertTrue(net.err().contains("different configuration: model.hidden is '16' in the checkpoint but '8' now"),
                net::toString);

        Result opt = train(concat(DIGITS, ADAM, new String[] {"train.epochs=3", "train.checkpointDir=" + ck,
            "train.resume=true", "train.optimizer=lbfgs", "train.batchSize=0"}));
        assertEquals(2, opt.code(), opt::toString);
        assertTrue(opt.err().contains("different configuration: train.optimizer is 'adam'"), opt::toString);

        Result data = train(concat(DIGITS, ADAM, new String[] {"train.epochs=3", "train.checkpointDir=" + ck,
            "train.resume=true", "data.train=" + DATA.resolve("digits/test.libsvm")}));
        assertEquals(2, data.code(), data::toString);
        assertTrue(data.err().contains("different configuration: training data files is '")
                && data.err().contains("test.libsvm' now"), data::toString);

        Result fewer = train(concat(DIGITS, ADAM, new String[] {"train.epochs=1", "train.checkpointDir=" + ck,
            "train.resume=true"}));
        assertEquals(0, fewer.code(), "resuming a finished run with the same epochs just writes its result");
    }

    /** 40 CSV rows {@code label,w,x1,x2}; {@code change} rewrites row 5's field {@code field} (0-based) to {@code value}. */
    private Path weightedCsv(String field, String value) throws IOException {
        StringBuilder sb = new StringBuilder("label,w,x1,x2\n");
        for (int i = 0; i < 40; i++) {
            String[] row = {String.valueOf(i % 2), String.valueOf(1 + i % 3), String.valueOf(i / 40.0),
                String.valueOf((i * 7 % 11) / 11.0)};
            if (i == 5 && field != null) {
                row[List.of("label", "w", "x1", "x2").indexOf(field)] = value;
            }
            sb.append(String.join(",", row)).append('\n');
        }
        Path file = dir.resolve("weighted.csv");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

    static Stream<Arguments> dataChanges() {
        return Stream.of(
                Arguments.of("label", "0", "true", "the training labels (digest "),
                Arguments.of("x1", "0.5", "false", "the training feature values (digest "),
                Arguments.of("w", "2", "true", "the training weights (digest "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataChanges")
    void resumeRefusesChangedTrainingDataNamingWhatChanged(String field, String value, String standardize,
                                                           String named) throws IOException {
        Path ck = dir.resolve("data-" + field);
        String[] run = {"data.format=csv", "data.labelColumns=label", "data.weightColumn=w", "model.hidden=2",
            "model.output=softmax", "model.outputs=2", "train.optimizer=sgd", "train.batchSize=8",
            "train.standardize=" + standardize, "data.validationFraction=0", "train.checkpointDir=" + ck,
            "data.train=" + weightedCsv(null, null)};
        Result first = train(concat(run, new String[] {"train.epochs=1"}));
        assertEquals(0, first.code(), first::toString);

        weightedCsv(field, value);
        Result changed = train(concat(run, new String[] {"train.epochs=2", "train.resume=true"}));
        assertEquals(2, changed.code(), changed::toString);
        String message = changed.errLines().get(changed.errLines().size() - 1);
        assertTrue(message.contains("checkpoint-00000001.ckpt was made from different data: " + named), message);
        assertEquals(1, message.split("digest ", -1).length - 1, () -> "only the changed digest is named: " + message);

        weightedCsv(null, null);
        Result same = train(concat(run, new String[] {"train.epochs=2", "train.resume=true"}));
        assertEquals(0, same.code(), same::toString);
        assertTrue(same.out().contains("resuming from"), same::toString);
    }

    @Test
    void aCheckpointThatDoesNotRecordItsDataIsRefused() throws IOException {
        Path ck = dir.resolve("old");
        Result first = train(concat(DIGITS, SGD, new String[] {"train.epochs=1", "train.checkpointDir=" + ck}));
        assertEquals(0, first.code(), first::toString);
        Path file = ck.resolve("checkpoint-00000001.ckpt");
        byte[] good = Files.readAllBytes(file);
        Checkpoint c = CheckpointFormat.read("x", new ByteArrayInputStream(good), good.length, 64 * 16 + 16 + 16 * 10 + 10,
                "sgd", null);
        List<String> older = c.fingerprint().stream()
                .filter(i -> !i.startsWith("training ") || i.startsWith("training examples")
                        || i.startsWith("training partitions") || i.startsWith("training data files"))
                .filter(i -> !i.startsWith("validation labels") && !i.startsWith("validation feature")
                        && !i.startsWith("validation weights"))
                .toList();
        assertTrue(older.size() < c.fingerprint().size(), "the content digests are in the fingerprint");
        Files.write(file, bytes(new Checkpoint(older, c.epoch(), c.state(), c.reports(), null)));
        Result r = train(concat(DIGITS, SGD, new String[] {"train.epochs=2", "train.checkpointDir=" + ck,
            "train.resume=true"}));
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("does not record the content of the data it was trained on"), r::toString);
    }

    @Test
    void damagedCheckpointsAreRefusedWithAClearMessage() throws IOException {
        Path ck = dir.resolve("good");
        Result first = train(concat(DIGITS, ADAM, new String[] {"train.epochs=1", "train.checkpointDir=" + ck}));
        assertEquals(0, first.code(), first::toString);
        byte[] good = Files.readAllBytes(ck.resolve("checkpoint-00000001.ckpt"));

        assertRefused("truncated", Arrays.copyOf(good, good.length / 2), "is truncated");
        assertRefused("truncated-end", Arrays.copyOf(good, good.length - 3), "truncated");
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertRefused("flipped", flipped, "checksum does not match");
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(8, 99);
        assertRefused("version", version, "has checkpoint format version 99, but this sparkbp reads only version 1");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertRefused("magic", magic, "is not a sparkbp checkpoint");
        assertRefused("empty", new byte[0], "is too short");
        byte[] extra = Arrays.copyOf(good, good.length + 1);
        assertRefused("extra", extra, "unexpected bytes after its end section");

        // well-formed (valid checksum) but with the wrong number of weights: found before allocating
        Checkpoint c = CheckpointFormat.read("x", new ByteArrayInputStream(good), good.length, 64 * 16 + 16 + 16 * 10 + 10,
                "adam", null);
        Checkpoint wrong = new Checkpoint(c.fingerprint(), c.epoch(),
                new Checkpoint.TrainerState(new double[5], c.optimizer(), c.optimizerState(), c.stopping()), c.reports(), null);
        assertRefused("size", bytes(wrong), "the length of the weights in its state section is 5, expected 1210");
        double[] nan = c.theta().clone();
        nan[3] = Double.NaN;
        Checkpoint notFinite = new Checkpoint(c.fingerprint(), c.epoch(),
                new Checkpoint.TrainerState(nan, c.optimizer(), c.optimizerState(), c.stopping()), c.reports(), null);
        assertRefused("nan", bytes(notFinite), "non-finite value NaN at index 3");
        double[][] badState = c.optimizerState().clone();
        badState[1] = new double[7];
        Checkpoint state = new Checkpoint(c.fingerprint(), c.epoch(),
                new Checkpoint.TrainerState(c.theta(), c.optimizer(), badState, c.stopping()), c.reports(), null);
        assertRefused("state", bytes(state), "optimizer state that does not fit this run");
    }

    private static byte[] bytes(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(c, out);
        return out.toByteArray();
    }

    private void assertRefused(String name, byte[] content, String expected) throws IOException {
        Path ck = dir.resolve("bad-" + name);
        Files.createDirectories(ck);
        Path file = ck.resolve("checkpoint-00000001.ckpt");
        Files.write(file, content);
        Result r = train(concat(DIGITS, ADAM, new String[] {"train.epochs=2", "train.checkpointDir=" + ck,
            "train.resume=true"}));
        assertEquals(3, r.code(), () -> name + ": " + r);
        List<String> lines = r.errLines();
        String message = lines.get(lines.size() - 1);
        assertTrue(message.contains("checkpoint file '") && message.contains("checkpoint-00000001.ckpt"),
                () -> name + ": " + r);
        assertTrue(message.contains(expected), () -> name + ": expected '" + expected + "' in: " + message);
        assertArrayEquals(content, Files.readAllBytes(file), "a refused checkpoint is left alone");
    }

    @Test
    void divergenceKeepsTheLastGoodCheckpointAndNamesIt() {
        // regression of the digit with a far too large learning rate: the output weights grow by a
        // factor of about 17 * rate per step until they overflow; find a rate that survives epoch 1
        // and overflows later (deterministic, so the search always ends at the same rate)
        double[] rates = {1e4, 1e6, 1e8, 1e10, 1e14};
        for (int i = 0; i < rates.length; i++) {
            Path ck = dir.resolve("diverge-" + i);
            Result r = train(concat(DIGITS, new String[] {"train.optimizer=sgd", "train.batchSize=256",
                "train.momentum=0", "train.standardize=false", "model.output=linear", "model.outputs=1",
                "train.learningRate=" + rates[i], "train.epochs=10", "train.precision=float64", // float32 overflows in epoch 1
                "train.checkpointDir=" + ck, "output.model=" + dir.resolve("never-" + i + ".json")}));
            if (r.code() == 0) {
                continue;
            }
            assertEquals(4, r.code(), r::toString);
            List<String> left = Files.exists(ck) ? files(ck) : List.of();
            if (left.isEmpty()) {
                assertFalse(r.err().contains("last good checkpoint"), r::toString);
                continue; // diverged in epoch 1
            }
            String newest = left.get(left.size() - 1);
            assertTrue(r.err().contains("the last good checkpoint is") && r.err().contains(newest)
                    && r.err().contains("train.resume=true"), r::toString);
            assertFalse(Files.exists(dir.resolve("never-" + i + ".json")), "no model after divergence");
            return;
        }
        throw new AssertionError("no learning rate diverged after epoch 1");
    }

    private static List<String> files(Path ck) {
        try (Stream<Path> s = Files.list(ck)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> withoutTiming(Path metrics) throws IOException {
        return Files.readAllLines(metrics, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceAll(",\"(seconds|elapsedSeconds|examplesPerSecond)\":[^,}]+", ""))
                .toList();
    }
}
