package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvParserTest {
    static LineParser parser(String header, List<String> labels, int nOut, OutputKind kind) {
        return LineParser.csv(CsvSchema.fromHeader(header, labels, nOut), kind);
    }

    static String error(LineParser p, String line) {
        DataException e = assertThrows(DataException.class, () -> p.parse(line));
        assertSame(DataException.Kind.RECORD, e.kind());
        return e.getMessage();
    }

    static String schemaError(String header, List<String> labels, String weight, int nOut) {
        DataException e = assertThrows(DataException.class, () -> CsvSchema.fromHeader(header, labels, weight, nOut));
        assertSame(DataException.Kind.SCHEMA, e.kind());
        return e.getMessage();
    }

    // ------------------------------------------------------------ schema

    @Test
    void defaultSchemaFirstColumn() {
        CsvSchema s = CsvSchema.fromHeader("label,f1,f2,f3", null, 10);
        assertArrayEquals(new int[] {0}, s.labelColumns());
        assertArrayEquals(new int[] {1, 2, 3}, s.featureColumns());
        assertEquals(3, s.features());
        assertEquals(4, s.columns());
        assertEquals(-1, s.weightColumn());
        assertEquals(List.of("f1", "f2", "f3"), s.featureNames());
        assertEquals(List.of("label"), s.labelNames());
        assertEquals("label,f1,f2,f3", s.header());
        // any first column name works
        assertEquals(List.of("y"), CsvSchema.fromHeader("y,a,b", List.of(), 1).labelNames());
    }

    @Test
    void defaultSchemaLabelColumns() {
        CsvSchema s = CsvSchema.fromHeader("\uFEFFf0,label_1,label_0,f1,label_2\r", null, 3);
        assertArrayEquals(new int[] {2, 1, 4}, s.labelColumns());
        assertArrayEquals(new int[] {0, 3}, s.featureColumns());
        assertEquals("f0,label_1,label_0,f1,label_2", s.header());
        assertEquals(List.of("label_0"), CsvSchema.fromHeader("label_0,a", null, 1).labelNames());
    }

    @Test
    void explicitLabelColumnsAndWeight() {
        CsvSchema s = CsvSchema.fromHeader("a, \"target\" ,b,w,c", List.of(" target "), "w", 1);
        assertArrayEquals(new int[] {1}, s.labelColumns());
        assertEquals(3, s.weightColumn());
        assertArrayEquals(new int[] {0, 2, 4}, s.featureColumns());
        CsvSchema two = CsvSchema.fromHeader("y1,x,y0", List.of("y0", "y1"), 2);
        assertArrayEquals(new int[] {2, 0}, two.labelColumns());
    }

    @Test
    void missingLabelColumn() {
        assertEquals("label column 'target' is not in the header in 'label,f1,f2'; expected a column of the header "
                + "(data.labelColumns=target)", schemaError("label,f1,f2", List.of("target"), null, 1));
        assertEquals("label column 'b' is not in the header in 'a,c,d'; expected a column of the header "
                + "(data.labelColumns=a,b)", schemaError("a,c,d", List.of("a", "b"), null, 2));
        assertEquals("weight column 'w' is not in the header in 'label,f1'; expected a column of the header (the "
                + "weight column 'w')", schemaError("label,f1", null, "w", 1));
    }

    @Test
    void otherSchemaErrors() {
        assertEquals("3 label columns are configured in 'a,b,c'; expected 1 label column or one per output "
                + "(model.outputs=2)", schemaError("a,b,c,d", List.of("a", "b", "c"), null, 2));
        assertEquals("label column 'a' is configured twice in 'a,a'; expected each label column once "
                + "(data.labelColumns=a,a)", schemaError("a,b,c", List.of("a", "a"), null, 2));
        assertEquals("label column 'y' appears 2 times in the header in 'y,x,y'; expected a unique column name "
                + "(data.labelColumns=y)", schemaError("y,x,y", List.of("y"), null, 1));
        assertEquals("the header has label columns label_0..label_1 but model.outputs=3 in 'label_0,label_1,f1'; "
                + "expected label_0..label_2, or set data.labelColumns", schemaError("label_0,label_1,f1", null, null, 3));
        assertEquals("the header has label columns label_0,label_2 but model.outputs=2 in 'label_0,label_2,f1'; "
                + "expected label_0..label_1, or set data.labelColumns", schemaError("label_0,label_2,f1", null, null, 2));
        assertEquals("the header has no feature columns in 'label'; expected feature columns after the label "
                + "column(s)", schemaError("label", null, null, 1));
        assertEquals("column 'y' cannot be both a label and the weight in 'y,x'; expected distinct label and weight "
                + "columns", schemaError("y,x", null, "y", 1));
        assertEquals("the CSV header is empty in ' \r'; expected a header row of column names (the first line that is "
                + "neither blank nor a '#' comment)", schemaError(" \r", null, null, 1));
        assertEquals("unterminated quoted field in 'label,\"f1'; expected a closing '\"' before the end of the line "
                + "(quoted fields cannot span lines)", schemaError("label,\"f1", null, null, 1));
    }

    @Test
    void headerFeatureCountMustMatchDataFeatures() {
        CsvSchema s = CsvSchema.fromHeader("label,f1,f2", null, 2);
        DataException e = assertThrows(DataException.class,
                () -> new LineParser(Format.CSV, 3, 2, OutputKind.SOFTMAX, s));
        assertSame(DataException.Kind.SCHEMA, e.kind());
        assertEquals("the CSV header has 2 feature columns in 'label,f1,f2'; expected 3 (data.features=3)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LineParser(Format.CSV, 2, 3, OutputKind.SOFTMAX, s));
        assertThrows(IllegalArgumentException.class, () -> new LineParser(Format.LIBSVM, 2, 2, OutputKind.SOFTMAX, s));
    }

    // ------------------------------------------------------------ valid lines

    @Test
    void classIdColumn() {
        LineParser p = parser("label,f1,f2,f3,f4", null, 10, OutputKind.SOFTMAX);
        ParsedExample e = p.parse("9,0,1.5,0,-2");
        assertArrayEquals(new int[] {1, 3}, e.indices());
        assertArrayEquals(new double[] {1.5, -2}, e.values(), 0.0);
        assertEquals(1.0, e.targets()[9]);
        assertEquals(1.0, p.parse("3.0,0,0,0,0").targets()[3]);
    }

    @Test
    void skippedLinesAndRepeatedHeader() {
        LineParser p = parser("label,f1,f2", null, 2, OutputKind.SOFTMAX);
        assertNull(p.parse("label,f1,f2"));
        assertNull(p.parse("\uFEFFlabel,f1,f2\r"));
        assertNull(p.parse("label,f1,f2  "));
        assertNull(p.parse(""));
        assertNull(p.parse("\r"));
        assertNull(p.parse("# comment"));
        ParsedExample e = p.parse("\uFEFF1, 2 ,\t3\r");
        assertArrayEquals(new double[] {2, 3}, e.values(), 0.0);
        assertEquals(1.0, e.targets()[1]);
    }

    @Test
    void quotedFields() {
        LineParser p = parser("\"label\",\"f,1\",f2", null, 3, OutputKind.LOGISTIC);
        assertEquals(List.of("f,1", "f2"), p.schema().featureNames());
        ParsedExample e = p.parse("\"0,2\",\"1.5\", \"2\" ");
        assertArrayEquals(new double[] {1, 0, 1}, e.targets(), 0.0);
        assertArrayEquals(new double[] {1.5, 2}, e.values(), 0.0);
        assertNull(p.parse("\"label\",\"f,1\",f2"));
        // an empty quoted label field: no labels
        assertArrayEquals(new double[] {0, 0, 0}, p.parse("\"\",1,2").targets(), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, p.parse(",1,2").targets(), 0.0);
        // escaped quotes survive into the text (and are then not a number)
        assertEquals("label id 'a\"b' is not a number in 'a\"b'; expected comma-separated label ids 0..2 "
                + "(model.outputs=3), or an empty label field for none", error(p, "\"a\"\"b\",1,2"));
    }

    @Test
    void labelColumnsPerOutput() {
        LineParser multi = parser("label_0,label_1,label_2,f1,f2", null, 3, OutputKind.LOGISTIC);
        assertArrayEquals(new double[] {0, 1, 1}, multi.parse("0,1,1.0,5,0").targets(), 0.0);
        LineParser reg = parser("label_0,label_1,f1", null, 2, OutputKind.LINEAR);
        assertArrayEquals(new double[] {-1.5, 2e3}, reg.parse("-1.5,2e3,7").targets(), 0.0);
        LineParser oneHot = parser("label_0,label_1,label_2,f1", null, 3, OutputKind.SOFTMAX);
        assertArrayEquals(new double[] {0, 0, 1}, oneHot.parse("0,0,1,7").targets(), 0.0);
        LineParser singleReg = parser("f1,y0,y1,y2", List.of("y2"), 3, OutputKind.LINEAR);
        assertArrayEquals(new double[] {1, 2, 3}, singleReg.parse("5,9,9,\"1,2,3\"").targets(), 0.0);
        assertArrayEquals(new double[] {5, 9, 9}, singleReg.parse("5,9,9,\"1,2,3\"").denseFeatures(3), 0.0);
    }

    @Test
    void weightColumn() {
        LineParser p = LineParser.csv(CsvSchema.fromHeader("y,w,x", null, "w", 1), OutputKind.LINEAR);
        ParsedExample e = p.parse("2.5,0.25,4");
        assertEquals(0.25, e.weight());
        assertArrayEquals(new double[] {2.5}, e.targets(), 0.0);
        assertArrayEquals(new double[] {4}, e.values(), 0.0);
        assertEquals("negative weight in weight column 'w' in '-1'; expected a finite weight >= 0",
                error(p, "2.5,-1,4"));
    }

    // ------------------------------------------------------------ bad lines, exact messages

    @Test
    void wrongColumnCount() {
        LineParser p = parser("label,f1,f2,f3", null, 10, OutputKind.SOFTMAX);
        assertEquals("wrong number of columns: got 3 in '1,2,3'; expected 4 columns as in the header (1 label, 3 "
                + "features)", error(p, "1,2,3"));
        assertEquals("wrong number of columns: got 5 in '1,2,3,4,'; expected 4 columns as in the header (1 label, 3 "
                + "features)", error(p, "1,2,3,4,"));
        assertEquals("wrong number of columns: got 1 in '1 2 3 4'; expected 4 columns as in the header (1 label, 3 "
                + "features)", error(p, "1 2 3 4"));
        LineParser w = LineParser.csv(CsvSchema.fromHeader("label_0,label_1,w,x", null, "w", 2), OutputKind.LOGISTIC);
        assertEquals("wrong number of columns: got 3 in '1,0,1'; expected 4 columns as in the header (2 labels, 1 "
                + "weight, 1 features)", error(w, "1,0,1"));
    }

    @Test
    void malformedQuotes() {
        LineParser p = parser("label,f1,f2", null, 2, OutputKind.SOFTMAX);
        assertEquals("unterminated quoted field in '1,\"2,3'; expected a closing '\"' before the end of the line "
                + "(quoted fields cannot span lines)", error(p, "1,\"2,3"));
        assertEquals("unexpected text after a quoted field in '\"2\"x'; expected ',' or the end of the line after the "
                + "closing '\"'", error(p, "1,\"2\"x,3"));
    }

    @Test
    void badValues() {
        LineParser p = parser("label,f1,f2", null, 2, OutputKind.SOFTMAX);
        assertEquals("non-numeric value in column 'f2' in 'abc'; expected a finite decimal number",
                error(p, "1,2,abc"));
        assertEquals("value is not finite in column 'f1' in 'NaN'; expected a finite number (NaN and Infinity are not "
                + "allowed)", error(p, "1,NaN,3"));
        assertEquals("value is not finite in column 'f1' in '-Infinity'; expected a finite number (NaN and Infinity "
                + "are not allowed)", error(p, "1,-Infinity,3"));
        assertEquals("value is out of the double range in column 'f2' in '1e400'; expected a number of magnitude at"
                + " most 1.7976931348623157E308", error(p, "1,2,1e400"));
        assertEquals("class label 1e400 is out of the double range in '1e400'; expected a class id 0..1"
                + " (model.outputs=2)", error(p, "1e400,1,1"));
        assertEquals("empty value in column 'f2' in '1,2,'; expected a finite number (missing values are not "
                + "supported)", error(p, "1,2,"));
        assertEquals("class label 2 is out of range in '2'; expected a class id 0..1 (model.outputs=2)",
                error(p, "2,1,1"));
        assertEquals("class label is not an integer in '0.5'; expected a class id 0..1 (model.outputs=2)",
                error(p, "0.5,1,1"));
        assertEquals("missing class label in ',1,1'; expected a class id 0..1 (model.outputs=2)", error(p, ",1,1"));
    }

    @Test
    void badLabelColumns() {
        LineParser multi = parser("label_0,label_1,label_2,f1", null, 3, OutputKind.LOGISTIC);
        assertEquals("label column 'label_1' is not 0 or 1 in '2'; expected 0 or 1 in each of label_0..label_2",
                error(multi, "0,2,1,5"));
        assertEquals("non-numeric value in label column 'label_0' in 'x'; expected a finite decimal number",
                error(multi, "x,0,1,5"));
        LineParser oneHot = parser("label_0,label_1,label_2,f1", null, 3, OutputKind.SOFTMAX);
        assertEquals("one-hot label columns hold 2 ones in '1,0,1,5'; expected exactly one 1 in label_0..label_2 "
                + "(softmax)", error(oneHot, "1,0,1,5"));
        assertEquals("label column 'label_0' is not 0 or 1 in '0.5'; expected a one-hot 0/1 vector in label_0..label_2",
                error(oneHot, "0.5,0.5,0,5"));
        LineParser reg = parser("label_0,label_1,f1", null, 2, OutputKind.LINEAR);
        assertEquals("value is not finite in label column 'label_1' in 'inf'; expected a finite number (NaN and "
                + "Infinity are not allowed)", error(reg, "1,inf,5"));
        LineParser binary = parser("label,f1", null, 1, OutputKind.LOGISTIC);
        assertEquals("binary label is not 0 or 1 in '-1'; expected 0 or 1 (binary logistic output, model.outputs=1)",
                error(binary, "-1,5"));
    }
}
