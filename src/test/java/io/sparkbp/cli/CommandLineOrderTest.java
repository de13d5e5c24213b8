package io.sparkbp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The command line is read the same whatever the order of its arguments: a {@code key=value} always
 * overrides the {@code --conf} file, also when it comes before {@code --conf}; an option given twice
 * ({@code --conf}, {@code --model}, ...) is refused naming both values instead of keeping one silently.
 */
class CommandLineOrderTest {
    @TempDir
    Path dir;

    @Test
    void aSettingBeforeConfStillOverridesTheFile() {
        Path data = CliHarness.write(dir.resolve("d.libsvm"), "0 1:1", "1 2:1");
        Path conf = CliHarness.write(dir.resolve("x.properties"), "data.train=" + data,
                "data.features=2", "model.outputs=2", "model.hidden=4", "train.epochs=3");
        // the command line's bad value must be the one checked: before, the file loaded after it won
        CliHarness.assertOneLine(CliHarness.run("train", "train.epochs=0", "--conf", conf.toString()),
                ExitCode.USAGE, "command line", "train.epochs");
    }

    @Test
    void confGivenTwiceIsRefusedNamingBothFiles() {
        Path a = CliHarness.write(dir.resolve("a.properties"), "train.epochs=3");
        Path b = CliHarness.write(dir.resolve("b.properties"), "train.epochs=5");
        CliHarness.assertOneLine(CliHarness.run("train", "--conf", a.toString(), "--conf", b.toString()),
                ExitCode.USAGE, "--conf is given twice", a.toString(), b.toString());
    }

    @Test
    void anOptionGivenTwiceIsRefusedNamingBothValues() {
        CliHarness.assertOneLine(CliHarness.run("evaluate", "--model", "m1.json", "--model", "m2.json", "--data", "d"),
                ExitCode.USAGE, "--model is given twice (m1.json and m2.json)");
        CliHarness.assertOneLine(CliHarness.run("predict", "--model", "m.json", "--data", "d", "--out", "o1",
                "--out", "o2"), ExitCode.USAGE, "--out is given twice (o1 and o2)");
    }
}
