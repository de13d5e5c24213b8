package io.sparkbp.data;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The first lines of the shared data sets (copied into {@code src/test/resources/data-cases}), and, when
 * {@code /work/shared/data} exists, the complete files.
 */
class RealDataTest {
    static final Path SHARED = Path.of("/work/shared/data");

    static List<String> resource(String name) throws IOException {
        try (InputStream in = RealDataTest.class.getResourceAsStream("/data-cases/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static List<ParsedExample> parseAll(LineParser p, List<String> lines) {
        List<ParsedExample> out = new ArrayList<>();
        for (String l : lines) {
            ParsedExample e = p.parse(l);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    static LineParser csvParser(String headerLine, int nOut, OutputKind kind) {
        return LineParser.csv(CsvSchema.fromHeader(headerLine, null, nOut), kind);
    }

    static void assertSame(List<ParsedExample> a, List<ParsedExample> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).indices(), b.get(i).indices(), "row " + i);
            assertArrayEquals(a.get(i).values(), b.get(i).values(), 0.0, "row " + i);
            assertArrayEquals(a.get(i).targets(), b.get(i).targets(), 0.0, "row " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"digits,64,10,softmax,5", "digits_multilabel,64,3,logistic,6", "breast_cancer,30,1,logistic,5",
            "diabetes,10,1,linear,5"})
    void libsvmAndCsvAgree(String name, int nIn, int nOut, String kind, int rows) throws IOException {
        OutputKind k = OutputKind.parse(kind);
        List<ParsedExample> svm = parseAll(LineParser.libsvm(nIn, nOut, k), resource(name + ".head.libsvm"));
        List<String> csv = resource(name + ".head.csv");
        LineParser cp = csvParser(csv.get(0), nOut, k);
        assertEquals(nIn, cp.inputs());
        List<ParsedExample> fromCsv = parseAll(cp, csv);
        assertEquals(rows, svm.size());
        assertSame(svm, fromCsv);
    }

    @Test
    void knownRows() throws IOException {
        List<ParsedExample> digits = parseAll(LineParser.libsvm(64, 10, OutputKind.SOFTMAX),
                resource("digits.head.libsvm"));
        ParsedExample first = digits.get(0); // 9 4:1 5:7 6:15 7:11 ... 62:6
        assertEquals(1.0, first.targets()[9]);
        assertEquals(3, first.indices()[0]);
        assertEquals(1.0, first.values()[0]);
        assertEquals(6.0, first.feature(61));

        List<ParsedExample> ml = parseAll(LineParser.libsvm(64, 3, OutputKind.LOGISTIC),
                resource("digits_multilabel.head.libsvm"));
        assertArrayEquals(new double[] {0, 1, 0}, ml.get(0).targets(), 0.0); // "1 ..."
        assertArrayEquals(new double[] {1, 1, 0}, ml.get(1).targets(), 0.0); // "0,1 ..."
        assertArrayEquals(new double[] {0, 1, 1}, ml.get(2).targets(), 0.0); // "1,2 ..."
        assertArrayEquals(new double[] {0, 0, 0}, ml.get(5).targets(), 0.0); // " 5:13 ..." (a digit 1)
        assertEquals(13.0, ml.get(5).feature(4));

        List<ParsedExample> bc = parseAll(LineParser.libsvm(30, 1, OutputKind.LOGISTIC),
                resource("breast_cancer.head.libsvm"));
        assertArrayEquals(new double[] {1}, bc.get(0).targets(), 0.0);
        assertArrayEquals(new double[] {0}, bc.get(1).targets(), 0.0);
        assertEquals(0.004242, bc.get(0).feature(14), 0.0);
        assertEquals(30, bc.get(0).nonzeros());

        List<ParsedExample> diab = parseAll(LineParser.libsvm(10, 1, OutputKind.LINEAR),
                resource("diabetes.head.libsvm"));
        assertArrayEquals(new double[] {178}, diab.get(0).targets(), 0.0);
        assertEquals(5.3660000000000005, diab.get(3).feature(8), 0.0);
    }

    @Test
    void packedRealRows() throws IOException {
        List<ParsedExample> digits = parseAll(LineParser.libsvm(64, 10, OutputKind.SOFTMAX),
                resource("digits.head.libsvm"));
        Block b = new BlockPacker(64, 10, 256, Layout.AUTO).pack(digits.iterator()).next();
        assertEquals(5, b.rows());
        for (int n = 0; n < 5; n++) {
            for (int j = 0; j < 64; j++) {
                assertEquals(digits.get(n).feature(j), b.input(n, j), 0.0);
            }
        }
    }

    // ------------------------------------------------------------ complete files, when available

    @ParameterizedTest
    @CsvSource({"digits,64,10,softmax", "digits_multilabel,64,3,logistic", "breast_cancer,30,1,logistic",
            "diabetes,10,1,linear", "mnist10k,784,10,softmax"})
    void completeSharedFiles(String name, int nIn, int nOut, String kind) throws IOException {
        Path dir = SHARED.resolve(name);
        assumeTrue(Files.isDirectory(dir), "shared data not available");
        OutputKind k = OutputKind.parse(kind);
        for (String split : new String[] {"train", "test"}) {
            List<ParsedExample> svm = parseAll(LineParser.libsvm(nIn, nOut, k),
                    Files.readAllLines(dir.resolve(split + ".libsvm")));
            List<String> csv = Files.readAllLines(dir.resolve(split + ".csv"));
            List<ParsedExample> fromCsv = parseAll(csvParser(csv.get(0), nOut, k), csv);
            assertEquals(csv.size() - 1, svm.size());
            assertSame(svm, fromCsv);
        }
    }

    /** The shared .std files are z-scored with train mean and population std, to 8 significant digits. */
    @ParameterizedTest
    @CsvSource({"breast_cancer,30,1,logistic", "diabetes,10,1,linear"})
    void standardizationMatchesSharedStdFiles(String name, int nIn, int nOut, String kind) throws IOException {
        Path dir = SHARED.resolve(name);
        assumeTrue(Files.isDirectory(dir), "shared data not available");
        OutputKind k = OutputKind.parse(kind);
        List<String> raw = Files.readAllLines(dir.resolve("train.csv"));
        LineParser p = csvParser(raw.get(0), nOut, k);
        List<ParsedExample> train = parseAll(p, raw);
        FeatureStats stats = new FeatureStats(nIn, nOut);
        train.forEach(stats::add);
        Transform in = stats.inputTransform(true);
        for (String split : new String[] {"train", "test"}) {
            List<ParsedExample> rows = parseAll(p, Files.readAllLines(dir.resolve(split + ".csv")));
            List<ParsedExample> std = parseAll(p, Files.readAllLines(dir.resolve(split + ".std.csv")));
            Standardizer st = new Standardizer(in, null);
            for (int i = 0; i < rows.size(); i++) {
                ParsedExample e = st.apply(rows.get(i));
                for (int j = 0; j < nIn; j++) {
                    double expected = std.get(i).feature(j);
                    assertEquals(expected, e.feature(j), 1e-7 * Math.max(1, Math.abs(expected)),
                            split + " row " + i + " feature " + j);
                }
            }
        }
    }
}
