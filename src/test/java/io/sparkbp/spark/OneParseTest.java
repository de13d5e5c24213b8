package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loading reads the training text once: the standardization statistics (or the class counts) come
 * from the cached raw blocks, not from a second pass over the file. Counted as the times Hadoop's
 * line reader opens the file ({@link CountingFileSystem}): once per input split per pass.
 */
class OneParseTest {
    static JavaSparkContext sc;
    static String train;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("OneParseTest");
        sc.hadoopConfiguration().set("fs." + CountingFileSystem.SCHEME + ".impl", CountingFileSystem.class.getName());
        sc.hadoopConfiguration().setBoolean("fs." + CountingFileSystem.SCHEME + ".impl.disable.cache", true);
        train = CountingFileSystem.SCHEME + ":" + CliHarness.DATA.resolve("digits/train.libsvm");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    /** How often one {@code train} run with {@code settings} opens the training file. */
    private static long opensByTraining(String... settings) {
        long before = CountingFileSystem.OPENS.get();
        CliHarness.Result r = CliHarness.train(settings);
        assertEquals(0, r.code(), r::toString);
        return CountingFileSystem.OPENS.get() - before;
    }

    private String[] digits(String... more) {
        return CliHarness.concat(new String[] {"data.train=" + train, "data.features=64", "model.hidden=8",
                "model.output=softmax", "model.outputs=10", "train.epochs=2", "data.validationFraction=0",
                "output.model=" + dir.resolve("m" + System.nanoTime() + ".json")}, more);
    }

    /** The input splits of one pass over the training file, as the loader asks Hadoop for them. */
    private static int splits() {
        return sc.textFile(train, sc.defaultParallelism()).getNumPartitions();
    }

    @Test
    void standardizedTrainingReadsTheTrainingFileOnce() {
        assertEquals(splits(), opensByTraining(digits()));
    }

    @Test
    void balancedClassesWithoutStandardizingReadTheTrainingFileOnce() {
        assertEquals(splits(), opensByTraining(digits("train.standardize=false", "train.classWeight=balanced")));
    }

    @Test
    void trainingWithNeitherReadsTheTrainingFileOnce() {
        assertEquals(splits(), opensByTraining(digits("train.standardize=false")));
    }
}
