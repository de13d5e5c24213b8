package io.sparkbp.report;

import io.sparkbp.report.EvaluationReport.ClassConfusion;
import io.sparkbp.report.EvaluationReport.LabelConfusion;
import io.sparkbp.report.EvaluationReport.OutputError;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluation report's HTML: the confusion matrix, per-class and per-label tables, escaping. */
class EvaluationReportTest {
    /** Rows are actual classes: class 2 is never predicted. */
    private static final double[][] MATRIX = {{5, 1, 0}, {2, 7, 0}, {0, 3, 0}};

    private static EvaluationReport report(String title, ClassConfusion classes, LabelConfusion labels,
                                           List<OutputError> outputs) {
        Map<String, String> about = new LinkedHashMap<>();
        about.put("network", "[4, 3] sigmoid/softmax");
        about.put("data", title);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("examples", 18.0);
        metrics.put("loss", 0.6931471805599453);
        metrics.put("accuracy", 12.0 / 18.0);
        return new EvaluationReport(new Heading(title, "2025-01-02 03:04:05 UTC"), about, metrics, false,
                new EvaluationReport.Breakdown(classes, labels, outputs), List.of());
    }

    private static ClassConfusion classes() {
        return ClassConfusion.ofMatrix(List.of("0", "1", "2"), MATRIX);
    }

    @Test
    void theMatrixTableHoldsTheCountsTheirTotalsAndPrecision() {
        Xhtml x = Xhtml.parse(report("m.json", classes(), null, null).html());
        x.assertLoadsNothing();
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                Element cell = x.one("//*[@id='confusion-matrix']//td[@data-actual='" + a + "'][@data-predicted='" + p + "']");
                assertEquals(Figures.count(MATRIX[a][p]), cell.getTextContent());
                String style = cell.getAttribute("style");
                if (MATRIX[a][p] == 0) {
                    assertEquals("", style);
                    assertTrue(cell.getAttribute("class").contains("zero"));
                } else {
                    assertTrue(style.startsWith(a == p ? "background:rgba(31,119,180," : "background:rgba(214,39,40,"), style);
                }
            }
        }
        List<List<String>> rows = x.rows("confusion-matrix");
        // actual rows: name, 3 cells, examples, recall
        assertEquals(List.of("0", "5", "1", "0", "6", "83.33%"), rows.get(0));
        assertEquals(List.of("2", "0", "3", "0", "3", "0.00%"), rows.get(2));
        assertEquals(List.of("predicted", "7", "11", "0", "18", ""), rows.get(3));
        assertEquals(List.of("precision", "71.43%", "63.64%", "n/a", "", ""), rows.get(4));
    }

    @Test
    void perClassTableHasPrecisionRecallAndF1WithUndefinedValuesMarked() {
        Xhtml x = Xhtml.parse(report("m.json", classes(), null, null).html());
        List<List<String>> rows = x.rows("per-class-table");
        assertEquals(List.of("0", "6", "7", "5", "71.43%", "83.33%", "76.92%"), rows.get(0));
        assertEquals(List.of("2", "3", "0", "0", "n/a", "0.00%", "n/a"), rows.get(2));
        // macro averages over the defined values: precision (5/7 + 7/11) / 2, recall (5/6 + 7/9 + 0) / 3
        List<String> macro = rows.get(3);
        assertEquals("macro average", macro.get(0));
        assertEquals(Figures.percent((5.0 / 7 + 7.0 / 11) / 2), macro.get(4));
        assertEquals(Figures.percent((5.0 / 6 + 7.0 / 9) / 3), macro.get(5));
    }

    @Test
    void manyClassesGetThePerClassTableWithoutAMatrix() {
        int k = 150;
        List<String> names = new ArrayList<>();
        double[] actual = new double[k];
        double[] predicted = new double[k];
        double[] correct = new double[k];
        for (int i = 0; i < k; i++) {
            names.add(Integer.toString(i));
            actual[i] = 10;
            predicted[i] = 10;
            correct[i] = i % 10;
        }
        Xhtml x = Xhtml.parse(report("big.json", new ClassConfusion(names, null, actual, predicted, correct), null, null).html());
        assertTrue(x.all("//*[@id='confusion-matrix']").isEmpty());
        assertTrue(x.byId("confusion").getTextContent().contains("this model has 150"));
        assertEquals(k + 1, x.rows("per-class-table").size());
    }

    @Test
    void multiLabelCountsAreOneRowPerLabel() {
        LabelConfusion labels = new LabelConfusion(List.of("0", "1"), new double[] {3, 0}, new double[] {1, 0},
                new double[] {2, 4}, new double[] {4, 6});
        Xhtml x = Xhtml.parse(report("ml.json", null, labels, null).html());
        assertTrue(x.all("//*[@id='confusion']").isEmpty());
        List<List<String>> rows = x.rows("per-label-table");
        // positive, predicted positive, TP, FP, FN, TN, precision, recall, F1, accuracy
        assertEquals(List.of("0", "5", "4", "3", "1", "2", "4", "75.00%", "60.00%", "66.67%", "70.00%"), rows.get(0));
        assertEquals(List.of("1", "4", "0", "0", "0", "4", "6", "n/a", "0.00%", "n/a", "60.00%"), rows.get(1));
    }

    @Test
    void regressionGetsErrorsPerOutput() {
        Xhtml x = Xhtml.parse(report("lin.json", null, null,
                List.of(new OutputError("0", 58.123456789, 0.48), new OutputError("1", 1.0, Double.NaN))).html());
        assertEquals(List.of(List.of("0", "58.1235", "0.48"), List.of("1", "1", "NaN")), x.rows("per-output-table"));
    }

    @Test
    void titlesAndFactsAreEscaped() {
        String nasty = "<script>x()</script>&amp;\"'";
        String html = report(nasty, classes(), null, null).html();
        assertFalse(html.contains("<script"));
        Xhtml x = Xhtml.parse(html);
        assertEquals("sparkbp evaluation report: " + nasty, x.one("/html/head/title").getTextContent());
        assertEquals(nasty, x.rows("about-table").get(1).get(1));
    }

    @Test
    void theSameDataGiveTheSameBytes() {
        assertEquals(report("m", classes(), null, null).html(), report("m", classes(), null, null).html());
    }

    @Test
    void inconsistentCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClassConfusion(List.of("0", "1"), null,
                new double[] {1}, new double[] {1, 2}, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> ClassConfusion.ofMatrix(List.of("0", "1"),
                new double[][] {{1, 2}, {3}}));
    }
}
