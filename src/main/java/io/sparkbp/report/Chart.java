package io.sparkbp.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One inline SVG line chart of values per epoch: axes with "nice" ticks and labels, a legend,
 * one polyline per series (broken where a value is NaN or infinite; such values are listed by
 * {@link #notes()} instead of being drawn), a dot with a hover title per point when there are few
 * enough of them, and dashed vertical markers (best epoch, early stop). Coordinates are written
 * with one decimal, so the same data always give the same bytes.
 *
 * <p>The x axis maps epoch {@code e} to {@code X0 + (e - lo) / (hi - lo) * (X1 - X0)}; y values map
 * linearly, or on a log scale when {@link #logScaleWhenWide()} is set and the finite values are
 * positive and span a factor of {@value #LOG_RATIO} or more.
 */
final class Chart {
    static final int WIDTH = 600;
    static final int HEIGHT = 310;
    static final double X0 = 72;
    static final double X1 = 584;
    static final double Y0 = 52;
    static final double Y1 = 258;
    /** Baselines of the legend and of the marker labels, above the plot area. */
    static final double LEGEND_Y = 16;
    static final double MARKER_Y = Y0 - 7;
    /** Up to this many points per series get a dot with a hover title. */
    static final int MAX_DOTS = 120;
    static final double LOG_RATIO = 20;

    record Series(String name, String css, int[] epochs, double[] values) {
    }

    record Marker(int epoch, String label, String css) {
    }

    private final String label;
    private final String quantity;
    private final String yLabel;
    private final DoubleFunction<String> format;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private boolean percent;
    private boolean fromZero;
    private boolean logWhenWide;

    /**
     * A chart described by {@code label} (for screen readers) with y axis title {@code yLabel}; a
     * point's hover title reads "epoch 3: validation {@code quantity} value" ({@code quantity} may be
     * empty), with the value formatted by {@code format}.
     */
    Chart(String label, String quantity, String yLabel, DoubleFunction<String> format) {
        this.label = label;
        this.quantity = quantity;
        this.yLabel = yLabel;
        this.format = format;
    }

    /** Values are fractions in [0, 1], labelled as percentages; the axis never leaves [0, 100%]. */
    Chart percent() {
        percent = true;
        return this;
    }

    /** The y axis includes 0. */
    Chart fromZero() {
        fromZero = true;
        return this;
    }

    /** A log y axis when the positive values span a factor of {@value #LOG_RATIO} or more. */
    Chart logScaleWhenWide() {
        logWhenWide = true;
        return this;
    }

    Chart series(String name, String css, int[] epochs, double[] values) {
        if (epochs.length != values.length) {
            throw new IllegalArgumentException(name + ": " + epochs.length + " epochs but " + values.length + " values");
        }
        series.add(new Series(name, css, epochs.clone(), values.clone()));
        return this;
    }

    Chart marker(int epoch, String label, String css) {
        markers.add(new Marker(epoch, label, css));
        return this;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    /** Sentences about values that could not be drawn (NaN or infinite), one per series that has them. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (Series s : series) {
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < s.values.length; i++) {
                if (!Double.isFinite(s.values[i])) {
                    bad.add(s.epochs[i] + " (" + Figures.number(s.values[i]) + ")");
                }
            }
            if (!bad.isEmpty()) {
                int shown = Math.min(bad.size(), 8);
                notes.add(s.name + ": not drawn at epoch" + (bad.size() > 1 ? "s " : " ")
                        + String.join(", ", bad.subList(0, shown))
                        + (bad.size() > shown ? " and " + (bad.size() - shown) + " more" : ""));
            }
        }
        return notes;
    }

    /** Writes the {@code <svg>} element. */
    void render(Html h) {
        XAxis x = xAxis();
        YAxis y = yAxis();
        h.open("svg", "class", "chart", "viewBox", "0 0 " + WIDTH + " " + HEIGHT, "role", "img", "aria-label", label);
        // grid and tick labels
        for (double t : y.ticks) {
            double py = y.pixel(t);
            h.leaf("line", "class", "grid", "x1", c(X0), "y1", c(py), "x2", c(X1), "y2", c(py));
            h.el("text", y.tickLabel(t), "class", "ytick", "x", c(X0 - 6), "y", c(py), "dy", "0.32em");
        }
        for (int t : x.ticks) {
            double px = x.pixel(t);
            h.leaf("line", "class", "tick", "x1", c(px), "y1", c(Y1), "x2", c(px), "y2", c(Y1 + 5));
            h.el("text", Integer.toString(t), "class", "xtick", "x", c(px), "y", c(Y1 + 18));
        }
        h.leaf("rect", "class", "frame", "x", c(X0), "y", c(Y0), "width", c(X1 - X0), "height", c(Y1 - Y0));
        h.el("text", "epoch", "class", "xlabel", "x", c((X0 + X1) / 2), "y", c(HEIGHT - 8.0));
        h.el("text", yLabel + (y.log ? " (log scale)" : ""), "class", "ylabel",
                "transform", "translate(16," + c((Y0 + Y1) / 2) + ") rotate(-90)");
        if (y.empty) {
            h.el("text", "no finite values to draw", "class", "empty", "x", c((X0 + X1) / 2), "y", c((Y0 + Y1) / 2));
        }
        renderMarkers(h, x);
        for (Series s : series) {
            renderSeries(h, s, x, y);
        }
        renderLegend(h);
        h.close("svg");
    }

    private void renderSeries(Html h, Series s, XAxis x, YAxis y) {
        StringBuilder points = new StringBuilder();
        int inSegment = 0;
        List<double[]> singles = new ArrayList<>();
        double[] last = null;
        for (int i = 0; i <= s.values.length; i++) {
            boolean ok = i < s.values.length && Double.isFinite(s.values[i]);
            if (ok) {
                double px = x.pixel(s.epochs[i]);
                double py = y.pixel(s.values[i]);
                if (inSegment > 0) {
                    points.append(' ');
                }
                points.append(c(px)).append(',').append(c(py));
                last = new double[] {px, py};
                inSegment++;
            } else if (inSegment > 0) {
                if (inSegment == 1) {
                    singles.add(last);
                } else {
                    h.leaf("polyline", "class", "line " + s.css, "points", points.toString());
                }
                points.setLength(0);
                inSegment = 0;
            }
        }
        boolean dots = s.values.length <= MAX_DOTS;
        if (dots) {
            for (int i = 0; i < s.values.length; i++) {
                if (Double.isFinite(s.values[i])) {
                    h.open("circle", "class", "dot " + s.css, "cx", c(x.pixel(s.epochs[i])),
                            "cy", c(y.pixel(s.values[i])), "r", "2.6");
                    h.el("title", "epoch " + s.epochs[i] + ": " + s.name + (quantity.isEmpty() ? "" : " " + quantity)
                            + " " + format.apply(s.values[i]));
                    h.close("circle");
                }
            }
        } else {
            // an isolated finite value between non-finite ones would otherwise be invisible
            for (double[] p : singles) {
                h.leaf("circle", "class", "dot " + s.css, "cx", c(p[0]), "cy", c(p[1]), "r", "2.6");
            }
        }
    }

    /**
     * Dashed lines with their labels in the band above the plot, right of the line if there is room,
     * else left of it; a label that would overlap one already placed goes inside the plot, one row
     * further down each time, on a white halo so the lines beneath do not hide it.
     */
    private void renderMarkers(Html h, XAxis x) {
        List<double[]> placed = new ArrayList<>(); // {row, start, end}
        for (Marker m : markers.stream().sorted((a, b) -> Integer.compare(a.epoch, b.epoch)).toList()) {
            double px = x.pixel(m.epoch);
            h.leaf("line", "class", "marker " + m.css, "x1", c(px), "y1", c(Y0), "x2", c(px), "y2", c(Y1));
            double width = textWidth(m.label);
            boolean right = px + 4 + width <= WIDTH - 4;
            double start = right ? px + 4 : Math.max(2, px - 4 - width);
            int row = 0;
            while (overlaps(placed, row, start, start + width)) {
                row++;
            }
            placed.add(new double[] {row, start, start + width});
            h.el("text", m.label, "class", "mlabel " + m.css, "x", c(start),
                    "y", c(row == 0 ? MARKER_Y : Y0 + 13 * row), "text-anchor", "start");
        }
    }

    private static boolean overlaps(List<double[]> placed, int row, double start, double end) {
        for (double[] p : placed) {
            if (p[0] == row && start < p[2] + 6 && end > p[1] - 6) {
                return true;
            }
        }
        return false;
    }

    private void renderLegend(Html h) {
        double px = X0;
        for (Series s : series) {
            boolean none = true;
            for (double v : s.values) {
                none &= !Double.isFinite(v);
            }
            String name = s.name + (none ? " (no finite values)" : "");
            h.leaf("line", "class", "line " + s.css, "x1", c(px), "y1", c(LEGEND_Y), "x2", c(px + 18), "y2", c(LEGEND_Y));
            h.leaf("circle", "class", "dot " + s.css, "cx", c(px + 9), "cy", c(LEGEND_Y), "r", "2.6");
            h.el("text", name, "class", "legend", "x", c(px + 23), "y", c(LEGEND_Y), "dy", "0.32em");
            px += 23 + textWidth(name) + 18;
        }
    }

    /** Rough width of {@code s} at the chart's 12px font, for placing labels without overlaps. */
    static double textWidth(String s) {
        return 6.6 * s.length();
    }

    private static String c(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    // ------------------------------------------------------------------------------ axes

    private XAxis xAxis() {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (Series s : series) {
            for (int e : s.epochs) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
        }
        for (Marker m : markers) {
            lo = Math.min(lo, m.epoch);
            hi = Math.max(hi, m.epoch);
        }
        if (lo > hi) {
            lo = 1;
            hi = 1;
        }
        return new XAxis(lo, hi);
    }

    /** Epochs {@code lo..hi}; a single epoch sits in the middle of a one-epoch-wide axis. */
    static final class XAxis {
        final double lo;
        final double hi;
        final List<Integer> ticks = new ArrayList<>();

        XAxis(int first, int last) {
            lo = first == last ? first - 0.5 : first;
            hi = first == last ? last + 0.5 : last;
            int step = (int) Math.max(1, niceStep((last - first) / 8.0));
            int firstMultiple = (first + step - 1) / step * step;
            if (firstMultiple != first && firstMultiple - first >= 0.75 * step) {
                ticks.add(first);
            }
            for (int t = firstMultiple; t <= last; t += step) {
                ticks.add(t);
            }
        }

        double pixel(double epoch) {
            return X0 + (epoch - lo) / (hi - lo) * (X1 - X0);
        }
    }

    private YAxis yAxis() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            return new YAxis(0, 1, false, true, percent);
        }
        if (logWhenWide && min > 0 && max / min >= LOG_RATIO) {
            return new YAxis(min, max, true, false, percent);
        }
        if (fromZero) {
            min = Math.min(min, 0);
            max = Math.max(max, 0);
        }
        return new YAxis(min, max, false, false, percent);
    }

    /** The y axis: a nice range around the finite values, or powers of ten on a log scale. */
    static final class YAxis {
        final double lo;
        final double hi;
        final boolean log;
        final boolean empty;
        final boolean percent;
        final double step;
        final List<Double> ticks = new ArrayList<>();

        YAxis(double min, double max, boolean log, boolean empty, boolean percent) {
            this.log = log;
            this.empty = empty;
            this.percent = percent;
            if (log) {
                int a = (int) Math.floor(Math.log10(min));
                int b = (int) Math.ceil(Math.log10(max));
                if (a == b) {
                    b++;
                }
                lo = Math.pow(10, a);
                hi = Math.pow(10, b);
                step = 0;
                for (int e = a; e <= b; e++) {
                    double decade = Math.pow(10, e);
                    ticks.add(decade);
                    if (b - a <= 2 && e < b) {
                        ticks.add(2 * decade);
                        ticks.add(5 * decade);
                    }
                }
                return;
            }
            double span = max - min;
            if (span == 0) {
                span = min != 0 ? Math.abs(min) * 0.1 : 1;
                min -= span / 2;
                max += span / 2;
            }
            double s = niceStep(span / 5);
            double l = Math.floor(min / s) * s;
            double h = Math.ceil(max / s) * s;
            if (percent) {
                l = Math.max(l, Math.min(0, min));
                h = Math.min(h, Math.max(1, max));
            }
            lo = l;
            hi = h;
            step = s;
            long n = Math.round((h - l) / s);
            for (long i = 0; i <= n; i++) {
                // multiples of the step, so 0.1 + 0.2 drift never shows up in a label
                double t = (Math.round(l / s) + i) * s;
                if (t >= l - s * 1e-9 && t <= h + s * 1e-9) {
                    ticks.add(t);
                }
            }
        }

        double pixel(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return Y1 - f * (Y1 - Y0);
        }

        String tickLabel(double t) {
            if (log) {
                return Figures.significant(t, 3);
            }
            double shown = percent ? 100 * t : t;
            double shownStep = percent ? 100 * step : step;
            if (Math.abs(shown) < shownStep * 1e-9) {
                shown = 0;
            }
            String text;
            double magnitude = Math.max(Math.abs(lo), Math.abs(hi)) * (percent ? 100 : 1);
            if (shownStep >= 1e-4 && magnitude < 1e9) {
                int decimals = Math.max(0, (int) -Math.floor(Math.log10(shownStep) + 1e-9));
                text = String.format(Locale.ROOT, "%." + decimals + "f", shown);
            } else {
                text = Figures.significant(shown, 3);
            }
            return percent ? text + "%" : text;
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0) || !Double.isFinite(rough)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / p;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return n * p;
    }
}
