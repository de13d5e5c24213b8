package io.sparkbp.onnx;

import io.sparkbp.math.Named;

/**
 * The element type of an exported graph: its input, outputs, weights and transforms are all
 * {@code float64} ({@code tensor(double)}, the precision of the model file, the default) or all
 * {@code float32} ({@code tensor(float)}: half the bytes, weights rounded to nearest float, and
 * the arithmetic of the runtime's float kernels).
 */
public enum OnnxPrecision implements Named {
    FLOAT64(11, Double.BYTES),
    FLOAT32(1, Float.BYTES);

    private final int dataType;
    private final int bytes;

    OnnxPrecision(int dataType, int bytes) {
        this.dataType = dataType;
        this.bytes = bytes;
    }

    /** The ONNX {@code TensorProto.DataType} code: 11 (DOUBLE) or 1 (FLOAT). */
    public int dataType() {
        return dataType;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Parses {@code float64} or {@code float32} (case-insensitive, surrounding blanks ignored). */
    public static OnnxPrecision parse(String s) {
        return Named.parse(OnnxPrecision.class, s, "ONNX precision");
    }
}
