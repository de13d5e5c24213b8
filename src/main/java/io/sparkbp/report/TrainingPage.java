package io.sparkbp.report;

import io.sparkbp.report.Page.Card;
import io.sparkbp.report.TrainingReport.DataSet;
import io.sparkbp.report.TrainingReport.Epoch;
import io.sparkbp.report.TrainingReport.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Renders a {@link TrainingReport} as one HTML page: outcome, learning curves, metrics, data, settings, history. */
final class TrainingPage {
    private TrainingPage() {
    }

    static String render(TrainingReport r) {
        String subtitle = join(" \u00b7 ", r.setup().about().getOrDefault("network", ""), r.heading().title(),
                r.heading().written().isEmpty() ? "" : "written " + r.heading().written());
        Html h = Page.begin("sparkbp training report: " + r.heading().title(), "Training report", subtitle);
        outcome(h, r);
        curves(h, r);
        Page.openSection(h, "final-metrics", "Final metrics");
        if (r.finalMetrics().isEmpty()) {
            h.el("p", "No metrics: no epoch finished.");
        } else {
            Page.metricsTable(h, "final-metrics-table", "data set", r.finalMetrics());
        }
        Page.closeSection(h);
        data(h, r);
        Page.openSection(h, "run", "Network, optimizer and environment");
        Page.keyValues(h, "run-table", r.setup().about());
        Page.closeSection(h);
        settings(h, r.setup().settings());
        history(h, r);
        return Page.end(h, "Written by sparkbp train (output.report).");
    }

    private static String join(String separator, String... parts) {
        List<String> kept = new ArrayList<>();
        for (String p : parts) {
            if (p != null && !p.isEmpty()) {
                kept.add(p);
            }
        }
        return String.join(separator, kept);
    }

    // ------------------------------------------------------------------------------ outcome

    private static void outcome(Html h, TrainingReport r) {
        Page.openSection(h, "outcome", "Outcome");
        List<Card> cards = new ArrayList<>();
        // the headline: the last final-metrics row (test before validation before training)
        Map.Entry<String, Map<String, Double>> last = null;
        for (Map.Entry<String, Map<String, Double>> e : r.finalMetrics().entrySet()) {
            last = e;
        }
        if (last != null) {
            // "test (saved model)": the card says "test loss", with "saved model" below
            String set = last.getKey();
            int paren = set.indexOf(" (");
            String detail = paren > 0 && set.endsWith(")") ? set.substring(paren + 2, set.length() - 1) : null;
            String name = paren > 0 ? set.substring(0, paren) : set;
            for (Map.Entry<String, Double> m : last.getValue().entrySet()) {
                if (!m.getKey().equals("examples")) {
                    cards.add(new Card(name + " " + m.getKey(), Figures.metric(m.getKey(), m.getValue()), detail));
                }
            }
        }
        List<Epoch> epochs = r.history().epochs();
        if (!epochs.isEmpty()) {
            Epoch end = epochs.get(epochs.size() - 1);
            int planned = planned(r);
            cards.add(new Card("epochs", end.epoch() + (planned > 0 ? " of " + planned : ""),
                    r.history().stoppedEarly() ? "stopped early" : null));
            cards.add(new Card("saved model", "epoch " + r.history().modelEpoch(),
                    r.history().modelIsBest() ? "lowest validation loss" : "last epoch"));
            cards.add(new Card("training time", Figures.duration(end.elapsedSeconds()), null));
            long examples = 0;
            double seconds = 0;
            for (Epoch e : epochs) {
                examples += e.examples();
                seconds += e.seconds();
            }
            cards.add(new Card("mean throughput", Figures.rate(seconds > 0 ? examples / seconds : 0) + " ex/s",
                    Figures.count(examples) + " examples in " + Figures.duration(seconds)));
        }
        Page.cards(h, cards);
        Page.notes(h, r.notes());
        Page.closeSection(h);
    }

    /** {@code train.epochs} from the settings, or 0 when absent or unreadable. */
    private static int planned(TrainingReport r) {
        for (Setting s : r.setup().settings()) {
            if (s.key().equals("train.epochs")) {
                try {
                    return Integer.parseInt(s.value().strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------------------ charts

    private static void curves(Html h, TrainingReport r) {
        Page.openSection(h, "curves", "Learning curves");
        List<Epoch> epochs = r.history().epochs();
        if (epochs.isEmpty()) {
            h.el("p", "No epoch finished, so there is nothing to draw.");
            Page.closeSection(h);
            return;
        }
        int[] x = new int[epochs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = epochs.get(i).epoch();
        }
        boolean hasValidation = epochs.stream().anyMatch(e -> e.validation() != null);
        boolean hasTest = epochs.stream().anyMatch(e -> e.test() != null);
        h.open("div", "class", "charts").nl();

        lossChart(h, r, x, hasValidation, hasTest);
        metricCharts(h, r, x, hasValidation, hasTest);
        rateCharts(h, epochs, x);
        h.close("div").nl();
        if (!hasValidation && !hasTest) {
            h.el("p", "There is no validation or test data, so only the training loss is drawn; set data.test, "
                    + "data.validation or data.validationFraction to see how the model generalizes.", "class", "caption");
        }
        Page.closeSection(h);
    }

    /** Training loss, with validation and test loss when there are such data. */
    private static void lossChart(Html h, TrainingReport r, int[] x, boolean hasValidation, boolean hasTest) {
        List<Epoch> epochs = r.history().epochs();
        Chart loss = new Chart("Loss per epoch", "loss", "loss", Figures::number).logScaleWhenWide();
        loss.series("training", "s-train", x, values(epochs, Epoch::trainLoss));
        if (hasValidation) {
            loss.series("validation", "s-val", x, metric(epochs, Epoch::validation, "loss"));
        }
        if (hasTest) {
            loss.series("test", "s-test", x, metric(epochs, Epoch::test, "loss"));
        }
        markers(loss, r);
        figure(h, "chart-loss", "Loss", loss, "Training loss: mean over the epoch's steps as they ran, including "
                + "the L2 term. Validation and test loss: mean error of the weights at the end of the epoch, "
                + "without L2." + (r.history().standardizedLoss() ? " The training loss is measured on the standardized "
                + "targets, the validation and test losses in the data's units, so their scales differ." : ""));
    }

    /** One chart per validation/test metric. */
    private static void metricCharts(Html h, TrainingReport r, int[] x, boolean hasValidation, boolean hasTest) {
        List<Epoch> epochs = r.history().epochs();
        for (String name : r.history().metricNames()) {
            Chart c = new Chart(title(name) + " per epoch", name, axis(name), v -> Figures.metric(name, v));
            if (Figures.isFraction(name)) {
                c.percent();
            }
            if (hasValidation) {
                c.series("validation", "s-val", x, metric(epochs, Epoch::validation, name));
            }
            if (hasTest) {
                c.series("test", "s-test", x, metric(epochs, Epoch::test, name));
            }
            markers(c, r);
            figure(h, "chart-" + name, title(name), c, caption(name));
        }
    }

    /** Throughput, and the learning rate when the schedule changed it. */
    private static void rateCharts(Html h, List<Epoch> epochs, int[] x) {
        Chart rate = new Chart("Throughput per epoch", "", "examples/s", v -> Figures.rate(v) + " ex/s").fromZero();
        rate.series("training", "s-rate", x, values(epochs, Epoch::examplesPerSecond));
        figure(h, "chart-throughput", "Throughput", rate, "Training examples processed per second of the epoch's "
                + "wall time (which includes the validation and test passes; for L-BFGS every function "
                + "evaluation counts as a pass over the data).");

        double[] lr = values(epochs, Epoch::learningRate);
        if (varies(lr)) {
            Chart c = new Chart("Learning rate per epoch", "", "learning rate", Figures::number).logScaleWhenWide();
            c.series("learning rate", "s-lr", x, lr);
            figure(h, "chart-learning-rate", "Learning rate", c, "The rate the schedule gave each epoch.");
        }
    }

    private static void markers(Chart c, TrainingReport r) {
        int lowest = r.history().lowestValidationLossEpoch();
        int last = r.history().epochs().get(r.history().epochs().size() - 1).epoch();
        if (r.history().modelIsBest()) {
            c.marker(r.history().modelEpoch(), "best: epoch " + r.history().modelEpoch() + " (saved)", "m-best");
        } else if (lowest > 0 && lowest != last) {
            c.marker(lowest, "lowest validation loss: epoch " + lowest, "m-best");
        }
        if (r.history().stoppedEarly()) {
            c.marker(last, "early stop", "m-stop");
        }
    }

    private static void figure(Html h, String id, String title, Chart chart, String caption) {
        h.open("figure", "id", id).el("h3", title);
        chart.render(h);
        List<String> lines = new ArrayList<>();
        lines.add(caption);
        lines.addAll(chart.notes());
        h.open("figcaption");
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                h.leaf("br");
            }
            h.text(lines.get(i));
        }
        h.close("figcaption").close("figure").nl();
    }

    static String title(String metric) {
        return switch (metric) {
            case "accuracy" -> "Accuracy";
            case "subsetAccuracy" -> "Subset accuracy";
            case "hammingAccuracy" -> "Hamming accuracy";
            case "rmse" -> "RMSE";
            case "r2" -> "R\u00b2";
            default -> metric;
        };
    }

    private static String axis(String metric) {
        return switch (metric) {
            case "rmse" -> "RMSE (data units)";
            case "r2" -> "R\u00b2";
            default -> Figures.isFraction(metric) ? "accuracy" : metric;
        };
    }

    private static String caption(String metric) {
        return switch (metric) {
            case "accuracy" -> "Fraction of examples classified right: the most probable class (softmax), or "
                    + "p >= 0.5 (one logistic output).";
            case "subsetAccuracy" -> "Fraction of examples with every output right (threshold 0.5).";
            case "hammingAccuracy" -> "Fraction of all outputs right (threshold 0.5).";
            case "rmse" -> "Root mean squared error over all outputs, in the data's units.";
            case "r2" -> "1 - SSE/SST per output, averaged over the outputs.";
            default -> metric + " of the weights at the end of each epoch.";
        };
    }

    private static double[] values(List<Epoch> epochs, java.util.function.ToDoubleFunction<Epoch> f) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(epochs.get(i));
        }
        return v;
    }

    /** One metric per epoch; NaN where the epoch has no such map or value (drawn as a gap, listed as not drawn). */
    private static double[] metric(List<Epoch> epochs, Function<Epoch, Map<String, Double>> set, String name) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) {
            Map<String, Double> m = set.apply(epochs.get(i));
            Double d = m == null ? null : m.get(name);
            v[i] = d == null ? Double.NaN : d;
        }
        return v;
    }

    private static boolean varies(double[] v) {
        double first = Double.NaN;
        for (double d : v) {
            if (Double.isFinite(d)) {
                if (Double.isNaN(first)) {
                    first = d;
                } else if (d != first) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------ tables

    private static void data(Html h, TrainingReport r) {
        Page.openSection(h, "data", "Data");
        h.open("div", "class", "scroll").open("table", "id", "data-table").open("thead").open("tr");
        h.el("th", "data set").el("th", "path").el("th", "examples", "class", "n").el("th", "partitions", "class", "n")
                .el("th", "cached", "class", "n").el("th", "skipped lines", "class", "n");
        h.close("tr").close("thead").open("tbody");
        for (DataSet d : r.setup().data()) {
            h.open("tr").el("th", d.name()).el("td", d.path(), "class", "path")
                    .el("td", Figures.count(d.examples()), "class", "n")
                    .el("td", d.partitions() < 0 ? "\u2013" : Figures.count(d.partitions()), "class", "n")
                    .el("td", d.bytes() < 0 ? "\u2013" : Figures.bytes(d.bytes()), "class", "n")
                    .el("td", Figures.count(d.skipped()), "class", "n").close("tr");
        }
        h.close("tbody").close("table").close("div");
        h.el("p", "Standardization: " + r.setup().standardization(), "class", "caption");
        Page.closeSection(h);
    }

    private static void settings(Html h, List<Setting> settings) {
        Page.openSection(h, "config", "Effective configuration");
        h.open("div", "class", "scroll").open("table", "id", "config-table").open("thead").open("tr");
        h.el("th", "key").el("th", "value").el("th", "from");
        h.close("tr").close("thead").open("tbody");
        for (Setting s : settings) {
            h.open("tr", "class", s.explicit() ? null : "dflt").el("td", s.key(), "class", "key")
                    .el("td", s.value(), "class", "val").el("td", s.source()).close("tr");
        }
        h.close("tbody").close("table").close("div");
        h.el("p", "Grey rows are defaults; the others were set in the configuration file or on the command line.",
                "class", "caption");
        Page.closeSection(h);
    }

    private static void history(Html h, TrainingReport r) {
        List<Epoch> epochs = r.history().epochs();
        Page.openSection(h, "history", "Per epoch");
        List<String> names = new ArrayList<>();
        names.add("loss");
        names.addAll(r.history().metricNames());
        boolean hasValidation = epochs.stream().anyMatch(e -> e.validation() != null);
        boolean hasTest = epochs.stream().anyMatch(e -> e.test() != null);
        boolean hasRate = epochs.stream().anyMatch(e -> !Double.isNaN(e.learningRate()));
        h.open("details", epochs.size() <= 30 ? new String[] {"open", "open"} : new String[0]);
        h.el("summary", epochs.size() + (epochs.size() == 1 ? " epoch" : " epochs"));
        h.open("div", "class", "scroll").open("table", "id", "epoch-table").open("thead").open("tr");
        h.el("th", "epoch", "class", "n").el("th", "training loss", "class", "n");
        Map<String, Function<Epoch, Map<String, Double>>> sets = new LinkedHashMap<>();
        if (hasValidation) {
            sets.put("validation", Epoch::validation);
        }
        if (hasTest) {
            sets.put("test", Epoch::test);
        }
        for (String set : sets.keySet()) {
            for (String n : names) {
                h.el("th", set + " " + n, "class", "n");
            }
        }
        h.el("th", "examples", "class", "n").el("th", "seconds", "class", "n").el("th", "examples/s", "class", "n");
        if (hasRate) {
            h.el("th", "learning rate", "class", "n");
        }
        h.close("tr").close("thead").open("tbody").nl();
        for (Epoch e : epochs) {
            h.open("tr", "class", e.epoch() == r.history().modelEpoch() ? "best" : null)
                    .el("td", Integer.toString(e.epoch()), "class", "n")
                    .el("td", Figures.number(e.trainLoss()), "class", "n");
            for (Function<Epoch, Map<String, Double>> set : sets.values()) {
                Map<String, Double> m = set.apply(e);
                for (String n : names) {
                    Double v = m == null ? null : m.get(n);
                    h.el("td", v == null ? "\u2013" : Figures.metric(n, v), "class", "n");
                }
            }
            h.el("td", Figures.count(e.examples()), "class", "n")
                    .el("td", String.format(java.util.Locale.ROOT, "%.3f", e.seconds()), "class", "n")
                    .el("td", Figures.rate(e.examplesPerSecond()), "class", "n");
            if (hasRate) {
                h.el("td", Double.isNaN(e.learningRate()) ? "\u2013" : Figures.number(e.learningRate()), "class", "n");
            }
            h.close("tr").nl();
        }
        h.close("tbody").close("table").close("div").close("details");
        h.el("p", "The highlighted row is the epoch whose weights were saved.", "class", "caption");
        Page.closeSection(h);
    }
}
