package io.sparkbp.cli;

import io.sparkbp.cli.CliHarness.Result;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.sparkbp.cli.CliHarness.assertOneLine;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs that used to end as an internal error (exit 1 and a stack trace) are named in one sentence:
 * damaged compressed files and sub-directories in a data directory (data errors, exit 3), blocks
 * too large for a Java array and networks too large for the driver's heap (refused before any data
 * are read, exit 2).
 */
class BadInputTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("BadInputTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    private static byte[] lines(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i % 2).append(" 1:").append(i / 100.0).append(" 2:1\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private String[] base(Path data, String... more) {
        return concat(new String[] {"data.train=" + data, "data.features=2", "model.outputs=2", "model.hidden=2",
            "train.epochs=1", "output.model=" + dir.resolve("m.json")}, more);
    }

    @Test
    void aDamagedGzipFileIsADataErrorNamingTheFile() throws IOException {
        byte[] good = gzip(lines(3000));
        Path plain = Files.write(dir.resolve("plain.libsvm.gz"), lines(3000));
        Path truncated = Files.write(dir.resolve("truncated.libsvm.gz"), Arrays.copyOf(good, good.length / 2));
        byte[] flipped = good.clone();
        for (int i = good.length / 2; i < good.length / 2 + 40; i++) {
            flipped[i] ^= 0x5a;
        }
        Path corrupt = Files.write(dir.resolve("corrupt.libsvm.gz"), flipped);
        for (Path p : List.of(plain, truncated, corrupt)) {
            assertOneLine(train(base(p)), ExitCode.DATA, "sparkbp: data error: file:" + p + ": cannot be decompressed"
                    + " as a .gz file (", "it may be truncated or damaged, or not compressed at all");
        }
    }

    @Test
    void aSubDirectoryInADataDirectoryIsRefusedByNameAndHiddenOnesAreIgnored() throws IOException {
        Path data = dir.resolve("parts");
        Files.createDirectories(data.resolve("_temporary/0"));
        Files.write(data.resolve("_temporary/0/part-00009"), "not data\n".getBytes(StandardCharsets.UTF_8));
        Files.write(data.resolve("part-00000"), lines(20));
        Result ok = train(base(data));
        assertEquals(0, ok.code(), ok::toString);

        Files.createDirectories(data.resolve("nested"));
        Files.write(data.resolve("nested/part-00001"), lines(20));
        assertOneLine(train(base(data, "output.overwrite=true")), ExitCode.DATA, "sparkbp: data error: the directory ",
                "parts (data.train) holds the sub-directory 'nested', and directories are not read recursively;"
                        + " expected only data files in it");
        Result glob = train(base(data.resolve("*"), "output.overwrite=true"));
        assertEquals(0, glob.code(), "a glob that names the sub-directory reads its files: " + glob);
    }

    @Test
    void anInputWhoseNameHoldsAColonIsOneSentenceNamingTheFile() {
        Path colon = write(dir.resolve("a:b.libsvm"), "1 1:0.5", "0 2:1");
        String problem = " has the name 'a:b.libsvm', which holds a ':', and a Hadoop path cannot hold a ':' in a file"
                + " or directory name (it would read 'a:' as a URI scheme)";
        Result r = train(base(colon));
        assertOneLine(r, ExitCode.DATA, "sparkbp: data error: data.train=" + colon + problem + "; expected a data"
                + " path without ':' (rename the file, or link it under a name without ':')");
        assertFalse(r.err().contains("Relative path in absolute URI") || r.err().contains("\tat "), r::toString);
        assertOneLine(train(base(Path.of("a:b.libsvm"))), ExitCode.DATA, "data error: data.train=a:b.libsvm has the"
                + " name 'a:b.libsvm'");
        Path good = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 2:1");
        assertOneLine(train(base(good, "data.test=" + colon)), ExitCode.DATA, "data error: data.test=" + colon + problem);
        assertOneLine(train(base(good, "data.validation=" + colon)), ExitCode.DATA, "data.validation=" + colon);
        Result t = train(base(good, "output.overwrite=true"));
        assertEquals(0, t.code(), t::toString);
        String model = dir.resolve("m.json").toString();
        assertOneLine(run("evaluate", "--model", model, "--data", colon.toString()), ExitCode.DATA,
                "sparkbp: data error: --data=" + colon + problem);
        assertOneLine(run("predict", "--model", model, "--data", colon.toString(), "--out", dir.resolve("p").toString()),
                ExitCode.DATA, "sparkbp: data error: --data=" + colon + problem);
        Path colonModel = dir.resolve("m:1.json");
        assertOneLine(run("evaluate", "--model", colonModel.toString(), "--data", good.toString()), ExitCode.USAGE,
                "sparkbp: error: --model=" + colonModel + " has the name 'm:1.json', which holds a ':'",
                "; rename the file, or link it under a name without ':'");
        assertOneLine(train(base(good, "output.overwrite=true", "train.initModel=" + colonModel)), ExitCode.USAGE,
                "sparkbp: error: train.initModel=" + colonModel + " has the name 'm:1.json'");
        // a --conf file is read by Java, not through Hadoop: its name may hold a ':'
        Path conf = write(dir.resolve("c:1.properties"), "train.epochs=1");
        Result c = run(concat(new String[] {"train", "--conf", conf.toString()}, base(good, "output.overwrite=true")));
        assertEquals(0, c.code(), c::toString);
    }

    @Test
    void aBlockThatCannotFitAJavaArrayIsRefusedBeforeAnyDataAreRead() {
        Path data = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 2:1");
        Result r = train(base(data, "data.blockRows=2000000000"));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: command line: data.blockRows=2000000000: blocks of"
                + " 2,000,000,000 rows x 2 outputs (4,000,000,000 targets) do not fit in a Java array");
        Path conf = write(dir.resolve("rows.properties"), "# long blocks", "data.blockRows=2000000000");
        assertOneLine(train(concat(new String[] {"--conf", conf.toString()}, base(data))), ExitCode.USAGE,
                "sparkbp: error: " + conf + ":2: data.blockRows=2000000000: blocks of 2,000,000,000 rows");
        assertFalse(r.out().contains("computing"), r::toString);
        Result dense = train(base(data, "data.blockRows=1500000000", "data.layout=dense", "model.outputs=1",
                "model.output=logistic"));
        assertOneLine(dense, ExitCode.USAGE, "dense blocks of 1,500,000,000 rows x 2 features (3,000,000,000 values)");

        Result one = train(base(data, "data.blockRows=2000000000", "model.outputs=1", "model.output=logistic"));
        assertEquals(0, one.code(), "blocks that fit an array are only as long as their partition: " + one);

        Result t = train(base(data, "output.overwrite=true"));
        assertEquals(0, t.code(), t::toString);
        Result p = run("predict", "--model", dir.resolve("m.json").toString(), "--data", data.toString(),
                "--out", dir.resolve("p").toString(), "data.blockRows=2000000000");
        assertOneLine(p, ExitCode.USAGE, "sparkbp: error: command line: data.blockRows=2000000000: blocks of"
                + " 2,000,000,000 rows");
    }

    @Test
    void aNetworkTooLargeForTheDriverHeapIsRefusedBeforeAnyDataAreRead() {
        Path data = write(dir.resolve("good.libsvm"), "1 1:0.5", "0 2:1");
        Result r = train(base(data, "model.hidden=20000,20000", "train.optimizer=adam"));
        assertOneLine(r, ExitCode.USAGE, "sparkbp: error: command line: model.hidden: the network ",
                " has 400,120,002 parameters, and training it with adam keeps at least 8 copies of them on the driver",
                "more than the driver's maximum heap of ", "use a smaller network (model.hidden)", "(--driver-memory)");
        assertFalse(r.out().contains("computing"), r::toString);

        // the key's real source: the file and line it was set on
        Path conf = write(dir.resolve("big.properties"), "# a network too large", "model.hidden=20000,20000");
        Result f = train("--conf", conf.toString(), "data.train=" + data, "data.features=2", "model.outputs=2",
                "train.epochs=1", "output.model=" + dir.resolve("m.json"));
        assertOneLine(f, ExitCode.USAGE, "sparkbp: error: " + conf + ":2: model.hidden: the network ");

        // no hidden layer: the widest end of the network is the key to change
        Result wide = train(base(data, "model.hidden=", "data.features=300000000"));
        assertOneLine(wide, ExitCode.USAGE, "sparkbp: error: command line: data.features: the network [300000000, 2]",
                "use a smaller network (data.features)");
    }
}
