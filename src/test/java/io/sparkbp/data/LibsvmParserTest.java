package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibsvmParserTest {
    static final LineParser SOFTMAX = LineParser.libsvm(64, 10, OutputKind.SOFTMAX);
    static final LineParser BINARY = LineParser.libsvm(30, 1, OutputKind.LOGISTIC);
    static final LineParser MULTILABEL = LineParser.libsvm(64, 3, OutputKind.LOGISTIC);
    static final LineParser REGRESSION = LineParser.libsvm(10, 1, OutputKind.LINEAR);
    static final LineParser MULTI_REGRESSION = LineParser.libsvm(10, 3, OutputKind.LINEAR);

    static String error(LineParser p, String line) {
        DataException e = assertThrows(DataException.class, () -> p.parse(line));
        assertSame(DataException.Kind.RECORD, e.kind());
        return e.getMessage();
    }

    static void assertFeatures(ParsedExample e, int[] idx, double[] val) {
        assertArrayEquals(idx, e.indices());
        assertArrayEquals(val, e.values(), 0.0);
    }

    // ------------------------------------------------------------ valid lines

    @Test
    void softmaxLine() {
        ParsedExample e = SOFTMAX.parse("9 4:1 5:7 6:15 64:2.5");
        assertFeatures(e, new int[] {3, 4, 5, 63}, new double[] {1, 7, 15, 2.5});
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, e.targets(), 0.0);
        assertEquals(1.0, e.weight());
        assertEquals(7.0, e.feature(4));
        assertEquals(0.0, e.feature(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"3.0|3", "3e0|3", "+3|3", "0|0", "9.000|9"})
    void integerValuedClassIds(String label, int cls) {
        assertEquals(1.0, SOFTMAX.parse(label + " 1:1").targets()[cls]);
    }

    @Test
    void labelOnlyLineIsAnAllZeroExample() {
        ParsedExample e = SOFTMAX.parse("2");
        assertEquals(0, e.nonzeros());
        assertEquals(1.0, e.targets()[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t", "\r", "\uFEFF", "\uFEFF \r", "# comment", "   # indented comment",
            "#1 1:2", "\uFEFF# comment after BOM"})
    void skippedLines(String line) {
        assertNull(SOFTMAX.parse(line));
        assertNull(LineParser.normalize(line));
    }

    @Test
    void nullLineIsSkipped() {
        assertNull(SOFTMAX.parse(null));
    }

    @Test
    void crlfBomTrailingWhitespaceAndTabs() {
        ParsedExample ref = SOFTMAX.parse("3 1:0.5 7:2");
        for (String line : new String[] {"3 1:0.5 7:2\r", "\uFEFF3 1:0.5 7:2", "3 1:0.5 7:2  \t ", "3\t1:0.5\t7:2",
                "  3  1:0.5 \t 7:2", "\uFEFF3\t1:0.5   7:2 \r", "3 1:0.5 7:2 # trailing comment 9:9"}) {
            ParsedExample e = SOFTMAX.parse(line);
            assertFeatures(e, ref.indices(), ref.values());
            assertArrayEquals(ref.targets(), e.targets(), 0.0);
        }
    }

    @Test
    void anIndexMayHaveLeadingZerosOrAPlusSignAsSparkReadsIt() {
        ParsedExample ref = SOFTMAX.parse("3 1:0.5 7:2");
        for (String line : new String[] {"3 01:0.5 7:2", "3 +1:0.5 7:2", "3 +01:0.5 007:2", "3 1:0.5 +7:2"}) {
            ParsedExample e = SOFTMAX.parse(line);
            assertFeatures(e, new int[] {0, 6}, new double[] {0.5, 2});
            assertArrayEquals(ref.targets(), e.targets(), 0.0);
        }
        for (String bad : new String[] {"3 +:0.5", "3 ++1:0.5", "3 -1:0.5", "3 +-1:0.5", "3 1+:0.5"}) {
            assertThrows(DataException.class, () -> SOFTMAX.parse(bad), bad);
        }
    }

    @Test
    void unsortedIndicesAreSorted() {
        ParsedExample e = SOFTMAX.parse("1 7:2 1:0.5 3:-1 64:4 2:8");
        assertFeatures(e, new int[] {0, 1, 2, 6, 63}, new double[] {0.5, 8, -1, 2, 4});
    }

    @Test
    void zerosAreDropped() {
        ParsedExample e = SOFTMAX.parse("1 1:0 2:3 3:0.0 4:-0 5:0e5 6:1");
        assertFeatures(e, new int[] {1, 5}, new double[] {3, 1});
        ParsedExample unsorted = SOFTMAX.parse("1 6:1 1:0 2:3");
        assertFeatures(unsorted, new int[] {1, 5}, new double[] {3, 1});
    }

    @Test
    void binaryLabels() {
        assertEquals(1.0, BINARY.parse("1 1:2").targets()[0]);
        assertEquals(0.0, BINARY.parse("0 1:2").targets()[0]);
        assertEquals(1.0, BINARY.parse("1.0 1:2").targets()[0]);
        assertEquals(0.0, BINARY.parse("0.0 1:2").targets()[0]);
        assertEquals(1.0, BINARY.parse("+1 1:2").targets()[0]);
        assertEquals(1, BINARY.parse("1 1:2").targets().length);
    }

    @Test
    void multiLabel() {
        assertArrayEquals(new double[] {1, 0, 1}, MULTILABEL.parse("0,2 1:1").targets(), 0.0);
        assertArrayEquals(new double[] {0, 1, 0}, MULTILABEL.parse("1 1:1").targets(), 0.0);
        assertArrayEquals(new double[] {1, 1, 1}, MULTILABEL.parse("2,0,1.0 1:1").targets(), 0.0);
        // empty label field: the line starts with a blank, or directly with an i:v token
        ParsedExample none = MULTILABEL.parse(" 4:3 5:13");
        assertArrayEquals(new double[] {0, 0, 0}, none.targets(), 0.0);
        assertFeatures(none, new int[] {3, 4}, new double[] {3, 13});
        assertArrayEquals(new double[] {0, 0, 0}, MULTILABEL.parse("4:3 5:13").targets(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, MULTILABEL.parse("\t4:3\r").targets(), 0.0);
    }

    @Test
    void regressionTargets() {
        assertArrayEquals(new double[] {178}, REGRESSION.parse("178 1:47 2:2").targets(), 0.0);
        assertArrayEquals(new double[] {-1.5e-3}, REGRESSION.parse("-1.5e-3 1:47").targets(), 0.0);
        assertArrayEquals(new double[] {1.5, 2.0, -3}, MULTI_REGRESSION.parse("1.5,2.0,-3 1:1").targets(), 0.0);
    }

    @Test
    void veryLongLine() {
        int n = 200_000;
        StringBuilder sb = new StringBuilder("1");
        for (int j = n; j >= 1; j--) { // descending: exercises the sort too
            sb.append(' ').append(j).append(':').append(j % 7 == 0 ? "0" : Integer.toString(j));
        }
        LineParser p = LineParser.libsvm(n, 2, OutputKind.SOFTMAX);
        ParsedExample e = p.parse(sb.toString());
        assertEquals(n - n / 7, e.nonzeros());
        for (int q = 1; q < e.nonzeros(); q++) {
            assertTrue(e.indices()[q] > e.indices()[q - 1]);
            assertEquals(e.indices()[q] + 1, e.values()[q], 0.0);
        }
        String bad = sb + " " + (n + 1) + ":1";
        DataException ex = assertThrows(DataException.class, () -> p.parse(bad));
        assertEquals(DataException.MAX_LINE_CHARS + 3, ex.lineText().length());
        assertEquals("feature index 200001 is out of range in '200001:1'; expected indices 1..200000 "
                + "(data.features=200000)", ex.getMessage());
    }

    @Test
    void parserIsSerializable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(MULTILABEL);
        }
        LineParser copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (LineParser) in.readObject();
        }
        assertArrayEquals(new double[] {1, 0, 1}, copy.parse("0,2 1:1").targets(), 0.0);
        assertEquals(64, copy.inputs());
        assertEquals(3, copy.outputs());
        assertSame(OutputKind.LOGISTIC, copy.kind());
        assertSame(Format.LIBSVM, copy.format());
        assertNull(copy.schema());
    }

    @Test
    void constructorChecks() {
        assertThrows(IllegalArgumentException.class, () -> LineParser.libsvm(0, 2, OutputKind.SOFTMAX));
        assertThrows(IllegalArgumentException.class, () -> LineParser.libsvm(5, 1, OutputKind.SOFTMAX));
        assertThrows(IllegalArgumentException.class, () -> new LineParser(Format.CSV, 5, 2, OutputKind.SOFTMAX, null));
        assertThrows(IllegalArgumentException.class, () -> new LineParser(null, 5, 2, OutputKind.SOFTMAX, null));
        assertNotNull(new LineParser(Format.LIBSVM, 5, 2, OutputKind.SOFTMAX, null));
    }

    // ------------------------------------------------------------ bad lines, exact messages

    @Test
    void featureIndexOutOfRange() {
        assertEquals("feature index 65 is out of range in '65:3'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 2:4 65:3"));
        assertEquals("feature index 0 is out of range in '0:1'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 0:1 2:4"));
        assertEquals("feature index -2 is out of range in '-2:1'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 -2:1"));
        assertEquals("feature index 99999999999999999999 is out of range in '99999999999999999999:1'; expected "
                + "indices 1..64 (data.features=64)", error(SOFTMAX, "1 99999999999999999999:1"));
        // out of range even with value 0
        assertEquals("feature index 31 is out of range in '31:0'; expected indices 1..30 (data.features=30)",
                error(BINARY, "1 31:0"));
    }

    @Test
    void malformedFeatureTokens() {
        assertEquals("feature is missing ':' in '7'; expected index:value pairs like 3:0.5 after the label",
                error(SOFTMAX, "1 2:4 7"));
        assertEquals("feature is missing ':' in '2'; expected index:value pairs like 3:0.5 after the label",
                error(SOFTMAX, "1 2 3"));
        assertEquals("missing feature index in ':5'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 :5"));
        assertEquals("feature index is not an integer in 'x:5'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 x:5"));
        assertEquals("feature index is not an integer in '1.5:5'; expected indices 1..64 (data.features=64)",
                error(SOFTMAX, "1 1.5:5"));
        assertEquals("missing feature value in '3:'; expected index:value pairs like 3:0.5",
                error(SOFTMAX, "1 3:"));
        assertEquals("non-numeric feature value in '3:1:2'; expected index:value with a decimal number as value",
                error(SOFTMAX, "1 3:1:2"));
    }

    @Test
    void nonNumericValue() {
        assertEquals("non-numeric feature value in '3:abc'; expected index:value with a decimal number as value",
                error(SOFTMAX, "1 3:abc"));
        assertEquals("non-numeric feature value in '3:1.5f'; expected index:value with a decimal number as value",
                error(SOFTMAX, "1 3:1.5f"));
        assertEquals("non-numeric feature value in '3:0x10'; expected index:value with a decimal number as value",
                error(SOFTMAX, "1 3:0x10"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "Infinity", "-Infinity", "inf"})
    void nonFiniteValue(String v) {
        assertEquals("feature value is not finite in '3:" + v + "'; expected a finite number (NaN and Infinity are "
                + "not allowed)", error(SOFTMAX, "1 2:1 3:" + v));
    }

    /** A literal beyond the double range is a number, just too large: said so, not "not a number" or "not finite". */
    @Test
    void aNumberBeyondTheDoubleRangeIsCalledSo() {
        String range = "; expected a number of magnitude at most 1.7976931348623157E308";
        assertEquals("feature value is out of the double range in '3:1e400'" + range, error(SOFTMAX, "1 2:1 3:1e400"));
        assertEquals("class label 1e400 is out of the double range in '1e400'; expected a class id 0..9"
                + " (model.outputs=10)", error(SOFTMAX, "1e400 1:1"));
        assertEquals("label id '-1e999' is out of the double range in '0,-1e999'; expected comma-separated label ids"
                + " 0..2 (model.outputs=3), or an empty label field for none", error(MULTILABEL, "0,-1e999 1:1"));
        assertEquals("target value '1e400' is out of the double range in '1,1e400,2'; expected 3 comma-separated"
                + " finite target values (model.outputs=3)", error(MULTI_REGRESSION, "1,1e400,2 1:1"));
    }

    @Test
    void duplicateIndex() {
        assertEquals("duplicate feature index 5 in '5:2'; expected each index at most once per line (first seen in "
                + "'5:1')", error(SOFTMAX, "1 5:1 5:2"));
        assertEquals("duplicate feature index 5 in '05:0'; expected each index at most once per line (first seen in "
                + "'5:1')", error(SOFTMAX, "1 5:1 7:3 05:0"));
    }

    @Test
    void softmaxLabels() {
        assertEquals("class label 10 is out of range in '10'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "10 1:1"));
        assertEquals("class label -1 is out of range in '-1'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "-1 1:1"));
        assertEquals("class label is not an integer in '3.5'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "3.5 1:1"));
        assertEquals("class label is not a number in 'cat'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "cat 1:1"));
        assertEquals("class label is not a number in '1,2'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "1,2 1:1"));
        assertEquals("class label is not a number in 'NaN'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, "NaN 1:1"));
        assertEquals("missing class label in ' 1:1 2:2'; expected a class id 0..9 (model.outputs=10)",
                error(SOFTMAX, " 1:1 2:2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "2", "0.5", "yes", "1,0", "NaN"})
    void binaryLabelNotZeroOrOne(String label) {
        assertEquals("binary label is not 0 or 1 in '" + label + "'; expected 0 or 1 (binary logistic output, "
                + "model.outputs=1)", error(BINARY, label + " 1:1"));
    }

    @Test
    void binaryLabelMissing() {
        assertEquals("missing binary label in '1:1'; expected 0 or 1 (binary logistic output, model.outputs=1)",
                error(BINARY, "1:1"));
    }

    @Test
    void multiLabelErrors() {
        String expected = "; expected comma-separated label ids 0..2 (model.outputs=3), or an empty label field for none";
        assertEquals("label id 3 is out of range in '0,3'" + expected, error(MULTILABEL, "0,3 1:1"));
        assertEquals("label id -1 is out of range in '-1'" + expected, error(MULTILABEL, "-1 1:1"));
        assertEquals("label id '1.5' is not an integer in '1.5'" + expected, error(MULTILABEL, "1.5 1:1"));
        assertEquals("label id 'a' is not a number in '0,a'" + expected, error(MULTILABEL, "0,a 1:1"));
        assertEquals("duplicate label id 0 in '0,0'" + expected, error(MULTILABEL, "0,0 1:1"));
        assertEquals("empty label id in '0,,2'" + expected, error(MULTILABEL, "0,,2 1:1"));
        assertEquals("empty label id in '0,'" + expected, error(MULTILABEL, "0, 1:1"));
        assertEquals("empty label id in ',1'" + expected, error(MULTILABEL, ",1 1:1"));
    }

    @Test
    void regressionErrors() {
        assertEquals("wrong number of target values: got 2 in '1.5,2.0'; expected 3 comma-separated finite target "
                + "values (model.outputs=3)", error(MULTI_REGRESSION, "1.5,2.0 1:1"));
        assertEquals("wrong number of target values: got 4 in '1,2,3,4'; expected 3 comma-separated finite target "
                + "values (model.outputs=3)", error(MULTI_REGRESSION, "1,2,3,4 1:1"));
        assertEquals("wrong number of target values: got 2 in '1.5,2.0'; expected a finite real target value "
                + "(model.outputs=1)", error(REGRESSION, "1.5,2.0 1:1"));
        assertEquals("target value 'NaN' is not finite in 'NaN'; expected a finite real target value (model.outputs=1)",
                error(REGRESSION, "NaN 1:1"));
        assertEquals("target value 'Infinity' is not finite in '1,Infinity,2'; expected 3 comma-separated finite "
                + "target values (model.outputs=3)", error(MULTI_REGRESSION, "1,Infinity,2 1:1"));
        assertEquals("target value 'x' is not a number in 'x'; expected a finite real target value (model.outputs=1)",
                error(REGRESSION, "x 1:1"));
        assertEquals("empty target value in '1,,2'; expected 3 comma-separated finite target values "
                + "(model.outputs=3)", error(MULTI_REGRESSION, "1,,2 1:1"));
        assertEquals("missing target value in '1:1'; expected a finite real target value (model.outputs=1)",
                error(REGRESSION, "1:1"));
    }

    @Test
    void errorsCarryTheLine() {
        DataException e = assertThrows(DataException.class, () -> SOFTMAX.parse("\uFEFF1 2:4 65:3\r"));
        assertEquals("1 2:4 65:3", e.lineText());
        assertEquals("65:3", e.token());
        assertEquals("digits/train.libsvm line 17: feature index 65 is out of range in '65:3'; expected indices 1..64 "
                + "(data.features=64)", e.at("digits/train.libsvm", 17).getMessage());
    }
}
