package io.sparkbp.bench;

import io.sparkbp.cli.Main;
import io.sparkbp.math.Blas;
import io.sparkbp.spark.SparkDefaults;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench.sh large}: how ingest and training scale with the size of the data. Writes LIBSVM
 * files deterministically (seeded) at 1x, 4x and 16x of a base size, dense (100 features, all
 * nonzero, 10 classes) and sparse (10,000 features, 20 nonzeros per row), and trains each with the
 * command line's {@code train} in this JVM on {@code local[2]}: network 100-64-10 (sparse:
 * 10000-64-10), full-batch SGD, 3 epochs, no hold-out, nothing else. For each file it prints the
 * ingest rate (file bytes over the time from the command's start to its {@code training data:}
 * line, per core), the time to the end of epoch 1, seconds per epoch and examples per second (from
 * the metrics file), the bytes per stored value of the cached blocks and of the part Spark wrote to
 * local disk (its serialized size), and the JVM's peak heap (driver and executors are this JVM; the
 * sum of the heap pools' peaks, an upper bound). Then the same files through Spark MLlib's MLP where they fit:
 * {@code spark.read.format("libsvm")}, cached and counted (its load), and 3 l-bfgs iterations.
 *
 * <pre>LargeBench DATA_DIR OUT_MD [--base ROWS] [--sizes 1,4,16] [--kinds dense,sparse] [--mllib-max-bytes B]</pre>
 */
public final class LargeBench {
    private static final int DENSE_FEATURES = 100;
    private static final int SPARSE_FEATURES = 10_000;
    private static final int SPARSE_NONZEROS = 20;
    private static final int CLASSES = 10;
    private static final int CORES = 2;
    private static final Pattern CACHED = Pattern.compile(
            "training data: ([0-9,]+) examples in (\\d+) partitions?, ([0-9.]+) (B|KiB|MiB|GiB) cached \\(([A-Z_]+)"
                    + "(?:, ([0-9.]+) (B|KiB|MiB|GiB) of it on local disk)?\\)");

    private LargeBench() {
    }

    /** One generated file: its rows, stored values (dense entries or nonzeros) and bytes. */
    record DataFile(String name, Path path, boolean sparse, long rows, long values, long bytes) {
        int features() {
            return sparse ? SPARSE_FEATURES : DENSE_FEATURES;
        }
    }

    /** What one sparkbp run measured. */
    record Measured(double ingestSeconds, double firstEpochSeconds, double epochSeconds, double examplesPerSecond,
                    double blockBytes, double diskBytes, long peakHeap, int partitions) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long base = Long.parseLong(option(args, "--base", "125000"));
        long mllibMax = Long.parseLong(option(args, "--mllib-max-bytes", "600000000"));
        List<Integer> sizes = new ArrayList<>();
        for (String s : option(args, "--sizes", "1,4,16").split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        List<Boolean> kinds = new ArrayList<>(); // sparse or not, in the order given
        for (String kind : option(args, "--kinds", "dense,sparse").split(",")) {
            if (!kind.trim().equals("sparse") && !kind.trim().equals("dense")) {
                throw new IllegalArgumentException("--kinds: expected dense and/or sparse, got '" + kind + "'");
            }
            kinds.add(kind.trim().equals("sparse"));
        }
        Files.createDirectories(dir);
        Configurator.setRootLevel(Level.WARN);
        List<String> rows = new ArrayList<>();
        rows.add("| data | rows | file | ingest MB/s per core | to end of epoch 1 (s) | s per epoch | examples/s "
                + "| cached B per value (of which Spark wrote to disk) | peak heap | MLlib load (s) | MLlib s per iteration |");
        rows.add("|---|---|---|---|---|---|---|---|---|---|---|");
        SparkConf conf = SparkDefaults.apply(new SparkConf().setMaster("local[" + CORES + "]")
                .setAppName("sparkbp large").set("spark.ui.enabled", "false"));
        System.out.println("BLAS " + Blas.implementation() + (Blas.isNative() ? " (native)" : " (pure Java)")
                + ", max heap " + mib(Runtime.getRuntime().maxMemory()));
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            // warm-up, not reported: the JIT and Spark's first jobs would otherwise count against 1x
            DataFile warm = generate(dir, false, 0, 5000);
            sparkbp(warm);
            mllib(spark, warm);
            for (boolean sparse : kinds) {
                for (int k : sizes) {
                    long n = (sparse ? 4 : 1) * base * k;
                    DataFile f = generate(dir, sparse, k, n);
                    Measured m = sparkbp(f);
                    // MLlib's MLP stacks its inputs into dense blocks: 10,000 sparse features would be 80 kB a row
                    double[] ml = !sparse && f.bytes() <= mllibMax ? mllib(spark, f) : null;
                    String row = row(f, k, m, ml);
                    rows.add(row);
                    System.out.println(row);
                }
            }
        }
        Files.write(out, rows, StandardCharsets.UTF_8);
    }

    private static String option(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }

    /** Writes (once) {@code rows} rows: a class k's rows lean towards their own features, seeded. */
    static DataFile generate(Path dir, boolean sparse, int k, long rows) throws IOException {
        String name = k == 0 ? "warm-up" : (sparse ? "sparse" : "dense") + "-" + k + "x";
        Path path = dir.resolve(name + ".libsvm");
        long values = rows * (sparse ? SPARSE_NONZEROS : DENSE_FEATURES);
        if (!Files.exists(path)) {
            Path tmp = dir.resolve(name + ".libsvm.tmp");
            SplittableRandom rng = new SplittableRandom(20261202L + k * 31L + (sparse ? 7 : 0));
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                StringBuilder sb = new StringBuilder(4096);
                for (long r = 0; r < rows; r++) {
                    sb.setLength(0);
                    int label = (int) (r % CLASSES);
                    sb.append(label);
                    if (sparse) {
                        sparseRow(sb, rng, label);
                    } else {
                        for (int j = 0; j < DENSE_FEATURES; j++) {
                            double v = (j % CLASSES == label ? 0.8 : 0.0) + rng.nextDouble();
                            fixed(sb.append(' ').append(j + 1).append(':'), v, 4);
                        }
                    }
                    w.append(sb).append('\n');
                }
            }
            Files.move(tmp, path);
        }
        return new DataFile(name, path, sparse, rows, values, Files.size(path));
    }

    /** {@link #SPARSE_NONZEROS} distinct increasing indices, half of them in the label's own block of features. */
    private static void sparseRow(StringBuilder sb, SplittableRandom rng, int label) {
        java.util.TreeMap<Integer, Double> row = new java.util.TreeMap<>();
        int block = SPARSE_FEATURES / CLASSES;
        while (row.size() < SPARSE_NONZEROS) {
            int j = row.size() % 2 == 0 ? label * block + rng.nextInt(block) : rng.nextInt(SPARSE_FEATURES);
            row.putIfAbsent(j, 0.5 + rng.nextDouble());
        }
        row.forEach((j, v) -> fixed(sb.append(' ').append(j + 1).append(':'), v, 3));
    }

    /** Appends {@code v >= 0} with {@code digits} decimals (String.format would take most of the generation time). */
    private static void fixed(StringBuilder sb, double v, int digits) {
        long scale = digits == 4 ? 10_000 : 1_000;
        long x = Math.round(v * scale);
        sb.append(x / scale).append('.');
        String frac = Long.toString(scale + x % scale);
        sb.append(frac, 1, frac.length());
    }

    /** Trains {@code f} with the command line in this JVM and reads the timings off its lines and metrics file. */
    static Measured sparkbp(DataFile f) throws IOException {
        Path metrics = f.path().resolveSibling(f.name() + "-metrics.jsonl");
        Path model = f.path().resolveSibling(f.name() + "-model.json");
        Files.deleteIfExists(metrics);
        resetPeaks();
        TimedLines lines = new TimedLines();
        PrintStream ps = new PrintStream(lines, true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {"train", "data.train=" + f.path(), "data.features=" + f.features(),
                "model.hidden=64", "model.outputs=" + CLASSES, "train.optimizer=sgd", "train.learningRate=0.5",
                "train.batchSize=0", "train.epochs=3", "data.validationFraction=0", "output.model=" + model,
                "output.metrics=" + metrics, "output.overwrite=true"}, ps, ps);
        long peak = peakHeap();
        if (code != 0) {
            throw new IOException("train on " + f.path() + " failed (exit " + code + "):\n" + lines.text());
        }
        Matcher c = CACHED.matcher(lines.text());
        if (!c.find()) {
            throw new IOException("no training data line in:\n" + lines.text());
        }
        double total = bytes(c.group(3), c.group(4));
        double disk = c.group(6) == null ? 0 : bytes(c.group(6), c.group(7));
        List<String> epochs = Files.readAllLines(metrics);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        double epochSum = 0;
        double exPerSec = 0;
        for (String l : epochs.subList(1, epochs.size())) {
            var e = json.readTree(l);
            epochSum += e.get("seconds").asDouble();
            exPerSec += e.get("examplesPerSecond").asDouble();
        }
        int later = epochs.size() - 1;
        return new Measured(lines.secondsTo("training data:"), lines.secondsTo("epoch 1/"), epochSum / later,
                exPerSec / later, total, disk, peak, Integer.parseInt(c.group(2)));
    }

    /** MLlib's side: {@code {load and cache seconds, seconds per l-bfgs iteration}} for 3 iterations. */
    static double[] mllib(SparkSession spark, DataFile f) {
        long t0 = System.nanoTime();
        Dataset<Row> df = spark.read().format("libsvm").option("numFeatures", f.features()).load(f.path().toString())
                .persist(StorageLevel.MEMORY_AND_DISK());
        df.count();
        double load = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        new MultilayerPerceptronClassifier().setLayers(new int[] {f.features(), 64, CLASSES}).setMaxIter(3)
                .setSolver("l-bfgs").setTol(0).setSeed(1).fit(df);
        double perIteration = (System.nanoTime() - t1) / 1e9 / 3;
        df.unpersist(true);
        return new double[] {load, perIteration};
    }

    private static String row(DataFile f, int k, Measured m, double[] ml) {
        double cores = CORES;
        return String.format(Locale.ROOT, "| %s | %,d | %s | %.1f | %.1f | %.2f | %,.0f | %.2f (%.2f on disk) | %s | %s | %s |",
                f.name(), f.rows(), mib(f.bytes()), f.bytes() / 1e6 / m.ingestSeconds() / cores, m.firstEpochSeconds(),
                m.epochSeconds(), m.examplesPerSecond(), m.blockBytes() / f.values(), m.diskBytes() / f.values(),
                mib(m.peakHeap()), ml == null ? "not run" : String.format(Locale.ROOT, "%.1f", ml[0]),
                ml == null ? "not run" : String.format(Locale.ROOT, "%.2f", ml[1]));
    }

    private static double bytes(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "KiB" -> v * 1024;
            case "MiB" -> v * 1024 * 1024;
            case "GiB" -> v * 1024 * 1024 * 1024;
            default -> v;
        };
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peak usage since {@link #resetPeaks}. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The command's output, with the time each line was written (seconds since this stream was made). */
    static final class TimedLines extends OutputStream {
        private final long start = System.nanoTime();
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder line = new StringBuilder();
        private final List<Double> times = new ArrayList<>();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString());
                times.add((System.nanoTime() - start) / 1e9);
                line.setLength(0);
            } else {
                line.append((char) b);
            }
            text.append((char) b);
        }

        synchronized String text() {
            return text.toString();
        }

        /** When the first line starting with {@code prefix} was written. */
        synchronized double secondsTo(String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return times.get(i);
                }
            }
            return Double.NaN;
        }
    }
}
