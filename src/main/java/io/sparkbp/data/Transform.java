package io.sparkbp.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A per-coordinate affine transform given by {@code mean} and {@code scale} (same length, every
 * mean finite, every scale finite and {@code > 0}).
 *
 * <p>As an <em>input</em> transform it standardizes raw features: {@link #apply} computes {@code
 * x' = (x - mean) / scale}, which is what the network sees. As an <em>output</em> transform (linear
 * outputs only) it maps network outputs back to target units: {@link #invert} computes {@code
 * y = y' * scale + mean}. Training code that standardizes data must use these two methods, so that
 * prediction repeats the training-time arithmetic exactly.
 *
 * <p>Immutable: the arrays are copied in and out.
 */
public record Transform(double[] mean, double[] scale) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Transform {
        if (mean == null || scale == null) {
            throw new IllegalArgumentException("transform mean and scale are required");
        }
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("transform mean has " + mean.length + " values but scale has "
                    + scale.length);
        }
        if (mean.length == 0) {
            throw new IllegalArgumentException("transform must have at least one coordinate");
        }
        mean = mean.clone();
        scale = scale.clone();
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("transform mean[" + j + "] is " + mean[j] + "; means must be finite");
            }
            if (!(scale[j] > 0.0) || !Double.isFinite(scale[j])) {
                throw new IllegalArgumentException("transform scale[" + j + "] is " + scale[j]
                        + "; scales must be positive and finite");
            }
        }
    }

    /** Copy of the means. */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** Copy of the scales. */
    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Mean of coordinate {@code j}. */
    public double mean(int j) {
        return mean[j];
    }

    /** Scale of coordinate {@code j}. */
    public double scale(int j) {
        return scale[j];
    }

    /** Number of coordinates. */
    public int size() {
        return mean.length;
    }

    /** True when some mean is nonzero, i.e. {@link #apply} maps a zero feature to a nonzero value. */
    public boolean centers() {
        for (double m : mean) {
            if (m != 0.0) {
                return true;
            }
        }
        return false;
    }

    /** Standardizes one value: {@code (x - mean[j]) / scale[j]}. */
    public double apply(int j, double x) {
        return (x - mean[j]) / scale[j];
    }

    /** Standardizes {@code size()} values: {@code dst[dstOff + j] = apply(j, src[srcOff + j])}; may be in place. */
    public void apply(double[] src, int srcOff, double[] dst, int dstOff) {
        for (int j = 0; j < mean.length; j++) {
            dst[dstOff + j] = (src[srcOff + j] - mean[j]) / scale[j];
        }
    }

    /** Maps one value back: {@code y * scale[j] + mean[j]}. */
    public double invert(int j, double y) {
        return y * scale[j] + mean[j];
    }

    /** In place {@code y[off + j] = invert(j, y[off + j])} for {@code j < size()}. */
    public void invertInPlace(double[] y, int off) {
        for (int j = 0; j < mean.length; j++) {
            y[off + j] = y[off + j] * scale[j] + mean[j];
        }
    }

    /** Bit-for-bit equality of means and scales. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Transform t && Arrays.equals(mean, t.mean) && Arrays.equals(scale, t.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Transform[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
