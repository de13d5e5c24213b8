package io.sparkbp.nn;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluation sums for one output kind, mergeable across blocks and partitions. Feed it the
 * model's outputs in the data's own units (for linear outputs: after the output transform) and
 * the raw targets. Reports the mean per-example error {@code E} (no L2 term) and
 * <ul>
 *   <li>softmax: {@code accuracy} (argmax of y equals argmax of t);</li>
 *   <li>logistic with one output: {@code accuracy} at threshold 0.5;</li>
 *   <li>logistic with several outputs: {@code subsetAccuracy} (all outputs right) and
 *       {@code hammingAccuracy} (fraction of right outputs);</li>
 *   <li>linear: {@code rmse} over all outputs and {@code r2}, the mean over outputs of
 *       {@code 1 - SSE_k / SST_k}.</li>
 * </ul>
 * Examples count with their weights. Optionally (see {@link #Metrics(OutputKind, int, boolean)}) it
 * also fills the {@link Confusion} counts of a classifier.
 */
public final class Metrics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final OutputKind kind;
    private final int k;
    private long examples;
    private double weightSum;
    private double lossSum;
    /** The kind's own sums: its decision rule, the metrics it gives and the confusion counts ({@link OutputKind#sums}). */
    private final KindSums sums;

    public Metrics(OutputKind kind, int outputs) {
        this(kind, outputs, false);
    }

    /**
     * With {@code confusion == true} a classifier (softmax or logistic) also keeps its {@link
     * Confusion} counts; linear outputs have none, and for them the flag changes nothing.
     */
    public Metrics(OutputKind kind, int outputs, boolean confusion) {
        this.kind = kind;
        this.k = outputs;
        this.sums = kind.sums(outputs, confusion && kind != OutputKind.LINEAR ? new Confusion(kind, outputs) : null);
    }

    /**
     * Adds one example of weight {@code w}: pre-activations {@code s} (used for the stable
     * classification losses) and targets {@code t} at offset {@code off}, outputs {@code y} in data
     * units at {@code yOff} (a caller that maps the outputs to data units may do so in a buffer of its
     * own), {@code k} values each.
     */
    public void add(double[] s, double[] t, int off, double[] y, int yOff, double w) {
        examples++;
        weightSum += w;
        lossSum += sums.add(s, t, off, y, yOff, w);
    }

    /** Adds {@code other} into this, in place, and returns this. */
    public Metrics merge(Metrics other) {
        if (other.kind != kind || other.k != k) {
            throw new IllegalArgumentException("cannot merge metrics of different outputs");
        }
        if ((other.confusion() == null) != (confusion() == null)) {
            throw new IllegalArgumentException("cannot merge metrics with and without confusion counts");
        }
        examples += other.examples;
        weightSum += other.weightSum;
        lossSum += other.lossSum;
        sums.merge(other.sums);
        return this;
    }

    public long examples() {
        return examples;
    }

    /** The confusion counts, or null when they were not asked for (or the output is linear). */
    public Confusion confusion() {
        return sums.confusion();
    }

    /** Linear outputs: the root mean squared error of each output, in the data's units. */
    public double[] rmsePerOutput() {
        return errors().rmse(weightSum);
    }

    /** Linear outputs: {@code 1 - SSE_k / SST_k} of each output (NaN for a constant target). */
    public double[] r2PerOutput() {
        return errors().r2(weightSum);
    }

    private KindSums.Errors errors() {
        if (!(sums instanceof KindSums.Errors errors)) {
            throw new IllegalStateException("per-output errors are defined for linear outputs, not " + kind.id());
        }
        return errors;
    }

    /** Mean per-example error {@code sum w E / sum w}. */
    public double loss() {
        return lossSum / weightSum;
    }

    /** The headline metric for progress lines and model selection: accuracy-like, or r2 for linear. */
    public String headlineName() {
        return kind.headlineMetric(k);
    }

    /** All metrics by name, in a fixed order: examples, loss, then the kind's own. */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("examples", (double) examples);
        m.put("loss", loss());
        sums.put(m, weightSum);
        return m;
    }
}
