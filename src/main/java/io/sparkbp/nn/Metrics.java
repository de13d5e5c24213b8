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
    private double correct;
    private double labelsCorrect;
    private final double[] sse;
    private final double[] sumT;
    private final double[] sumT2;
    private final Confusion confusion;

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
        boolean linear = kind == OutputKind.LINEAR;
        this.sse = new double[linear ? outputs : 0];
        this.sumT = new double[linear ? outputs : 0];
        this.sumT2 = new double[linear ? outputs : 0];
        this.confusion = confusion && !linear ? new Confusion(kind, outputs) : null;
    }

    /**
     * Adds one example: pre-activations {@code s} (used for the stable classification losses),
     * outputs {@code y} in data units and targets {@code t}, each {@code k} values from its offset.
     */
    public void add(double[] s, int sOff, double[] y, int yOff, double[] t, int tOff, double w) {
        examples++;
        weightSum += w;
        switch (kind) {
            case SOFTMAX -> {
                lossSum += w * kind.error(s, sOff, t, tOff, k);
                int predicted = OutputKind.argmax(y, yOff, k);
                int actual = OutputKind.argmax(t, tOff, k);
                if (predicted == actual) {
                    correct += w;
                }
                if (confusion != null) {
                    confusion.addClass(actual, predicted, w);
                }
            }
            case LOGISTIC -> {
                lossSum += w * kind.error(s, sOff, t, tOff, k);
                int right = 0;
                for (int i = 0; i < k; i++) {
                    boolean predictedPositive = OutputKind.positive(y[yOff + i], OutputKind.THRESHOLD);
                    boolean actualPositive = OutputKind.positive(t[tOff + i], OutputKind.THRESHOLD);
                    if (predictedPositive == actualPositive) {
                        right++;
                    }
                    if (confusion != null) {
                        confusion.addOutput(i, actualPositive, predictedPositive, w);
                    }
                }
                if (confusion != null) {
                    confusion.addExample(w);
                }
                labelsCorrect += w * right;
                if (right == k) {
                    correct += w;
                }
            }
            case LINEAR -> {
                double e = 0;
                for (int i = 0; i < k; i++) {
                    double tv = t[tOff + i];
                    double d = y[yOff + i] - tv;
                    e += d * d;
                    sse[i] += w * d * d;
                    sumT[i] += w * tv;
                    sumT2[i] += w * tv * tv;
                }
                lossSum += w * 0.5 * e;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** Adds {@code other} into this, in place, and returns this. */
    public Metrics merge(Metrics other) {
        if (other.kind != kind || other.k != k) {
            throw new IllegalArgumentException("cannot merge metrics of different outputs");
        }
        if ((other.confusion == null) != (confusion == null)) {
            throw new IllegalArgumentException("cannot merge metrics with and without confusion counts");
        }
        if (confusion != null) {
            confusion.merge(other.confusion);
        }
        examples += other.examples;
        weightSum += other.weightSum;
        lossSum += other.lossSum;
        correct += other.correct;
        labelsCorrect += other.labelsCorrect;
        for (int i = 0; i < sse.length; i++) {
            sse[i] += other.sse[i];
            sumT[i] += other.sumT[i];
            sumT2[i] += other.sumT2[i];
        }
        return this;
    }

    public long examples() {
        return examples;
    }

    /** The confusion counts, or null when they were not asked for (or the output is linear). */
    public Confusion confusion() {
        return confusion;
    }

    /** Linear outputs: the root mean squared error of each output, in the data's units. */
    public double[] rmsePerOutput() {
        requireLinear();
        double[] r = new double[k];
        for (int i = 0; i < k; i++) {
            r[i] = Math.sqrt(sse[i] / weightSum);
        }
        return r;
    }

    /** Linear outputs: {@code 1 - SSE_k / SST_k} of each output (NaN for a constant target). */
    public double[] r2PerOutput() {
        requireLinear();
        double[] r = new double[k];
        for (int i = 0; i < k; i++) {
            double sst = sumT2[i] - sumT[i] * sumT[i] / weightSum;
            r[i] = sst > 0 ? 1.0 - sse[i] / sst : Double.NaN;
        }
        return r;
    }

    private void requireLinear() {
        if (kind != OutputKind.LINEAR) {
            throw new IllegalStateException("per-output errors are defined for linear outputs, not " + kind.id());
        }
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
        switch (kind) {
            case SOFTMAX -> m.put("accuracy", correct / weightSum);
            case LOGISTIC -> {
                if (k == 1) {
                    m.put("accuracy", correct / weightSum);
                } else {
                    m.put("subsetAccuracy", correct / weightSum);
                    m.put("hammingAccuracy", labelsCorrect / (weightSum * k));
                }
            }
            case LINEAR -> {
                double total = 0;
                double r2 = 0;
                double[] perOutput = r2PerOutput();
                for (int i = 0; i < k; i++) {
                    total += sse[i];
                    r2 += perOutput[i];
                }
                m.put("rmse", Math.sqrt(total / (weightSum * k)));
                m.put("r2", r2 / k);
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return m;
    }

}
