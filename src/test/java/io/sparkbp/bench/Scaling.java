package io.sparkbp.bench;

import io.sparkbp.data.Layout;
import io.sparkbp.math.Blas;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.PartitionData;
import io.sparkbp.spark.SparkDefaults;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what the README's scaling model needs, on {@code local[1]}, {@code local[2]} and a
 * standalone cluster of two one-core Workers ({@code local-cluster[2,1,MB]}: a Master and two Workers
 * in this JVM, one executor JVM each, all traffic through Spark's network stack on loopback):
 *
 * <ul>
 *   <li>compute: one full-batch step of 784-256-128-10 on 20,000 dense rows through the trainer's
 *       public API, its wall time and its slowest task;</li>
 *   <li>communication: a job that broadcasts P doubles, lets every partition read them and return
 *       P doubles (what a training step moves, without the arithmetic), for P = 235,146 (that network)
 *       and P = 2,000,000, minus the time of an empty job on the same partitions.</li>
 * </ul>
 *
 * Run with {@code submit-scripts/bench.sh scaling}. Prints one table and writes target/bench/scaling.md.
 */
public final class Scaling {
    static final int ROWS = 20_000;
    static final int[] PARAMS = {235_146, 2_000_000};

    record Measured(String master, int cores, double step, double slowestTask, double sumTasks, double floor,
                    double[] comm) {
    }

    public static void main(String[] args) throws Exception {
        int reps = List.of(args).contains("full") ? 9 : 5;
        Configurator.setRootLevel(Level.WARN);
        String loadStart = Benchmark.loadAverage();
        List<Measured> results = new ArrayList<>();
        results.add(measure("local[1]", 1, reps));
        results.add(measure("local[2]", 2, reps));
        results.add(measure("local-cluster[2,1,3072]", 2, reps));
        // local[1] again: shared hosts drift in speed over minutes, and the two local[1] runs bracket the others
        results.add(measure("local[1]", 1, reps));
        print(results, loadStart, reps);
        System.exit(0);
    }

    static Measured measure(String master, int cores, int reps) throws Exception {
        // the Spark settings the command line runs with
        SparkConf conf = SparkDefaults.apply(new SparkConf()).setMaster(master).setAppName("sparkbp-scaling " + master)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.maxResultSize", "2g");
        if (master.startsWith("local-cluster")) {
            String home = System.getenv("SPARK_HOME");
            if (home == null) {
                throw new IllegalStateException("local-cluster mode needs SPARK_HOME (bench.sh scaling sets it)");
            }
            Files.createDirectories(Path.of(home, "jars"));
            Files.createDirectories(Path.of(home, "launcher", "target", "scala-2.13"));
            Files.createDirectories(Path.of(home, "launcher", "target", "scala-2.12"));
            List<String> opts = new ArrayList<>();
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dio.netty")
                        || a.startsWith("-Djdk.reflect")) {
                    opts.add(a);
                }
            }
            conf.set("spark.home", home)
                    .set("spark.executor.memory", "2g")
                    .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .set("spark.executor.extraJavaOptions", String.join(" ", opts))
                    .set("spark.locality.wait", "0");
        }
        SparkContext ssc = new SparkContext(conf);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(ssc);
        sc.setLogLevel("ERROR");
        Benchmark.Listener listener = new Benchmark.Listener();
        ssc.addSparkListener(listener);
        try {
            System.out.println("== " + master + ": BLAS " + Blas.implementation() + ", Spark " + sc.version());
            Benchmark.DataSet ds = Benchmark.cacheBlocks(sc, cores, Benchmark.denseGenerator(ROWS, 784, 10), ROWS, 784,
                    10, Layout.DENSE, "scaling");
            NetworkSpec spec = new NetworkSpec(new int[] {784, 256, 128, 10}, Activation.SIGMOID, OutputKind.SOFTMAX);
            double[] theta = spec.initialParameters(Benchmark.SEED);
            DistributedTrainer trainer = new DistributedTrainer(sc, Benchmark.settings(spec, "sgd", 0.01, 0, 1, 1));
            double[] step = new double[reps];
            double[] slowest = new double[reps];
            double[] sum = new double[reps];
            for (int r = -2; r < reps; r++) {
                listener.reset();
                long t = System.nanoTime();
                DistributedTrainer.Result res = trainer.train(ds.rdd(), ROWS, theta, null, null, null);
                double s = (System.nanoTime() - t) / 1e9;
                theta = res.theta();
                Benchmark.Listener.Tasks tasks = listener.tasks(sc, cores);
                if (r >= 0) {
                    step[r] = s;
                    slowest[r] = tasks.maxRun();
                    sum[r] = tasks.sumRun();
                }
            }
            JavaRDD<PartitionData> rdd = ds.rdd();
            double[] floor = new double[reps];
            for (int r = -2; r < reps; r++) {
                long t = System.nanoTime();
                rdd.mapPartitions(it -> List.of(0).iterator()).collect();
                if (r >= 0) {
                    floor[r] = (System.nanoTime() - t) / 1e9;
                }
            }
            double[] comm = new double[PARAMS.length];
            for (int i = 0; i < PARAMS.length; i++) {
                double[] w = new double[PARAMS[i]];
                for (int j = 0; j < w.length; j++) {
                    w[j] = Math.sin(j) * 1e-2; // incompressible-ish, like weights
                }
                double[] c = new double[reps];
                for (int r = -2; r < reps; r++) {
                    long t = System.nanoTime();
                    Broadcast<double[]> bc = sc.broadcast(w);
                    List<double[]> back = rdd.mapPartitions(it -> {
                        double[] v = bc.value();
                        double[] g = new double[v.length];
                        g[0] = v[0];
                        return List.of(g).iterator();
                    }).collect();
                    bc.destroy();
                    if (back.size() != cores) {
                        throw new IllegalStateException("expected " + cores + " results, got " + back.size());
                    }
                    if (r >= 0) {
                        c[r] = (System.nanoTime() - t) / 1e9;
                    }
                }
                comm[i] = Benchmark.median(c) - Benchmark.median(floor);
            }
            rdd.unpersist(true);
            Measured m = new Measured(master, cores, Benchmark.median(step), Benchmark.median(slowest),
                    Benchmark.median(sum), Benchmark.median(floor), comm);
            System.out.printf(Locale.ROOT, "   step %.3f s, slowest task %.3f s, tasks sum %.3f s, empty job %.1f ms,"
                            + " comm %s%n", m.step, m.slowestTask, m.sumTasks, m.floor * 1e3, commText(m));
            return m;
        } finally {
            sc.stop();
        }
    }

    static String commText(Measured m) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < PARAMS.length; i++) {
            parts.add(String.format(Locale.ROOT, "%.1f ms for %s", m.comm[i] * 1e3, mb(PARAMS[i])));
        }
        return String.join(", ", parts);
    }

    static String mb(int params) {
        return String.format(Locale.ROOT, "%.1f MB", params * 8 / 1e6);
    }

    static void print(List<Measured> results, String loadStart, int reps) throws IOException {
        Measured first = results.get(0);
        Measured last = results.get(results.size() - 1);
        // the baseline: the mean of the two local[1] runs, taken before and after the others
        double oneStep = (first.step + last.step) / 2;
        double oneCompute = (first.sumTasks + last.sumTasks) / 2;
        StringBuilder sb = new StringBuilder();
        sb.append("# sparkbp scaling measurements\n\n");
        sb.append("- BLAS ").append(Blas.implementation()).append(", cores ")
                .append(Runtime.getRuntime().availableProcessors()).append(", load average at start ")
                .append(loadStart).append(", at end ").append(Benchmark.loadAverage()).append("; medians of ")
                .append(reps).append(" runs\n");
        sb.append("- step: one full-batch step of 784-256-128-10 on 20,000 dense rows (235,146 parameters)\n");
        sb.append("- comm: broadcast P doubles + every partition returns P doubles, minus an empty job\n\n");
        sb.append("| master | executor cores K | step (s) | speed-up vs local[1] | slowest task (s) | tasks sum (s)"
                + " | step - slowest task (ms) | empty job (ms) | comm 1.9 MB (ms) | comm 16 MB (ms) |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measured m : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.2fx | %.3f | %.3f | %.0f | %.1f | %.1f | %.1f |%n",
                    m.master, m.cores, m.step, oneStep / m.step, m.slowestTask, m.sumTasks,
                    (m.step - m.slowestTask) * 1e3, m.floor * 1e3, m.comm[0] * 1e3, m.comm[1] * 1e3));
        }
        // per-byte cost of the round trip on the 2-executor standalone cluster, from the large payload
        Measured cluster = results.stream().filter(m -> m.master.startsWith("local-cluster")).findFirst()
                .orElseThrow();
        double perByte = cluster.comm[1] / (PARAMS[1] * 8.0) / cluster.cores;
        sb.append(String.format(Locale.ROOT, "%nspeed-up: against the mean of the two local[1] steps (%.3f s and %.3f s,"
                        + " measured first and last; their difference is the host's drift)%n", first.step, last.step));
        sb.append(String.format(Locale.ROOT, "%nderived: compute of one full pass on one core C1 = %.3f s (local[1] tasks"
                        + " sum, mean of both runs); round trip per executor and MB on the standalone cluster r = %.2f"
                        + " ms/MB; Spark's job floor t0 = %.1f ms%n",
                oneCompute, perByte * 1e9, cluster.floor * 1e3));
        System.out.println();
        System.out.println(sb);
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("scaling.md"), sb.toString(), StandardCharsets.UTF_8);
        System.out.println("written: " + dir.resolve("scaling.md").toAbsolutePath());
    }
}
