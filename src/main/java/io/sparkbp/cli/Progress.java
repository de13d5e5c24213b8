package io.sparkbp.cli;

import io.sparkbp.spark.EpochReport;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats epoch reports as progress lines and as the JSON-lines metrics file. */
final class Progress {
    private Progress() {
    }

    static String line(EpochReport r) {
        StringBuilder sb = new StringBuilder();
        int width = String.valueOf(r.epochs()).length();
        sb.append(String.format(Locale.ROOT, "epoch %" + width + "d/%d  loss ", r.epoch(), r.epochs()))
                .append(loss(r.trainLoss()));
        if (r.validation() != null) {
            sb.append("  val ").append(metrics(r.validation()));
        }
        if (r.test() != null) {
            sb.append("  test ").append(metrics(r.test()));
        }
        double eta = r.epoch() < r.epochs() ? r.elapsedSeconds() / r.epoch() * (r.epochs() - r.epoch()) : 0;
        sb.append(String.format(Locale.ROOT, "  %,.0f ex/s  %.1fs  ETA %.1fs", r.examplesPerSecond(),
                r.elapsedSeconds(), eta));
        return sb.toString();
    }

    /**
     * A training loss: six decimals in the usual range, {@code %g} form outside it, so that a diverging
     * 1e25 is not thirty digits wide and a converged 3e-9 does not print as 0.000000.
     */
    static String loss(double v) {
        double a = Math.abs(v);
        boolean plain = a == 0 || (a >= 1e-3 && a < 1e6) || !Double.isFinite(v);
        return String.format(Locale.ROOT, plain ? "%.6f" : "%.6g", v);
    }

    /** {@code loss 0.1234 accuracy 97.21%}: accuracies as percentages, everything else as numbers. */
    static String metrics(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : m.entrySet()) {
            if (e.getKey().equals("examples")) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append(' ');
            if (e.getKey().toLowerCase(Locale.ROOT).contains("accuracy")) {
                sb.append(String.format(Locale.ROOT, "%.2f%%", 100 * e.getValue()));
            } else {
                sb.append(String.format(Locale.ROOT, "%.6g", e.getValue()));
            }
        }
        return sb.toString();
    }

    static String jsonLines(List<EpochReport> reports) {
        StringBuilder sb = new StringBuilder();
        for (EpochReport r : reports) {
            sb.append('{');
            sb.append("\"epoch\":").append(r.epoch());
            sb.append(",\"trainLoss\":").append(Json.number(r.trainLoss()));
            sb.append(",\"seconds\":").append(Json.number(r.seconds()));
            sb.append(",\"elapsedSeconds\":").append(Json.number(r.elapsedSeconds()));
            sb.append(",\"examples\":").append(r.examples());
            sb.append(",\"examplesPerSecond\":").append(Json.number(r.examplesPerSecond()));
            if (!Double.isNaN(r.learningRate())) {
                sb.append(",\"learningRate\":").append(Json.number(r.learningRate()));
            }
            if (r.validation() != null) {
                sb.append(",\"validation\":").append(Json.object(r.validation()));
            }
            if (r.test() != null) {
                sb.append(",\"test\":").append(Json.object(r.test()));
            }
            sb.append("}\n");
        }
        return sb.toString();
    }
}
