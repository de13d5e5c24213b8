package io.sparkbp.cli;

import io.sparkbp.model.Model;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.train;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training data larger than the executors' storage memory: with the default MEMORY_AND_DISK the
 * blocks that do not fit are written to disk and read back, and the model is the same, bit for bit,
 * as with ample memory.
 */
class StoragePressureTest {
    @TempDir
    Path dir;

    @Test
    void dataLargerThanStorageMemorySpillsToDiskAndTrainsTheSameModel() throws IOException {
        Path data = dir.resolve("wide.libsvm");
        writeData(data, 6000, 200);   // about 9.6 MB of dense blocks
        String[] settings = {"data.train=" + data, "data.features=200", "data.partitions=4", "model.hidden=8",
                "model.output=softmax", "model.outputs=3", "train.optimizer=sgd", "train.learningRate=0.5",
                "train.batchSize=0", "train.epochs=3", "output.overwrite=true"};

        // (3 GB heap - 300 MB reserved) * 0.001: under 3 MB for execution and storage together
        AtomicLong spilled = new AtomicLong();
        StringBuilder out = new StringBuilder();
        double[] pressed = trainWith(new SparkConf().set("spark.memory.fraction", "0.001"), settings,
                dir.resolve("pressed.json"), spilled, out);
        assertTrue(spilled.get() > 1_000_000, "expected blocks on disk, got " + spilled.get() + " bytes");
        // the summary line says how much went to disk, in place of Spark's per-block warnings
        assertTrue(java.util.regex.Pattern.compile("training data: 6,000 examples in 4 partitions, [0-9.]+ MiB cached "
                + "\\(MEMORY_AND_DISK, [0-9.]+ MiB of it on local disk\\)").matcher(out).find(), out::toString);

        StringBuilder ampleOut = new StringBuilder();
        double[] ample = trainWith(new SparkConf(), settings, dir.resolve("ample.json"), new AtomicLong(), ampleOut);
        assertArrayEquals(ample, pressed);
        assertTrue(ampleOut.toString().contains("cached (MEMORY_AND_DISK)\n"), ampleOut::toString);
    }

    private static double[] trainWith(SparkConf extra, String[] settings, Path model, AtomicLong diskBytes,
                                      StringBuilder out) {
        SparkConf conf = extra.setMaster("local[2]").setAppName("StoragePressureTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(conf);
        try {
            sc.setLogLevel("ERROR");
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onBlockUpdated(SparkListenerBlockUpdated event) {
                    if (event.blockUpdatedInfo().blockId().isRDD()) {
                        diskBytes.addAndGet(event.blockUpdatedInfo().diskSize());
                    }
                }
            });
            String[] args = java.util.Arrays.copyOf(settings, settings.length + 1);
            args[settings.length] = "output.model=" + model;
            CliHarness.Result r = train(args);
            assertEquals(0, r.code(), r::toString);
            out.append(r.out());
            Model m = loadModel(model);
            return m.theta();
        } finally {
            sc.stop();
        }
    }

    /** Three classes of Gaussian blobs in {@code d} dense dimensions, deterministic. */
    private static void writeData(Path file, int rows, int d) throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int n = 0; n < rows; n++) {
                int label = n % 3;
                StringBuilder sb = new StringBuilder().append(label);
                for (int j = 0; j < d; j++) {
                    double v = (j % 3 == label ? 1.0 : 0.0) + 0.5 * (rng.nextDouble() - 0.5) + 0.01;
                    sb.append(' ').append(j + 1).append(':').append(String.format(Locale.ROOT, "%.4f", v));
                }
                w.write(sb.append('\n').toString());
            }
        }
    }
}
