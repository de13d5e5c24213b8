package io.sparkbp.report;

import io.sparkbp.report.TrainingReport.DataSet;
import io.sparkbp.report.TrainingReport.Epoch;
import io.sparkbp.report.TrainingReport.History;
import io.sparkbp.report.TrainingReport.Setting;
import io.sparkbp.report.TrainingReport.Setup;
import io.sparkbp.report.TrainingReport.Throughput;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training report's HTML: well-formed, escaped, self-contained, and charts that match the data. */
class TrainingReportTest {
    private static final String SCRIPT = "<script>alert('x')</script>";

    /** A softmax run of {@code n} epochs with validation and test metrics from {@code val}/{@code test}. */
    private static List<Epoch> epochs(int n, IntFunction<Map<String, Double>> val, IntFunction<Map<String, Double>> test) {
        List<Epoch> out = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            out.add(new Epoch(e, 2.0 / e, val == null ? null : val.apply(e), test == null ? null : test.apply(e),
                    new Throughput(1000, 0.5 + 0.01 * (e % 7), 0.6 * e), 0.01 / (1 + 0.1 * (e - 1))));
        }
        return out;
    }

    private static Map<String, Double> metrics(double loss, double accuracy) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("examples", 200.0);
        m.put("loss", loss);
        m.put("accuracy", accuracy);
        return m;
    }

    private static TrainingReport report(List<Epoch> epochs, int modelEpoch, boolean best, boolean stopped,
                                         List<Setting> settings) {
        Map<String, String> about = new LinkedHashMap<>();
        about.put("network", "[4, 3, 2] sigmoid/softmax");
        about.put("Spark", "4.0.1");
        Map<String, Map<String, Double>> finals = new LinkedHashMap<>();
        Epoch kept = epochs.get(Math.min(modelEpoch, epochs.size()) - 1);
        finals.put("training (epoch " + modelEpoch + ")", Map.of("loss", kept.trainLoss()));
        if (kept.test() != null) {
            finals.put("test (saved model)", kept.test());
        }
        return new TrainingReport(new Heading("models/m.json", "2025-01-02 03:04:05 UTC"), new Setup(about,
                List.of(new DataSet("training", "hdfs://nn/data/train.libsvm", 1000, 4, 123_456, 2)),
                "inputs centered and scaled", settings), new History(epochs, modelEpoch, best, stopped, false), finals,
                List.of("a note"));
    }

    private static List<Setting> settings(String... keyValues) {
        List<Setting> s = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            s.add(new Setting(keyValues[i], keyValues[i + 1], "run.properties:" + (i / 2 + 1), true));
        }
        s.add(new Setting("train.epochs", "20", "default", false));
        return s;
    }

    private static TrainingReport typical() {
        return report(epochs(20, e -> metrics(1.0 / e + (e > 12 ? 0.01 * (e - 12) : 0), 0.5 + 0.02 * e),
                e -> metrics(1.1 / e, 0.45 + 0.02 * e)), 12, true, true, settings("data.train", "x.libsvm"));
    }

    @Test
    void theReportIsWellFormedAndLoadsNothing() {
        Xhtml x = Xhtml.parse(typical().html());
        x.assertLoadsNothing();
        for (String id : List.of("outcome", "curves", "final-metrics", "data", "run", "config", "history",
                "chart-loss", "chart-accuracy", "chart-throughput", "chart-learning-rate")) {
            x.byId(id);
        }
        assertEquals("sparkbp training report: models/m.json", x.one("/html/head/title").getTextContent());
    }

    @Test
    void configValuesAndTitlesAreEscaped() {
        String nasty = SCRIPT + " \"quoted\" & 'single' </td></tr></table>";
        TrainingReport r = report(epochs(3, null, null), 3, false, false,
                settings("data.train", nasty, "model.hidden", "\u0001bad\uD800control"));
        String html = r.html();
        assertFalse(html.contains("<script"), "no script tag in the markup");
        Xhtml x = Xhtml.parse(html);
        x.assertLoadsNothing();
        List<List<String>> rows = x.rows("config-table");
        assertEquals(List.of("data.train", nasty, "run.properties:1"), rows.get(0));
        // characters XML cannot hold are replaced, not dropped silently or passed through
        assertEquals("\uFFFDbad\uFFFDcontrol", rows.get(1).get(1));
    }

    @Test
    void urlsInSettingsAppearOnlyAsText() {
        TrainingReport r = report(epochs(2, null, null), 2, false, false,
                settings("data.train", "http://example.com/data", "data.test", "https://example.com/t"));
        Xhtml x = Xhtml.parse(r.html());
        x.assertLoadsNothing(); // checks every attribute
        assertEquals("http://example.com/data", x.rows("config-table").get(0).get(1));
    }

    @Test
    void chartDotsSitAtTheirEpochsAndValues() {
        TrainingReport r = typical();
        Xhtml x = Xhtml.parse(r.html());
        Element svg = x.one("//*[@id='chart-accuracy']/svg");
        Axis xAxis = Axis.fit(x.all("//*[@id='chart-accuracy']/svg/*[@class='xtick']"), "x", false);
        Axis yAxis = Axis.fit(x.all("//*[@id='chart-accuracy']/svg/*[@class='ytick']"), "y", true);
        List<Element> dots = x.all("//*[@id='chart-accuracy']/svg/circle[contains(@class,'s-val')]/title/..");
        assertEquals(20, dots.size(), "one dot per epoch");
        for (int i = 0; i < dots.size(); i++) {
            Element dot = dots.get(i);
            String title = dot.getTextContent();
            assertTrue(title.startsWith("epoch " + (i + 1) + ": validation accuracy "), title);
            double expected = r.history().epochs().get(i).validation().get("accuracy");
            assertEquals(Figures.percent(expected), title.substring(title.lastIndexOf(' ') + 1));
            assertEquals(i + 1, xAxis.value(Double.parseDouble(dot.getAttribute("cx"))), 0.05, title);
            assertEquals(expected, yAxis.value(Double.parseDouble(dot.getAttribute("cy"))), 0.002, title);
        }
        assertTrue(svg.getAttribute("aria-label").contains("Accuracy"));
        // the polyline holds the same points in epoch order
        String[] points = x.one("//*[@id='chart-accuracy']/svg/polyline[contains(@class,'s-val')]")
                .getAttribute("points").split(" ");
        assertEquals(20, points.length);
        for (int i = 0; i < 20; i++) {
            assertEquals(dots.get(i).getAttribute("cx") + "," + dots.get(i).getAttribute("cy"), points[i]);
        }
    }

    @Test
    void bestEpochAndEarlyStopAreMarkedOnTheChartsAndInTheTable() {
        Xhtml x = Xhtml.parse(typical().html());
        List<Element> labels = x.all("//*[@id='chart-loss']/svg/*[contains(@class,'mlabel')]");
        assertEquals(List.of("best: epoch 12 (saved)", "early stop"), labels.stream().map(Element::getTextContent).toList());
        Axis xAxis = Axis.fit(x.all("//*[@id='chart-loss']/svg/*[@class='xtick']"), "x", false);
        List<Element> lines = x.all("//*[@id='chart-loss']/svg/*[contains(@class,'marker')]");
        assertEquals(12, xAxis.value(Double.parseDouble(lines.get(0).getAttribute("x1"))), 0.05);
        assertEquals(20, xAxis.value(Double.parseDouble(lines.get(1).getAttribute("x1"))), 0.05);
        List<Element> best = x.all("//*[@id='epoch-table']/tbody/tr[@class='best']");
        assertEquals(1, best.size());
        assertEquals("12", ((Element) best.get(0).getElementsByTagName("td").item(0)).getTextContent());
        assertTrue(x.byId("outcome").getTextContent().contains("epoch 12"));
    }

    @Test
    void nonFiniteValuesAreListedAndBreakTheLineInsteadOfBreakingTheChart() {
        Map<Integer, Double> bad = Map.of(3, Double.NaN, 4, Double.POSITIVE_INFINITY, 8, Double.NEGATIVE_INFINITY);
        TrainingReport r = report(epochs(10, e -> {
            Map<String, Double> m = metrics(1.0 / e, 0.9);
            m.put("r2", bad.getOrDefault(e, 0.5 + 0.01 * e));
            return m;
        }, null), 10, false, false, settings());
        Xhtml x = Xhtml.parse(r.html());
        List<Element> segments = x.all("//*[@id='chart-r2']/svg/polyline");
        assertEquals(3, segments.size(), "epochs 1-2, 5-7 and 9-10 are lines");
        // epochs 1-2, 5-7 and 9-10 are drawn: 7 dots
        assertEquals(7, x.all("//*[@id='chart-r2']/svg/circle[contains(@class,'s-val')]/title").size());
        String caption = x.one("//*[@id='chart-r2']/figcaption").getTextContent();
        assertTrue(caption.contains("not drawn at epochs 3 (NaN), 4 (Infinity), 8 (-Infinity)"), caption);
        List<String> row3 = x.rows("epoch-table").get(2);
        assertTrue(row3.contains("NaN"), row3.toString());
        assertTrue(x.rows("epoch-table").get(3).contains("Infinity"));
    }

    @Test
    void aSeriesWithoutAnyFiniteValueIsNamedAsSuch() {
        TrainingReport r = report(epochs(3, e -> metrics(Double.NaN, Double.NaN), null), 3, false, false, settings());
        Xhtml x = Xhtml.parse(r.html());
        assertEquals("no finite values to draw", x.one("//*[@id='chart-accuracy']/svg/*[@class='empty']").getTextContent());
        assertTrue(x.byId("chart-accuracy").getTextContent().contains("validation (no finite values)"));
    }

    @Test
    void aSingleEpochRunRendersWithItsPointInTheMiddle() {
        TrainingReport r = report(epochs(1, e -> metrics(0.7, 0.6), e -> metrics(0.8, 0.55)), 1, false, false, settings());
        Xhtml x = Xhtml.parse(r.html());
        List<Element> ticks = x.all("//*[@id='chart-loss']/svg/*[@class='xtick']");
        assertEquals(List.of("1"), ticks.stream().map(Element::getTextContent).toList());
        Element dot = x.one("//*[@id='chart-loss']/svg/circle[contains(@class,'s-train')][title]");
        assertEquals((Chart.X0 + Chart.X1) / 2, Double.parseDouble(dot.getAttribute("cx")), 0.05);
        assertTrue(x.all("//*[@id='chart-loss']/svg/polyline").isEmpty(), "a single point is no line");
        assertEquals(1, x.rows("epoch-table").size());
    }

    @Test
    void aThousandEpochsStayCompact() {
        TrainingReport r = report(epochs(1000, e -> metrics(1.0 / e, 0.9 + 1e-4 * e / 10), null), 1000, false, false,
                settings());
        String html = r.html();
        Xhtml x = Xhtml.parse(html);
        assertTrue(html.getBytes(StandardCharsets.UTF_8).length < 600_000, "size " + html.length());
        assertTrue(x.all("//svg/circle/title").isEmpty(), "no per-point dots for 1000 epochs");
        assertEquals(1000, x.one("//*[@id='chart-loss']/svg/polyline[contains(@class,'s-train')]")
                .getAttribute("points").split(" ").length);
        assertTrue(x.all("//*[@id='chart-loss']/svg/*[@class='xtick']").size() <= 12);
        assertEquals(1000, x.rows("epoch-table").size());
        assertFalse(x.one("//details").hasAttribute("open"), "the long epoch table starts folded");
    }

    @Test
    void wideLossRangesUseALogScaleAndNarrowOnesDoNot() {
        Xhtml wide = Xhtml.parse(typical().html()); // training loss 2 .. 0.1
        assertTrue(wide.one("//*[@id='chart-loss']/svg/*[@class='ylabel']").getTextContent().endsWith("(log scale)"));
        TrainingReport narrow = report(epochs(5, e -> metrics(0.5 + 0.01 * e, 0.8), null), 5, false, false, settings());
        List<Epoch> flat = new ArrayList<>();
        for (Epoch e : narrow.history().epochs()) {
            flat.add(new Epoch(e.epoch(), 0.6 - 0.01 * e.epoch(), e.validation(), null, e.throughput(),
                    e.learningRate()));
        }
        Xhtml n = Xhtml.parse(report(flat, 5, false, false, settings()).html());
        assertEquals("loss", n.one("//*[@id='chart-loss']/svg/*[@class='ylabel']").getTextContent());
    }

    @Test
    void theSameDataGiveTheSameBytes() {
        assertEquals(typical().html(), typical().html());
    }

    @Test
    void epochsOutOfOrderOrABadModelEpochAreRefused() {
        List<Epoch> e = new ArrayList<>(epochs(3, null, null));
        assertThrows(IllegalArgumentException.class, () -> report(e, 4, false, false, settings()));
        java.util.Collections.swap(e, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> report(e, 1, false, false, settings()));
    }

    /** A linear map from SVG coordinates to values, fitted to an axis's tick labels and positions. */
    record Axis(double a, double b) {
        static Axis fit(List<Element> ticks, String coordinate, boolean percent) {
            assertTrue(ticks.size() >= 2, "at least two ticks on the " + coordinate + " axis");
            Element first = ticks.get(0);
            Element last = ticks.get(ticks.size() - 1);
            double p0 = Double.parseDouble(first.getAttribute(coordinate));
            double p1 = Double.parseDouble(last.getAttribute(coordinate));
            double v0 = parse(first.getTextContent(), percent);
            double v1 = parse(last.getTextContent(), percent);
            return new Axis((v1 - v0) / (p1 - p0), v0 - (v1 - v0) / (p1 - p0) * p0);
        }

        private static double parse(String label, boolean percent) {
            return percent ? Double.parseDouble(label.replace("%", "")) / 100 : Double.parseDouble(label);
        }

        double value(double pixel) {
            return a * pixel + b;
        }
    }
}
