package io.sparkbp.bench;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Transform;
import io.sparkbp.math.Blas;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Objective;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.Optimizer;
import io.sparkbp.optim.OptimizerSettings;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.Evaluator;
import io.sparkbp.spark.PartitionData;
import io.sparkbp.spark.SparkDefaults;
import io.sparkbp.spark.TrainerSettings;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * sparkbp vs Spark MLlib's {@code MultilayerPerceptronClassifier}, in one JVM and one local[2]
 * SparkContext, on the same data and networks. Run with {@code submit-scripts/bench.sh [quick|full]}
 * (arguments: {@code quick|full} and optionally {@code sections=1,2,...}).
 *
 * <p>Package-private trainer entry points ({@code DistributedTrainer.gradientSum/localRound},
 * {@code OrderedAggregate.aggregate}) are called by reflection, so that single steps can be timed
 * without changing src/main.
 */
public final class Benchmark {
    static final String[] HEADER = {"#", "benchmark", "sparkbp", "MLlib", "ratio", "notes"};
    static final int PARTITIONS = 2;
    static final long SEED = 20240611L;

    final boolean full;
    final Set<Integer> sections;
    final SparkSession spark;
    final JavaSparkContext sc;
    final Listener listener = new Listener();
    final List<String[]> rows = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final PrintStream out = System.out;

    Benchmark(boolean full, Set<Integer> sections) {
        this.full = full;
        this.sections = sections;
        Configurator.setRootLevel(Level.WARN);
        spark = SparkSession.builder()
                .master("local[" + PARTITIONS + "]")
                .appName("sparkbp-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", String.valueOf(PARTITIONS))
                .config("spark.driver.maxResultSize", "2g")
                // what the command line runs with (both systems share this context)
                .config(SparkDefaults.apply(new SparkConf(false)))
                .getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        sc.setLogLevel("ERROR");
        sc.sc().addSparkListener(listener);
    }

    public static void main(String[] args) throws Exception {
        boolean full = false;
        Set<Integer> sections = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6));
        for (String a : args) {
            if (a.equals("full")) {
                full = true;
            } else if (a.equals("quick")) {
                full = false;
            } else if (a.startsWith("sections=")) {
                sections.clear();
                for (String s : a.substring(9).split(",")) {
                    sections.add(Integer.parseInt(s.trim()));
                }
            } else {
                System.err.println("usage: Benchmark [quick|full] [sections=1,2,...]");
                System.exit(2);
            }
        }
        Benchmark b = new Benchmark(full, sections);
        int rc = 0;
        try {
            b.run();
        } catch (Throwable t) {
            t.printStackTrace();
            rc = 1;
        } finally {
            b.spark.stop();
        }
        System.exit(rc);
    }

    // ------------------------------------------------------------------------------------------
    // driver

    void run() throws Exception {
        String loadStart = loadAverage();
        long t0 = System.nanoTime();
        List<String> env = new ArrayList<>();
        env.add("mode: " + (full ? "full" : "quick") + ", sections " + sections + ", started "
                + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        env.add("sparkbp BLAS: " + Blas.implementation() + (Blas.isNative() ? " (native)" : " (pure Java)")
                + "; MLlib BLAS: " + mllibBlas() + "; OpenBLAS core type: " + KernelBench.openBlasCore()
                + "; OPENBLAS_NUM_THREADS=" + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
        env.add("Spark " + sc.version() + " master " + sc.master() + ", " + PARTITIONS + " partitions everywhere; JVM "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB; cores "
                + Runtime.getRuntime().availableProcessors());
        env.add("load average at start: " + loadStart);
        for (String e : env) {
            out.println(e);
        }
        out.flush();

        section("0", () -> { ceiling(); return null; });
        Dense dense = null;
        if (sections.contains(1) || sections.contains(6)) {
            dense = section("1", this::denseThroughput);
        }
        if (sections.contains(2)) {
            section("2", () -> { mnist(); return null; });
        }
        if (sections.contains(3)) {
            section("3", () -> { digits(); return null; });
        }
        if (sections.contains(4)) {
            section("4", () -> { overhead(); return null; });
        }
        Sparse sparse = null;
        if (sections.contains(5) || sections.contains(6)) {
            sparse = section("5", this::sparse);
        }
        if (sections.contains(6)) {
            Dense d = dense;
            Sparse sp = sparse;
            section("6", () -> { cachedSizes(d, sp); return null; });
        }
        String loadEnd = loadAverage();
        env.add("load average at end: " + loadEnd + "; total " + fmt((System.nanoTime() - t0) / 1e9, 0) + " s");
        out.println();
        out.println("sparkbp benchmark (" + (full ? "full" : "quick") + ")");
        for (String e : env) {
            out.println("  " + e);
        }
        out.println();
        out.println(plainTable());
        for (String l : log) {
            out.println(l);
        }
        writeMarkdown(env);
    }

    /** Runs one section; a failure becomes a table row instead of ending the benchmark. */
    <T> T section(String id, Callable<T> body) {
        try {
            return body.call();
        } catch (Throwable t) {
            t.printStackTrace();
            row(id, "section " + id + " failed", t.getClass().getSimpleName(), "", "",
                    String.valueOf(t.getMessage()).lines().findFirst().orElse(""));
            return null;
        }
    }

    void row(String id, String what, String sparkbp, String mllib, String ratio, String notes) {
        String[] r = {id, what, sparkbp, mllib, ratio, notes};
        rows.add(r);
        out.println("  -> " + String.join(" | ", r));
        out.flush();
    }

    void note(String s) {
        log.add(s);
        out.println("  .. " + s);
        out.flush();
    }

    // ------------------------------------------------------------------------------------------
    // 0. what the BLAS can do here

    KernelBench.Ceiling ceiling;

    void ceiling() throws Exception {
        // the largest product of the 784-256-128-10 network on a 256-row block: W1 (256 x 784) times X (784 x 256)
        ceiling = KernelBench.ceiling(256, BlockPacker.DEFAULT_BLOCK_ROWS, 784, PARTITIONS, full ? 7 : 5, 0.4);
        KernelBench.Ceiling c = ceiling;
        row("0", "BLAS ceiling: gemm " + c.m() + "x" + c.n() + "x" + c.k() + " (GFLOP/s)",
                String.format(Locale.ROOT, "dgemm %.1f (1 thread), %.1f (%d at once); sgemm %.1f, %.1f",
                        c.dgemm1(), c.dgemmAll(), c.threads(), c.sgemm1(), c.sgemmAll()),
                "", "",
                String.format(Locale.ROOT, "medians of round-robin rounds; %d threads at once reach %.2fx one "
                                + "thread's dgemm: %s", c.threads(), c.dgemmAll() / c.dgemm1(),
                        c.dgemmAll() / c.dgemm1() < 1.3
                                ? "the cores share their floating-point throughput, a second core adds little to gemm"
                                : c.dgemmAll() / c.dgemm1() < 0.85 * c.threads() ? "the cores scale in part"
                                : "the cores scale"));
    }

    // ------------------------------------------------------------------------------------------
    // 1. full-batch throughput, dense 20k x 784, 784-256-128-10

    record Dense(DataSet sp, DataSet sp32, Dataset<Row> df, long mllibCachedBytes) {
    }

    Dense denseThroughput() throws Exception {
        int n = 20_000;
        int nIn = 784;
        int k = 10;
        NetworkSpec spec = new NetworkSpec(new int[] {nIn, 256, 128, k}, Activation.SIGMOID, OutputKind.SOFTMAX);
        long t = System.nanoTime();
        DataSet ds = cacheBlocks(denseGenerator(n, nIn, k), n, nIn, k, Layout.AUTO, "dense");
        note(String.format(Locale.ROOT, "1: generated and cached %,d x %d dense rows in %.1f s (%s blocks)", n, nIn,
                (System.nanoTime() - t) / 1e9, ds.sparseBlocks ? "sparse" : "dense"));
        double[] theta = spec.initialParameters(SEED);
        TrainerSettings settings = settings(spec, "sgd", 0.01, 0, 1, 1);
        DistributedTrainer trainer = new DistributedTrainer(sc, settings);
        Optimizer opt = Optimizer.create("sgd", spec.numParams(), OptimizerSettings.DEFAULTS);
        double[] grad = new double[spec.numParams()];
        // warm-up (JIT, workspace allocation)
        fullStep(trainer, ds.rdd, spec, theta, grad, opt);
        // breakdown, from the outside
        Breakdown bd = breakdown(ds.rdd, spec, theta, grad, opt, full ? 8 : 2);

        // float32: the same rows cached as floats, sgemm, float weights on the wire
        DataSet ds32 = cacheBlocks(denseGenerator(n, nIn, k), n, nIn, k, Layout.AUTO, "dense-f32", Precision.FLOAT32);
        double[] theta32 = spec.initialParameters(SEED);
        DistributedTrainer trainer32 = new DistributedTrainer(sc, settings(spec, "sgd", 0.01, 0, 1, 1, 0,
                Precision.FLOAT32));
        fullStep(trainer32, ds32.rdd, spec, theta32, grad, opt);

        // Paired rounds: the host's speed drifts by up to 2x within minutes, so each round times
        // sparkbp's steps and MLlib's iterations back to back and yields one ratio; the table shows
        // the medians over rounds and the ratios' range.
        Dataset<Row> df = denseFrame(n, nIn, k);
        int rounds = full ? 5 : 3;
        int stepsPerRound = 2;
        int iters = 4;
        double[] sp = new double[rounds];
        double[] sp32 = new double[rounds];
        double[] ml = new double[rounds];
        int[] mlBs = new int[rounds];
        double[] ratio64 = new double[rounds];
        double[] ratio32 = new double[rounds];
        List<String> perRound = new ArrayList<>();
        long mlCached = -1;
        for (int r = 0; r < rounds; r++) {
            double[] a = new double[stepsPerRound];
            double[] a32 = new double[stepsPerRound];
            for (int i = 0; i < stepsPerRound; i++) {
                a[i] = fullStep(trainer, ds.rdd, spec, theta, grad, opt);
                a32[i] = fullStep(trainer32, ds32.rdd, spec, theta32, grad, opt);
            }
            sp[r] = median(a);
            sp32[r] = median(a32);
            // one iteration of MLlib's gd = one treeAggregate job; the interval between consecutive job
            // starts is the whole iteration (gradient, aggregation, driver update, next broadcast);
            // its better block size of 128 and 1024 in this round counts
            ml[r] = Double.NaN;
            for (int bs : new int[] {128, 1024}) {
                MlFit f = mlFit(df, new int[] {nIn, 256, 128, k}, "gd", iters, bs, 0.0);
                if (Double.isNaN(ml[r]) || f.iterationSeconds < ml[r]) {
                    ml[r] = f.iterationSeconds;
                    mlBs[r] = bs;
                }
                if (bs == 128 && mlCached < 0) {
                    mlCached = f.peakCachedBytes;
                }
            }
            ratio64[r] = ml[r] / sp[r];
            ratio32[r] = ml[r] / sp32[r];
            perRound.add(String.format(Locale.ROOT, "round %d: sparkbp %.2f s (float32 %.2f), MLlib %.2f s/iter "
                    + "(blockSize %d)", r + 1, sp[r], sp32[r], ml[r], mlBs[r]));
        }
        note("1: " + String.join("; ", perRound));
        double spStep = median(sp);
        double spRate = n / spStep;
        double sp32Step = median(sp32);
        double sp32Rate = n / sp32Step;
        double mlIter = median(ml);
        double best = n / mlIter;
        double flops = KernelBench.flopsPerExample(spec);
        String ceil = ceiling == null ? "" : String.format(Locale.ROOT, "; the BLAS ceiling (row 0) is %.1f GFLOP/s "
                + "dgemm, %.1f sgemm on %d threads", ceiling.dgemmAll(), ceiling.sgemmAll(), ceiling.threads());
        row("1", "full-batch pass, 20k x 784 dense, 784-256-128-10, float64 (examples/s)",
                String.format(Locale.ROOT, "%,.0f (%.2f s/step)", spRate, spStep),
                String.format(Locale.ROOT, "%,.0f (%.2f s/iter)", best, mlIter),
                ratio(median(ratio64)) + " " + range(ratio64),
                "medians over " + rounds + " paired rounds (each: " + stepsPerRound + " sparkbp steps "
                        + "[gradientSum + update], then MLlib fit(" + iters + ") at blockSize 128 and 1024, the "
                        + "median interval between its consecutive gd iteration jobs at the better one); ratio: "
                        + "median of the rounds' ratios [min-max]; "
                        + String.format(Locale.ROOT, "%.1f vs %.1f GFLOP/s (%.2f MFLOP per example)",
                        spRate * flops / 1e9, best * flops / 1e9, flops / 1e6) + ceil);
        row("1b", "full-batch pass, same, train.precision=float32 (examples/s)",
                String.format(Locale.ROOT, "%,.0f (%.2f s/step)", sp32Rate, sp32Step),
                String.format(Locale.ROOT, "%,.0f (float64 only)", best),
                ratio(median(ratio32)) + " " + range(ratio32),
                String.format(Locale.ROOT, "%.2fx sparkbp's own float64 step; %.1f GFLOP/s", spStep / sp32Step,
                        sp32Rate * flops / 1e9) + ceil);
        kernels(spec, nIn, k);
        row("1a", "  sparkbp step breakdown (ms, median)",
                String.format(Locale.ROOT, "compute %.0f | agg-overhead %.0f | bcast %.1f | update %.1f",
                        bd.compute * 1e3, (bd.aggregate - bd.compute) * 1e3, bd.broadcast * 1e3, bd.update * 1e3),
                "", "",
                String.format(Locale.ROOT, "compute = slowest task's executorRunTime (sum of tasks %.0f ms, "
                                + "taskDeser %.0f, resultSer %.0f); agg-overhead = aggregate wall %.0f - compute; "
                                + "bcast = create+destroy", bd.taskSum * 1e3, bd.deser * 1e3, bd.resultSer * 1e3,
                        bd.aggregate * 1e3));
        return new Dense(ds, ds32, df, mlCached);
    }

    /**
     * One thread, no Spark: sparkbp's block gradient (float64 and float32) against MLlib's own gradient
     * kernel on the same 10,000 rows, so the per-core arithmetic is compared apart from scheduling.
     */
    void kernels(NetworkSpec spec, int nIn, int k) {
        int rowsN = 10_000;
        Generator gen = denseGenerator(rowsN, nIn, k);
        List<ParsedExample> rows = new ArrayList<>(rowsN);
        for (int r = 0; r < rowsN; r++) {
            rows.add(gen.row(r));
        }
        int reps = full ? 9 : 5;
        double[] med = KernelBench.interleaved(reps,
                KernelBench.sparkbpPass(spec, rows, Precision.FLOAT64, SEED),
                KernelBench.mllibPass(spec, rows, 128, SEED),
                KernelBench.sparkbpPass(spec, rows, Precision.FLOAT32, SEED),
                KernelBench.mllibPass(spec, rows, 1024, SEED));
        double f64 = med[0];
        double ml128 = med[1];
        double f32 = med[2];
        double ml1024 = med[3];
        double ml = Math.min(ml128, ml1024);
        double gflop = rowsN * KernelBench.flopsPerExample(spec) / 1e9;
        String ofCeiling = ceiling == null ? "" : String.format(Locale.ROOT,
                "; one-thread ceiling: dgemm %.1f, sgemm %.1f GFLOP/s", ceiling.dgemm1(), ceiling.sgemm1());
        row("1k", "  one thread, no Spark: gradient of 10k rows (GFLOP/s)",
                String.format(Locale.ROOT, "float64 %.1f | float32 %.1f", gflop / f64, gflop / f32),
                String.format(Locale.ROOT, "%.1f (blockSize %d)", gflop / ml, ml128 <= ml1024 ? 128 : 1024),
                ratio(ml / f64) + " | " + ratio(ml / f32),
                String.format(Locale.ROOT, "seconds per pass (median of %d, taken round-robin): sparkbp %.3f / %.3f, MLlib "
                        + "FeedForwardModel.computeGradient %.3f (blockSize 128) / %.3f (1024)", reps, f64, f32, ml128,
                        ml1024) + ofCeiling);
    }

    /** Median seconds of {@code reps} {@link #fullStep}s after {@code warmup} untimed ones. */
    double medianStep(DistributedTrainer trainer, JavaRDD<PartitionData> rdd, NetworkSpec spec, double[] theta,
                      double[] grad, Optimizer opt, int warmup, int reps) throws Exception {
        for (int i = 0; i < warmup; i++) {
            fullStep(trainer, rdd, spec, theta, grad, opt);
        }
        double[] step = new double[reps];
        for (int r = 0; r < reps; r++) {
            step[r] = fullStep(trainer, rdd, spec, theta, grad, opt);
        }
        return median(step);
    }

    /** One full-batch step through the real code path: gradientSum (broadcast, aggregate, destroy) + Objective + update. */
    double fullStep(DistributedTrainer trainer, JavaRDD<PartitionData> rdd, NetworkSpec spec, double[] theta,
                    double[] grad, Optimizer opt) throws Exception {
        long t = System.nanoTime();
        GradientAccumulator acc = gradientSum(trainer, rdd, theta, 1, 0, 1);
        Objective.valueAndGradient(spec, theta, 0.0, acc, grad);
        opt.step(theta, grad, 0.01);
        return (System.nanoTime() - t) / 1e9;
    }

    record Breakdown(double broadcast, double aggregate, double compute, double taskSum, double deser,
                     double resultSer, double update) {
    }

    /** The same step as gradientSum, re-assembled from its parts so each can be timed. */
    Breakdown breakdown(JavaRDD<PartitionData> rdd, NetworkSpec spec, double[] theta, double[] grad, Optimizer opt,
                        int reps) throws Exception {
        double[][] m = new double[7][reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Broadcast<double[]> bc = sc.broadcast(theta.clone());
            long t1 = System.nanoTime();
            listener.reset();
            GradientAccumulator acc = aggregate(rdd, seqOp(bc, spec), GradientAccumulator::merge, 1);
            long t2 = System.nanoTime();
            bc.destroy();
            long t3 = System.nanoTime();
            Objective.valueAndGradient(spec, theta, 0.0, acc, grad);
            opt.step(theta, grad, 0.01);
            long t4 = System.nanoTime();
            Listener.Tasks tasks = listener.tasks(sc, PARTITIONS);
            m[0][r] = ((t1 - t0) + (t3 - t2)) / 1e9;
            m[1][r] = (t2 - t1) / 1e9;
            m[2][r] = tasks.maxRun;
            m[3][r] = tasks.sumRun;
            m[4][r] = tasks.deser;
            m[5][r] = tasks.resultSer;
            m[6][r] = (t4 - t3) / 1e9;
        }
        return new Breakdown(median(m[0]), median(m[1]), median(m[2]), median(m[3]), median(m[4]), median(m[5]),
                median(m[6]));
    }

    static Function2<GradientAccumulator, PartitionData, GradientAccumulator> seqOp(Broadcast<double[]> bc,
                                                                                     NetworkSpec net) {
        return (GradientAccumulator a, PartitionData pd) -> {
            GradientAccumulator out = a != null ? a : new GradientAccumulator(net.numParams());
            BlockGradient bg = Work.get(net);
            double[] w = bc.value();
            pd.forEachSlice(SEED, 1, 0, 1, (b, from, to) -> bg.accumulate(w, b, from, to, out));
            return out;
        };
    }

    /** Per-thread workspaces, like sparkbp's own (package-private) Workspaces. */
    static final class Work {
        private static final ThreadLocal<BlockGradient> CURRENT = new ThreadLocal<>();

        static BlockGradient get(NetworkSpec spec) {
            BlockGradient bg = CURRENT.get();
            if (bg == null || !bg.spec().equals(spec)) {
                bg = new BlockGradient(spec, 256);
                CURRENT.set(bg);
            }
            return bg;
        }
    }

    // ------------------------------------------------------------------------------------------
    // 2. time to 95% on the MNIST sample

    record SpConfig(String name, String optimizer, double lr, int batch, int localSteps, boolean standardize,
                    Layout layout, double l2, int[] hidden, int maxEpochs, Precision precision) {
        String describe() {
            return optimizer + " lr " + lr + " batch " + batch + (localSteps > 1 ? " localSteps " + localSteps : "")
                    + " standardize " + standardize + " layout " + layout.id() + (l2 > 0 ? " l2 " + l2 : "")
                    + (precision == Precision.FLOAT32 ? " float32" : "");
        }

        /** {@code nIn}, the hidden widths, 10 classes: the layers both systems train for this config. */
        int[] layers(int nIn) {
            int[] layers = new int[hidden.length + 2];
            layers[0] = nIn;
            System.arraycopy(hidden, 0, layers, 1, hidden.length);
            layers[layers.length - 1] = 10;
            return layers;
        }

        NetworkSpec spec(int nIn) {
            return new NetworkSpec(layers(nIn), Activation.SIGMOID, OutputKind.SOFTMAX);
        }

        SpConfig withEpochs(int epochs) {
            return new SpConfig(name, optimizer, lr, batch, localSteps, standardize, layout, l2, hidden, epochs, precision);
        }

        TrainerSettings settings(NetworkSpec spec, int epochs) {
            return Benchmark.settings(spec, optimizer, lr, batch, localSteps, epochs, l2, precision);
        }
    }

    void mnist() throws Exception {
        // the MNIST sample is not in the repository (36 MB); the benchmark runs from the repository root
        Path dir = Path.of(System.getProperty("bench.mnist", "../shared/data/mnist10k")).toAbsolutePath().normalize();
        Path train = dir.resolve("train.libsvm");
        Path test = dir.resolve("test.libsvm");
        if (!Files.isRegularFile(train) || !Files.isRegularFile(test)) {
            row("2", "MNIST sample: time to >= 95% test accuracy", "skipped", "skipped", "",
                    "no train.libsvm/test.libsvm at " + dir + " (set BENCH_JAVA_OPTS=-Dbench.mnist=DIR)");
            return;
        }
        double target = 0.95;
        int[] hidden = {256, 128};
        List<SpConfig> configs = new ArrayList<>();
        // found by trying adam 1e-3..1.2e-2, batch 64..256, localSteps 1..32, constant/step/exponential
        // schedules, l2 0/1e-4, standardize on/off, dense/auto layout (bench.explore adds the runner-up):
        // local rounds of 32 steps (Adam's moments carried across rounds) cut the Spark jobs per epoch
        // from 63 to 2, which lets the larger learning rate of batch 128 pay off; dense blocks beat
        // sparse ones at MNIST's 19% nonzeros whenever the BLAS is native
        configs.add(new SpConfig("l", "adam", 1e-2, 128, 32, false, Layout.DENSE, 0, hidden, 20, Precision.FLOAT32));
        configs.add(new SpConfig("d", "adam", 1e-2, 128, 32, false, Layout.DENSE, 0, hidden, 20, Precision.FLOAT64));
        if (full || Boolean.getBoolean("bench.explore")) {
            // the earlier default, plain synchronous Adam (one Spark job per step), for comparison
            configs.add(new SpConfig("s", "adam", 3e-3, 256, 1, false, Layout.DENSE, 0, hidden, 20, Precision.FLOAT32));
        }
        if (Boolean.getBoolean("bench.explore")) {
            configs.add(new SpConfig("m", "adam", 8e-3, 128, 16, false, Layout.DENSE, 0, hidden, 20, Precision.FLOAT32));
        }
        Target sp = spTimeToTarget("2", train, test, 784, configs, target);
        Target ml = null;
        if (full && !Boolean.getBoolean("bench.skipMllib")) {
            ml = mlTimeToTarget("2", train, test, 784, new int[] {784, 256, 128, 10},
                    new int[] {50, 65, 80, 100, 150}, target, 300, false);
        } else {
            note("2: MLlib l-bfgs on MNIST skipped in quick mode (several minutes); run full");
        }
        targetRow("2", "MNIST 8k/2k, 784-256-128-10: time to >= 95% test acc (s)", sp, ml);
        targetRow("2d", "  the same with the defaults: only model.hidden=256,128 given (s)",
                defaultsTimeToTarget(train, test, target), ml);
        if (full && !Boolean.getBoolean("bench.skipMllib")) {
            bestAccuracy(train, test, configs.get(0).withEpochs(40), 400);
        } else {
            note("2b: best-accuracy comparison skipped in quick mode (several minutes); run full");
        }
    }

    /**
     * The command line's {@code train} with the defaults and only the data description and {@code
     * model.hidden=256,128} (plus {@code data.test}, evaluated after every epoch): the wall time from
     * the command's start (loading, statistics and the automatic hold-out included) to the end of the
     * first epoch whose test accuracy reaches {@code target}, i.e. the command's wall time minus the
     * epochs it ran after that one.
     */
    Target defaultsTimeToTarget(Path train, Path test, double target) throws IOException {
        Path metrics = Files.createTempFile("sparkbp-mnist-defaults", ".jsonl");
        Files.delete(metrics);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        long t = System.nanoTime();
        int code = io.sparkbp.cli.Main.run(new String[] {"train", "data.train=" + train, "data.test=" + test,
                "data.features=784", "model.hidden=256,128", "model.outputs=10", "output.metrics=" + metrics}, ps, ps);
        double wall = (System.nanoTime() - t) / 1e9;
        if (code != 0) {
            throw new IOException("train with the defaults failed:\n" + buf.toString(StandardCharsets.UTF_8));
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = Files.readAllLines(metrics);
        Files.delete(metrics);
        double last = json.readTree(lines.get(lines.size() - 1)).get("elapsedSeconds").asDouble();
        double best = 0;
        String stop = buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("stopped after"))
                .findFirst().orElse("");
        for (String l : lines) {
            var epoch = json.readTree(l);
            double acc = epoch.get("test").get("accuracy").asDouble();
            best = Math.max(best, acc);
            if (acc >= target) {
                double secs = wall - (last - epoch.get("elapsedSeconds").asDouble());
                return new Target(secs, acc, "epoch " + epoch.get("epoch").asInt() + " of the defaults run (" + stop
                        + "; the whole command " + fmt(wall, 1) + " s)");
            }
        }
        return new Target(Double.NaN, best, "the defaults run never reached " + pct(target) + " (" + stop + ")");
    }

    /**
     * Test accuracy after a fixed, generous budget: sparkbp's config trained {@code c.maxEpochs}
     * epochs, MLlib's l-bfgs run {@code mlIters} iterations (tolerance 1e-6, so it stops earlier only
     * if it converges). Both report the final model's accuracy; sparkbp's best epoch is shown too.
     */
    void bestAccuracy(Path train, Path test, SpConfig c, int mlIters) throws Exception {
        Loaded2 data = loadFiles(train, test, 784, c.standardize, c.layout, c.precision);
        NetworkSpec spec = c.spec(784);
        List<Double> accs = new ArrayList<>();
        long t = System.nanoTime();
        DistributedTrainer.Result res = new DistributedTrainer(sc, c.settings(spec, c.maxEpochs))
                .train(data.train.rdd(), data.train.examples(), spec.initialParameters(SEED), null,
                        new DistributedTrainer.EvalSet(data.test.rdd(), null, null),
                        r -> accs.add(r.test().get("accuracy")));
        double spSecs = (System.nanoTime() - t) / 1e9;
        double finalAcc = Evaluator.evaluate(sc,
                new DistributedTrainer.EvalSet(data.test.rdd(), null, null), spec, res.theta(), 1).toMap()
                .get("accuracy");
        int bestEpoch = 0;
        for (int i = 1; i < accs.size(); i++) {
            if (accs.get(i) > accs.get(bestEpoch)) {
                bestEpoch = i;
            }
        }
        Dataset<Row> tr = libsvmFrame(train, 784);
        Dataset<Row> te = libsvmFrame(test, 784);
        MlFit f = mlFit(tr, c.layers(784), "l-bfgs", mlIters, 128, 1e-6);
        double mlAcc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(f.model.transform(te));
        tr.unpersist();
        te.unpersist();
        row("2b", "  MNIST: test accuracy of the final model after a long run",
                pct(finalAcc) + " (" + c.maxEpochs + " epochs, " + fmt(spSecs, 0) + " s)",
                pct(mlAcc) + " (maxIter " + mlIters + ", " + fmt(f.seconds, 0) + " s)",
                String.format(Locale.ROOT, "%+.2f pts", 100 * (finalAcc - mlAcc)),
                "sparkbp config " + c.name + " (" + c.describe() + "), its best epoch " + (bestEpoch + 1) + " at "
                        + pct(accs.get(bestEpoch)) + " (wall incl. per-epoch test evaluation); MLlib l-bfgs blockSize "
                        + "128 tol 1e-6, raw features");
    }

    record Target(double seconds, double accuracy, String detail) {
    }

    void targetRow(String id, String what, Target sp, Target ml) {
        row(id, what,
                sp == null ? "n/a" : (Double.isNaN(sp.seconds) ? "not reached" : fmt(sp.seconds, 1) + " s")
                        + (sp == null ? "" : " (acc " + pct(sp.accuracy) + ")"),
                ml == null ? "skipped" : (Double.isNaN(ml.seconds) ? "not reached" : fmt(ml.seconds, 1) + " s")
                        + " (acc " + pct(ml.accuracy) + ")",
                sp != null && ml != null && !Double.isNaN(sp.seconds) && !Double.isNaN(ml.seconds)
                        ? ratio(ml.seconds / sp.seconds) : "",
                (sp == null ? "" : "sparkbp: " + sp.detail) + (ml == null ? "" : "; MLlib: " + ml.detail));
    }

    /** Thrown from the epoch listener to stop training once the target is reached. */
    static final class Reached extends RuntimeException {
        final int epoch;
        final double accuracy;

        Reached(int epoch, double accuracy) {
            super(null, null, false, false);
            this.epoch = epoch;
            this.accuracy = accuracy;
        }
    }

    Target spTimeToTarget(String id, Path train, Path test, int nIn, List<SpConfig> configs, double target)
            throws Exception {
        Target best = null;
        for (SpConfig c : configs) {
            Loaded2 data = loadFiles(train, test, nIn, c.standardize, c.layout, c.precision);
            NetworkSpec spec = c.spec(nIn);
            double[] theta0 = spec.initialParameters(SEED);
            DistributedTrainer.EvalSet testSet = new DistributedTrainer.EvalSet(data.test.rdd(), null, null);
            // pass 1: evaluate after every epoch to find the first epoch that reaches the target
            List<Double> accs = new ArrayList<>();
            int reachedAt = -1;
            double firstRunSeconds;
            long t = System.nanoTime();
            try {
                new DistributedTrainer(sc, c.settings(spec, c.maxEpochs))
                        .train(data.train.rdd(), data.train.examples(), theta0, null, testSet, r -> {
                            double acc = r.test().get("accuracy");
                            accs.add(acc);
                            if (acc >= target) {
                                throw new Reached(r.epoch(), acc);
                            }
                        });
            } catch (Reached r) {
                reachedAt = r.epoch;
            }
            firstRunSeconds = (System.nanoTime() - t) / 1e9;
            String curve = accs.stream().map(Benchmark::pct).reduce((a, b) -> a + " " + b).orElse("");
            Target result;
            if (reachedAt < 0) {
                result = new Target(Double.NaN, accs.isEmpty() ? Double.NaN : accs.stream().mapToDouble(x -> x).max().getAsDouble(),
                        "config " + c.name + " (" + c.describe() + ") did not reach " + pct(target) + " in " + c.maxEpochs
                                + " epochs");
            } else if (!full) {
                // quick: no second pass; train-only time = pass-1 wall - epochs x (median test evaluation)
                double[] ev = new double[3];
                double acc = 0;
                for (int i = 0; i < ev.length; i++) {
                    long te = System.nanoTime();
                    acc = Evaluator.evaluate(sc,
                new DistributedTrainer.EvalSet(data.test.rdd(), null, null), spec, theta0, 1).toMap().get("accuracy");
                    ev[i] = (System.nanoTime() - te) / 1e9;
                }
                double secs = firstRunSeconds - reachedAt * median(ev);
                result = new Target(secs, accs.get(reachedAt - 1), "config " + c.name + " (" + c.describe() + "), "
                        + reachedAt + " epochs (quick: wall minus " + reachedAt + " x " + fmt(median(ev) * 1e3, 0)
                        + " ms test evaluation)");
            } else {
                // pass 2: train exactly that many epochs without evaluation, timed
                long t2 = System.nanoTime();
                DistributedTrainer.Result res = new DistributedTrainer(sc, c.settings(spec, reachedAt))
                        .train(data.train.rdd(), data.train.examples(), theta0, null, null, null);
                double secs = (System.nanoTime() - t2) / 1e9;
                double acc = Evaluator.evaluate(sc,
                new DistributedTrainer.EvalSet(data.test.rdd(), null, null), spec, res.theta(), 1).toMap()
                        .get("accuracy");
                result = new Target(secs, acc, "config " + c.name + " (" + c.describe() + "), " + reachedAt + " epochs");
            }
            note(String.format(Locale.ROOT, "%s: sparkbp config %s [%s]: per-epoch test acc %s; %s; pass with eval %.1f s",
                    id, c.name, c.describe(), curve,
                    Double.isNaN(result.seconds) ? "not reached" : "train-only " + fmt(result.seconds, 1) + " s",
                    firstRunSeconds));
            if (best == null || (!Double.isNaN(result.seconds)
                    && (Double.isNaN(best.seconds) || result.seconds < best.seconds))) {
                best = result;
            }
        }
        return best;
    }

    Target mlTimeToTarget(String id, Path train, Path test, int nIn, int[] layers, int[] ladder, double target,
                          double budgetSeconds, boolean tryStandardized) throws Exception {
        Dataset<Row> rawTr = libsvmFrame(train, nIn);
        Dataset<Row> rawTe = libsvmFrame(test, nIn);
        MulticlassClassificationEvaluator ev = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        Target best = null;
        double bestAcc = 0;
        // MLlib has no built-in standardization in the MLP: try the raw features and StandardScaler'd ones
        // (scaler fitted on the training set, not timed, like sparkbp's statistics pass)
        for (String variant : tryStandardized ? new String[] {"raw", "standardized"} : new String[] {"raw"}) {
            Dataset<Row> tr = rawTr;
            Dataset<Row> te = rawTe;
            if (variant.equals("standardized")) {
                org.apache.spark.ml.feature.StandardScalerModel sm = new org.apache.spark.ml.feature.StandardScaler()
                        .setInputCol("features").setOutputCol("scaled").setWithMean(true).setWithStd(true).fit(rawTr);
                tr = sm.transform(rawTr).select("label", "scaled").withColumnRenamed("scaled", "features")
                        .persist(StorageLevel.MEMORY_ONLY());
                te = sm.transform(rawTe).select("label", "scaled").withColumnRenamed("scaled", "features")
                        .persist(StorageLevel.MEMORY_ONLY());
                tr.count();
                te.count();
            }
            double spent = 0;
            List<String> steps = new ArrayList<>();
            for (int iters : ladder) {
                if (spent > budgetSeconds) {
                    steps.add("stopped: budget " + fmt(budgetSeconds, 0) + " s spent");
                    break;
                }
                MlFit f = mlFit(tr, layers, "l-bfgs", iters, 128, 1e-6);
                spent += f.seconds;
                double acc = ev.evaluate(f.model.transform(te));
                bestAcc = Math.max(bestAcc, acc);
                steps.add(String.format(Locale.ROOT, "maxIter %d: %.1f s acc %s", iters, f.seconds, pct(acc)));
                if (acc >= target) {
                    Target t = new Target(f.seconds, acc, "l-bfgs maxIter " + iters + ", blockSize 128, " + variant
                            + " features");
                    if (best == null || t.seconds < best.seconds) {
                        best = t;
                    }
                    break;
                }
            }
            note(id + ": MLlib l-bfgs ladder (" + variant + " features): " + String.join("; ", steps));
            if (tr != rawTr) {
                tr.unpersist();
                te.unpersist();
            }
        }
        rawTr.unpersist();
        rawTe.unpersist();
        return best != null ? best
                : new Target(Double.NaN, bestAcc, "l-bfgs best acc " + pct(bestAcc) + " over maxIter "
                + Arrays.toString(ladder) + (tryStandardized ? ", raw and standardized features" : ", raw features"));
    }

    // ------------------------------------------------------------------------------------------
    // 3. digits: time to 97%

    void digits() throws Exception {
        Path train = Path.of("src/data/digits/train.libsvm").toAbsolutePath();
        Path test = Path.of("src/data/digits/test.libsvm").toAbsolutePath();
        if (!Files.isRegularFile(train)) {
            row("3", "digits: time to >= 97%", "skipped", "skipped", "", "run from the repository root");
            return;
        }
        double target = 0.97;
        List<SpConfig> configs = new ArrayList<>();
        configs.add(new SpConfig("a", "adam", 0.01, 128, 1, true, Layout.DENSE, 1e-4, new int[] {64}, 30,
                Precision.FLOAT64));
        if (full) {
            configs.add(new SpConfig("b", "adam", 0.01, 64, 1, true, Layout.DENSE, 1e-4, new int[] {64}, 30,
                    Precision.FLOAT64));
            configs.add(new SpConfig("c", "adam", 0.02, 256, 1, true, Layout.DENSE, 1e-4, new int[] {64}, 40,
                    Precision.FLOAT64));
        }
        Target sp = spTimeToTarget("3", train, test, 64, configs, target);
        Target ml = Boolean.getBoolean("bench.skipMllib") ? null
                : mlTimeToTarget("3", train, test, 64, new int[] {64, 64, 10}, new int[] {15, 25, 50, 100},
                target, full ? 200 : 45, true);
        targetRow("3", "digits 1438/359, 64-64-10: time to >= 97% test acc (s)", sp, ml);
    }

    // ------------------------------------------------------------------------------------------
    // 4. per-step overhead on a tiny problem

    void overhead() throws Exception {
        int n = 1000;
        int nIn = 10;
        int k = 2;
        NetworkSpec spec = new NetworkSpec(new int[] {nIn, 5, k}, Activation.SIGMOID, OutputKind.SOFTMAX);
        DataSet ds = cacheBlocks(denseGenerator(n, nIn, k), n, nIn, k, Layout.DENSE, "tiny");
        int reps = full ? 60 : 25;
        double[] theta = spec.initialParameters(SEED);
        DistributedTrainer trainer = new DistributedTrainer(sc, settings(spec, "sgd", 0.1, 0, 1, 1, 0));
        Optimizer opt = Optimizer.create("sgd", spec.numParams(), OptimizerSettings.DEFAULTS);
        double[] grad = new double[spec.numParams()];
        double spStep = medianStep(trainer, ds.rdd, spec, theta, grad, opt, 5, reps);
        // local rounds: batch 100 -> 10 steps per epoch, H = 5 local steps per round
        int h = 5;
        int steps = 10;
        DistributedTrainer local = new DistributedTrainer(sc, settings(spec, "sgd", 0.1, 100, h, 1, 0));
        double[] round = new double[reps];
        for (int r = -5; r < reps; r++) {
            long t = System.nanoTime();
            GradientAccumulator acc = localRound(local, ds.rdd, theta, opt.state(), 1, 0, h, steps, 0.1);
            double[] sum = acc.gradSum();
            for (int i = 0; i < theta.length; i++) {
                theta[i] = sum[i] / acc.weightSum();
            }
            if (r >= 0) {
                round[r] = (System.nanoTime() - t) / 1e9;
            }
        }
        double[] count = new double[reps];
        for (int r = -5; r < reps; r++) {
            long t = System.nanoTime();
            ds.rdd.count();
            if (r >= 0) {
                count[r] = (System.nanoTime() - t) / 1e9;
            }
        }
        // MLlib per iteration on the same data
        Dataset<Row> df = frame(denseGenerator(n, nIn, k), n, nIn);
        int k2 = full ? 100 : 40;
        double mlIter = mlFit(df, new int[] {nIn, 5, k}, "gd", k2, 128, 0.0).iterationSeconds;
        df.unpersist();
        row("4", "tiny 1000 x 10, 10-5-2: ms per full-batch step",
                fmt(spStep * 1e3, 1) + " ms", fmt(mlIter * 1e3, 1) + " ms/iter", ratio(mlIter / spStep),
                "floor: rdd.count() on the cached 2-partition RDD = " + fmt(median(count) * 1e3, 1)
                        + " ms; MLlib: median interval between its consecutive gd iteration jobs in fit(" + k2 + ")");
        row("4a", "  sparkbp local round (localSteps=" + h + ", batch 100)",
                fmt(median(round) * 1e3, 1) + " ms/round = " + fmt(median(round) * 1e3 / h, 1) + " ms/step", "", "",
                "one Spark job per " + h + " steps");
        ds.rdd.unpersist(true);
    }

    // ------------------------------------------------------------------------------------------
    // 5. sparse inputs: 20k x 100k, ~50 nonzeros per row, 100000-64-10

    record Sparse(DataSet sp, DataSet sp32, long nnz) {
    }

    Sparse sparse() throws Exception {
        int n = 20_000;
        int nIn = 100_000;
        int k = 10;
        NetworkSpec spec = new NetworkSpec(new int[] {nIn, 64, k}, Activation.SIGMOID, OutputKind.SOFTMAX);
        long t = System.nanoTime();
        DataSet ds = cacheBlocks(sparseGenerator(n, nIn, k), n, nIn, k, Layout.AUTO, "sparse");
        note(String.format(Locale.ROOT, "5: generated and cached %,d x %,d sparse rows (%,d nonzeros) in %.1f s (%s blocks)",
                n, nIn, ds.nnz, (System.nanoTime() - t) / 1e9, ds.sparseBlocks ? "sparse" : "dense"));
        int reps = full ? 5 : 3;
        double[] theta = spec.initialParameters(SEED);
        DistributedTrainer trainer = new DistributedTrainer(sc, settings(spec, "sgd", 0.01, 0, 1, 1, 0));
        Optimizer opt = Optimizer.create("sgd", spec.numParams(), OptimizerSettings.DEFAULTS);
        double[] grad = new double[spec.numParams()];
        double spStep = medianStep(trainer, ds.rdd, spec, theta, grad, opt, 1, reps);
        Breakdown bd = breakdown(ds.rdd, spec, theta, grad, opt, reps);

        DataSet ds32 = cacheBlocks(sparseGenerator(n, nIn, k), n, nIn, k, Layout.AUTO, "sparse-f32", Precision.FLOAT32);
        DistributedTrainer trainer32 = new DistributedTrainer(sc, settings(spec, "sgd", 0.01, 0, 1, 1, 0,
                Precision.FLOAT32));
        double sp32Step = medianStep(trainer32, ds32.rdd, spec, spec.initialParameters(SEED), grad, opt, 1, reps);

        // MLlib densifies: its stacked training data alone is rows x (nIn + k) doubles
        long heap = Runtime.getRuntime().maxMemory();
        double fullBytes = (double) n * (nIn + k) * 8;
        String mlCell;
        String ratioCell = "";
        String mlNote;
        if (!full) {
            mlCell = "skipped";
            mlNote = String.format(Locale.ROOT, "MLlib would stack %.1f GB dense for 20k rows (heap %.1f GB); "
                    + "a subset is timed in full mode", fullBytes / 1e9, heap / 1e9);
        } else {
            int sub = 500;
            double subBytes = (double) sub * (nIn + k) * 8;
            if (subBytes * 2.5 > heap) {
                mlCell = "skipped";
                mlNote = "even " + sub + " rows would need " + fmt(subBytes / 1e9, 1) + " GB stacked";
            } else {
                DataSet subSp = cacheBlocks(sparseGenerator(sub, nIn, k), sub, nIn, k, Layout.AUTO, "sparse-sub");
                double spSub = medianStep(trainer, subSp.rdd, spec, spec.initialParameters(SEED), grad, opt, 1, reps);
                subSp.rdd.unpersist(true);
                Dataset<Row> df = frame(sparseGenerator(sub, nIn, k), sub, nIn);
                String r = guarded(full ? 600 : 120, () -> {
                    MlFit b = mlFit(df, new int[] {nIn, 64, k}, "gd", 3, 128, 0.0);
                    double perIter = b.iterationSeconds;
                    return String.format(Locale.ROOT, "%.3f|%d", perIter, b.peakCachedBytes);
                });
                df.unpersist();
                if (r.startsWith("ERROR") || r.startsWith("TIMEOUT")) {
                    mlCell = r;
                    mlNote = "on a " + sub + "-row subset";
                } else {
                    double perIter = Double.parseDouble(r.split("\\|")[0]);
                    long cached = Long.parseLong(r.split("\\|")[1]);
                    double mlRate = sub / perIter;
                    mlCell = String.format(Locale.ROOT, "%,.0f (%d-row subset)", mlRate, sub);
                    ratioCell = ratio((sub / spSub) / mlRate) + " (same subset)";
                    mlNote = String.format(Locale.ROOT, "20k rows would need %.1f GB stacked dense (heap %.1f GB): not run; "
                                    + "subset of %d rows: MLlib %.2f s/iter, peak cached %s (%.1f B/nonzero), "
                                    + "sparkbp on the subset %.3f s/step = %,.0f ex/s",
                            fullBytes / 1e9, heap / 1e9, sub, perIter, io.sparkbp.cli.Bytes.human(cached),
                            cached / (double) subSp.nnz, spSub, sub / spSub);
                }
            }
        }
        row("5", "sparse 20k x 100k (~50 nnz/row), 100000-64-10: full pass (examples/s)",
                String.format(Locale.ROOT, "%,.0f (%.2f s/step)", n / spStep, spStep), mlCell, ratioCell, mlNote);
        row("5a", "  sparkbp sparse step breakdown (ms, median)",
                String.format(Locale.ROOT, "compute %.0f | agg-overhead %.0f | bcast %.1f | update %.1f",
                        bd.compute * 1e3, (bd.aggregate - bd.compute) * 1e3, bd.broadcast * 1e3, bd.update * 1e3),
                "", "",
                String.format(Locale.ROOT, "%,d params (%.0f MB per gradient); tasks: sum %.0f ms, resultSer %.0f ms",
                        spec.numParams(), spec.numParams() * 8 / 1e6, bd.taskSum * 1e3, bd.resultSer * 1e3));
        row("5b", "  the same, train.precision=float32 (examples/s)",
                String.format(Locale.ROOT, "%,.0f (%.2f s/step)", n / sp32Step, sp32Step), "", "",
                String.format(Locale.ROOT, "%.2fx the float64 step (the sparse first layer is scalar work in both "
                        + "precisions; float weights halve the broadcast)", spStep / sp32Step));
        return new Sparse(ds, ds32, ds.nnz);
    }

    // ------------------------------------------------------------------------------------------
    // 6. cached sizes

    void cachedSizes(Dense dense, Sparse sparse) {
        if (dense != null) {
            long values = (long) dense.sp.rows * dense.sp.nIn;
            RDDInfo info = storage(dense.sp.rdd.id());
            long mlInput = dense.df == null ? -1 : dfCachedBytes(dense.df);
            String ml = "input DF cache " + (mlInput < 0 ? "n/a" : fmt(mlInput / (double) values, 2) + " B/value")
                    + (dense.mllibCachedBytes > 0
                    ? "; fit's stacked RDD " + fmt(dense.mllibCachedBytes / (double) values, 2) + " B/value" : "");
            row("6", "cached bytes per input value, dense 20k x 784",
                    fmt(dense.sp.bytes / (double) values, 2) + " (Spark: " + (info == null ? "n/a"
                            : fmt(info.memSize() / (double) values, 2)) + ")",
                    ml, "",
                    "sparkbp: Loaded.bytes-equivalent (sum of PartitionData.sizeInBytes: x, targets) = " + io.sparkbp.cli.Bytes.human(dense.sp.bytes)
                            + ", Spark storage memSize " + (info == null ? "n/a" : io.sparkbp.cli.Bytes.human(info.memSize()))
                            + (mlInput < 0 ? "" : "; MLlib input DataFrame " + io.sparkbp.cli.Bytes.human(mlInput))
                            + (dense.mllibCachedBytes > 0 ? ", stacked " + io.sparkbp.cli.Bytes.human(dense.mllibCachedBytes) : ""));
            if (dense.sp32 != null) {
                RDDInfo info32 = storage(dense.sp32.rdd.id());
                row("6a", "  the same, train.precision=float32",
                        fmt(dense.sp32.bytes / (double) values, 2) + " (Spark: " + (info32 == null ? "n/a"
                                : fmt(info32.memSize() / (double) values, 2)) + ")",
                        "", "", String.format(Locale.ROOT, "%.2fx the float64 blocks; per row: %d values x 4 B + "
                                + "%d targets x 8 B", dense.sp32.bytes / (double) dense.sp.bytes, dense.sp.nIn, 10));
            }
        }
        if (sparse != null) {
            RDDInfo info = storage(sparse.sp.rdd.id());
            row("6b", "cached bytes per nonzero, sparse 20k x 100k",
                    fmt(sparse.sp.bytes / (double) sparse.nnz, 2) + " (Spark: " + (info == null ? "n/a"
                            : fmt(info.memSize() / (double) sparse.nnz, 2)) + ")",
                    String.format(Locale.ROOT, "%.0f (dense stacking)", (sparse.sp.rows * (100_000.0 + 10) * 8) / sparse.nnz),
                    "",
                    "sparkbp " + io.sparkbp.cli.Bytes.human(sparse.sp.bytes) + " for " + String.format(Locale.ROOT, "%,d", sparse.nnz)
                            + " nonzeros (incl. targets, colPtr); MLlib figure is its stacked data, estimated");
            long rowsBytes = (long) sparse.sp.rows * (4 + 10 * 8);
            row("6c", "  sparse, per nonzero without per-row targets and pointers",
                    fmt((sparse.sp.bytes - rowsBytes) / (double) sparse.nnz, 2) + " | float32 "
                            + (sparse.sp32 == null ? "n/a" : fmt((sparse.sp32.bytes - rowsBytes) / (double) sparse.nnz, 2)
                            + " (all-in " + fmt(sparse.sp32.bytes / (double) sparse.nnz, 2) + ")"),
                    "", "", "index 4 B + value 8 B (float32: 4 B); every row also costs a 4 B column pointer and its "
                            + "10 double targets (84 B, ~1.7 B per nonzero at 50 nonzeros per row)");
        }
    }

    RDDInfo storage(int id) {
        for (RDDInfo i : sc.sc().getRDDStorageInfo()) {
            if (i.id() == id) {
                return i;
            }
        }
        return null;
    }

    long dfCachedBytes(Dataset<Row> df) {
        long total = 0;
        boolean any = false;
        for (RDDInfo i : sc.sc().getRDDStorageInfo()) {
            if (i.name().contains("In-memory table") || i.name().contains("Scan")) {
                total += i.memSize() + i.diskSize();
                any = true;
            }
        }
        return any ? total : -1;
    }

    // ------------------------------------------------------------------------------------------
    // data

    /** A deterministic row generator: partition p of P produces rows [p n / P, (p + 1) n / P). */
    interface Generator extends java.io.Serializable {
        ParsedExample row(long r);

        default double label(ParsedExample e) {
            double[] t = e.targets();
            for (int i = 0; i < t.length; i++) {
                if (t[i] != 0) {
                    return i;
                }
            }
            return 0;
        }
    }

    /** Class-dependent Gaussian blobs in [0, 1]: x_j = clip(mu_c,j + 0.3 g). */
    static Generator denseGenerator(int n, int nIn, int k) {
        double[][] centers = new double[k][nIn];
        SplittableRandom rng = new SplittableRandom(SEED);
        for (double[] c : centers) {
            for (int j = 0; j < nIn; j++) {
                c[j] = rng.nextDouble(0.2, 0.8);
            }
        }
        return r -> {
            SplittableRandom g = new SplittableRandom(SEED * 31 + r);
            int c = (int) (r % k);
            double[] x = new double[nIn];
            for (int j = 0; j < nIn; j++) {
                x[j] = Math.min(1, Math.max(0, centers[c][j] + 0.3 * g.nextGaussian()));
            }
            double[] t = new double[k];
            t[c] = 1;
            return ParsedExample.dense(x, t);
        };
    }

    /** ~50 nonzeros per row: ~25 from a class-specific pool of 2000 features, ~25 uniform; values in [0.1, 1). */
    static Generator sparseGenerator(int n, int nIn, int k) {
        return r -> {
            SplittableRandom g = new SplittableRandom(SEED * 37 + r);
            int c = (int) (r % k);
            TreeSet<Integer> idx = new TreeSet<>();
            int poolStart = (int) ((long) c * (nIn / k));
            while (idx.size() < 25) {
                idx.add(poolStart + g.nextInt(Math.min(2000, nIn / k)));
            }
            while (idx.size() < 50) {
                idx.add(g.nextInt(nIn));
            }
            int[] ii = new int[idx.size()];
            double[] vv = new double[idx.size()];
            int p = 0;
            for (int j : idx) {
                ii[p] = j;
                vv[p++] = g.nextDouble(0.1, 1.0);
            }
            double[] t = new double[k];
            t[c] = 1;
            return new ParsedExample(ii, vv, t, 1.0);
        };
    }

    record DataSet(JavaRDD<PartitionData> rdd, int rows, int nIn, long bytes, long nnz, boolean sparseBlocks) {
    }

    DataSet cacheBlocks(Generator gen, int n, int nIn, int k, Layout layout, String name) {
        return cacheBlocks(gen, n, nIn, k, layout, name, Precision.FLOAT64);
    }

    DataSet cacheBlocks(Generator gen, int n, int nIn, int k, Layout layout, String name, Precision precision) {
        return cacheBlocks(sc, PARTITIONS, gen, n, nIn, k, layout, name, precision);
    }

    static DataSet cacheBlocks(JavaSparkContext sc, int parts, Generator gen, int n, int nIn, int k, Layout layout,
                               String name) {
        return cacheBlocks(sc, parts, gen, n, nIn, k, layout, name, Precision.FLOAT64);
    }

    /** Generates rows {@code 0..n-1} into {@code parts} partitions of blocks stored in {@code precision}, caches and counts them. */
    static DataSet cacheBlocks(JavaSparkContext sc, int parts, Generator gen, int n, int nIn, int k, Layout layout,
                               String name, Precision precision) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            slots.add(i);
        }
        JavaRDD<PartitionData> rdd = sc.parallelize(slots, parts).mapPartitionsWithIndex((p, it) -> {
            long from = (long) p * n / parts;
            long to = (long) (p + 1) * n / parts;
            List<ParsedExample> ex = new ArrayList<>();
            for (long r = from; r < to; r++) {
                ex.add(gen.row(r));
            }
            List<Block> blocks = new ArrayList<>();
            new BlockPacker(nIn, k, BlockPacker.DEFAULT_BLOCK_ROWS, layout, precision).pack(ex.iterator())
                    .forEachRemaining(blocks::add);
            return List.of(new PartitionData(p, blocks.toArray(new Block[0]))).iterator();
        }, true);
        rdd.persist(StorageLevel.MEMORY_ONLY());
        rdd.setName("bench " + name + " blocks");
        List<long[]> stats = rdd.map(pd -> {
            long nnz = 0;
            boolean sparse = false;
            for (Block b : pd.blocks()) {
                if (b.isSparse()) {
                    sparse = true;
                    nnz += b.storedValues();
                } else {
                    for (int r = 0; r < b.rows(); r++) {
                        for (int j = 0; j < nIn; j++) {
                            if (b.input(r, j) != 0) {
                                nnz++;
                            }
                        }
                    }
                }
            }
            return new long[] {pd.rows(), pd.sizeInBytes(), nnz, sparse ? 1 : 0};
        }).collect();
        long rows = 0;
        long bytes = 0;
        long nnz = 0;
        boolean sparse = false;
        for (long[] s : stats) {
            rows += s[0];
            bytes += s[1];
            nnz += s[2];
            sparse |= s[3] == 1;
        }
        if (rows != n) {
            throw new IllegalStateException("cached " + rows + " rows, expected " + n);
        }
        return new DataSet(rdd, n, nIn, bytes, nnz, sparse);
    }

    Dataset<Row> denseFrame(int n, int nIn, int k) {
        return frame(denseGenerator(n, nIn, k), n, nIn);
    }

    /** The same rows as {@link #cacheBlocks}, as an MLlib (label, features) DataFrame, cached. */
    Dataset<Row> frame(Generator gen, int n, int nIn) {
        int parts = PARTITIONS;
        JavaRDD<Row> rows = sc.parallelize(List.of(0, 1), parts).mapPartitionsWithIndex((p, it) -> {
            long from = (long) p * n / parts;
            long to = (long) (p + 1) * n / parts;
            List<Row> out = new ArrayList<>();
            for (long r = from; r < to; r++) {
                ParsedExample e = gen.row(r);
                org.apache.spark.ml.linalg.Vector v = e.nonzeros() * 4L >= nIn
                        ? Vectors.dense(e.denseFeatures(nIn)) : Vectors.sparse(nIn, e.indices(), e.values());
                out.add(RowFactory.create(gen.label(e), v));
            }
            return out.iterator();
        }, true);
        StructType schema = new StructType()
                .add("label", DataTypes.DoubleType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        Dataset<Row> df = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_ONLY());
        df.count();
        return df;
    }

    Dataset<Row> libsvmFrame(Path file, int nIn) {
        Dataset<Row> df = spark.read().format("libsvm").option("numFeatures", String.valueOf(nIn))
                .load(file.toString()).repartition(PARTITIONS).persist(StorageLevel.MEMORY_ONLY());
        df.count();
        return df;
    }

    record Loaded2(DataLoader.Loaded train, DataLoader.Loaded test) {
    }

    final Map<String, Loaded2> loadedFiles = new ConcurrentHashMap<>();

    Loaded2 loadFiles(Path train, Path test, int nIn, boolean standardize, Layout layout, Precision precision) {
        String key = train + "|" + standardize + "|" + layout + "|" + precision;
        return loadedFiles.computeIfAbsent(key, x -> {
            DataLoader loader = new DataLoader(sc);
            DataLoader.Source tr = loader.resolve(source(train, "data.train", nIn, layout));
            DataLoader.Source te = loader.resolve(source(test, "data.test", nIn, layout));
            Transform in = null;
            if (standardize) {
                FeatureStats st = loader.stats(tr, DataLoader.Holdout.ALL);
                in = DataLoader.inputTransform(st, tr.reading().layout());
            }
            return new Loaded2(loader.load(tr, DataLoader.Holdout.ALL, in, null, precision),
                    loader.load(te, DataLoader.Holdout.ALL, in, null, precision));
        });
    }

    static DataLoader.Source source(Path p, String key, int nIn, Layout layout) {
        return new DataLoader.Source(p.toString(), key, new DataLoader.Lines(Format.LIBSVM, nIn, 10, OutputKind.SOFTMAX),
                new DataLoader.CsvColumns(List.of(), "", null), new DataLoader.Reading(false, PARTITIONS,
                        BlockPacker.DEFAULT_BLOCK_ROWS, layout, StorageLevel.MEMORY_ONLY()));
    }

    // ------------------------------------------------------------------------------------------
    // MLlib

    /** {@code iterationSeconds}: median interval between consecutive gd iterations' jobs (NaN for l-bfgs or one iteration). */
    record MlFit(double seconds, MultilayerPerceptronClassificationModel model, long peakCachedBytes,
                 double iterationSeconds) {
    }

    private boolean mlWarm;

    /** One-time MLlib warm-up on a tiny frame (class loading, SQL code generation, JIT), so no timed fit pays it. */
    void mlWarmup() {
        if (mlWarm) {
            return;
        }
        mlWarm = true;
        long t = System.nanoTime();
        Dataset<Row> df = frame(denseGenerator(200, 10, 2), 200, 10);
        for (String solver : new String[] {"gd", "l-bfgs"}) {
            MultilayerPerceptronClassificationModel m = new MultilayerPerceptronClassifier().setLayers(new int[] {10, 5, 2})
                    .setSolver(solver).setMaxIter(3).setSeed(SEED).fit(df);
            new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(m.transform(df));
        }
        df.unpersist();
        note(String.format(Locale.ROOT, "MLlib warm-up (first fits in this JVM): %.1f s, not counted",
                (System.nanoTime() - t) / 1e9));
    }

    MlFit mlFit(Dataset<Row> df, int[] layers, String solver, int maxIter, int blockSize, double tol) {
        mlWarmup();
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                .setLayers(layers).setSolver(solver).setMaxIter(maxIter).setBlockSize(blockSize)
                .setSeed(SEED).setTol(tol);
        if (solver.equals("gd")) {
            mlp.setStepSize(0.03);
        }
        Set<Integer> before = new HashSet<>();
        for (RDDInfo i : sc.sc().getRDDStorageInfo()) {
            before.add(i.id());
        }
        listener.blocks.clear();
        listener.gdJobStarts.clear();
        long t = System.nanoTime();
        MultilayerPerceptronClassificationModel m = mlp.fit(df);
        double secs = (System.nanoTime() - t) / 1e9;
        listener.drain(sc);
        Long[] starts = listener.gdJobStarts.toArray(new Long[0]);
        double iteration = Double.NaN;
        if (solver.equals("gd") && starts.length >= 2) {
            double[] gaps = new double[starts.length - 1];
            for (int i = 1; i < starts.length; i++) {
                gaps[i - 1] = (starts[i] - starts[i - 1]) / 1e3;
            }
            iteration = median(gaps);
        }
        long peak = 0;
        for (Map.Entry<String, Long> e : listener.blocks.entrySet()) {
            // rdd_<id>_<partition>
            String[] parts = e.getKey().split("_");
            if (parts.length == 3 && !before.contains(Integer.parseInt(parts[1]))) {
                peak += e.getValue();
            }
        }
        return new MlFit(secs, m, peak, iteration);
    }

    static String mllibBlas() {
        try {
            Object blas = org.apache.spark.ml.linalg.BLAS$.MODULE$.nativeBLAS();
            return blas.getClass().getSimpleName() + " (ml.linalg.BLAS.nativeBLAS, used by the MLP layers)";
        } catch (Throwable t) {
            return "unknown (" + t + ")";
        }
    }

    /** Runs {@code c} in a job group with a timeout; returns its result or an ERROR/TIMEOUT string. */
    String guarded(int seconds, Callable<String> c) {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        String group = "bench-guarded-" + System.nanoTime();
        Future<String> f = ex.submit(() -> {
            sc.setJobGroup(group, "guarded benchmark", true);
            return c.call();
        });
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            sc.cancelJobGroup(group);
            f.cancel(true);
            return "TIMEOUT after " + seconds + " s";
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "ERROR " + cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).lines()
                    .findFirst().orElse("");
        } finally {
            ex.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------
    // reflection into package-private trainer methods

    private static final Method GRADIENT_SUM;
    private static final Method LOCAL_ROUND;
    private static final Constructor<?> STEP_RANGE;
    private static final Method AGGREGATE;

    static {
        try {
            GRADIENT_SUM = DistributedTrainer.class.getDeclaredMethod("gradientSum", JavaRDD.class, double[].class,
                    int.class, int.class, int.class);
            GRADIENT_SUM.setAccessible(true);
            Class<?> stepRange = Class.forName("io.sparkbp.spark.GradientJobs$StepRange");
            STEP_RANGE = stepRange.getDeclaredConstructor(int.class, int.class, int.class, int.class);
            STEP_RANGE.setAccessible(true);
            LOCAL_ROUND = DistributedTrainer.class.getDeclaredMethod("localRound", JavaRDD.class, double[].class,
                    double[][].class, stepRange, double.class);
            LOCAL_ROUND.setAccessible(true);
            AGGREGATE = Class.forName("io.sparkbp.spark.OrderedAggregate").getDeclaredMethod("aggregate",
                    JavaRDD.class, Function2.class, Function2.class, int.class);
            AGGREGATE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static GradientAccumulator gradientSum(DistributedTrainer t, JavaRDD<PartitionData> rdd, double[] theta, int epoch,
                                           int step, int steps) throws Exception {
        return (GradientAccumulator) invoke(GRADIENT_SUM, t, rdd, theta, epoch, step, steps);
    }

    /** One local round from {@code theta} and the optimizer {@code state}; the sums hold weights, then state vectors. */
    static GradientAccumulator localRound(DistributedTrainer t, JavaRDD<PartitionData> rdd, double[] theta,
                                          double[][] state, int epoch, int first, int last, int steps, double lr)
            throws Exception {
        Object range = STEP_RANGE.newInstance(epoch, first, last, steps);
        return (GradientAccumulator) invoke(LOCAL_ROUND, t, rdd, theta, state, range, lr);
    }

    @SuppressWarnings("unchecked")
    static <T, U> U aggregate(JavaRDD<T> rdd, Function2<U, T, U> seqOp, Function2<U, U, U> combOp, int depth)
            throws Exception {
        return (U) invoke(AGGREGATE, null, rdd, seqOp, combOp, depth);
    }

    static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    static TrainerSettings settings(NetworkSpec spec, String optimizer, double lr, int batch, int localSteps,
                                    int epochs) {
        return settings(spec, optimizer, lr, batch, localSteps, epochs, 0.0);
    }

    static TrainerSettings settings(NetworkSpec spec, String optimizer, double lr, int batch, int localSteps,
                                    int epochs, double l2) {
        return settings(spec, optimizer, lr, batch, localSteps, epochs, l2, Precision.FLOAT64);
    }

    static TrainerSettings settings(NetworkSpec spec, String optimizer, double lr, int batch, int localSteps,
                                    int epochs, double l2, Precision precision) {
        return new TrainerSettings(spec, l2,
                new TrainerSettings.Steps(io.sparkbp.optim.OptimizerKind.parse(optimizer), 0.0, false, batch, localSteps),
                new TrainerSettings.Rate(LearningRateSchedule.constant(lr), 0),
                new TrainerSettings.Length(epochs, io.sparkbp.optim.StoppingRule.OFF),
                new TrainerSettings.Execution(SEED, 1, precision));
    }

    // ------------------------------------------------------------------------------------------
    // listener: task times and cached block sizes

    static final class Listener extends SparkListener {
        record Task(long runMs, long deserMs, long resultSerMs) {
        }

        record Tasks(double maxRun, double sumRun, double deser, double resultSer) {
        }

        final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
        final Map<String, Long> blocks = new ConcurrentHashMap<>();
        /** Start times (ms) of jobs whose stages were created by MLlib's GradientDescent (one per gd iteration). */
        final ConcurrentLinkedQueue<Long> gdJobStarts = new ConcurrentLinkedQueue<>();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            scala.collection.Iterator<StageInfo> it = e.stageInfos().iterator();
            while (it.hasNext()) {
                String name = it.next().name();
                if (name.startsWith("treeAggregate") && name.contains("GradientDescent")) {
                    gdJobStarts.add(e.time());
                    return;
                }
            }
        }

        void reset() {
            tasks.clear();
        }

        void drain(JavaSparkContext sc) {
            try {
                sc.sc().listenerBus().waitUntilEmpty();
            } catch (Exception e) {
                // best effort
            }
        }

        Tasks tasks(JavaSparkContext sc, int expected) {
            drain(sc);
            long max = 0;
            long sum = 0;
            long deser = 0;
            long ser = 0;
            for (Task t : tasks) {
                max = Math.max(max, t.runMs);
                sum += t.runMs;
                deser = Math.max(deser, t.deserMs);
                ser = Math.max(ser, t.resultSerMs);
            }
            return new Tasks(max / 1e3, sum / 1e3, deser / 1e3, ser / 1e3);
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() != null) {
                tasks.add(new Task(e.taskMetrics().executorRunTime(), e.taskMetrics().executorDeserializeTime(),
                        e.taskMetrics().resultSerializationTime()));
            }
        }

        @Override
        public void onBlockUpdated(SparkListenerBlockUpdated e) {
            BlockId id = e.blockUpdatedInfo().blockId();
            if (id.isRDD()) {
                long size = e.blockUpdatedInfo().memSize() + e.blockUpdatedInfo().diskSize();
                blocks.merge(id.name(), size, Math::max);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // formatting

    /** {@code [min-max]} of ratios, for a ratio column. */
    static String range(double[] ratios) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double r : ratios) {
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        return String.format(Locale.ROOT, "[%.2f-%.2f]", lo, hi);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            String[] p = s.split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "n/a" : fmt(l, 2);
        }
    }

    String plainTable() {
        List<String[]> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(rows);
        int[] w = new int[HEADER.length];
        for (String[] r : all) {
            for (int i = 0; i < r.length - 1; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < all.size(); j++) {
            String[] r = all.get(j);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                if (i < r.length - 1) {
                    line.append(String.format(Locale.ROOT, "%-" + w[i] + "s", cell)).append("  ");
                } else {
                    line.append(cell);
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (j == 0) {
                int total = 0;
                for (int i = 0; i < w.length - 1; i++) {
                    total += w[i] + 2;
                }
                sb.append("-".repeat(total + 5)).append('\n');
            }
        }
        sb.append("ratio: > 1 means sparkbp is faster (throughput sparkbp/MLlib, or time MLlib/sparkbp)\n");
        return sb.toString();
    }

    void writeMarkdown(List<String> env) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# sparkbp vs MLlib benchmark (").append(full ? "full" : "quick").append(")\n\n");
        for (String e : env) {
            sb.append("- ").append(e).append('\n');
        }
        sb.append('\n');
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (String[] r : rows) {
            String[] c = new String[r.length];
            for (int i = 0; i < r.length; i++) {
                c[i] = r[i].replace("|", "\\|");
            }
            sb.append("| ").append(String.join(" | ", c)).append(" |\n");
        }
        sb.append("\nratio: > 1 means sparkbp is faster (throughput sparkbp/MLlib, or time MLlib/sparkbp)\n\n");
        if (!log.isEmpty()) {
            sb.append("## Details\n\n");
            for (String l : log) {
                sb.append("- ").append(l.replace("|", "\\|")).append('\n');
            }
        }
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), sb.toString(), StandardCharsets.UTF_8);
        out.println("written: " + dir.resolve("results.md").toAbsolutePath());
    }
}
