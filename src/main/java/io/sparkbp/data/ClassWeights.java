package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-class example weights for imbalanced classification ({@code train.classWeight=balanced}):
 * {@code w_c = N / (C n_c)} for {@code C} classes with {@code n_c} of the {@code N} training examples,
 * as scikit-learn's {@code class_weight="balanced"} computes them, so every class carries the same total
 * weight. They multiply each example's own weight ({@code data.weightColumn}); the counts are of
 * examples, unweighted, like the standardization statistics they come from. A class without training
 * examples gets weight 1 (it has nothing to weigh).
 *
 * <p>For softmax outputs the class of an example is the index of its one-hot target; for one logistic
 * output (binary), class 1 is a target of 1 and class 0 a target of 0.
 */
public final class ClassWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] weights;
    private final boolean binary;

    private ClassWeights(double[] weights, boolean binary) {
        this.weights = weights;
        this.binary = binary;
    }

    /**
     * Balanced weights from the training statistics of a network with {@code outputs} outputs of {@code kind}.
     *
     * @throws IllegalArgumentException for outputs that are not classes: linear, or several logistic outputs
     */
    public static ClassWeights balanced(FeatureStats stats, OutputKind kind, int outputs) {
        requireClasses(kind, outputs);
        boolean binary = kind == OutputKind.LOGISTIC;
        long n = stats.count();
        long[] counts;
        if (binary) {
            long positives = stats.targetNonzeros(0);
            counts = new long[] {n - positives, positives};
        } else {
            counts = new long[outputs];
            for (int k = 0; k < outputs; k++) {
                counts[k] = stats.targetNonzeros(k);
            }
        }
        double[] w = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            w[c] = counts[c] == 0 ? 1.0 : (double) n / ((double) counts.length * counts[c]);
        }
        return new ClassWeights(w, binary);
    }

    /**
     * Checks that {@code outputs} outputs of {@code kind} are classes: softmax, or one logistic output.
     *
     * @throws IllegalArgumentException for linear outputs and several logistic outputs (multi-label)
     */
    public static void requireClasses(OutputKind kind, int outputs) {
        if (kind == OutputKind.LINEAR || (kind == OutputKind.LOGISTIC && outputs > 1)) {
            throw new IllegalArgumentException("balanced class weights need classes: softmax outputs or one logistic "
                    + "output (binary), not " + outputs + " " + kind.id() + " output" + (outputs > 1 ? "s" : ""));
        }
    }

    /** The weight of each class, by class index (for binary output: class 0, class 1). */
    public double[] weights() {
        return weights.clone();
    }

    /** The weight of the class that {@code targets} encode. */
    public double of(double[] targets) {
        if (binary) {
            return weights[targets[0] == 1.0 ? 1 : 0];
        }
        for (int k = 0; k < targets.length; k++) {
            if (targets[k] == 1.0) {
                return weights[k];
            }
        }
        return 1.0;
    }

    /** Multiplies the weight of {@code e} by its class weight. */
    void applyTo(ParsedExample e) {
        e.scaleWeight(of(e.targets()));
    }

    /** Multiplies the weight of the example {@code row} holds by its class weight. */
    void applyTo(ExampleRow row) {
        row.weight *= of(row.targets);
    }

    @Override
    public String toString() {
        return "ClassWeights" + Arrays.toString(weights);
    }
}
