package io.sparkbp.it;

import io.sparkbp.cli.ExitCode;
import io.sparkbp.cli.Main;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executor loss: on {@code local-cluster[2,1,1024]} (a standalone Master and two Workers, each
 * executor a separate JVM) one executor process is killed with SIGKILL after the second epoch and
 * the other one after the fourth (speculation is on, though on one host Spark starts no speculative
 * copies). Spark recomputes the lost cached
 * blocks from the input files (on the surviving executor or on the replacements the Workers
 * launch), training finishes, and the model equals, bit for bit, the model of the same run without
 * the kills.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExecutorLossIT {
    private static final int EPOCHS = 6;

    @Test
    void losingBothExecutorsOneAfterTheOtherGivesTheSameModel() throws Exception {
        Path work = ItSupport.workDir("executor-loss");
        Path sparkHome = LocalClusterTrainIT.prepareSparkHome();

        Model reference = train(new SparkConf().setMaster("local[2]"), work.resolve("reference.json"), new AtomicLong());

        AtomicLong killed = new AtomicLong(); // executors killed so far
        SparkConf cluster = new SparkConf().setMaster("local-cluster[2,1,1024]")
                .set("spark.home", sparkHome.toString())
                .set("spark.executor.memory", "1g")
                .set("spark.executor.extraClassPath", ItSupport.testClasspath())
                .set("spark.executor.extraJavaOptions", String.join(" ", ItSupport.moduleOpts()))
                .set("spark.locality.wait", "0");
        cluster.set("spark.speculation", "true").set("spark.speculation.interval", "100ms")
                .set("spark.speculation.quantile", "0.5").set("spark.speculation.multiplier", "1.5");
        Model survived = train(cluster, work.resolve("killed.json"), killed);
        assertEquals(2, killed.get(), "both executors should have been killed, one after the other");

        assertArrayEquals(reference.theta(), survived.theta(), "the model changed after an executor was lost");
        ItSupport.deleteRecursively(work);
    }

    private static Model train(SparkConf conf, Path model, AtomicLong kills) throws Exception {
        ItSupport.assertNoSparkContext();
        conf.setAppName("ExecutorLossIT").set("spark.ui.enabled", "false");
        SparkContext sc = new SparkContext(conf);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        boolean cluster = conf.get("spark.master").startsWith("local-cluster");
        try {
            long[] executorPids = new long[0];
            if (cluster) {
                org.apache.spark.api.java.JavaSparkContext jsc =
                        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(sc);
                LocalClusterTrainIT.assertTwoExecutorProcesses(jsc);
                executorPids = jsc.parallelize(java.util.List.of(1, 2, 3, 4), 4).map(i -> {
                    Thread.sleep(200);
                    return ProcessHandle.current().pid();
                }).collect().stream().mapToLong(Long::longValue).distinct().toArray();
                assertEquals(2, executorPids.length);
            }
            long[] victims = executorPids;
            OutputStream watcher = new OutputStream() {
                @Override
                public void write(int b) {
                    captured.write(b);
                    int done = (int) kills.get();
                    if (b == '\n' && cluster && done < victims.length
                            && captured.toString(StandardCharsets.UTF_8).contains("epoch " + (2 + 2 * done) + "/" + EPOCHS)) {
                        kill(victims[done]);
                        kills.incrementAndGet();
                    }
                }
            };
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"train",
                    "data.train=" + ItSupport.digits("train.libsvm").toUri(),
                    "data.features=64", "data.partitions=2", "model.hidden=16", "model.outputs=10",
                    "train.optimizer=adam", "train.learningRate=0.05", "train.batchSize=0",
                    "train.epochs=" + EPOCHS, "train.seed=5", "output.model=" + model.toUri()},
                    new PrintStream(watcher, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(ExitCode.OK, code, () -> captured.toString(StandardCharsets.UTF_8) + "\n" + err);
        } finally {
            sc.stop();
        }
        return ModelFormat.load(model.toUri().toString(), new Configuration());
    }

    /** SIGKILLs the executor JVM {@code pid}; returns it. */
    private static long kill(long pid) {
        Optional<ProcessHandle> executor = ProcessHandle.of(pid);
        assertTrue(executor.isPresent(), "executor process " + pid + " is gone already");
        ProcessHandle p = executor.get();
        p.destroyForcibly();
        p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        System.out.println("killed executor pid " + pid);
        return pid;
    }
}
