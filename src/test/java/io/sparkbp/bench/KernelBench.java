package io.sparkbp.bench;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.math.Blas;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.GradientAccumulator;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Precision;
import org.apache.spark.ml.ann.FeedForwardTopology;
import org.apache.spark.ml.ann.TopologyModel;
import org.apache.spark.ml.linalg.Vectors;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the machine's BLAS can do and how close each implementation's gradient kernel gets to it,
 * without Spark: the dgemm/sgemm ceiling at the network's own matrix shapes (one thread, and two
 * threads at once, which tells whether the cores share their floating-point units), the OpenBLAS
 * core type it picked, and one thread of sparkbp's {@link BlockGradient} against one thread of
 * MLlib's {@code FeedForwardModel.computeGradient} on the same rows.
 */
final class KernelBench {
    private KernelBench() {
    }

    /** {@code java ... KernelBench probe}: loads the BLAS once (run with OPENBLAS_VERBOSE=2 to see its core type). */
    public static void main(String[] args) {
        double[] a = new double[4];
        Blas.dgemm(false, false, 2, 2, 2, 1.0, a, 0, 2, a, 0, 2, 0.0, new double[4], 0, 2);
        System.out.println(Blas.implementation());
    }

    /**
     * The core type a DYNAMIC_ARCH OpenBLAS chose on this CPU (what {@code OPENBLAS_VERBOSE=2} reports
     * in a child JVM), or a short reason why it is not known.
     */
    static String openBlasCore() {
        if (!Blas.isNative()) {
            return "n/a (not native)";
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KernelBench.class.getName()).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_VERBOSE", "2");
        try {
            Process p = pb.start();
            String core = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("Core:")) {
                        core = line.substring(5).trim();
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (probe timed out)";
            }
            return core != null ? core : "not reported (not a DYNAMIC_ARCH OpenBLAS?)";
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** GFLOP/s of dgemm and sgemm for one shape, on one thread and on {@code threads} threads at once (total). */
    record Ceiling(int m, int n, int k, double dgemm1, double sgemm1, double dgemmAll, double sgemmAll, int threads) {
    }

    /**
     * Medians of {@code rounds} round-robin rounds of the four measurements, each {@code seconds}
     * long, so that a host whose speed drifts (shared machines do) affects one and two threads alike.
     * The same long-lived threads run every measurement, as Spark's executor threads do (a native BLAS
     * may keep per-thread buffers; a fresh thread per call would measure their setup).
     */
    static Ceiling ceiling(int m, int n, int k, int threads, int rounds, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double[][] r = new double[4][rounds];
            for (int i = 0; i < rounds; i++) {
                r[0][i] = gemmRate(pool, m, n, k, 1, false, seconds);
                r[1][i] = gemmRate(pool, m, n, k, 1, true, seconds);
                r[2][i] = gemmRate(pool, m, n, k, threads, false, seconds);
                r[3][i] = gemmRate(pool, m, n, k, threads, true, seconds);
            }
            return new Ceiling(m, n, k, Benchmark.median(r[0]), Benchmark.median(r[1]), Benchmark.median(r[2]),
                    Benchmark.median(r[3]), threads);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Total GFLOP/s of {@code threads} pool threads each running {@code C = A B} on their own buffers for {@code seconds}. */
    static double gemmRate(ExecutorService pool, int m, int n, int k, int threads, boolean single, double seconds)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Double>> rates = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            rates.add(pool.submit(() -> {
                double[] a = filled(m * k, 0.5);
                double[] b = filled(k * n, 0.25);
                double[] c = new double[m * n];
                float[] af = new float[m * k];
                float[] bf = new float[k * n];
                float[] cf = new float[m * n];
                Arrays.fill(af, 0.5f);
                Arrays.fill(bf, 0.25f);
                for (int i = 0; i < 3; i++) {  // warm-up outside the timed window
                    call(single, m, n, k, a, b, c, af, bf, cf);
                }
                start.await();
                long t0 = System.nanoTime();
                long deadline = t0 + (long) (seconds * 1e9);
                long done = 0;
                while (System.nanoTime() < deadline) {
                    call(single, m, n, k, a, b, c, af, bf, cf);
                    done++;
                }
                return 2.0 * m * n * k * done / ((System.nanoTime() - t0) / 1e9);
            }));
        }
        double total = 0;
        for (Future<Double> f : rates) {
            total += f.get();
        }
        return total / 1e9;
    }

    private static void call(boolean single, int m, int n, int k, double[] a, double[] b, double[] c, float[] af,
                             float[] bf, float[] cf) {
        if (single) {
            Blas.sgemm(false, false, m, n, k, 1f, af, 0, m, bf, 0, k, 0f, cf, 0, m);
        } else {
            Blas.dgemm(false, false, m, n, k, 1.0, a, 0, m, b, 0, k, 0.0, c, 0, m);
        }
    }

    private static double[] filled(int n, double v) {
        double[] x = new double[n];
        Arrays.fill(x, v);
        return x;
    }

    /**
     * Floating-point operations of one example's gradient, counting only the matrix products: the
     * forward pass (2 per weight), the weight gradient (2 per weight) and the deltas sent down to the
     * hidden layers (2 per weight above the first layer). Bias terms and activations are left out,
     * so GFLOP/s figures are comparable across implementations that do the same products.
     */
    static double flopsPerExample(NetworkSpec spec) {
        int[] w = spec.layers();
        double flops = 0;
        for (int l = 0; l + 1 < w.length; l++) {
            double weights = (double) w[l] * w[l + 1];
            flops += 4 * weights + (l > 0 ? 2 * weights : 0);
        }
        return flops;
    }

    /** One thread of sparkbp's kernel over {@code rows} (block size 256): each call is one full pass. */
    static Runnable sparkbpPass(NetworkSpec spec, List<ParsedExample> rows, Precision precision, long seed) {
        List<Block> blocks = new ArrayList<>();
        new BlockPacker(spec.inputs(), spec.outputs(), BlockPacker.DEFAULT_BLOCK_ROWS, Layout.DENSE, precision)
                .pack(rows.iterator()).forEachRemaining(blocks::add);
        double[] theta = spec.initialParameters(seed);
        float[] thetaF = new float[theta.length];
        for (int i = 0; i < theta.length; i++) {
            thetaF[i] = (float) theta[i];
        }
        BlockGradient bg = new BlockGradient(spec, BlockPacker.DEFAULT_BLOCK_ROWS);
        GradientAccumulator acc = new GradientAccumulator(spec.numParams());
        return () -> {
            for (Block b : blocks) {
                if (precision == Precision.FLOAT32) {
                    bg.accumulate(thetaF, b, 0, b.rows(), acc);
                } else {
                    bg.accumulate(theta, b, 0, b.rows(), acc);
                }
            }
        };
    }

    /**
     * One thread of MLlib's own gradient kernel ({@code FeedForwardTopology.multiLayerPerceptron(layers,
     * softmaxOnTop = true)}, the topology its classifier trains) on the same rows, stacked
     * {@code blockSize} examples per matrix as its classifier stacks them: each call is one full pass.
     */
    @SuppressWarnings("unchecked")
    static Runnable mllibPass(NetworkSpec spec, List<ParsedExample> rows, int blockSize, long seed) {
        int nIn = spec.inputs();
        int k = spec.outputs();
        TopologyModel model = FeedForwardTopology.multiLayerPerceptron(spec.layers(), true).model(seed);
        List<breeze.linalg.DenseMatrix<Object>[]> blocks = new ArrayList<>();
        for (int s = 0; s < rows.size(); s += blockSize) {
            int m = Math.min(blockSize, rows.size() - s);
            double[] x = new double[nIn * m];
            double[] t = new double[k * m];
            for (int j = 0; j < m; j++) {
                ParsedExample e = rows.get(s + j);
                System.arraycopy(e.denseFeatures(nIn), 0, x, j * nIn, nIn);
                System.arraycopy(e.targets(), 0, t, j * k, k);
            }
            blocks.add(new breeze.linalg.DenseMatrix[] {
                    new breeze.linalg.DenseMatrix$mcD$sp(nIn, m, x), new breeze.linalg.DenseMatrix$mcD$sp(k, m, t)});
        }
        org.apache.spark.ml.linalg.Vector grad = Vectors.zeros(model.weights().size());
        return () -> {
            for (breeze.linalg.DenseMatrix<Object>[] b : blocks) {
                model.computeGradient(b[0], b[1], grad, b[0].cols());
            }
        };
    }

    /**
     * Median seconds per call of each pass, measured round-robin ({@code reps} rounds after one
     * warm-up round) so that a noisy neighbour slows all of them alike.
     */
    static double[] interleaved(int reps, Runnable... passes) {
        double[][] t = new double[passes.length][reps];
        for (int r = -1; r < reps; r++) {
            for (int i = 0; i < passes.length; i++) {
                long t0 = System.nanoTime();
                passes[i].run();
                if (r >= 0) {
                    t[i][r] = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        double[] med = new double[passes.length];
        for (int i = 0; i < passes.length; i++) {
            med[i] = Benchmark.median(t[i]);
        }
        return med;
    }
}
