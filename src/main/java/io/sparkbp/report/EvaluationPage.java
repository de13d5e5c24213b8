package io.sparkbp.report;

import io.sparkbp.report.EvaluationReport.ClassConfusion;
import io.sparkbp.report.EvaluationReport.LabelConfusion;
import io.sparkbp.report.EvaluationReport.OutputError;
import io.sparkbp.report.Page.Card;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders an {@link EvaluationReport}: metrics, the confusion matrix as a heatmap table, per-class tables. */
final class EvaluationPage {
    /** Above this many classes the matrix is drawn in a smaller font. */
    private static final int SMALL_MATRIX = 20;

    private EvaluationPage() {
    }

    static String render(EvaluationReport r) {
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {r.about().get("network"), r.heading().title(),
                r.heading().written().isEmpty() ? null : "written " + r.heading().written()}) {
            if (p != null && !p.isEmpty()) {
                parts.add(p);
            }
        }
        Html h = Page.begin("sparkbp evaluation report: " + r.heading().title(), "Evaluation report",
                String.join(" \u00b7 ", parts));
        Page.openSection(h, "metrics", "Metrics");
        List<Card> cards = new ArrayList<>();
        for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
            cards.add(new Card(m.getKey(), Figures.metric(m.getKey(), m.getValue()), null));
        }
        Page.cards(h, cards);
        List<String> notes = new ArrayList<>(r.notes());
        if (r.weighted()) {
            notes.add("The examples carry weights: every metric is a weighted mean and every count below is a sum of weights.");
        }
        Page.notes(h, notes);
        Page.closeSection(h);
        if (r.breakdown().classes() != null) {
            classes(h, r.breakdown().classes());
        }
        if (r.breakdown().labels() != null) {
            labels(h, r.breakdown().labels());
        }
        if (r.breakdown().outputs() != null) {
            outputs(h, r.breakdown().outputs());
        }
        Page.openSection(h, "about", "Model, data and environment");
        Page.keyValues(h, "about-table", r.about());
        Page.closeSection(h);
        return Page.end(h, "Written by sparkbp evaluate (output.report).");
    }

    // ------------------------------------------------------------------------------ single-label

    private static void classes(Html h, ClassConfusion c) {
        int k = c.names().size();
        Page.openSection(h, "confusion", "Confusion matrix");
        if (c.matrix() != null) {
            matrix(h, c);
            h.el("p", "Rows are the actual classes, columns the predicted ones (the output with the highest "
                    + "probability; for one logistic output, 1 when p >= 0.5). A cell's shade is its share of the "
                    + "row: blue on the diagonal (right), red off it (wrong). Hover over a cell for its share.",
                    "class", "caption");
        } else {
            h.el("p", "The matrix is kept for up to 100 classes; this model has " + k + ". The table below has "
                    + "each class's counts.", "class", "caption");
        }
        Page.closeSection(h);

        Page.openSection(h, "per-class", "Per class");
        h.open("div", "class", "scroll").open("table", "id", "per-class-table").open("thead").open("tr").el("th", "class");
        for (String col : new String[] {"examples", "predicted", "right", "precision", "recall", "F1"}) {
            h.el("th", col, "class", "n");
        }
        h.close("tr").close("thead").open("tbody");
        double[] sums = new double[3];
        int[] defined = new int[3];
        for (int i = 0; i < k; i++) {
            double precision = ratio(c.correct()[i], c.predicted()[i]);
            double recall = ratio(c.correct()[i], c.actual()[i]);
            double f1 = f1(precision, recall);
            double[] v = {precision, recall, f1};
            for (int j = 0; j < 3; j++) {
                if (!Double.isNaN(v[j])) {
                    sums[j] += v[j];
                    defined[j]++;
                }
            }
            h.open("tr").el("th", c.names().get(i))
                    .el("td", Figures.count(c.actual()[i]), "class", "n")
                    .el("td", Figures.count(c.predicted()[i]), "class", "n")
                    .el("td", Figures.count(c.correct()[i]), "class", "n");
            for (double x : v) {
                h.el("td", fraction(x), "class", "n");
            }
            h.close("tr").nl();
        }
        h.open("tr").el("th", "macro average").el("td", "").el("td", "").el("td", "");
        for (int j = 0; j < 3; j++) {
            h.el("td", fraction(defined[j] == 0 ? Double.NaN : sums[j] / defined[j]), "class", "n");
        }
        h.close("tr");
        h.close("tbody").close("table").close("div");
        h.el("p", "precision = right / predicted, recall = right / examples of the class, F1 = their harmonic "
                + "mean; n/a where nothing was predicted as (or belongs to) the class. The macro average is the "
                + "unweighted mean over the classes where the value is defined.", "class", "caption");
        Page.closeSection(h);
    }

    private static void matrix(Html h, ClassConfusion c) {
        int k = c.names().size();
        double[][] m = c.matrix();
        h.open("div", "class", "scroll");
        h.open("table", "id", "confusion-matrix", "class", k > SMALL_MATRIX ? "cm small" : "cm").open("thead");
        h.open("tr").el("th", "", "class", "axis").el("th", "predicted class \u2192", "class", "axis",
                "colspan", Integer.toString(k)).el("th", "", "class", "axis").el("th", "", "class", "axis").close("tr");
        h.open("tr").el("th", "actual \u2193");
        for (String name : c.names()) {
            h.el("th", name, "class", "n");
        }
        h.el("th", "examples", "class", "n").el("th", "recall", "class", "n").close("tr").close("thead").open("tbody").nl();
        double total = 0;
        for (int a = 0; a < k; a++) {
            h.open("tr").el("th", c.names().get(a));
            for (int p = 0; p < k; p++) {
                double v = m[a][p];
                double share = c.actual()[a] > 0 ? v / c.actual()[a] : 0;
                double alpha = v == 0 ? 0 : 0.08 + 0.92 * share;
                String cls = "cell" + (v == 0 ? " zero" : alpha > 0.55 ? " hi" : "");
                String style = v == 0 ? null : String.format(Locale.ROOT, "background:rgba(%s,%.2f)",
                        a == p ? "31,119,180" : "214,39,40", alpha);
                h.el("td", Figures.count(v), "class", cls, "style", style,
                        "data-actual", Integer.toString(a), "data-predicted", Integer.toString(p),
                        "title", "actual " + c.names().get(a) + ", predicted " + c.names().get(p) + ": "
                                + Figures.count(v) + " (" + Figures.percent(share) + " of the row)");
                total += v;
            }
            h.el("td", Figures.count(c.actual()[a]), "class", "n")
                    .el("td", fraction(ratio(c.correct()[a], c.actual()[a])), "class", "n").close("tr").nl();
        }
        h.open("tr").el("th", "predicted");
        for (int p = 0; p < k; p++) {
            h.el("td", Figures.count(c.predicted()[p]), "class", "n");
        }
        h.el("td", Figures.count(total), "class", "n").el("td", "").close("tr").nl();
        h.open("tr").el("th", "precision");
        for (int p = 0; p < k; p++) {
            h.el("td", fraction(ratio(c.correct()[p], c.predicted()[p])), "class", "n");
        }
        h.el("td", "").el("td", "").close("tr").nl();
        h.close("tbody").close("table").close("div").nl();
    }

    // ------------------------------------------------------------------------------ multi-label

    private static void labels(Html h, LabelConfusion c) {
        Page.openSection(h, "per-label", "Per label (threshold 0.5)");
        h.open("div", "class", "scroll").open("table", "id", "per-label-table").open("thead").open("tr").el("th", "label");
        for (String col : new String[] {"positive", "predicted positive", "true pos.", "false pos.", "false neg.",
                "true neg.", "precision", "recall", "F1", "accuracy"}) {
            h.el("th", col, "class", "n");
        }
        h.close("tr").close("thead").open("tbody");
        for (int i = 0; i < c.names().size(); i++) {
            double tp = c.truePositives()[i];
            double fp = c.falsePositives()[i];
            double fn = c.falseNegatives()[i];
            double tn = c.trueNegatives()[i];
            double precision = ratio(tp, tp + fp);
            double recall = ratio(tp, tp + fn);
            h.open("tr").el("th", c.names().get(i));
            for (double v : new double[] {tp + fn, tp + fp, tp, fp, fn, tn}) {
                h.el("td", Figures.count(v), "class", "n");
            }
            h.el("td", fraction(precision), "class", "n").el("td", fraction(recall), "class", "n")
                    .el("td", fraction(f1(precision, recall)), "class", "n")
                    .el("td", fraction(ratio(tp + tn, tp + fp + fn + tn)), "class", "n").close("tr").nl();
        }
        h.close("tbody").close("table").close("div");
        h.el("p", "An output counts as positive when its probability is >= 0.5. precision = TP / (TP + FP), "
                + "recall = TP / (TP + FN); n/a where the denominator is 0.", "class", "caption");
        Page.closeSection(h);
    }

    // ------------------------------------------------------------------------------ regression

    private static void outputs(Html h, List<OutputError> outputs) {
        Page.openSection(h, "per-output", "Per output");
        h.open("table", "id", "per-output-table").open("thead").open("tr").el("th", "output")
                .el("th", "RMSE", "class", "n").el("th", "R\u00b2", "class", "n").close("tr").close("thead").open("tbody");
        for (OutputError o : outputs) {
            h.open("tr").el("th", o.name()).el("td", Figures.number(o.rmse()), "class", "n")
                    .el("td", Figures.number(o.r2()), "class", "n").close("tr");
        }
        h.close("tbody").close("table");
        h.el("p", "In the data's units (the model's output standardization undone). R\u00b2 = 1 - SSE/SST; "
                + "NaN for a constant target.", "class", "caption");
        Page.closeSection(h);
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    private static double f1(double precision, double recall) {
        if (Double.isNaN(precision) || Double.isNaN(recall)) {
            return Double.NaN;
        }
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    /** A fraction as a percentage; an undefined one (0/0) as n/a. */
    private static String fraction(double v) {
        return Double.isNaN(v) ? "n/a" : Figures.percent(v);
    }
}
