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
    void emptyPartitionsContributeNothingAndAllEmptyGivesNull() {
        assertNull(sum(sc.parallelize(new ArrayList<Double>(), 3), 2));
        List<Double> two = List.of(1.5, 2.25);
        assertEquals(3.75, sum(sc.parallelize(two, 6), 2), 0.0);
    }
}
