package io.sparkbp.onnx;

import io.sparkbp.data.Transform;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.onnx.OnnxGraph.Initializer;
import io.sparkbp.onnx.OnnxGraph.Node;
import io.sparkbp.onnx.OnnxGraph.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ONNX graph that computes what {@link io.sparkbp.model.Predictor} computes, in the same order
 * of operations:
 * <pre>
 *   features [batch, nIn]                                   raw features, as in the data files
 *   centered = Sub(features, input_mean)                    } only with an input transform:
 *   standardized = Div(centered, input_scale)               } x' = (x - mean) / scale
 *   a{l} = Gemm(h{l-1}, W{l}, b{l}),  h{l} = f(a{l})        hidden layer l, f = Sigmoid, Tanh or Relu
 *   logits = Gemm(h{L-2}, W{L-1}, b{L-1})                   output pre-activations s
 *   probabilities = Softmax(logits, axis=-1) | Sigmoid(logits)          softmax, logistic
 *   values = Add(Mul(values_standardized, output_scale), output_mean)   linear: y = y' * scale + mean
 * </pre>
 * Gemm computes {@code A B + C} for {@code A [batch, in]}, {@code B [in, out]}, {@code C [out]}
 * broadcast over rows. {@code W{l}} is therefore {@code W^T}: the model's {@code W} (out x in,
 * column-major) read row-major, so each initializer is a slice of the flat parameter array, with no
 * reordering. A linear output without an output transform is the last Gemm's output itself,
 * {@code values}.
 */
final class NetworkGraph {
    static final String FEATURES = "features";
    static final String PROBABILITIES = "probabilities";
    static final String LOGITS = "logits";
    static final String VALUES = "values";

    private final List<Node> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();

    private NetworkGraph() {
    }

    /** The graph of {@code model}. */
    static OnnxGraph of(Model model) {
        return new NetworkGraph().build(model);
    }

    private OnnxGraph build(Model model) {
        NetworkSpec spec = model.spec();
        String x = standardize(FEATURES, model.inputTransform().orElse(null));
        double[] theta = model.theta();
        int last = spec.numWeightLayers() - 1;
        for (int l = 0; l < last; l++) {
            String a = affine(spec, theta, l, x, "a" + l);
            x = "h" + l;
            nodes.add(Node.of(activationOp(spec.hidden()), x, a));
        }
        Transform out = model.outputTransform().orElse(null);
        String top = spec.output() != OutputKind.LINEAR ? LOGITS : out != null ? "values_standardized" : VALUES;
        affine(spec, theta, last, x, top);
        List<Value> outputs = head(spec, top, out);
        return new OnnxGraph("sparkbp", new Value(FEATURES, spec.inputs()), nodes, initializers, outputs);
    }

    /** {@code (x - mean) / scale}, as {@link Transform#apply} computes it; {@code x} itself without a transform. */
    private String standardize(String x, Transform in) {
        if (in == null) {
            return x;
        }
        initializers.add(vector("input_mean", in.mean()));
        initializers.add(vector("input_scale", in.scale()));
        nodes.add(Node.of("Sub", "centered", x, "input_mean"));
        nodes.add(Node.of("Div", "standardized", "centered", "input_scale"));
        return "standardized";
    }

    /** {@code output = x W{l} + b{l}}; returns {@code output}. */
    private String affine(NetworkSpec spec, double[] theta, int l, String x, String output) {
        int in = spec.width(l);
        int out = spec.width(l + 1);
        initializers.add(new Initializer("W" + l, new long[] {in, out}, theta, spec.weightOffset(l)));
        initializers.add(new Initializer("b" + l, new long[] {out}, theta, spec.biasOffset(l)));
        nodes.add(Node.of("Gemm", output, x, "W" + l, "b" + l));
        return output;
    }

    /** The output activation (or inverse target transform) and the graph outputs. */
    private List<Value> head(NetworkSpec spec, String top, Transform out) {
        int k = spec.outputs();
        List<Value> classifier = List.of(new Value(PROBABILITIES, k), new Value(LOGITS, k));
        return switch (spec.output()) {
            case SOFTMAX -> {
                nodes.add(new Node("Softmax", List.of(LOGITS), PROBABILITIES, Map.of("axis", -1L)));
                yield classifier;
            }
            case LOGISTIC -> {
                nodes.add(Node.of("Sigmoid", PROBABILITIES, LOGITS));
                yield classifier;
            }
            case LINEAR -> {
                if (out != null) {
                    initializers.add(vector("output_scale", out.scale()));
                    initializers.add(vector("output_mean", out.mean()));
                    nodes.add(Node.of("Mul", "values_scaled", top, "output_scale"));
                    nodes.add(Node.of("Add", VALUES, "values_scaled", "output_mean"));
                }
                yield List.of(new Value(VALUES, k));
            }
        };
    }

    private static String activationOp(Activation a) {
        return switch (a) {
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "Relu";
        };
    }

    private static Initializer vector(String name, double[] values) {
        return new Initializer(name, new long[] {values.length}, values, 0);
    }
}
