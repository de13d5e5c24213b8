package io.sparkbp.nn;

import io.sparkbp.math.BulkIo;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamField;
import java.io.Serializable;

/**
 * Sums that partial results from many blocks and partitions add into: the example-weighted
 * gradient sum {@code sum_n w_n dE_n/dtheta}, the loss sum {@code sum_n w_n E_n}, the weight sum
 * {@code sum_n w_n} and the example count. Division by the weight sum happens once, at the end,
 * in {@link Objective}; so the result is a mean over examples, never a mean of per-block means.
 *
 * <p>It travels as a Spark task result. Java serialization writes the three totals as fields and
 * the gradient sum as raw bytes in bulk ({@link BulkIo}); a field-based serializer such as Kryo
 * sees the ordinary fields, the gradient array included.
 */
public final class GradientAccumulator implements Serializable {
    private static final long serialVersionUID = 2L;
    /** The fields Java serialization writes itself; {@code gradSum} follows them in bulk. */
    private static final ObjectStreamField[] serialPersistentFields = {
            new ObjectStreamField("lossSum", double.class),
            new ObjectStreamField("weightSum", double.class),
            new ObjectStreamField("count", long.class)};

    private double[] gradSum;
    private double lossSum;
    private double weightSum;
    private long count;
    private transient Runnable afterWrite;

    public GradientAccumulator(int numParams) {
        this.gradSum = new double[numParams];
    }

    /** The gradient sum, added into in place by {@link BlockGradient}. */
    public double[] gradSum() {
        return gradSum;
    }

    public double lossSum() {
        return lossSum;
    }

    public double weightSum() {
        return weightSum;
    }

    public long count() {
        return count;
    }

    void addExample(double weight, double weightedLoss) {
        lossSum += weightedLoss;
        weightSum += weight;
        count++;
    }

    /**
     * Adds totals computed elsewhere (e.g. the losses of a partition's local steps) without touching
     * the gradient sum.
     */
    public void addTotals(double weightedLossSum, double weightSum, long count) {
        this.lossSum += weightedLossSum;
        this.weightSum += weightSum;
        this.count += count;
    }

    /** Adds {@code other} into this accumulator, in place, and returns this. */
    public GradientAccumulator merge(GradientAccumulator other) {
        if (other.gradSum.length != gradSum.length) {
            throw new IllegalArgumentException("cannot merge accumulators of " + other.gradSum.length
                    + " and " + gradSum.length + " parameters");
        }
        double[] o = other.gradSum;
        for (int i = 0; i < gradSum.length; i++) {
            gradSum[i] += o[i];
        }
        lossSum += other.lossSum;
        weightSum += other.weightSum;
        count += other.count;
        return this;
    }

    /**
     * Runs {@code action} once, right after this accumulator has been written by Java serialization
     * (from then on the written bytes, not this object, carry its sums). A Spark task uses it to
     * recycle its result buffer only once the result has been serialized; if it never is (another
     * serializer, or a result passed by reference), the action never runs and nothing is recycled.
     */
    public void afterSerialization(Runnable action) {
        this.afterWrite = action;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(gradSum.length);
        BulkIo.writeDoubles(out, gradSum, 0, gradSum.length);
        Runnable r = afterWrite;
        afterWrite = null;
        if (r != null) {
            r.run();
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        if (n < 0) {
            throw new InvalidObjectException("gradient sum length " + n + " is negative");
        }
        gradSum = new double[n];
        BulkIo.readDoubles(in, gradSum, 0, n);
    }

    /** Clears all sums for reuse. */
    public void reset() {
        java.util.Arrays.fill(gradSum, 0.0);
        lossSum = 0;
        weightSum = 0;
        count = 0;
    }
}
