package io.sparkbp.it;

import io.sparkbp.cli.ExitCode;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Speculative duplicate tasks ({@code spark.speculation=true}) change nothing: on a standalone cluster
 * whose two executors sit on two host names ({@link TwoHostCluster}), the first attempt of partition 0
 * stalls whenever it opens the training file ({@link StallingFileSystem}), so Spark runs a speculative
 * copy on the other executor, takes the copy's result and kills the stalled attempt. The model equals the
 * one a {@code local[2]} run without speculation writes, bit for bit, and the count of skipped bad lines
 * (an accumulator, which a duplicate must not add twice) is the same.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class SpeculationIT {

    @Test
    void speculativeCopiesOfTasksGiveTheSameModelAndCounts() throws Exception {
        Path work = ItSupport.workDir("speculation");
        Path data = withOneBadLine(work.resolve("train.libsvm"));
        ItSupport.Captured[] runs = new ItSupport.Captured[2];
        Model reference = train(new SparkConf().setMaster("local[2]"), data.toUri().toString(),
                work.resolve("reference.json"), sc -> { }, runs, 0);

        Path sparkHome = LocalClusterTrainIT.prepareSparkHome();
        Speculation seen = new Speculation();
        Model speculated;
        try (TwoHostCluster cluster = new TwoHostCluster(work.resolve("cluster"), sparkHome)) {
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl())
                    .set("spark.executor.memory", "1g").set("spark.cores.max", "2")
                    .set("spark.executor.extraClassPath", ItSupport.testClasspath())
                    .set("spark.executor.extraJavaOptions", String.join(" ", ItSupport.moduleOpts()))
                    .set("spark.hadoop.fs." + StallingFileSystem.SCHEME + ".impl", StallingFileSystem.class.getName())
                    .set("spark.locality.wait", "0")
                    .set("spark.speculation", "true").set("spark.speculation.interval", "100ms")
                    .set("spark.speculation.quantile", "0.5").set("spark.speculation.multiplier", "1.5")
                    .set("spark.speculation.efficiency.enabled", "false");
            speculated = train(conf, StallingFileSystem.SCHEME + "://" + data.toUri().getPath(),
                    work.resolve("speculated.json"), sc -> {
                        awaitExecutorsOnBothHosts(sc);
                        sc.sc().addSparkListener(seen);
                    }, runs, 1);
        }
        System.out.println("speculation: " + seen);
        assertTrue(seen.copiesSucceeded.get() > 0, "no speculative copy finished: " + seen);
        assertTrue(seen.killed.get() > 0, "no stalled attempt was killed for its copy: " + seen);

        assertEquals(reference.spec(), speculated.spec());
        LocalClusterTrainIT.compare("local[2] vs speculation on two hosts", "parameters", reference.theta(), speculated.theta());
        assertEquals(skippedLines(runs[0]), skippedLines(runs[1]));
        assertTrue(skippedLines(runs[0]).stream().anyMatch(l -> l.contains(", 1 bad line skipped")), runs[0]::describe);
        ItSupport.deleteRecursively(work);
    }

    /** The digits training file with one bad line in the first half (so in partition 0). */
    private static Path withOneBadLine(Path to) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(ItSupport.digits("train.libsvm")));
        lines.add(lines.size() / 4, "x 3:1");
        return Files.write(to, lines);
    }

    private static Model train(SparkConf conf, String data, Path model, Consumer<JavaSparkContext> before,
                               ItSupport.Captured[] runs, int run) throws IOException {
        ItSupport.assertNoSparkContext();
        SparkContext sc = new SparkContext(conf.setAppName("SpeculationIT").set("spark.ui.enabled", "false"));
        try {
            before.accept(JavaSparkContext.fromSparkContext(sc));
            runs[run] = ItSupport.runMain("train", "data.train=" + data, "data.features=64", "data.partitions=2",
                    "data.onBadRecord=skip", "model.hidden=16", "model.outputs=10", "train.epochs=3",
                    "train.seed=7", "output.model=" + model.toUri());
            assertEquals(ExitCode.OK, runs[run].exit(), runs[run]::describe);
        } finally {
            sc.stop();
        }
        return ModelFormat.load(model.toUri().toString(), new Configuration());
    }

    private static List<String> skippedLines(ItSupport.Captured run) {
        return (run.out() + run.err()).lines().filter(l -> l.contains("skipped")).map(l -> l.replaceAll(
                "(file|stallfs):[^ ,;)]*", "<data>")).toList();
    }

    private static void awaitExecutorsOnBothHosts(JavaSparkContext sc) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Set<String> hosts = new TreeSet<>();
        while (true) {
            hosts.clear();
            Arrays.stream(sc.sc().statusTracker().getExecutorInfos()).forEach(e -> hosts.add(e.host()));
            if (hosts.containsAll(TwoHostCluster.HOSTS) && sc.sc().statusTracker().getExecutorInfos().length >= 3) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("executors on both hosts did not register within 90 s (hosts seen: " + hosts + ")");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Counts speculative copies that succeeded and attempts killed because another one won. */
    private static final class Speculation extends SparkListener {
        final AtomicInteger copiesSucceeded = new AtomicInteger();
        final AtomicInteger killed = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.reason() instanceof Success$ && end.taskInfo().speculative()) {
                copiesSucceeded.incrementAndGet();
            } else if (end.reason() instanceof TaskKilled) {
                killed.incrementAndGet();
            }
        }

        @Override
        public String toString() {
            return copiesSucceeded + " speculative copies succeeded, " + killed + " attempts killed";
        }
    }
}
