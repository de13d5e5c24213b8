package io.sparkbp.nn;

import java.io.Serializable;

/**
 * Confusion counts of a classifier, mergeable like {@link Metrics} (which fills it when asked to).
 * Every count is a sum of example weights, so without example weights it is a plain count.
 *
 * <ul>
 *   <li>softmax with {@code K} classes: per class the examples of that class ({@link #actual}),
 *       the examples predicted as it ({@link #predicted}) and both ({@link #truePositives}); and, for
 *       {@code K <= MAX_MATRIX_CLASSES}, the whole matrix {@link #cell cell(actual, predicted)}
 *       (argmax of the outputs against argmax of the targets, as for accuracy);</li>
 *   <li>logistic with {@code K} outputs: per output the 2x2 table of true/false positives and
 *       negatives at the threshold 0.5 that accuracy uses ({@code y >= 0.5} is positive).</li>
 * </ul>
 * Layout of the matrix: {@code cells[actual * K + predicted]}.
 */
public final class Confusion implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest softmax class count for which the whole matrix is kept ({@code K^2} sums). */
    public static final int MAX_MATRIX_CLASSES = 100;

    private final OutputKind kind;
    private final int k;
    private double total;
    private final double[] cells;
    private final double[] truePositives;
    private final double[] predicted;
    private final double[] actual;
    /** Logistic only: the other three cells of each output's 2x2 table, so none is a difference of sums. */
    private final double[] falsePositives;
    private final double[] falseNegatives;
    private final double[] trueNegatives;

    /** Empty counts for a classifier with {@code outputs} classes (softmax) or outputs (logistic). */
    public Confusion(OutputKind kind, int outputs) {
        if (kind == OutputKind.LINEAR) {
            throw new IllegalArgumentException("a linear (regression) output has no confusion matrix");
        }
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
        }
        this.kind = kind;
        this.k = outputs;
        boolean matrix = kind == OutputKind.SOFTMAX && outputs <= MAX_MATRIX_CLASSES;
        this.cells = new double[matrix ? outputs * outputs : 0];
        this.truePositives = new double[outputs];
        this.predicted = new double[outputs];
        this.actual = new double[outputs];
        int logistic = kind == OutputKind.LOGISTIC ? outputs : 0;
        this.falsePositives = new double[logistic];
        this.falseNegatives = new double[logistic];
        this.trueNegatives = new double[logistic];
    }

    /** Softmax: one example of class {@code actualClass} predicted as {@code predictedClass}. */
    void addClass(int actualClass, int predictedClass, double w) {
        total += w;
        actual[actualClass] += w;
        predicted[predictedClass] += w;
        if (actualClass == predictedClass) {
            truePositives[actualClass] += w;
        }
        if (cells.length > 0) {
            cells[actualClass * k + predictedClass] += w;
        }
    }

    /** Logistic: output {@code output} of one example ({@code total} counts examples, not outputs). */
    void addOutput(int output, boolean actualPositive, boolean predictedPositive, double w) {
        if (actualPositive) {
            actual[output] += w;
        }
        if (predictedPositive) {
            predicted[output] += w;
        }
        if (actualPositive) {
            (predictedPositive ? truePositives : falseNegatives)[output] += w;
        } else {
            (predictedPositive ? falsePositives : trueNegatives)[output] += w;
        }
    }

    /** Logistic: counts one example (its outputs are added with {@link #addOutput}). */
    void addExample(double w) {
        total += w;
    }

    /** Adds {@code other} into this, in place, and returns this. */
    public Confusion merge(Confusion other) {
        if (other.kind != kind || other.k != k) {
            throw new IllegalArgumentException("cannot merge confusion counts of different outputs");
        }
        total += other.total;
        add(cells, other.cells);
        add(truePositives, other.truePositives);
        add(predicted, other.predicted);
        add(actual, other.actual);
        add(falsePositives, other.falsePositives);
        add(falseNegatives, other.falseNegatives);
        add(trueNegatives, other.trueNegatives);
        return this;
    }

    private static void add(double[] into, double[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    public OutputKind kind() {
        return kind;
    }

    /** Classes (softmax) or outputs (logistic). */
    public int outputs() {
        return k;
    }

    /** Examples counted (weighted). */
    public double total() {
        return total;
    }

    /** Whether the whole matrix was kept: softmax with at most {@link #MAX_MATRIX_CLASSES} classes. */
    public boolean hasMatrix() {
        return cells.length > 0;
    }

    /** Softmax: examples of class {@code actualClass} predicted as {@code predictedClass}. */
    public double cell(int actualClass, int predictedClass) {
        if (!hasMatrix()) {
            throw new IllegalStateException("no matrix is kept for " + kind.id() + " with " + k + " outputs");
        }
        return cells[actualClass * k + predictedClass];
    }

    /** Examples whose target is class (softmax) or positive at output (logistic) {@code i}. */
    public double actual(int i) {
        return actual[i];
    }

    /** Examples predicted as class (softmax) or positive at output (logistic) {@code i}. */
    public double predicted(int i) {
        return predicted[i];
    }

    /** Examples both actually and predicted class / positive {@code i}. */
    public double truePositives(int i) {
        return truePositives[i];
    }

    /** Logistic: examples negative at output {@code i} but predicted positive. */
    public double falsePositives(int i) {
        return logistic(falsePositives)[i];
    }

    /** Logistic: examples positive at output {@code i} but predicted negative. */
    public double falseNegatives(int i) {
        return logistic(falseNegatives)[i];
    }

    /** Logistic: examples negative at output {@code i} and predicted negative. */
    public double trueNegatives(int i) {
        return logistic(trueNegatives)[i];
    }

    private double[] logistic(double[] cellsOfTables) {
        if (kind != OutputKind.LOGISTIC) {
            throw new IllegalStateException("2x2 tables are counted for logistic outputs only, not " + kind.id());
        }
        return cellsOfTables;
    }
}
