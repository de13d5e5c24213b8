package io.sparkbp.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OrderedAggregateTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("OrderedAggregateTest")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** Values whose floating-point sum depends on the order of additions. */
    private static List<Double> values() {
        SplittableRandom rng = new SplittableRandom(7);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            v.add(Math.pow(10, rng.nextInt(-8, 9)) * (rng.nextDouble() - 0.5));
        }
        return v;
    }

    private static Double sum(JavaRDD<Double> rdd, int depth) {
        return OrderedAggregate.aggregate(rdd, (Double a, Double x) -> (a == null ? 0.0 : a) + x,
                (a, b) -> a + b, depth);
    }

    /** The exact merge tree: partition sums in order, then groups of fanIn partitions, then the groups in order. */
    private static double expected(List<Double> v, int partitions, int fanIn) {
        double[] part = new double[partitions];
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) p * v.size() / partitions);
            int to = (int) ((long) (p + 1) * v.size() / partitions);
            double s = 0;
            for (int i = from; i < to; i++) {
                s += v.get(i);
            }
            part[p] = s;
        }
        if (fanIn == 0) {
            double s = part[0];
            for (int p = 1; p < partitions; p++) {
                s += part[p];
            }
            return s;
        }
        List<Double> groups = new ArrayList<>();
        for (int g = 0; g * fanIn < partitions; g++) {
            double s = part[g * fanIn];
            for (int p = g * fanIn + 1; p < Math.min(partitions, (g + 1) * fanIn); p++) {
                s += part[p];
            }
            groups.add(s);
        }
        double s = groups.get(0);
        for (int g = 1; g < groups.size(); g++) {
            s += groups.get(g);
        }
        return s;
    }

    @Test
    void aSingleLevelMergesPartitionsInIndexOrder() {
        List<Double> v = values();
        JavaRDD<Double> rdd = sc.parallelize(v, 5);
        assertEquals(expected(v, 5, 0), sum(rdd, 2), 0.0);
        assertEquals(expected(v, 5, 0), sum(rdd, 1), 0.0);
    }

    @Test
    void aTreeOfTwelvePartitionsMergesGroupsOfFourInOrderEveryTime() {
        List<Double> v = values();
        JavaRDD<Double> rdd = sc.parallelize(v, 12);
        // depth 2: fanIn = ceil(sqrt(12)) = 4, and 12 > 4 + 3, so one executor-side level of 3 groups
        double want = expected(v, 12, 4);
        for (int run = 0; run < 3; run++) {
            assertEquals(want, sum(rdd, 2), 0.0);
        }
        assertEquals(expected(v, 12, 0), sum(rdd, 1), 0.0);
    }

    @Test
    void theDriversMergeOfEachPartitionsPartialIsTheAggregateBitForBit() {
        List<Double> v = values();
        for (int partitions : new int[] {1, 5, 12, 24, 97, 700}) {
            JavaRDD<Double> rdd = sc.parallelize(v, partitions); // 700 partitions: a hundred are empty
            List<Double> partials = rdd.mapPartitions(it -> {
                Double s = null;
                while (it.hasNext()) {
                    s = (s == null ? 0.0 : s) + it.next();
                }
                List<Double> one = new ArrayList<>();
                one.add(s);
                return one.iterator();
            }, true).collect();
            for (int depth : new int[] {1, 2, 3}) {
                assertEquals(sum(rdd, depth), OrderedAggregate.mergeAsAggregate(partials, (a, b) -> a + b, depth),
                        0.0, () -> partitions + " partitions, depth " + depth);
            }
        }
        assertNull(OrderedAggregate.mergeAsAggregate(java.util.Arrays.asList(null, null, null),
                (Double a, Double b) -> a + b, 2));
    }

    @Test
    void emptyPartitionsContributeNothingAndAllEmptyGivesNull() {
        assertNull(sum(sc.parallelize(new ArrayList<Double>(), 3), 2));
        List<Double> two = List.of(1.5, 2.25);
        assertEquals(3.75, sum(sc.parallelize(two, 6), 2), 0.0);
    }

    private static List<Double> sumEach(List<JavaRDD<Double>> rdds, int depth) {
        List<org.apache.spark.api.java.function.Function2<Double, Double, Double>> folds = new ArrayList<>();
        for (int i = 0; i < rdds.size(); i++) {
            double offset = i; // a different fold per RDD: each must run on its own RDD's partitions only
            folds.add((Double a, Double x) -> (a == null ? offset : a) + x);
        }
        return OrderedAggregate.aggregateEach(rdds, folds, (a, b) -> a + b, depth);
    }

    @Test
    void severalRddsInOneJobGiveEachItsOwnBitIdenticalResult() {
        List<Double> v = values();
        JavaRDD<Double> a = sc.parallelize(v, 5);
        JavaRDD<Double> b = sc.parallelize(v.subList(0, 301), 3);
        JavaRDD<Double> empty = sc.parallelize(new ArrayList<Double>(), 2);
        long jobsBefore = sc.sc().statusTracker().getJobIdsForGroup(null).length;
        List<Double> both = sumEach(List.of(a, empty, b), 2);
        int jobs = sc.sc().statusTracker().getJobIdsForGroup(null).length - (int) jobsBefore;
        // every partition of a starts from 0.0, of b from 2.0: the per-partition sums shift by the offset
        double wantA = expected(v, 5, 0);
        assertEquals(wantA, both.get(0), 0.0);
        assertNull(both.get(1));
        assertEquals(OrderedAggregate.aggregate(b, (Double s, Double x) -> (s == null ? 2.0 : s) + x,
                (x, y) -> x + y, 2), both.get(2), 0.0);
        assertEquals(1, jobs, "three one-level RDDs should be folded in a single Spark job");
    }

    @Test
    void anRddThatNeedsATreeMakesEachRddAggregateOnItsOwn() {
        List<Double> v = values();
        JavaRDD<Double> tree = sc.parallelize(v, 12);
        JavaRDD<Double> flat = sc.parallelize(v, 2);
        List<Double> both = sumEach(List.of(flat, tree), 2);
        assertEquals(expected(v, 2, 0), both.get(0), 0.0);
        assertEquals(OrderedAggregate.aggregate(tree, (Double s, Double x) -> (s == null ? 1.0 : s) + x,
                (x, y) -> x + y, 2), both.get(1), 0.0);
    }
}
