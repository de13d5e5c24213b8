package io.sparkbp.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an evaluation report shows, as plain data: the metrics of a model on one data set and,
 * for a classifier, its confusion counts ({@link ClassConfusion} for softmax and binary logistic
 * outputs, {@link LabelConfusion} for multi-label ones), or per-output errors for regression.
 * Counts are sums of example weights (plain counts without weights). {@link #html()} renders it.
 *
 * @param heading   what was evaluated (e.g. the model path) and when the report was written
 * @param about     model, data and environment facts in display order
 * @param metrics   the metrics as {@code evaluate} prints them
 * @param weighted  whether the examples carry weights (then every count is a weight sum)
 * @param breakdown the confusion counts or the per-output errors
 * @param notes     sentences worth a reader's attention
 */
public record EvaluationReport(Heading heading, Map<String, String> about, Map<String, Double> metrics,
                               boolean weighted, Breakdown breakdown, List<String> notes) {

    public EvaluationReport {
        if (heading == null || breakdown == null) {
            throw new IllegalArgumentException("a heading and a breakdown are required");
        }
        about = Collections.unmodifiableMap(new LinkedHashMap<>(about));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        notes = List.copyOf(notes);
    }

    /**
     * The metrics broken down by class, by label or by output, as the output kind allows.
     *
     * @param classes softmax or binary logistic confusion, or null
     * @param labels  multi-label confusion, or null
     * @param outputs regression errors per output, or null
     */
    public record Breakdown(ClassConfusion classes, LabelConfusion labels, List<OutputError> outputs) {
        public Breakdown {
            outputs = outputs == null ? null : List.copyOf(outputs);
        }
    }

    /**
     * Confusion of a single-label classifier over {@code names.size()} classes: per class the examples
     * of that class, those predicted as it and those both; and the whole matrix {@code matrix[actual][predicted]}
     * when it was kept (null otherwise, for many classes).
     */
    public record ClassConfusion(List<String> names, double[][] matrix, double[] actual, double[] predicted,
                                 double[] correct) {
        public ClassConfusion {
            names = List.copyOf(names);
            int k = names.size();
            if (actual.length != k || predicted.length != k || correct.length != k) {
                throw new IllegalArgumentException("per-class counts must have " + k + " entries");
            }
            actual = actual.clone();
            predicted = predicted.clone();
            correct = correct.clone();
            if (matrix != null) {
                checkSquare(matrix, k);
                double[][] copy = new double[k][];
                for (int i = 0; i < k; i++) {
                    copy[i] = matrix[i].clone();
                }
                matrix = copy;
            }
        }

        private static void checkSquare(double[][] matrix, int k) {
            if (matrix.length != k) {
                throw new IllegalArgumentException("the matrix must have " + k + " rows, got " + matrix.length);
            }
            for (int a = 0; a < k; a++) {
                if (matrix[a].length != k) {
                    throw new IllegalArgumentException("matrix row " + a + " must have " + k + " entries");
                }
            }
        }

        /** From a whole matrix {@code matrix[actual][predicted]}: the per-class counts are its sums. */
        public static ClassConfusion ofMatrix(List<String> names, double[][] matrix) {
            int k = names.size();
            checkSquare(matrix, k);
            double[] actual = new double[k];
            double[] predicted = new double[k];
            double[] correct = new double[k];
            for (int a = 0; a < k; a++) {
                for (int p = 0; p < k; p++) {
                    actual[a] += matrix[a][p];
                    predicted[p] += matrix[a][p];
                }
                correct[a] = matrix[a][a];
            }
            return new ClassConfusion(names, matrix, actual, predicted, correct);
        }
    }

    /** Per-label 2x2 counts of a multi-label classifier at the threshold 0.5. */
    public record LabelConfusion(List<String> names, double[] truePositives, double[] falsePositives,
                                 double[] falseNegatives, double[] trueNegatives) {
        public LabelConfusion {
            names = List.copyOf(names);
            int k = names.size();
            if (truePositives.length != k || falsePositives.length != k || falseNegatives.length != k
                    || trueNegatives.length != k) {
                throw new IllegalArgumentException("per-label counts must have " + k + " entries");
            }
            truePositives = truePositives.clone();
            falsePositives = falsePositives.clone();
            falseNegatives = falseNegatives.clone();
            trueNegatives = trueNegatives.clone();
        }
    }

    /** The error of one regression output, in the data's units. */
    public record OutputError(String name, double rmse, double r2) {
    }

    /** The report as a self-contained HTML page. */
    public String html() {
        return EvaluationPage.render(this);
    }
}
