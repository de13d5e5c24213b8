package io.sparkbp.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shared fixtures for the {@code io.sparkbp.nn} tests: seeded random parameters and data, dense and
 * sparse blocks built from the same data, a naive reference forward pass written independently of
 * {@link BlockGradient}, and relative-error helpers.
 */
final class TestNets {
    private TestNets() {
    }

    /** Example data in dense column-major form; {@code x} holds exact zeros where a sparse block has no entry. */
    record Data(int rows, int nIn, int nOut, double[] x, double[] t, double[] w) {
        Block dense() {
            return Block.dense(rows, nIn, nOut, x.clone(), t.clone(), w == null ? null : w.clone());
        }

        /** The same examples in compressed-column form, keeping only the nonzero inputs. */
        Block sparse() {
            int[] colPtr = new int[rows + 1];
            List<Integer> idx = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (int n = 0; n < rows; n++) {
                for (int j = 0; j < nIn; j++) {
                    double v = x[n * nIn + j];
                    if (v != 0.0) {
                        idx.add(j);
                        val.add(v);
                    }
                }
                colPtr[n + 1] = idx.size();
            }
            return Block.sparse(rows, nIn, nOut, colPtr, idx.stream().mapToInt(Integer::intValue).toArray(),
                    val.stream().mapToDouble(Double::doubleValue).toArray(), t.clone(), w == null ? null : w.clone());
        }

        Block block(boolean sparse) {
            return sparse ? sparse() : dense();
        }

        /** Examples {@code [from, to)} as their own data set. */
        Data slice(int from, int to) {
            return new Data(to - from, nIn, nOut,
                    Arrays.copyOfRange(x, from * nIn, to * nIn),
                    Arrays.copyOfRange(t, from * nOut, to * nOut),
                    w == null ? null : Arrays.copyOfRange(w, from, to));
        }
    }

    /**
     * Random examples: inputs uniform in [-1, 1) with about {@code zeroFraction} of them exactly 0,
     * targets suited to {@code kind} (one-hot rows for softmax, 0/1 for logistic, reals for linear),
     * example weights uniform in [0.25, 2) when {@code weighted}, else {@code null}.
     */
    static Data randomData(SplittableRandom rng, int rows, int nIn, int nOut, OutputKind kind,
                           boolean weighted, double zeroFraction) {
        double[] x = new double[rows * nIn];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble() < zeroFraction ? 0.0 : rng.nextDouble(-1.0, 1.0);
        }
        double[] t = randomTargets(rng, rows, nOut, kind);
        double[] w = null;
        if (weighted) {
            w = new double[rows];
            for (int n = 0; n < rows; n++) {
                w[n] = rng.nextDouble(0.25, 2.0);
            }
        }
        return new Data(rows, nIn, nOut, x, t, w);
    }

    static double[] randomTargets(SplittableRandom rng, int rows, int nOut, OutputKind kind) {
        double[] t = new double[rows * nOut];
        for (int n = 0; n < rows; n++) {
            switch (kind) {
                case SOFTMAX -> t[n * nOut + rng.nextInt(nOut)] = 1.0;
                case LOGISTIC -> {
                    for (int k = 0; k < nOut; k++) {
                        t[n * nOut + k] = rng.nextBoolean() ? 1.0 : 0.0;
                    }
                }
                case LINEAR -> {
                    for (int k = 0; k < nOut; k++) {
                        t[n * nOut + k] = rng.nextDouble(-2.0, 2.0);
                    }
                }
            }
        }
        return t;
    }

    /** Weights uniform in {@code [-scale, scale) / sqrt(in)}, biases uniform in {@code [-0.5, 0.5)}. */
    static double[] randomTheta(NetworkSpec spec, SplittableRandom rng, double scale) {
        double[] theta = new double[spec.numParams()];
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            double r = scale / Math.sqrt(spec.width(l));
            for (int p = spec.weightOffset(l); p < spec.biasOffset(l); p++) {
                theta[p] = rng.nextDouble(-r, r);
            }
            for (int p = spec.biasOffset(l); p < spec.biasOffset(l) + spec.width(l + 1); p++) {
                theta[p] = rng.nextDouble(-0.5, 0.5);
            }
        }
        return theta;
    }

    static NetworkSpec spec(int nIn, int[] hidden, int nOut, Activation act, OutputKind kind) {
        int[] layers = new int[hidden.length + 2];
        layers[0] = nIn;
        System.arraycopy(hidden, 0, layers, 1, hidden.length);
        layers[layers.length - 1] = nOut;
        return new NetworkSpec(layers, act, kind);
    }

    /** A fresh accumulator holding the sums of {@code blocks} at {@code theta}, one fresh {@link BlockGradient}. */
    static GradientAccumulator accumulate(NetworkSpec spec, double[] theta, Block... blocks) {
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        BlockGradient bg = new BlockGradient(spec, 1);
        for (Block b : blocks) {
            bg.accumulate(theta, b, acc);
        }
        return acc;
    }

    // ---------------------------------------------------------------- naive reference implementation

    /**
     * Naive forward pass: {@code pre[l][n][o]} is the pre-activation of unit {@code o} of weight layer
     * {@code l} for example {@code n}, computed with plain loops straight from the documented layout.
     */
    static double[][][] referencePreActivations(NetworkSpec spec, double[] theta, Block block) {
        int layers = spec.numWeightLayers();
        double[][][] pre = new double[layers][block.rows()][];
        for (int n = 0; n < block.rows(); n++) {
            double[] z = new double[spec.inputs()];
            for (int j = 0; j < z.length; j++) {
                z[j] = block.input(n, j);
            }
            for (int l = 0; l < layers; l++) {
                int in = spec.width(l);
                int out = spec.width(l + 1);
                double[] a = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = theta[spec.biasOffset(l) + o];
                    for (int i = 0; i < in; i++) {
                        s += theta[spec.weightOffset(l) + i * out + o] * z[i];
                    }
                    a[o] = s;
                }
                pre[l][n] = a;
                if (l < layers - 1) {
                    z = new double[out];
                    for (int o = 0; o < out; o++) {
                        z[o] = referenceActivation(spec.hidden(), a[o]);
                    }
                }
            }
        }
        return pre;
    }

    static double referenceActivation(Activation act, double a) {
        return switch (act) {
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-a));
            case TANH -> Math.tanh(a);
            case RELU -> Math.max(a, 0.0);
        };
    }

    /** Naive per-example error from the formulas of the brief (fine for moderate logits). */
    static double referenceError(OutputKind kind, double[] s, double[] t, int tOff) {
        double e = 0;
        switch (kind) {
            case LOGISTIC -> {
                for (int k = 0; k < s.length; k++) {
                    e += Math.log1p(Math.exp(s[k])) - t[tOff + k] * s[k];
                }
            }
            case SOFTMAX -> {
                double sum = 0;
                for (double v : s) {
                    sum += Math.exp(v);
                }
                e = Math.log(sum);
                for (int k = 0; k < s.length; k++) {
                    e -= t[tOff + k] * s[k];
                }
            }
            case LINEAR -> {
                for (int k = 0; k < s.length; k++) {
                    double d = s[k] - t[tOff + k];
                    e += 0.5 * d * d;
                }
            }
        }
        return e;
    }

    /** Naive weighted loss sum {@code sum_n w_n E_n}. */
    static double referenceLossSum(NetworkSpec spec, double[] theta, Block block) {
        double[][][] pre = referencePreActivations(spec, theta, block);
        double sum = 0;
        for (int n = 0; n < block.rows(); n++) {
            sum += block.weight(n) * referenceError(spec.output(), pre[spec.numWeightLayers() - 1][n], block.t(),
                    n * spec.outputs());
        }
        return sum;
    }

    // ---------------------------------------------------------------- comparisons

    /** {@code |a - b| / max(|a| + |b|, floor)}. */
    static double relErr(double a, double b, double floor) {
        if (a == b) {
            return 0.0;
        }
        return Math.abs(a - b) / Math.max(Math.abs(a) + Math.abs(b), floor);
    }

    /** Asserts {@code |a - b| <= rel * max(|a|, |b|)} with a readable message. */
    static void assertRelClose(double expected, double actual, double rel, String what) {
        double diff = Math.abs(expected - actual);
        if (!(diff <= rel * Math.max(Math.abs(expected), Math.abs(actual)))) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual
                    + " (relative difference " + diff / Math.max(Math.abs(expected), Math.abs(actual))
                    + " > " + rel + ")");
        }
    }
}
