package io.sparkbp.nn;

import java.util.Locale;

/**
 * The arithmetic precision of the block kernels ({@code train.precision}). {@code FLOAT64} caches
 * inputs as doubles and runs dgemm; {@code FLOAT32} caches inputs as floats (half the bytes) and
 * runs the hidden layers with sgemm on float copies of the weights. In both, the output layer's
 * activation, loss and delta, the gradient sums across blocks and partitions, the optimizer and the
 * model stay in double.
 */
public enum Precision {
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

    /** Lower-case name as used in configuration: {@code float64} or {@code float32}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code float64} or {@code float32} (case-insensitive, surrounding blanks ignored). */
    public static Precision parse(String s) {
        for (Precision p : values()) {
            if (p.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + s + "': expected float64 or float32");
    }
}
