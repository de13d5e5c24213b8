package io.sparkbp.model;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictorTest {
    static final double TOL = 1e-12;

    static Model randomModel(NetworkSpec spec, long seed, Transform in, Transform out) {
        return new Model(spec, spec.initialParameters(seed), in, out, null);
    }

    static Model randomModelWithBiases(NetworkSpec spec, long seed, Transform in, Transform out) {
        double[] theta = spec.initialParameters(seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            for (int o = 0; o < spec.width(l + 1); o++) {
                theta[spec.biasOffset(l) + o] = r.nextDouble() - 0.5;
            }
        }
        return new Model(spec, theta, in, out, null);
    }

    /** Straightforward forward pass from the model's accessors, one example at a time. */
    static double[] reference(Model m, double[] raw) {
        NetworkSpec spec = m.spec();
        double[] z = raw.clone();
        if (m.inputTransform().isPresent()) {
            Transform t = m.inputTransform().get();
            for (int j = 0; j < z.length; j++) {
                z[j] = (z[j] - t.mean(j)) / t.scale(j);
            }
        }
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            int out = spec.width(l + 1);
            double[] a = new double[out];
            for (int o = 0; o < out; o++) {
                double s = m.bias(l, o);
                for (int i = 0; i < z.length; i++) {
                    s += m.weight(l, o, i) * z[i];
                }
                a[o] = s;
            }
            if (l < spec.numWeightLayers() - 1) {
                for (int o = 0; o < out; o++) {
                    a[o] = switch (spec.hidden()) {
                        case SIGMOID -> 1 / (1 + Math.exp(-a[o]));
                        case TANH -> Math.tanh(a[o]);
                        case RELU -> Math.max(0, a[o]);
                    };
                }
            }
            z = a;
        }
        switch (spec.output()) {
            case LOGISTIC -> {
                for (int k = 0; k < z.length; k++) {
                    z[k] = 1 / (1 + Math.exp(-z[k]));
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int k = 0; k < z.length; k++) {
                    z[k] = Math.exp(z[k] - max);
                    sum += z[k];
                }
                for (int k = 0; k < z.length; k++) {
                    z[k] /= sum;
                }
            }
            case LINEAR -> {
                if (m.outputTransform().isPresent()) {
                    Transform t = m.outputTransform().get();
                    for (int k = 0; k < z.length; k++) {
                        z[k] = z[k] * t.scale(k) + t.mean(k);
                    }
                }
            }
        }
        return z;
    }

    static double[][] randomRows(int n, int d, long seed, double density) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextDouble() < density ? 3 * r.nextDouble() - 1 : 0.0;
            }
        }
        return rows;
    }

    static int[][] indicesOf(double[][] rows) {
        int[][] idx = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            List<Integer> nz = new ArrayList<>();
            for (int j = 0; j < rows[r].length; j++) {
                if (rows[r][j] != 0.0) {
                    nz.add(j);
                }
            }
            idx[r] = nz.stream().mapToInt(Integer::intValue).toArray();
        }
        return idx;
    }

    static double[][] valuesOf(double[][] rows, int[][] idx) {
        double[][] v = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            v[r] = new double[idx[r].length];
            for (int p = 0; p < idx[r].length; p++) {
                v[r][p] = rows[r][idx[r][p]];
            }
        }
        return v;
    }

    static void assertRowsClose(double[][] expected, double[][] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int r = 0; r < expected.length; r++) {
            assertArrayEquals(expected[r], actual[r], tol, "row " + r);
        }
    }

    static final Transform IN4 = new Transform(new double[] {0.5, -1.0, 2.0, 0.0}, new double[] {2.0, 0.5, 3.0, 1.5});
    static final Transform SCALE4 = new Transform(new double[] {0.0, 0.0, 0.0, 0.0}, new double[] {2.0, 0.5, 3.0, 1.5});

    @Test
    void matchesAReferenceForwardPassForEveryOutputKind() {
        double[][] rows = randomRows(37, 4, 1, 1.0);
        for (OutputKind kind : OutputKind.values()) {
            for (Activation act : Activation.values()) {
                NetworkSpec spec = new NetworkSpec(new int[] {4, 6, 5, 3}, act, kind);
                Transform out = kind == OutputKind.LINEAR
                        ? new Transform(new double[] {10, -20, 0.5}, new double[] {2, 0.25, 100}) : null;
                Model m = randomModelWithBiases(spec, 7, IN4, out);
                double[][] got = new Predictor(m, 8).predict(rows);
                for (int r = 0; r < rows.length; r++) {
                    assertArrayEquals(reference(m, rows[r]), got[r], 1e-9 * (kind == OutputKind.LINEAR ? 100 : 1),
                            kind + "/" + act + " row " + r);
                    if (kind == OutputKind.SOFTMAX) {
                        assertEquals(1.0, got[r][0] + got[r][1] + got[r][2], 1e-12);
                    }
                    if (kind != OutputKind.LINEAR) {
                        for (double y : got[r]) {
                            assertTrue(y >= 0 && y <= 1);
                        }
                    }
                }
            }
        }
    }

    @Test
    void blockSizeDoesNotChangeResults() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 9, 2}, Activation.TANH, OutputKind.SOFTMAX);
        Model m = randomModelWithBiases(spec, 3, IN4, null);
        double[][] rows = randomRows(101, 4, 2, 1.0);
        double[][] whole = new Predictor(m, 1000).predict(rows);
        for (int bs : new int[] {1, 2, 7, 100, 101}) {
            assertRowsClose(whole, new Predictor(m, bs).predict(rows), TOL);
        }
        Predictor p = new Predictor(m, 16);
        for (int r = 0; r < rows.length; r++) {
            assertArrayEquals(whole[r], p.predict(rows[r]), TOL);
        }
        assertEquals(0, p.predict(new double[0][]).length);
    }

    @Test
    void sparseRowsMatchDenseRows() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 5, 1}, Activation.RELU, OutputKind.LOGISTIC);
        double[][] rows = randomRows(50, 4, 4, 0.4);
        int[][] idx = indicesOf(rows);
        double[][] val = valuesOf(rows, idx);
        for (Transform t : new Transform[] {null, SCALE4, IN4}) {
            Model m = randomModelWithBiases(spec, 5, t, null);
            Predictor p = new Predictor(m, 6);
            assertRowsClose(p.predict(rows), p.predictSparse(idx, val), TOL);
        }
    }

    @Test
    void inputTransformIsAppliedBeforeTheNetwork() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 3, 2}, Activation.SIGMOID, OutputKind.LINEAR);
        Model plain = randomModelWithBiases(spec, 9, null, null);
        Model withIn = plain.withTransforms(IN4, null);
        double[][] rows = randomRows(20, 4, 6, 1.0);
        double[][] standardized = new double[rows.length][4];
        for (int r = 0; r < rows.length; r++) {
            IN4.apply(rows[r], 0, standardized[r], 0);
        }
        // Same arithmetic on the inputs, so exactly the same outputs.
        assertRowsClose(new Predictor(plain).predict(standardized), new Predictor(withIn).predict(rows), 0.0);

        Transform out = new Transform(new double[] {100, -5}, new double[] {3, 0.5});
        double[][] raw = new Predictor(withIn).predict(rows);
        double[][] scaled = new Predictor(withIn.withTransforms(IN4, out)).predict(rows);
        for (int r = 0; r < rows.length; r++) {
            assertEquals(raw[r][0] * 3 + 100, scaled[r][0], 0.0);
            assertEquals(raw[r][1] * 0.5 - 5, scaled[r][1], 0.0);
        }
    }

    @Test
    void predictsRawBlocks() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 5, 2}, Activation.TANH, OutputKind.LINEAR);
        double[][] rows = randomRows(13, 4, 8, 0.5);
        int[][] idx = indicesOf(rows);
        double[][] val = valuesOf(rows, idx);
        int m = rows.length;
        double[] x = new double[4 * m];
        int[] colPtr = new int[m + 1];
        List<Integer> allIdx = new ArrayList<>();
        List<Double> allVal = new ArrayList<>();
        for (int r = 0; r < m; r++) {
            System.arraycopy(rows[r], 0, x, 4 * r, 4);
            for (int p = 0; p < idx[r].length; p++) {
                allIdx.add(idx[r][p]);
                allVal.add(val[r][p]);
            }
            colPtr[r + 1] = allIdx.size();
        }
        Block dense = Block.dense(m, 4, 2, x, new double[2 * m], null);
        Block sparse = Block.sparse(m, 4, 2, colPtr, allIdx.stream().mapToInt(Integer::intValue).toArray(),
                allVal.stream().mapToDouble(Double::doubleValue).toArray(), new double[2 * m], null);
        Transform out = new Transform(new double[] {1, 2}, new double[] {3, 4});
        for (Transform in : new Transform[] {null, SCALE4, IN4}) {
            Model model = randomModelWithBiases(spec, 10, in, out);
            Predictor p = new Predictor(model, 4);
            double[][] expected = p.predict(rows);
            for (Block b : new Block[] {dense, sparse}) {
                double[] y = p.predict(b);
                assertEquals(2 * m, y.length);
                for (int r = 0; r < m; r++) {
                    assertArrayEquals(expected[r], new double[] {y[2 * r], y[2 * r + 1]}, TOL);
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> new Predictor(randomModel(spec, 1, null, null)).predict(Block.dense(1, 3, 2, new double[3], new double[2], null)));
    }

    @Test
    void rejectsMalformedRows() {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 2, 1}, Activation.TANH, OutputKind.LOGISTIC);
        Predictor p = new Predictor(randomModel(spec, 1, null, null));
        assertEquals("example 1 has 3 features, the model [4, 2, 1] tanh/logistic expects 4",
                assertThrows(IllegalArgumentException.class,
                        () -> p.predict(new double[][] {new double[4], new double[3]})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.predict((double[]) null));
        assertEquals("example 0 has feature index 4, the model [4, 2, 1] tanh/logistic has only 4 inputs",
                assertThrows(IllegalArgumentException.class,
                        () -> p.predictSparse(new int[][] {{0, 4}}, new double[][] {{1, 1}})).getMessage());
        assertEquals("example 0 has feature index 1; indices must be strictly ascending and non-negative",
                assertThrows(IllegalArgumentException.class,
                        () -> p.predictSparse(new int[][] {{2, 1}}, new double[][] {{1, 1}})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.predictSparse(new int[][] {{-1}}, new double[][] {{1}}));
        assertThrows(IllegalArgumentException.class, () -> p.predictSparse(new int[][] {{1, 1}}, new double[][] {{1, 1}}));
        assertEquals("example 0 has 2 indices but 1 values", assertThrows(IllegalArgumentException.class,
                () -> p.predictSparse(new int[][] {{0, 1}}, new double[][] {{1}})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.predictSparse(new int[1][], new double[2][]));
        assertThrows(IllegalArgumentException.class, () -> new Predictor(p.model(), 0));
        // a sparse block with an index past the inputs cannot even be built (Block.sparse checks indices)
        assertThrows(IllegalArgumentException.class,
                () -> Block.sparse(1, 4, 1, new int[] {0, 1}, new int[] {7}, new double[] {1}, new double[1], null));
        Block wide = Block.sparse(1, 8, 1, new int[] {0, 1}, new int[] {7}, new double[] {1}, new double[1], null);
        assertThrows(IllegalArgumentException.class, () -> p.predict(wide));
        assertEquals(4, p.inputs());
        assertEquals(1, p.outputs());
    }

    @Test
    void wideInputsUseSmallerDenseBlocks() {
        NetworkSpec spec = new NetworkSpec(new int[] {70_000, 2, 1}, Activation.RELU, OutputKind.LINEAR);
        double[] theta = new double[spec.numParams()];
        for (int i = 0; i < 70_000; i++) {
            theta[i * 2] = 1.0;        // W(0, i) = 1
            theta[i * 2 + 1] = -1.0;   // W(1, i) = -1
        }
        theta[spec.weightOffset(1)] = 2.0;     // y = 2 relu(sum x) + 3 relu(-sum x)
        theta[spec.weightOffset(1) + 1] = 3.0;
        Model m = new Model(spec, theta);
        double[][] rows = new double[130][70_000];
        for (int r = 0; r < rows.length; r++) {
            rows[r][r] = r % 2 == 0 ? r : -r;
        }
        double[][] y = new Predictor(m).predict(rows);
        double[][] ys = new Predictor(m).predictSparse(indicesOf(rows), valuesOf(rows, indicesOf(rows)));
        for (int r = 0; r < rows.length; r++) {
            double expected = r % 2 == 0 ? 2.0 * r : 3.0 * r;
            assertEquals(expected, y[r][0], 0.0);
            assertEquals(expected, ys[r][0], 0.0);
        }
    }

    // ---- committed version-1 fixtures -----------------------------------------------------------

    static Path resource(String name) throws Exception {
        URL url = PredictorTest.class.getResource("/model/" + name);
        assertTrue(url != null, "missing test resource /model/" + name);
        return Path.of(url.toURI());
    }

    @Test
    void committedXorModelOfVersion1LoadsAndPredicts() throws Exception {
        Path file = resource("xor-v1.json");
        Model m = ModelFormat.load(file.toUri().toString(), new Configuration());
        assertEquals(new NetworkSpec(new int[] {2, 2, 1}, Activation.SIGMOID, OutputKind.LOGISTIC), m.spec());
        // Pins the row layout of W: row o holds the weights into hidden unit o.
        assertEquals(-10.0, m.weight(0, 1, 0));
        assertEquals(10.0, m.weight(0, 0, 1));
        assertEquals(new Transform(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}), m.inputTransform().orElseThrow());
        Predictor p = new Predictor(m);
        double[][] y = p.predict(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        assertTrue(y[0][0] < 0.001, "0 xor 0: " + y[0][0]);
        assertTrue(y[1][0] > 0.999, "0 xor 1: " + y[1][0]);
        assertTrue(y[2][0] > 0.999, "1 xor 0: " + y[2][0]);
        assertTrue(y[3][0] < 0.001, "1 xor 1: " + y[3][0]);
        // Extra metadata is kept, in file order, with JSON integers as Long.
        assertEquals(List.of("config", "metrics", "trainedAt", "sparkbpVersion"), new ArrayList<>(m.extra().keySet()));
        assertEquals("2", ((Map<?, ?>) m.extra().get("config")).get("network.hidden"));
        Map<?, ?> metrics = (Map<?, ?>) m.extra().get("metrics");
        assertEquals(200L, metrics.get("epochs"));
        assertEquals(0.0123, metrics.get("trainLoss"));
        assertEquals(List.of(0.69, 0.25, 0.0123), metrics.get("history"));
        assertEquals("2025-01-01T00:00:00Z", m.extra().get("trainedAt"));
        // The writer's layout is the fixture's: if it ever changes on purpose, keep the fixture
        // (old files must stay readable) and drop this assertion.
        assertEquals(Files.readString(file), ModelFormat.toJson(m));
    }

    @Test
    void committedLinearModelOfVersion1LoadsAndPredicts() throws Exception {
        Path file = resource("linear-v1.json");
        Model m = ModelFormat.load(file.toString(), new Configuration());
        assertEquals(new NetworkSpec(new int[] {3, 2, 2}, Activation.TANH, OutputKind.LINEAR), m.spec());
        double[] x = {3.0, 1.0, 5.0};
        // By hand: x' = ((3-1)/2, (1-2)/0.5, (5+3)/4) = (1, -2, 2)
        double h0 = Math.tanh(0.1 + 0.5 * 1 - 1.0 * -2 + 0.25 * 2);
        double h1 = Math.tanh(-0.2 + 1.5 * 1 + 0.0 * -2 - 0.75 * 2);
        double y0 = (1.0 + 2.0 * h0 - 3.0 * h1) * 10.0 + 100.0;
        double y1 = (-1.0 + 0.5 * h0 + 4.0 * h1) * 0.1 - 50.0;
        assertArrayEquals(new double[] {y0, y1}, new Predictor(m).predict(x), 1e-12);
        assertTrue(m.extra().isEmpty());
        assertEquals(Files.readString(file), ModelFormat.toJson(m));
    }
}
