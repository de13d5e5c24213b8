package io.sparkbp.onnx;

import ai.onnxruntime.OrtException;
import io.sparkbp.data.Transform;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random networks of every output kind (softmax, binary and multi-label logistic, single and
 * multi-output linear), hidden activation and depth 0..3, with random input and output transforms
 * (or none), exported at both precisions and run in ONNX Runtime: every output agrees with sparkbp's
 * {@link io.sparkbp.model.Predictor} within {@link OrtHarness#tolerance} (error measure in {@link OrtHarness}).
 */
class RandomNetworkAgreementTest {
    /** The largest error seen per output kind and precision, printed at the end for the record. */
    private static final Map<String, Double> WORST = new TreeMap<>();

    record Head(OutputKind kind, int outputs) {
        @Override
        public String toString() {
            return kind.id() + "/" + outputs;
        }
    }

    static List<Arguments> networks() {
        List<Head> heads = List.of(new Head(OutputKind.SOFTMAX, 4), new Head(OutputKind.LOGISTIC, 1),
                new Head(OutputKind.LOGISTIC, 3), new Head(OutputKind.LINEAR, 1), new Head(OutputKind.LINEAR, 2));
        List<Arguments> cases = new ArrayList<>();
        long seed = 1;
        for (Head head : heads) {
            for (Activation act : Activation.values()) {
                for (int depth = 0; depth <= 3; depth++) {
                    cases.add(Arguments.of(head, act, depth, seed++));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} depth {2}")
    @MethodSource("networks")
    void theOnnxModelGivesWhatPredictGivesAtBothPrecisions(Head head, Activation act, int depth, long seed)
            throws OrtException {
        SplittableRandom rng = new SplittableRandom(seed);
        Model model = randomModel(rng, head, act, depth, seed % 4 != 3);
        double[][] rows = rawRows(rng, model, 37);
        OrtHarness.Reference expected = OrtHarness.reference(model, rows);
        for (OnnxPrecision precision : OnnxPrecision.values()) {
            Map<String, double[][]> actual = OrtHarness.exportAndRun(model, rows, precision);
            boolean linear = head.kind() == OutputKind.LINEAR;
            assertEquals(linear ? List.of("values") : List.of("probabilities", "logits"), List.copyOf(actual.keySet()));
            check(head, precision, actual.get(linear ? "values" : "probabilities"), expected.outputs(), model);
            if (!linear) {
                check(head, precision, actual.get("logits"), expected.logits(), model);
            }
        }
    }

    private static void check(Head head, OnnxPrecision precision, double[][] actual, double[][] expected, Model model) {
        double err = OrtHarness.error(actual, expected);
        WORST.merge(head + " " + precision.id(), err, Math::max);
        assertTrue(err <= OrtHarness.tolerance(precision), () -> model + " at " + precision.id() + ": error " + err
                + " above " + OrtHarness.tolerance(precision));
    }

    @AfterAll
    static void printWorstErrors() {
        WORST.forEach((k, v) -> System.out.printf("onnx agreement, random networks, %-22s max error %.3g%n", k, v));
    }

    /**
     * Glorot-scaled weights with biases in [-0.5, 0.5]; with {@code transforms}, an input transform
     * with scales over four decades and means within 10 scales of 0, and (linear) an output transform
     * with target-like means and scales.
     */
    static Model randomModel(SplittableRandom rng, Head head, Activation act, int depth, boolean transforms) {
        int nIn = 1 + rng.nextInt(9);
        int[] layers = new int[depth + 2];
        layers[0] = nIn;
        for (int l = 1; l <= depth; l++) {
            layers[l] = 1 + rng.nextInt(8);
        }
        layers[depth + 1] = head.outputs();
        NetworkSpec spec = new NetworkSpec(layers, act, head.kind());
        double[] theta = spec.initialParameters(rng.nextLong());
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            for (int o = 0; o < spec.width(l + 1); o++) {
                theta[spec.biasOffset(l) + o] = rng.nextDouble(-0.5, 0.5);
            }
        }
        if (!transforms) {
            return new Model(spec, theta);
        }
        Transform out = head.kind() == OutputKind.LINEAR ? randomTransform(rng, head.outputs(), 100) : null;
        return new Model(spec, theta, randomTransform(rng, nIn, 10), out, null);
    }

    private static Transform randomTransform(SplittableRandom rng, int n, double meanInScales) {
        double[] mean = new double[n];
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            scale[j] = Math.pow(10, rng.nextDouble(-2, 2));
            mean[j] = scale[j] * rng.nextDouble(-meanInScales, meanInScales);
        }
        return new Transform(mean, scale);
    }

    /** Rows in the raw units the input transform expects: mean + scale * (a value of about unit size). */
    static double[][] rawRows(SplittableRandom rng, Model model, int n) {
        int nIn = model.spec().inputs();
        Transform in = model.inputTransform().orElse(null);
        double[][] rows = new double[n][nIn];
        for (double[] row : rows) {
            for (int j = 0; j < nIn; j++) {
                double z = 3 * rng.nextDouble(-1, 1);
                row[j] = in == null ? z : in.mean(j) + in.scale(j) * z;
            }
        }
        return rows;
    }
}
