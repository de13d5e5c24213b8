package io.sparkbp.it;

import io.sparkbp.cli.ExitCode;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.spark.TaskFailureWatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Full-batch training with the executors in two separate JVMs ({@code local-cluster[2,1,1024]}:
 * a standalone Master and two Workers inside this JVM, each Worker launching one executor process)
 * gives the same model as the same run on {@code local[2]}.
 *
 * <p>The Workers build the executor command from {@code SPARK_HOME} (an environment variable of this
 * JVM, set by failsafe to target/it-spark-home): its {@code jars/} is left empty and the executors
 * get this JVM's classpath through {@code spark.executor.extraClassPath}; the launcher insists on
 * the directory {@code launcher/target/scala-2.13} (scala-2.12 for Spark 3.5) to learn the Scala version.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalClusterTrainIT {

    static String[] trainArgs(Path model) {
        return new String[] {"train",
                "data.train=" + ItSupport.digits("train.libsvm").toUri(), // file:/abs/path, readable by the executors
                "data.features=64",
                "data.partitions=2",
                "model.hidden=16",
                "model.activation=tanh",
                "model.outputs=10",
                "train.optimizer=adam",
                "train.learningRate=0.05",
                "train.batchSize=0",
                "train.epochs=4",
                "train.l2=1e-4",
                "train.seed=11",
                "output.model=" + model.toUri()};
    }

    /** Trains on a new SparkContext for {@code master} and stops it; returns the model and the application id. */
    static Model train(String master, Path model, Consumer<SparkConf> extra, Consumer<JavaSparkContext> before,
                       String[] appId) throws IOException {
        ItSupport.assertNoSparkContext();
        SparkConf conf = new SparkConf().setMaster(master).setAppName("LocalClusterTrainIT " + master)
                .set("spark.ui.enabled", "false");
        extra.accept(conf);
        SparkContext sc = new SparkContext(conf);
        appId[0] = sc.applicationId();
        try {
            before.accept(JavaSparkContext.fromSparkContext(sc));
            ItSupport.Captured run = ItSupport.runMain(trainArgs(model));
            assertEquals(ExitCode.OK, run.exit(), run::describe);
            assertTrue(run.out().contains(" in 2 partitions"), run::describe);
            assertTrue(run.outLines().stream().anyMatch(l -> l.startsWith("epoch 4/4")), run::describe);
        } finally {
            sc.stop();
        }
        return ModelFormat.load(model.toUri().toString(), new Configuration());
    }

    @Test
    void fullBatchOnTwoExecutorJvmsGivesTheModelOfLocalMode() throws Exception {
        Path work = ItSupport.workDir("local-cluster");
        Path sparkHome = prepareSparkHome();

        String[] appId = new String[1];
        Model local = train("local[2]", work.resolve("local.json"), c -> { }, sc -> { }, appId);

        String classpath = ItSupport.testClasspath();
        String opts = String.join(" ", ItSupport.moduleOpts());
        Model cluster = train("local-cluster[2,1,1024]", work.resolve("cluster.json"), c -> c
                        .set("spark.home", sparkHome.toString())
                        .set("spark.executor.memory", "1g")
                        .set("spark.executor.extraClassPath", classpath)
                        .set("spark.executor.extraJavaOptions", opts),
                sc -> {
                    assertTwoExecutorProcesses(sc);
                    assertABadLineIsOneSentence(sc, work);
                }, appId);

        assertEquals(local.spec(), cluster.spec());
        assertTrue(local.inputTransform().isPresent() && cluster.inputTransform().isPresent());
        compare("standardization means", local.inputTransform().get().mean(), cluster.inputTransform().get().mean());
        compare("standardization scales", local.inputTransform().get().scale(), cluster.inputTransform().get().scale());
        compare("parameters", local.theta(), cluster.theta());

        ItSupport.deleteRecursively(work);
        ItSupport.deleteRecursively(sparkHome.resolve("work").resolve(appId[0])); // the executors' logs
    }

    /**
     * Bit-identical: training is deterministic given the seed and the partitioning, whatever the order
     * in which tasks finish (DistributedTrainer, OrderedAggregate). The largest relative difference is
     * reported too, and must be below 1e-12 in any case.
     */
    static void compare(String what, double[] a, double[] b) {
        compare("local[2] vs local-cluster[2,1,1024]", what, a, b);
    }

    /** {@link #compare(String, double[], double[])} for two runs named {@code runs} in its printout. */
    static void compare(String runs, String what, double[] a, double[] b) {
        assertEquals(a.length, b.length, what);
        int identical = 0;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.doubleToRawLongBits(a[i]) == Double.doubleToRawLongBits(b[i])) {
                identical++;
            } else {
                double scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
                worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
            }
        }
        System.out.printf("%s %s: %d of %d bit-identical, largest relative "
                + "difference %.3g%n", runs, what, identical, a.length, worst);
        assertTrue(worst <= 1e-12, what + ": largest relative difference " + worst);
        assertEquals(a.length, identical, what + ": only " + identical + " of " + a.length
                + " values are bit-identical (largest relative difference " + worst + ")");
    }

    /**
     * A bad line read by an executor JVM reaches the driver's console as the one data-error sentence:
     * the task returns it as a value, so no task fails and Spark logs nothing about it.
     */
    static void assertABadLineIsOneSentence(JavaSparkContext sc, Path work) {
        try {
            Path bad = java.nio.file.Files.writeString(work.resolve("bad.libsvm"), "1 1:0.5\n0 2:1\nx 3:1\n");
            try (TaskFailureWatch watch = new TaskFailureWatch(sc.sc())) {
                ItSupport.Captured run = ItSupport.runMain("train", "data.train=" + bad.toUri(), "data.features=4",
                        "model.outputs=2", "data.partitions=2", "output.model=" + work.resolve("bad.json").toUri());
                assertEquals(ExitCode.DATA, run.exit(), run::describe);
                assertEquals(List.of("sparkbp: data error: " + bad.toUri().toString().replace("file:///", "file:/")
                        + " line 3: class label is not a number in 'x'; expected a class id 0..1 (model.outputs=2)"),
                        run.err().lines().filter(l -> !l.isBlank()).toList(), run::describe);
                assertEquals(List.of(), watch.failedTasks(), "no task fails on a bad line");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for both executors and checks that tasks run in two JVMs other than this one. */
    static void assertTwoExecutorProcesses(JavaSparkContext sc) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (sc.sc().statusTracker().getExecutorInfos().length < 3) { // the driver counts as one
            if (System.nanoTime() > deadline) {
                fail("the two executors did not register within 90 s; see their logs under "
                        + ItSupport.target().resolve("it-spark-home/work"));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        List<Long> pids = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
            Thread.sleep(200);
            return ProcessHandle.current().pid();
        }).collect();
        Set<Long> distinct = new TreeSet<>(pids);
        assertEquals(2, distinct.size(), "executor pids " + pids);
        assertFalse(distinct.contains(ProcessHandle.current().pid()), "tasks ran in the driver JVM");
    }

    /** SPARK_HOME for the Workers: an empty jars/ and the launcher's Scala-version marker, under target/. */
    static Path prepareSparkHome() throws IOException {
        Path expected = Path.of(ItSupport.required("sparkbp.it.sparkHome")).toAbsolutePath().normalize();
        String env = System.getenv("SPARK_HOME");
        assertEquals(expected.toString(), env == null ? null : Path.of(env).toAbsolutePath().normalize().toString(),
                "the Workers of local-cluster mode read the SPARK_HOME environment variable; failsafe sets it");
        Files.createDirectories(expected.resolve("jars"));
        Files.createDirectories(expected.resolve("launcher/target/scala-" + ItSupport.scalaBinaryVersion()));
        try (var s = Files.list(expected.resolve("jars"))) {
            assertEquals(0, s.count(), "jars/ under " + expected + " must stay empty (the executors get the test classpath)");
        }
        return expected;
    }
}
