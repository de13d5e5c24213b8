package io.sparkbp.onnx;

import io.sparkbp.model.HadoopFiles;
import io.sparkbp.model.Model;
import io.sparkbp.nn.NetworkSpec;
import org.apache.hadoop.conf.Configuration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a sparkbp {@link Model} into an ONNX model (a serialized {@code ModelProto}) that gives what
 * {@link io.sparkbp.model.Predictor} gives: input {@code features [batch, nIn]} of raw features;
 * outputs {@code probabilities} and {@code logits} (softmax and logistic) or {@code values} in the
 * targets' units (linear), each {@code [batch, nOut]}. The graph is described in {@link NetworkGraph}.
 *
 * <p>ONNX IR version {@value #IR_VERSION} and operator set {@value #OPSET} of the default domain
 * (as ONNX 1.8 introduced them; tested with ONNX Runtime 1.20): the first opset in which every operator used
 * (Sub, Div, Gemm, Sigmoid, Tanh, Relu, Softmax, Mul, Add) has its current definition, in particular
 * Softmax over one axis. The model's metadata ({@code metadata_props}) records the network: keys
 * {@code sparkbp.layers}, {@code sparkbp.hiddenActivation}, {@code sparkbp.output} and {@code
 * sparkbp.precision}.
 *
 * <p>A protobuf message, and so an ONNX file without external data, holds at most {@link #MAX_BYTES}
 * bytes; larger models are refused ({@code float32} halves the size).
 */
public final class OnnxExporter {
    /** The ONNX IR version written. */
    public static final long IR_VERSION = 7;
    /** The version of the default (ai.onnx) operator set imported. */
    public static final long OPSET = 13;
    /** The largest file written: protobuf's 2 GiB limit on a message. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;
    /** The value of the model's {@code producer_name}. */
    public static final String PRODUCER = "sparkbp";

    private OnnxExporter() {
    }

    /** The size in bytes of {@code model}'s ONNX file at {@code precision}. */
    public static long size(Model model, OnnxPrecision precision) {
        try {
            return ProtoWriter.sizeOf(writer(model, precision)::writeModel);
        } catch (IOException e) {
            throw new UncheckedIOException("counting bytes cannot fail", e);
        }
    }

    /**
     * Writes {@code model} as ONNX to {@code out} (not closed).
     *
     * @throws IllegalArgumentException when the file would exceed {@link #MAX_BYTES}
     */
    public static void write(Model model, OnnxPrecision precision, OutputStream out) throws IOException {
        write(model, precision, out, MAX_BYTES);
    }

    /** As {@link #write(Model, OnnxPrecision, OutputStream)} with another size limit (for tests). */
    static void write(Model model, OnnxPrecision precision, OutputStream out, long maxBytes) throws IOException {
        OnnxWriter writer = writer(model, precision);
        long size = ProtoWriter.sizeOf(writer::writeModel);
        if (size > maxBytes) {
            throw new IllegalArgumentException("the ONNX file of network " + model.spec() + " would hold " + size
                    + " bytes in " + precision.id() + "; an ONNX file holds at most " + maxBytes + " bytes"
                    + (precision == OnnxPrecision.FLOAT64 ? " (float32 halves the size)" : ""));
        }
        writer.writeModel(ProtoWriter.to(out));
    }

    /** {@code model} as the bytes of an ONNX file. */
    public static byte[] toBytes(Model model, OnnxPrecision precision) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(model, precision, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes {@code model} as ONNX to the Hadoop path {@code uri}, atomically (a temporary file in the
     * same directory, renamed into place; see {@link HadoopFiles#write}).
     *
     * @throws org.apache.hadoop.fs.FileAlreadyExistsException when {@code uri} exists and {@code overwrite} is false
     */
    public static void save(Model model, OnnxPrecision precision, String uri, Configuration conf, boolean overwrite)
            throws IOException {
        HadoopFiles.write(uri, conf, overwrite, out -> write(model, precision, out));
    }

    private static OnnxWriter writer(Model model, OnnxPrecision precision) {
        if (model == null || precision == null) {
            throw new IllegalArgumentException("a model and a precision are required");
        }
        NetworkSpec spec = model.spec();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("sparkbp.layers", Arrays.stream(spec.layers()).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")));
        metadata.put("sparkbp.hiddenActivation", spec.hidden().id());
        metadata.put("sparkbp.output", spec.output().id());
        metadata.put("sparkbp.precision", precision.id());
        OnnxGraph graph = NetworkGraph.of(model);
        String doc = "sparkbp network " + spec + ": input '" + graph.input().name() + "' holds raw features"
                + (model.inputTransform().isPresent() ? " (standardized inside the graph)" : "") + "; outputs "
                + graph.outputs().stream().map(v -> "'" + v.name() + "'").collect(Collectors.joining(", "))
                + (model.outputTransform().isPresent() ? " (in the targets' units)" : "");
        return new OnnxWriter(graph, precision, new OnnxWriter.Header(IR_VERSION, OPSET, PRODUCER, doc, metadata));
    }
}
