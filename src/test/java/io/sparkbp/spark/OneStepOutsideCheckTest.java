package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outside check: one full-batch plain-SGD step of the whole distributed pipeline (file parsing,
 * caching in blocks, broadcast, partition gradients, tree aggregation, objective, update, model
 * file) must equal {@code theta0 - lr * grad J(theta0)}, where {@code J} and its gradient are computed
 * here, independently of the project's kernels, by a naive loop over examples with textbook
 * forward and back propagation.
 *
 * <p>With {@code train.precision=float32} the same step must agree within float rounding: inputs
 * and weights are rounded to float (relative 6e-8) and each block's sums run in float, so the
 * gradient is expected to be off by about 1e-6 of its largest entry; the bounds are 1e-4 for the
 * gradient implied by the step, 1e-6 for the new weights (the step is lr = 0.1 times the gradient)
 * and 1e-5 for the reported loss. A logic error in the float path shows up at order 1.
 */
class OneStepOutsideCheckTest {
    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("OneStepOutsideCheckTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    static final double LEARNING_RATE = 0.1;
    static final double L2 = 0.01;

    static Stream<Arguments> networks() {
        return Stream.of("float64", "float32").flatMap(precision -> Stream.of(
                Arguments.of("softmax", new int[] {4, 3, 2}, "sigmoid", "dense", precision),
                Arguments.of("softmax", new int[] {4, 3, 2}, "sigmoid", "sparse", precision),
                Arguments.of("logistic", new int[] {4, 3, 1}, "sigmoid", "dense", precision),
                Arguments.of("logistic", new int[] {4, 3, 2}, "tanh", "sparse", precision),
                Arguments.of("linear", new int[] {4, 3, 2}, "sigmoid", "dense", precision),
                Arguments.of("linear", new int[] {4, 3, 2}, "relu", "sparse", precision),
                Arguments.of("softmax", new int[] {4, 5, 3, 3}, "tanh", "dense", precision)));
    }

    @ParameterizedTest(name = "{0} {1} {2} ({3} blocks, {4})")
    @MethodSource("networks")
    void oneSgdStepFromAKnownModelEqualsThetaMinusLearningRateTimesTheIndependentGradient(
            String output, int[] layers, String activation, String layout, String precision) throws IOException {
        boolean single = precision.equals("float32");
        NetworkSpec spec = new NetworkSpec(layers, Activation.parse(activation), OutputKind.parse(output));
        NaiveNet net = new NaiveNet(layers, activation, output);
        SplittableRandom rng = new SplittableRandom(Arrays.hashCode(layers) * 31L + output.hashCode());
        double[] theta0 = new double[net.numParams()];
        for (int i = 0; i < theta0.length; i++) {
            theta0[i] = rng.nextDouble(-1, 1);
        }
        Path m0 = dir.resolve("m0.json");
        CliHarness.saveModel(new Model(spec, theta0), m0);

        // 11 examples: some features zero (absent), labels of the output kind
        List<double[]> xs = new ArrayList<>();
        List<double[]> ts = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int nIn = layers[0];
        int k = layers[layers.length - 1];
        for (int n = 0; n < 11; n++) {
            double[] x = new double[nIn];
            StringBuilder features = new StringBuilder();
            for (int j = 0; j < nIn; j++) {
                if (rng.nextInt(3) == 0) {
                    continue;
                }
                String v = String.format(Locale.ROOT, "%.4f", rng.nextDouble(-2, 2));
                x[j] = Double.parseDouble(v);
                features.append(' ').append(j + 1).append(':').append(v);
            }
            if (features.length() == 0) {
                // an empty multi-label field with no features would be a blank line, not an example
                x[0] = 1.5;
                features.append(" 1:1.5");
            }
            double[] t = new double[k];
            String label;
            switch (output) {
                case "softmax" -> {
                    int c = rng.nextInt(k);
                    t[c] = 1;
                    label = String.valueOf(c);
                }
                case "logistic" -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        if (rng.nextBoolean()) {
                            t[i] = 1;
                            ids.add(String.valueOf(i));
                        }
                    }
                    // binary: "0"/"1"; multi-label: ids of the positive outputs, possibly none
                    label = k == 1 ? String.valueOf((int) t[0]) : String.join(",", ids);
                }
                default -> {
                    List<String> vs = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        String v = String.format(Locale.ROOT, "%.3f", rng.nextDouble(-3, 3));
                        t[i] = Double.parseDouble(v);
                        vs.add(v);
                    }
                    label = String.join(",", vs);
                }
            }
            xs.add(x);
            ts.add(t);
            lines.add(label + features);
        }
        lines.add(3, "# a comment line and a blank line are not examples");
        lines.add(7, "");
        Path data = CliHarness.write(dir.resolve("data.libsvm"), lines.toArray(String[]::new));

        Path m1 = dir.resolve("m1.json");
        Path metrics = dir.resolve("m1-metrics.jsonl");
        String hidden = String.join(",", Arrays.stream(layers, 1, layers.length - 1).mapToObj(String::valueOf).toList());
        Result r = CliHarness.train("data.train=" + data, "data.features=" + nIn, "data.partitions=2",
                "data.blockRows=3", "data.layout=" + layout,
                "model.hidden=" + hidden, "model.activation=" + activation, "model.output=" + output,
                "model.outputs=" + k,
                "train.optimizer=sgd", "train.momentum=0", "train.batchSize=0", "train.epochs=1",
                "train.standardize=false", "train.initModel=" + m0, "train.learningRate=" + LEARNING_RATE,
                "train.l2=" + L2, "train.precision=" + precision, "output.model=" + m1, "output.metrics=" + metrics);
        assertEquals(0, r.code(), r::toString);

        double[] grad = new double[theta0.length];
        double j0 = net.objectiveAndGradient(theta0, xs, ts, L2, grad);
        double[] expected = new double[theta0.length];
        for (int i = 0; i < theta0.length; i++) {
            expected[i] = theta0[i] - LEARNING_RATE * grad[i];
        }
        Model trained = CliHarness.loadModel(m1);
        assertEquals(spec, trained.spec());
        assertFalse(trained.inputTransform().isPresent(), "the initial model had no transforms");
        assertFalse(trained.outputTransform().isPresent());
        double[] theta1 = trained.theta();

        double thetaError = CliHarness.maxRelativeDifference(expected, theta1);
        assertTrue(thetaError <= (single ? 1e-6 : 1e-12), () -> "theta1 differs from theta0 - lr grad by " + thetaError
                + " relative\nexpected " + Arrays.toString(expected) + "\nactual   " + Arrays.toString(theta1));

        // the step itself, (theta0 - theta1) / lr, is the gradient (cancellation costs ~1e-15 here)
        double[] implied = new double[theta0.length];
        for (int i = 0; i < theta0.length; i++) {
            implied[i] = (theta0[i] - theta1[i]) / LEARNING_RATE;
        }
        double gradError = CliHarness.maxRelativeDifference(grad, implied);
        assertTrue(gradError <= (single ? 1e-4 : 1e-10), () -> "the step implies a gradient that differs by " + gradError
                + " relative\nexpected " + Arrays.toString(grad) + "\nimplied  " + Arrays.toString(implied));

        // the reported training loss of the epoch is J(theta0), L2 term included
        String epoch = Files.readAllLines(metrics, StandardCharsets.UTF_8).get(0);
        String loss = epoch.replaceAll(".*\"trainLoss\":([^,}]+).*", "$1");
        assertEquals(j0, Double.parseDouble(loss), (single ? 1e-5 : 1e-12) * Math.abs(j0), epoch);
    }

    /**
     * A deliberately naive network: per-example loops, {@code W(o, i)} at {@code off + i * out + o}
     * followed by the biases (the documented layout of the model's flat parameter array).
     */
    static final class NaiveNet {
        final int[] layers;
        final String activation;
        final String output;

        NaiveNet(int[] layers, String activation, String output) {
            this.layers = layers;
            this.activation = activation;
            this.output = output;
        }

        int numParams() {
            int p = 0;
            for (int l = 0; l + 1 < layers.length; l++) {
                p += layers[l] * layers[l + 1] + layers[l + 1];
            }
            return p;
        }

        int weightOffset(int l) {
            int p = 0;
            for (int j = 0; j < l; j++) {
                p += layers[j] * layers[j + 1] + layers[j + 1];
            }
            return p;
        }

        double f(double a) {
            return switch (activation) {
                case "sigmoid" -> 1 / (1 + Math.exp(-a));
                case "tanh" -> Math.tanh(a);
                case "relu" -> a > 0 ? a : 0;
                default -> throw new IllegalArgumentException(activation);
            };
        }

        /** f'(a) written from a itself. */
        double fPrime(double a) {
            return switch (activation) {
                case "sigmoid" -> {
                    double s = 1 / (1 + Math.exp(-a));
                    yield s * (1 - s);
                }
                case "tanh" -> 1 - Math.tanh(a) * Math.tanh(a);
                case "relu" -> a > 0 ? 1 : 0;
                default -> throw new IllegalArgumentException(activation);
            };
        }

        /** J(theta) = mean E + l2/2 sum W^2; writes its gradient into {@code grad}. */
        double objectiveAndGradient(double[] theta, List<double[]> xs, List<double[]> ts, double l2, double[] grad) {
            int layersCount = layers.length - 1;
            Arrays.fill(grad, 0);
            double errorSum = 0;
            for (int n = 0; n < xs.size(); n++) {
                double[][] a = new double[layersCount][];
                double[][] z = new double[layersCount + 1][];
                z[0] = xs.get(n);
                for (int l = 0; l < layersCount; l++) {
                    int in = layers[l];
                    int out = layers[l + 1];
                    int w = weightOffset(l);
                    int b = w + in * out;
                    a[l] = new double[out];
                    z[l + 1] = new double[out];
                    for (int o = 0; o < out; o++) {
                        double sum = theta[b + o];
                        for (int i = 0; i < in; i++) {
                            sum += theta[w + i * out + o] * z[l][i];
                        }
                        a[l][o] = sum;
                        z[l + 1][o] = l < layersCount - 1 ? f(sum) : sum;
                    }
                }
                double[] s = a[layersCount - 1];
                double[] t = ts.get(n);
                int k = s.length;
                double[] y = new double[k];
                double e = 0;
                switch (output) {
                    case "softmax" -> {
                        double max = Double.NEGATIVE_INFINITY;
                        for (double v : s) {
                            max = Math.max(max, v);
                        }
                        double sumExp = 0;
                        for (int i = 0; i < k; i++) {
                            sumExp += Math.exp(s[i] - max);
                        }
                        double logZ = max + Math.log(sumExp);
                        for (int i = 0; i < k; i++) {
                            y[i] = Math.exp(s[i] - logZ);
                            e -= t[i] * (s[i] - logZ);
                        }
                    }
                    case "logistic" -> {
                        for (int i = 0; i < k; i++) {
                            y[i] = 1 / (1 + Math.exp(-s[i]));
                            // -t log y - (1 - t) log (1 - y), written stably
                            e += Math.max(s[i], 0) + Math.log1p(Math.exp(-Math.abs(s[i]))) - t[i] * s[i];
                        }
                    }
                    default -> {
                        for (int i = 0; i < k; i++) {
                            y[i] = s[i];
                            e += 0.5 * (s[i] - t[i]) * (s[i] - t[i]);
                        }
                    }
                }
                errorSum += e;
                // backward: dE/ds = y - t for each of the three canonical pairs
                double[] delta = new double[k];
                for (int i = 0; i < k; i++) {
                    delta[i] = y[i] - t[i];
                }
                for (int l = layersCount - 1; l >= 0; l--) {
                    int in = layers[l];
                    int out = layers[l + 1];
                    int w = weightOffset(l);
                    int b = w + in * out;
                    for (int o = 0; o < out; o++) {
                        grad[b + o] += delta[o];
                        for (int i = 0; i < in; i++) {
                            grad[w + i * out + o] += delta[o] * z[l][i];
                        }
                    }
                    if (l > 0) {
                        double[] below = new double[in];
                        for (int i = 0; i < in; i++) {
                            double sum = 0;
                            for (int o = 0; o < out; o++) {
                                sum += theta[w + i * out + o] * delta[o];
                            }
                            below[i] = sum * fPrime(a[l - 1][i]);
                        }
                        delta = below;
                    }
                }
            }
            int count = xs.size();
            double penalty = 0;
            for (int p = 0; p < grad.length; p++) {
                grad[p] /= count;
            }
            for (int l = 0; l < layersCount; l++) {
                int w = weightOffset(l);
                for (int p = w; p < w + layers[l] * layers[l + 1]; p++) {
                    grad[p] += l2 * theta[p];
                    penalty += theta[p] * theta[p];
                }
            }
            return errorSum / count + 0.5 * l2 * penalty;
        }
    }
}
