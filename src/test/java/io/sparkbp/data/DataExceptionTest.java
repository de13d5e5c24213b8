package io.sparkbp.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataExceptionTest {
    @Test
    void messageWithoutAndWithLocation() {
        DataException e = DataException.record("feature index 65 is out of range", "65:3", "1 2:4 65:3",
                "indices 1..64 (data.features=64)");
        assertEquals("feature index 65 is out of range in '65:3'; expected indices 1..64 (data.features=64)",
                e.getMessage());
        assertFalse(e.hasLocation());
        DataException at = e.at("train.libsvm", 17);
        assertEquals("train.libsvm line 17: feature index 65 is out of range in '65:3'; expected indices 1..64 "
                + "(data.features=64)", at.getMessage());
        assertEquals("train.libsvm", at.file());
        assertEquals(17, at.lineNumber());
        assertTrue(at.hasLocation());
        assertEquals("1 2:4 65:3", at.lineText());
        assertEquals("65:3", at.token());
        assertEquals("feature index 65 is out of range", at.problem());
        assertEquals("indices 1..64 (data.features=64)", at.expected());
        assertSame(DataException.Kind.RECORD, at.kind());
        assertTrue(at.isRecordError());
        assertEquals(3, at.exitCode());
        assertEquals(DataException.EXIT_CODE, 3);
        // the original is unchanged
        assertNull(e.file());
        assertEquals(0, e.lineNumber());
    }

    @Test
    void fileOnlyLineOnlyAndNoToken() {
        DataException e = DataException.schema("the header has no feature columns", null, "label", "feature columns");
        assertEquals("the header has no feature columns in 'label'; expected feature columns", e.getMessage());
        assertEquals("data.csv: the header has no feature columns in 'label'; expected feature columns",
                e.at("data.csv", 0).getMessage());
        assertEquals("line 4: the header has no feature columns in 'label'; expected feature columns",
                e.at(null, 4).getMessage());
        assertFalse(e.isRecordError());
        assertEquals("bad", DataException.record("bad", null, null, null).getMessage());
    }

    @Test
    void longTextIsTruncated() {
        String line = "x".repeat(500);
        DataException e = DataException.record("p", line, line, null);
        assertEquals("x".repeat(DataException.MAX_TOKEN_CHARS) + "...", e.token());
        assertEquals("x".repeat(DataException.MAX_LINE_CHARS) + "...", e.lineText());
        assertEquals("p in '" + "x".repeat(100) + "...'", e.getMessage());
        // never split a surrogate pair
        String emoji = "a".repeat(199) + "\uD83D\uDE00" + "b";
        assertEquals("a".repeat(199) + "...", DataException.truncate(emoji, 200));
    }

    @Test
    void needsKindAndProblem() {
        assertThrows(IllegalArgumentException.class, () -> new DataException(null, "p", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> DataException.record(null, null, null, null));
    }

    @Test
    void formatAndLayoutParse() {
        assertSame(Format.LIBSVM, Format.parse("libsvm"));
        assertSame(Format.CSV, Format.parse(" CSV "));
        assertEquals("csv", Format.CSV.id());
        assertEquals("unknown data format 'svm': expected libsvm or csv",
                assertThrows(IllegalArgumentException.class, () -> Format.parse("svm")).getMessage());
        assertEquals("unknown data format 'null': expected libsvm or csv",
                assertThrows(IllegalArgumentException.class, () -> Format.parse(null)).getMessage());
        assertSame(Layout.AUTO, Layout.parse("Auto"));
        assertSame(Layout.SPARSE, Layout.parse("sparse"));
        assertSame(Layout.DENSE, Layout.parse("dense"));
        assertEquals("unknown block layout 'csr': expected dense, sparse or auto",
                assertThrows(IllegalArgumentException.class, () -> Layout.parse("csr")).getMessage());
    }
}
