package io.sparkbp.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.util.ReflectionUtils;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.sparkbp.cli.CliHarness.assertOneLine;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@code .bz2} file cut short inside its first block fails as soon as Hadoop opens the split (the
 * reader decompresses the first block when it is made), not on a read: it used to end as an internal
 * error with a stack trace; it is a data error naming the file, as a damaged {@code .gz} is.
 */
class DamagedBzip2Test {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("DamagedBzip2Test");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static byte[] bzip2(String text) throws IOException {
        BZip2Codec codec = ReflectionUtils.newInstance(BZip2Codec.class, new Configuration());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = codec.createOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void aBzip2FileCutShortInItsFirstBlockIsADataErrorNamingTheFile() throws IOException {
        String text = "0 1:0.1 2:0.2\n1 1:0.9 2:0.8\n0 1:0.2 2:0.1\n1 1:0.8 2:0.9\n";
        byte[] good = bzip2(text);
        Path whole = Files.write(dir.resolve("whole.libsvm.bz2"), good);
        Path cut = Files.write(dir.resolve("cut.libsvm.bz2"), Arrays.copyOf(good, 15));
        String[] base = {"data.features=2", "model.outputs=2", "model.hidden=2", "train.epochs=1"};
        CliHarness.Result ok = train(concat(base, new String[] {"data.train=" + whole,
            "output.model=" + dir.resolve("m.json")}));
        assertEquals(ExitCode.OK, ok.code(), ok::toString);
        String named = "sparkbp: data error: file:" + cut + ": cannot be decompressed as a .bz2 file (";
        assertOneLine(train(concat(base, new String[] {"data.train=" + cut, "output.model=" + dir.resolve("x.json")})),
                ExitCode.DATA, named, "it may be truncated or damaged");
        assertOneLine(run("evaluate", "--model", dir.resolve("m.json").toString(), "--data", cut.toString()),
                ExitCode.DATA, named);
        assertOneLine(run("predict", "--model", dir.resolve("m.json").toString(), "--data", cut.toString(), "--out",
                dir.resolve("p").toString()), ExitCode.DATA, named);
    }
}
