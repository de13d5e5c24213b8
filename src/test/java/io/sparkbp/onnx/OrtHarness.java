package io.sparkbp.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkbp.model.Model;
import io.sparkbp.model.Predictor;
import io.sparkbp.nn.Block;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helpers: exported models run in ONNX Runtime (one intra-op thread, so that concurrent builds
 * on the machine do not oversubscribe it), sparkbp's own {@link Predictor} for the reference, and the
 * error measure of the agreement tests:
 * <pre>
 *   err(a, b) = max over elements |a - b| / max(1, |b|)      b = sparkbp's value
 * </pre>
 * i.e. relative error for values above 1 in magnitude and absolute error below, so that a probability
 * near 0 (where a last-bit difference in exp is a large relative difference) counts by its distance.
 */
public final class OrtHarness {
    private OrtHarness() {
    }

    public static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    /** A session over the bytes of an ONNX model. */
    public static OrtSession session(byte[] onnx) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return env().createSession(onnx, options);
        }
    }

    /** Every output of {@code session} for {@code rows} fed to {@code features} at {@code precision}, widened to double. */
    public static Map<String, double[][]> run(OrtSession session, double[][] rows, OnnxPrecision precision) throws OrtException {
        Map<String, double[][]> outputs = new LinkedHashMap<>();
        try (OnnxTensor input = precision == OnnxPrecision.FLOAT64 ? OnnxTensor.createTensor(env(), rows)
                : OnnxTensor.createTensor(env(), toFloat(rows));
             OrtSession.Result result = session.run(Map.of(NetworkGraph.FEATURES, input))) {
            for (Map.Entry<String, OnnxValue> e : result) {
                Object v = e.getValue().getValue();
                outputs.put(e.getKey(), v instanceof float[][] f ? toDouble(f) : (double[][]) v);
            }
        }
        return outputs;
    }

    /** Exports {@code model} at {@code precision} and runs it on {@code rows}. */
    public static Map<String, double[][]> exportAndRun(Model model, double[][] rows, OnnxPrecision precision)
            throws OrtException {
        try (OrtSession session = session(OnnxExporter.toBytes(model, precision))) {
            return run(session, rows, precision);
        }
    }

    /** What sparkbp gives for {@code rows}: the outputs {@code predict} prints and the pre-activations {@code s}. */
    public record Reference(double[][] outputs, double[][] logits) {
    }

    public static Reference reference(Model model, double[][] rows) {
        int m = rows.length;
        int nIn = model.spec().inputs();
        int nOut = model.spec().outputs();
        double[] x = new double[m * nIn];
        for (int r = 0; r < m; r++) {
            System.arraycopy(rows[r], 0, x, r * nIn, nIn);
        }
        double[] y = new double[m * nOut];
        double[] s = new double[m * nOut];
        new Predictor(model).predict(Block.dense(m, nIn, nOut, x, new double[m * nOut], null), y, s);
        return new Reference(columns(y, m, nOut), columns(s, m, nOut));
    }

    /** The error measure of the class comment; shapes must agree. */
    public static double error(double[][] actual, double[][] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError(actual.length + " rows, expected " + expected.length);
        }
        double worst = 0;
        for (int r = 0; r < expected.length; r++) {
            if (actual[r].length != expected[r].length) {
                throw new AssertionError("row " + r + " has " + actual[r].length + " values, expected " + expected[r].length);
            }
            for (int k = 0; k < expected[r].length; k++) {
                double e = Math.abs(actual[r][k] - expected[r][k]) / Math.max(1.0, Math.abs(expected[r][k]));
                if (!(e <= worst)) {
                    worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                }
            }
        }
        return worst;
    }

    /** The tolerance of the agreement tests at {@code precision}. */
    public static double tolerance(OnnxPrecision precision) {
        return precision == OnnxPrecision.FLOAT64 ? 1e-12 : 1e-5;
    }

    private static double[][] columns(double[] colMajor, int m, int k) {
        double[][] out = new double[m][k];
        for (int r = 0; r < m; r++) {
            System.arraycopy(colMajor, r * k, out[r], 0, k);
        }
        return out;
    }

    private static float[][] toFloat(double[][] rows) {
        float[][] f = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            f[r] = new float[rows[r].length];
            for (int j = 0; j < rows[r].length; j++) {
                f[r][j] = (float) rows[r][j];
            }
        }
        return f;
    }

    private static double[][] toDouble(float[][] rows) {
        double[][] d = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            d[r] = new double[rows[r].length];
            for (int j = 0; j < rows[r].length; j++) {
                d[r][j] = rows[r][j];
            }
        }
        return d;
    }
}
