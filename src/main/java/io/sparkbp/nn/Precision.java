package io.sparkbp.nn;

import io.sparkbp.math.Named;

/**
 * The arithmetic precision of the block kernels ({@code train.precision}). {@code FLOAT64} caches
 * inputs as doubles and runs dgemm; {@code FLOAT32} caches inputs as floats (half the bytes) and
 * runs the hidden layers with sgemm on float copies of the weights. In both, the output layer's
 * activation, loss and delta, the gradient sums across blocks and partitions, the optimizer and the
 * model stay in double.
 */
public enum Precision implements Named {
    FLOAT64(8),
    FLOAT32(4);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per cached input value. */
    public int bytes() {
        return bytes;
    }

    /** Parses {@code float64} or {@code float32} (case-insensitive, surrounding blanks ignored). */
    public static Precision parse(String s) {
        return Named.parse(Precision.class, s, "precision");
    }
}
