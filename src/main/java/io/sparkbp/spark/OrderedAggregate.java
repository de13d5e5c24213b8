package io.sparkbp.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

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
        int n = rdd.getNumPartitions();
        int fanIn = Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / Math.max(1, depth))));
        while (depth > 1 && n > fanIn + (n + fanIn - 1) / fanIn) {
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
        Broadcast<W> bc = sc.broadcast(value);
        try {
            return job.apply(new Broadcasted<>(bc));
        } finally {
            bc.destroy();
        }
    }

    private record Inline<W>(W value) implements Shared<W> {
    }

    private record Broadcasted<W>(Broadcast<W> broadcast) implements Shared<W> {
        @Override
        public W value() {
            return broadcast.value();
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
