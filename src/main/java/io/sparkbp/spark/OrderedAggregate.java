package io.sparkbp.spark;

import io.sparkbp.math.BulkIo;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamField;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A {@code treeAggregate} whose result does not depend on the order in which tasks finish.
 *
 * <p>Spark's own {@code treeAggregate} combines partial results in task-completion order, and
 * floating-point addition is not associative, so two runs of the same training could differ in the
 * last bits. Here every partition folds its elements into one partial result tagged with the
 * partition index; partials are then merged strictly in index order, first in groups of {@code
 * fanIn} consecutive partitions on executors (as many levels as {@code depth} asks for), finally on
 * the driver. The merge tree is a function of the partition count alone.
 */
final class OrderedAggregate {
    private OrderedAggregate() {
    }

    /**
     * Folds each partition with {@code seqOp} (starting from {@code null}) and merges the non-null
     * partials in partition order with {@code combOp}, which may add into its first argument.
     * Returns null when no partition produced anything.
     */
    static <T, U> U aggregate(JavaRDD<T> rdd, Function2<U, T, U> seqOp, Function2<U, U, U> combOp, int depth) {
        int n = rdd.getNumPartitions();
        int fanIn = fanIn(n, depth);
        if (oneLevel(n, depth)) {
            return foldAndMerge(rdd, seqOp, combOp);
        }
        JavaPairRDD<Integer, U> partials = rdd.mapPartitionsWithIndex((index, it) -> {
            U acc = null;
            while (it.hasNext()) {
                acc = seqOp.call(acc, it.next());
            }
            List<Tuple2<Integer, U>> one = new ArrayList<>(1);
            if (acc != null) {
                one.add(new Tuple2<>(index, acc));
            }
            return one.iterator();
        }, true).mapToPair(t -> t);
        while (mergesAgain(n, fanIn, depth)) {
            int groups = (n + fanIn - 1) / fanIn;
            int f = fanIn;
            partials = partials
                    .mapToPair(t -> new Tuple2<>(t._1() / f, t))
                    .groupByKey(new HashPartitioner(groups))
                    .mapToPair(g -> new Tuple2<>(g._1(), mergeInOrder(g._2(), combOp)));
            n = groups;
        }
        List<Tuple2<Integer, U>> last = new ArrayList<>(partials.collect());
        try {
            return last.isEmpty() ? null : mergeInOrder(last, combOp);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("merging partial results failed", e);
        }
    }

    /**
     * {@link #aggregate} of several RDDs in one Spark job when every one of them takes the one-level
     * path: the job runs over their union, each partition folds with the {@code seqOps} entry of the
     * RDD it belongs to, and each RDD's partials are merged in its own partition order, so every
     * result is bit-identical to its own {@code aggregate} call. Otherwise one {@code aggregate} per RDD.
     */
    static <T, U> List<U> aggregateEach(List<JavaRDD<T>> rdds, List<Function2<U, T, U>> seqOps,
                                        Function2<U, U, U> combOp, int depth) {
        List<U> out = new ArrayList<>();
        if (rdds.size() < 2 || !rdds.stream().allMatch(r -> oneLevel(r.getNumPartitions(), depth))) {
            for (int i = 0; i < rdds.size(); i++) {
                out.add(aggregate(rdds.get(i), seqOps.get(i), combOp, depth));
            }
            return out;
        }
        int[] starts = new int[rdds.size() + 1];
        for (int i = 0; i < rdds.size(); i++) {
            starts[i + 1] = starts[i] + rdds.get(i).getNumPartitions();
        }
        org.apache.spark.rdd.RDD<T> union = new JavaSparkContext(rdds.get(0).context()).union(
                rdds.toArray(new JavaRDD[0])).rdd();
        @SuppressWarnings("unchecked")
        ClassTag<U> anyRef = (ClassTag<U>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
        Object[] parts = (Object[]) union.context().runJob(union, new FoldEach<T, U>(seqOps, starts), anyRef);
        for (int i = 0; i < rdds.size(); i++) {
            out.add(mergeParts(java.util.Arrays.copyOfRange(parts, starts[i], starts[i + 1]), combOp));
        }
        return out;
    }

    /** Whether {@link #aggregate} merges {@code n} partitions on the driver in one level. */
    private static boolean oneLevel(int n, int depth) {
        return !mergesAgain(n, fanIn(n, depth), depth);
    }

    /** The partials {@link #aggregate} merges per group at each level below the driver, for {@code n} partitions. */
    private static int fanIn(int n, int depth) {
        return Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / Math.max(1, depth))));
    }

    /** Whether {@link #aggregate} merges {@code n} partials (at any level) in groups of {@code fanIn} once more. */
    private static boolean mergesAgain(int n, int fanIn, int depth) {
        return depth > 1 && n > fanIn + (n + fanIn - 1) / fanIn;
    }

    /**
     * What {@link #aggregate} returns for an RDD whose partition {@code i} folds to {@code partials.get(i)}
     * (null for none), bit for bit: the same groups merged in the same order, here all on the driver.
     * So a job that already computes each partition's partial (say, the one that materializes a cache)
     * need not run a second job to aggregate them; it suits partials that are small, since the driver
     * holds them all at once.
     */
    static <U> U mergeAsAggregate(List<U> partials, Function2<U, U, U> combOp, int depth) {
        int n = partials.size();
        int fanIn = fanIn(n, depth);
        List<U> level = partials;
        while (mergesAgain(n, fanIn, depth)) {
            List<U> next = new ArrayList<>();
            for (int from = 0; from < n; from += fanIn) {
                next.add(mergeParts(level.subList(from, Math.min(n, from + fanIn)).toArray(), combOp));
            }
            level = next;
            n = next.size();
        }
        return mergeParts(level.toArray(), combOp);
    }

    /**
     * The one-level case: a single job whose tasks each fold one partition, the driver merging the
     * partials in partition order. Spark returns {@code runJob}'s results indexed by partition, so no
     * keys, no pair RDD and no second transformation are needed; and the job's function is a named
     * class rather than a lambda, so Spark's closure cleaner, which reads a lambda's bytecode on every
     * call, has nothing to inspect. For a mini-batch step that is most of the driver's work per step.
     */
    private static <T, U> U foldAndMerge(JavaRDD<T> rdd, Function2<U, T, U> seqOp, Function2<U, U, U> combOp) {
        @SuppressWarnings("unchecked")
        ClassTag<U> anyRef = (ClassTag<U>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
        Object[] parts = (Object[]) rdd.context().runJob(rdd.rdd(), new Fold<T, U>(seqOp), anyRef);
        return mergeParts(parts, combOp);
    }

    /** The non-null {@code parts} merged in their order with {@code combOp}; null when all are null. */
    private static <U> U mergeParts(Object[] parts, Function2<U, U, U> combOp) {
        try {
            U acc = null;
            for (Object p : parts) {
                @SuppressWarnings("unchecked")
                U u = (U) p;
                if (u != null) {
                    acc = acc == null ? u : combOp.call(acc, u);
                }
            }
            return acc;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("merging partial results failed", e);
        }
    }

    /** Folds one partition's elements with {@code seqOp}, starting from null. */
    private static final class Fold<T, U> extends AbstractFunction1<scala.collection.Iterator<T>, U>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Function2<U, T, U> seqOp;

        Fold(Function2<U, T, U> seqOp) {
            this.seqOp = seqOp;
        }

        @Override
        public U apply(scala.collection.Iterator<T> it) {
            U acc = null;
            try {
                while (it.hasNext()) {
                    acc = seqOp.call(acc, it.next());
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("folding a partition failed", e);
            }
            return acc;
        }
    }

    /**
     * Folds one partition of a union with the {@code seqOp} of the RDD the partition came from:
     * partition {@code p} belongs to RDD {@code i} when {@code starts[i] <= p < starts[i + 1]}.
     */
    private static final class FoldEach<T, U>
            extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<T>, U>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final List<Function2<U, T, U>> seqOps;
        private final int[] starts;

        FoldEach(List<Function2<U, T, U>> seqOps, int[] starts) {
            this.seqOps = new ArrayList<>(seqOps);
            this.starts = starts.clone();
        }

        @Override
        public U apply(org.apache.spark.TaskContext context, scala.collection.Iterator<T> it) {
            int p = context.partitionId();
            int i = 0;
            while (p >= starts[i + 1]) {
                i++;
            }
            return new Fold<T, U>(seqOps.get(i)).apply(it);
        }
    }

    /** A value that a job's functions read on executors. */
    interface Shared<W> extends Serializable {
        W value();
    }

    /** Values up to this many bytes travel inside the task closure instead of in a broadcast. */
    static final long INLINE_BYTES = 64 * 1024;

    /**
     * Runs {@code job} with {@code value} (of about {@code bytes} bytes) available on executors
     * through the {@link Shared} handle it is given. A small value travels inside the job's task
     * closure, which Spark ships once per job anyway, so small models pay for no broadcast, no
     * broadcast fetch and no destroy on every step; a larger one is broadcast (each executor
     * fetches it once) and the broadcast is destroyed after the job, also on failure.
     */
    static <W, U> U withShared(JavaSparkContext sc, W value, long bytes, Function<Shared<W>, U> job) {
        if (bytes <= INLINE_BYTES) {
            return job.apply(new Inline<>(value));
        }
        Broadcast<Bulk<W>> bc = sc.broadcast(new Bulk<>(value));
        try {
            return job.apply(new Broadcasted<>(bc));
        } finally {
            bc.destroy();
        }
    }

    private record Inline<W>(W value) implements Shared<W> {
    }

    private record Broadcasted<W>(Broadcast<Bulk<W>> broadcast) implements Shared<W> {
        @Override
        public W value() {
            return broadcast.value().value();
        }
    }

    /**
     * A broadcast value that Java serialization writes in bulk when it is a {@code double[]} or
     * {@code float[]}, or an {@code Object[]} of such parts (weights and optimizer state: Java's own
     * array serialization converts value by value, about a millisecond per megabyte on the driver
     * and again on every executor). Other values, and field-based serializers such as Kryo, see the
     * plain field.
     */
    static final class Bulk<W> implements Serializable {
        private static final long serialVersionUID = 1L;
        private static final ObjectStreamField[] serialPersistentFields = {};
        private static final byte DOUBLES = 1;
        private static final byte FLOATS = 2;
        private static final byte OBJECT = 3;
        private static final byte ARRAYS = 4;

        private W value;

        Bulk(W value) {
            this.value = value;
        }

        W value() {
            return value;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            write(out, value);
        }

        private static void write(ObjectOutputStream out, Object value) throws IOException {
            if (value instanceof Object[] parts && value.getClass() == Object[].class) {
                out.writeByte(ARRAYS);
                out.writeInt(parts.length);
                for (Object p : parts) {
                    write(out, p);
                }
            } else if (value instanceof double[] d) {
                out.writeByte(DOUBLES);
                out.writeInt(d.length);
                BulkIo.writeDoubles(out, d, 0, d.length);
            } else if (value instanceof float[] f) {
                out.writeByte(FLOATS);
                out.writeInt(f.length);
                BulkIo.writeFloats(out, f, 0, f.length);
            } else {
                out.writeByte(OBJECT);
                out.writeObject(value);
            }
        }

        @SuppressWarnings("unchecked")
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            value = (W) read(in);
        }

        private static Object read(ObjectInputStream in) throws IOException, ClassNotFoundException {
            byte kind = in.readByte();
            if (kind == OBJECT) {
                return in.readObject();
            }
            int n = in.readInt();
            if (n < 0 || (kind != DOUBLES && kind != FLOATS && kind != ARRAYS)) {
                throw new InvalidObjectException("bad broadcast header: kind " + kind + ", length " + n);
            }
            if (kind == ARRAYS) {
                Object[] parts = new Object[n];
                for (int i = 0; i < n; i++) {
                    parts[i] = read(in);
                }
                return parts;
            }
            if (kind == DOUBLES) {
                double[] d = new double[n];
                BulkIo.readDoubles(in, d, 0, n);
                return d;
            }
            float[] f = new float[n];
            BulkIo.readFloats(in, f, 0, n);
            return f;
        }
    }

    private static <U> U mergeInOrder(Iterable<Tuple2<Integer, U>> parts, Function2<U, U, U> combOp) throws Exception {
        List<Tuple2<Integer, U>> sorted = new ArrayList<>();
        parts.forEach(sorted::add);
        sorted.sort(Comparator.comparing(Tuple2::_1));
        U acc = null;
        for (Tuple2<Integer, U> p : sorted) {
            acc = acc == null ? p._2() : combOp.call(acc, p._2());
        }
        return acc;
    }
}
