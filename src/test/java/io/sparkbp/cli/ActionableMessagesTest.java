package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    static void assertOneLine(Result r, int code, String... parts) {
        assertEquals(code, r.code(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r::toString);
        for (String p : parts) {
            assertTrue(err.get(0).contains(p), () -> "expected '" + p + "' in\n" + r);
        }
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
}
