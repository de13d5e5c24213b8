package io.sparkbp.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shape of a fully connected network and the layout of its parameters in one flat array.
 *
 * <p>{@code layers = [nIn, h1, ..., hL, nOut]}: zero or more hidden layers of {@code hidden}
 * units and an output layer of kind {@code output}. Weight layer {@code l} (0-based, {@code
 * l < numWeightLayers()}) maps {@code in = layers[l]} to {@code out = layers[l + 1]} units. Its
 * parameters sit in the flat array as the weight matrix {@code W} (out x in, column-major:
 * {@code W(o, i) = theta[weightOffset(l) + i * out + o]}) followed by the bias {@code b} (out).
 */
public record NetworkSpec(int[] layers, Activation hidden, OutputKind output) implements java.io.Serializable {
    /** Largest parameter count accepted: a Java array must hold them all. */
    public static final long MAX_PARAMS = Integer.MAX_VALUE - 64L;

    public NetworkSpec {
        if (layers == null || layers.length < 2) {
            throw new IllegalArgumentException("layers must list at least the input and output sizes, got "
                    + (layers == null ? "null" : Arrays.toString(layers)));
        }
        if (hidden == null || output == null) {
            throw new IllegalArgumentException("hidden activation and output kind are required");
        }
        layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] < 1) {
                throw new IllegalArgumentException("layer " + i + " of " + Arrays.toString(layers)
                        + " has width " + layers[i] + "; every layer needs at least 1 unit");
            }
        }
        int nOut = layers[layers.length - 1];
        if (nOut < output.minOutputs()) {
            throw new IllegalArgumentException("output '" + output.id() + "' needs at least " + output.minOutputs()
                    + " outputs, got " + nOut + " (use logistic with 1 output for a binary task)");
        }
        long total = 0;
        for (int l = 0; l + 1 < layers.length; l++) {
            total += (long) layers[l] * layers[l + 1] + layers[l + 1];
        }
        if (total > MAX_PARAMS) {
            throw new IllegalArgumentException("network " + Arrays.toString(layers) + " has " + total
                    + " parameters; at most " + MAX_PARAMS + " are supported");
        }
    }

    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** Width of layer {@code i} of {@code [nIn, h1, ..., nOut]}. */
    public int width(int i) {
        return layers[i];
    }

    public int inputs() {
        return layers[0];
    }

    public int outputs() {
        return layers[layers.length - 1];
    }

    /** Number of weight layers, i.e. hidden layers + 1. */
    public int numWeightLayers() {
        return layers.length - 1;
    }

    /** Total number of parameters (weights and biases). */
    public int numParams() {
        return biasOffset(numWeightLayers() - 1) + outputs();
    }

    /** Offset of weight layer {@code l}'s matrix {@code W} in the flat parameter array. */
    public int weightOffset(int l) {
        int off = 0;
        for (int j = 0; j < l; j++) {
            off += layers[j] * layers[j + 1] + layers[j + 1];
        }
        return off;
    }

    /** Offset of weight layer {@code l}'s bias {@code b} in the flat parameter array. */
    public int biasOffset(int l) {
        return weightOffset(l) + layers[l] * layers[l + 1];
    }

    /** True when flat index {@code p} is a weight (not a bias); only weights carry the L2 penalty. */
    public boolean isWeight(int p) {
        for (int l = 0; l < numWeightLayers(); l++) {
            int w = weightOffset(l);
            int b = biasOffset(l);
            if (p >= w && p < b) {
                return true;
            }
        }
        return false;
    }

    /**
     * Glorot/Xavier-uniform initial parameters from {@code seed}: each {@code W} entry uniform in
     * {@code [-r, r)} with {@code r = sqrt(6 / (in + out))}, biases 0.
     */
    public double[] initialParameters(long seed) {
        double[] theta = new double[numParams()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < numWeightLayers(); l++) {
            int in = layers[l];
            int out = layers[l + 1];
            double r = Math.sqrt(6.0 / (in + out));
            int off = weightOffset(l);
            for (int i = 0; i < in * out; i++) {
                theta[off + i] = (2.0 * rng.nextDouble() - 1.0) * r;
            }
        }
        return theta;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && Arrays.equals(layers, s.layers) && hidden == s.hidden && output == s.output;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(layers) + hidden.hashCode()) + output.hashCode();
    }

    @Override
    public String toString() {
        return Arrays.toString(layers) + " " + hidden.id() + "/" + output.id();
    }
}
