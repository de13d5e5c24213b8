package io.sparkbp.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * A deterministic 64-bit digest of examples in order, kept apart for their labels (the target
 * vectors), their feature values (indices and values, row by row) and their weights, so that a
 * difference can be named. Exact bit patterns are hashed: any change of a value, of a row's place or
 * of the number of rows changes the digest (up to a chance of about 2^-64; it guards against
 * mistakes, not against an adversary). One digest per partition, combined in partition order with
 * {@link #then}, is the digest of the whole data set.
 */
public final class DataDigest implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long K = 0x9E3779B97F4A7C15L;

    private long labels = 1;
    private long features = 2;
    private long weights = 3;

    /** Adds one example (a real one, not a failed marker), as read: before any standardization. */
    public DataDigest add(ParsedExample e) {
        int[] idx = e.indices();
        return add(idx, e.values(), idx.length, e.targets(), e.weight());
    }

    /** Adds the example {@code row} holds, as {@link #add(ParsedExample)} adds the same example. */
    public DataDigest add(ExampleRow row) {
        return add(row.indices, row.values, row.nonzeros, row.targets, row.weight);
    }

    /** Adds the example of the first {@code n} features {@code idx}/{@code val}, targets {@code t} and {@code weight}. */
    private DataDigest add(int[] idx, double[] val, int n, double[] t, double weight) {
        for (double v : t) {
            labels = step(labels, Double.doubleToLongBits(v));
        }
        labels = step(labels, t.length);
        for (int p = 0; p < n; p++) {
            features = step(step(features, idx[p]), Double.doubleToLongBits(val[p]));
        }
        features = step(features, -1 - n);
        weights = step(weights, Double.doubleToLongBits(weight));
        return this;
    }

    /** This digest followed by {@code next} (the next partition's), in place; returns {@code this}. */
    public DataDigest then(DataDigest next) {
        labels = step(labels, next.labels);
        features = step(features, next.features);
        weights = step(weights, next.weights);
        return this;
    }

    /** The labels' digest, 16 hex digits. */
    public String labels() {
        return hex(labels);
    }

    /** The feature values' digest, 16 hex digits. */
    public String features() {
        return hex(features);
    }

    /** The weights' digest, 16 hex digits. */
    public String weights() {
        return hex(weights);
    }

    private static String hex(long h) {
        return String.format(Locale.ROOT, "%016x", h);
    }

    /** One step of the running hash: the state mixed with a SplitMix64 finalizer of {@code v}. */
    private static long step(long h, long v) {
        long z = v * K + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Long.rotateLeft(h ^ z, 23) * K + 0x5851F42D4C957F2DL;
    }
}
