package io.sparkbp.model;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFormatTest {
    @TempDir
    Path dir;

    static final double[] SPECIALS = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
            Math.nextDown(Double.MIN_NORMAL), 4.35e-310, 1e-308, -1e-308, Double.MAX_VALUE, -Double.MAX_VALUE,
            1.7976931348623157e308, 1.0, -1.0, 0.1, 1.0 / 3.0, 2e23, 1e23, 9007199254740993.0, Math.PI, 1e-5, 1e7,
            123456789012345678.0, 5e-324, 2.2250738585072014E-308, 0.30000000000000004};

    /** Special values first, then random bit patterns, subnormals and ordinary magnitudes. */
    static double[] nastyDoubles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            if (i < SPECIALS.length) {
                a[i] = SPECIALS[i];
                continue;
            }
            double d;
            switch (r.nextInt(4)) {
                case 0 -> {
                    do {
                        d = Double.longBitsToDouble(r.nextLong());
                    } while (!Double.isFinite(d));
                }
                case 1 -> d = Double.longBitsToDouble((r.nextLong() & 0x000FFFFFFFFFFFFFL) | (r.nextBoolean() ? Long.MIN_VALUE : 0));
                case 2 -> d = r.nextDouble() * 2 - 1;
                default -> d = r.nextDouble() * Math.pow(10, r.nextInt(-300, 300));
            }
            a[i] = d;
        }
        return a;
    }

    static void assertBitsEqual(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "value " + i + ": " + expected[i] + " came back as " + actual[i]);
        }
    }

    static Model richModel() {
        NetworkSpec spec = new NetworkSpec(new int[] {3, 5, 4, 2}, Activation.RELU, OutputKind.LINEAR);
        double[] theta = nastyDoubles(spec.numParams(), 11);
        Transform in = new Transform(new double[] {-0.0, 1e-308, Double.MAX_VALUE},
                new double[] {Double.MIN_VALUE, 1.7976931348623157e308, 0.1});
        Transform out = new Transform(new double[] {Math.PI, -1e300}, new double[] {4.9e-324, 3.0});
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("network.hidden", "5,4");
        config.put("quote\"back\\slash", "tab\tnewline\nunicode \u00e9\u4e2d\u0001");
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("trainLoss", 0.123456789012345678);
        metrics.put("epochs", 42L);
        metrics.put("history", List.of(1.0, -0.0, 5e-324));
        metrics.put("nested", List.of(Map.of("a", 1L), List.of(), Map.of()));
        metrics.put("ok", true);
        metrics.put("none", null);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", config);
        extra.put("metrics", metrics);
        extra.put("trainedAt", "2025-06-01T12:00:00Z");
        extra.put("sparkbpVersion", "0.1.0");
        extra.put("big", Long.MIN_VALUE);
        return new Model(spec, theta, in, out, extra);
    }

    @Test
    void roundTripIsBitExactForNastyDoubles() {
        for (long seed = 1; seed <= 5; seed++) {
            NetworkSpec spec = new NetworkSpec(new int[] {7, 11, 3}, Activation.TANH, OutputKind.SOFTMAX);
            double[] theta = nastyDoubles(spec.numParams(), seed);
            Model m = new Model(spec, theta);
            Model back = ModelFormat.fromJson(ModelFormat.toJson(m), "mem");
            assertEquals(m, back);
            assertBitsEqual(theta, back.theta());
        }
    }

    @Test
    void everyFormattedDoubleParsesBackToTheSameBits() {
        double[] a = nastyDoubles(100_000, 99);
        for (double d : a) {
            String s = ModelFormat.formatDouble(d);
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Double.parseDouble(s)), s);
        }
    }

    @Test
    void roundTripKeepsTransformsAndExtraInOrder() {
        Model m = richModel();
        String json = ModelFormat.toJson(m);
        Model back = ModelFormat.fromJson(json, "mem");
        assertEquals(m, back);
        assertBitsEqual(m.theta(), back.theta());
        assertBitsEqual(m.inputTransform().orElseThrow().mean(), back.inputTransform().orElseThrow().mean());
        assertBitsEqual(m.outputTransform().orElseThrow().scale(), back.outputTransform().orElseThrow().scale());
        assertEquals(List.of("config", "metrics", "trainedAt", "sparkbpVersion", "big"),
                new ArrayList<>(back.extra().keySet()));
        assertEquals(m.extra(), back.extra());
        // Writing the read model again gives the same text.
        assertEquals(json, ModelFormat.toJson(back));
        // Required fields come first, in this order, then the transforms, then the extra metadata.
        List<String> order = Stream.of("\"format\"", "\"version\"", "\"layers\"", "\"hiddenActivation\"", "\"output\"",
                "\"weights\"", "\"inputTransform\"", "\"outputTransform\"", "\"config\"", "\"metrics\"", "\"trainedAt\"")
                .collect(Collectors.toList());
        int last = -1;
        for (String key : order) {
            int at = json.indexOf("\n  " + key + ": ");
            assertTrue(at > last, key + " out of order in\n" + json);
            last = at;
        }
        assertTrue(json.startsWith("{\n  \"format\": \"sparkbp-mlp\",\n  \"version\": 1,\n  \"layers\": [3, 5, 4, 2],"));
    }

    @Test
    void writersOnSeveralThreadsEachGetTheirOwnLayout() throws Exception {
        // The layout printer keeps state per document; the shared writer must hand out a fresh one.
        Model m = richModel();
        String expected = ModelFormat.toJson(m);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> texts = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                texts.add(pool.submit(() -> ModelFormat.toJson(m)));
            }
            for (var text : texts) {
                assertEquals(expected, text.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveAndLoadThroughFileUris() throws Exception {
        Model m = richModel();
        Configuration conf = new Configuration();
        String uri = dir.toUri() + "sub/model.json"; // file:///...; the parent directory is created
        assertTrue(uri.startsWith("file:"));
        ModelFormat.save(m, uri, conf, false);
        assertEquals(m, ModelFormat.load(uri, conf));
        assertEquals(List.of("model.json"), HadoopFilesTest.list(dir.resolve("sub")));
        assertEquals(ModelFormat.toJson(m), Files.readString(dir.resolve("sub/model.json")));

        // A plain local path works too, and overwrite replaces the file.
        String plain = dir.resolve("sub/model.json").toString();
        Model other = m.withExtra(Map.of("trainedAt", "later"));
        ModelFormat.save(other, plain, conf, true);
        assertEquals(other, ModelFormat.load(plain, conf));
        assertEquals(List.of("model.json"), HadoopFilesTest.list(dir.resolve("sub")));

        var e = assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
                () -> ModelFormat.save(m, uri, conf, false));
        assertEquals("output file '" + uri + "' already exists; set output.overwrite=true to replace it", e.getMessage());
        assertEquals(other, ModelFormat.load(uri, conf));
    }

    @Test
    void rowsOfWAreTheWeightsIntoOneUnit() {
        String json = """
                {"format": "sparkbp-mlp", "version": 1, "layers": [2, 1], "hiddenActivation": "sigmoid",
                 "output": "linear", "weights": [{"W": [[2, 3]], "b": [1]}]}
                """;
        Predictor p = new Predictor(ModelFormat.fromJson(json, "hand.json"));
        assertArrayEquals(new double[] {1 + 2 * 5.0 + 3 * 7.0}, p.predict(new double[] {5, 7}));
        assertArrayEquals(new double[] {1 + 2 * -1.5 + 3 * 0.25}, p.predict(new double[] {-1.5, 0.25}));

        String json2 = """
                {"format": "sparkbp-mlp", "version": 1, "layers": [3, 2], "hiddenActivation": "relu",
                 "output": "linear", "weights": [{"W": [[1, 2, 3], [4, 5, 6]], "b": [0.5, -0.5]}]}
                """;
        Model m = ModelFormat.fromJson(json2, "hand2.json");
        assertEquals(6.0, m.weight(0, 1, 2));
        assertEquals(2.0, m.weight(0, 0, 1));
        // Column-major flat layout: W(o, i) at i * out + o.
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6, 0.5, -0.5}, m.theta());
        assertArrayEquals(new double[] {0.5 + 1 + 2 * 2 + 3 * 3, -0.5 + 4 + 5 * 2 + 6 * 3},
                new Predictor(m).predict(new double[] {1, 2, 3}));
        // And the writer writes the same rows back.
        String written = ModelFormat.toJson(m);
        assertTrue(written.contains("\"W\": [\n        [1.0, 2.0, 3.0],\n        [4.0, 5.0, 6.0]\n      ]"), written);
        assertTrue(written.contains("\"b\": [0.5, -0.5]"), written);
    }

    @Test
    void fieldsMayComeInAnyOrder() {
        String json = """
                {"metrics": {"loss": 1}, "weights": [{"b": [1], "W": [[2, 3]]}], "output": "linear",
                 "inputTransform": {"scale": [2, 4], "mean": [1, -1]},
                 "hiddenActivation": "TANH", "layers": [2, 1], "version": 1, "format": "sparkbp-mlp"}
                """;
        Model m = ModelFormat.fromJson(json, "any.json");
        assertArrayEquals(new double[] {2, 3, 1}, m.theta());
        assertEquals(Activation.TANH, m.spec().hidden());
        assertEquals(new Transform(new double[] {1, -1}, new double[] {2, 4}), m.inputTransform().orElseThrow());
        assertEquals(Map.of("metrics", Map.of("loss", 1L)), m.extra());
        // x' = ((3 - 1) / 2, (5 + 1) / 4) = (1, 1.5); y = 1 + 2 * 1 + 3 * 1.5
        assertArrayEquals(new double[] {7.5}, new Predictor(m).predict(new double[] {3, 5}));
    }

    @Test
    void integerTokensAreReadExactly() {
        String json = """
                {"format": "sparkbp-mlp", "version": 1, "layers": [1, 1], "hiddenActivation": "sigmoid",
                 "output": "linear", "weights": [{"W": [[-0]], "b": [123456789012345678901234567890]}]}
                """;
        Model m = ModelFormat.fromJson(json, "ints.json");
        assertBitsEqual(new double[] {-0.0, 123456789012345678901234567890.0}, m.theta());
    }

    @Test
    void numbersAfterAnIntegerBeyondLongAreReadExactly() {
        // jackson-core 2.18.2 (Spark 4.0) keeps the value of an integer beyond long after its number
        // type was asked for, and hands it out again as the next float's getDoubleValue().
        String json = """
                {"metrics": {"count": 99999999999999999999999, "loss": 0.25, "history": [1.5, 2.5],
                             "total": 99999999999999999999999},
                 "format": "sparkbp-mlp", "version": 1, "layers": [2, 1], "hiddenActivation": "sigmoid",
                 "output": "linear", "weights": [{"W": [[0.5, 2]], "b": [1.5]}]}
                """;
        Model m = ModelFormat.fromJson(json, "big.json");
        assertBitsEqual(new double[] {0.5, 2.0, 1.5}, m.theta());
        Map<?, ?> metrics = (Map<?, ?>) m.extra().get("metrics");
        assertEquals(1e23, metrics.get("count"));
        assertEquals(0.25, metrics.get("loss"));
        assertEquals(List.of(1.5, 2.5), metrics.get("history"));
        assertEquals(1e23, metrics.get("total"));
    }

    @Test
    void loadsLargeModelsBitExactly() throws Exception {
        NetworkSpec spec = new NetworkSpec(new int[] {200, 300, 100, 10}, Activation.SIGMOID, OutputKind.SOFTMAX);
        Model m = new Model(spec, nastyDoubles(spec.numParams(), 5));
        String uri = dir.resolve("big.json").toUri().toString();
        ModelFormat.save(m, uri, new Configuration(), false);
        assertEquals(m, ModelFormat.load(uri, new Configuration()));
    }

    // ---- rejections ---------------------------------------------------------------------------

    /** A valid [2, 3, 1] model as named raw JSON values that a test can replace or remove. */
    static final class Doc {
        final LinkedHashMap<String, String> fields = new LinkedHashMap<>();

        Doc() {
            fields.put("format", "\"sparkbp-mlp\"");
            fields.put("version", "1");
            fields.put("layers", "[2, 3, 1]");
            fields.put("hiddenActivation", "\"sigmoid\"");
            fields.put("output", "\"logistic\"");
            fields.put("weights", weights(W0, B0, W1, B1));
        }

        static final String W0 = "[[1, 2], [3, 4], [5, 6]]";
        static final String B0 = "[0, 0, 0]";
        static final String W1 = "[[1, 2, 3]]";
        static final String B1 = "[0]";

        static String weights(String w0, String b0, String w1, String b1) {
            return "[{\"W\": " + w0 + ", \"b\": " + b0 + "}, {\"W\": " + w1 + ", \"b\": " + b1 + "}]";
        }

        Doc set(String key, String rawJson) {
            fields.put(key, rawJson);
            return this;
        }

        Doc remove(String key) {
            fields.remove(key);
            return this;
        }

        String json() {
            return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
    }

    static Doc doc() {
        return new Doc();
    }

    static String rejected(String json) {
        return assertThrows(ModelFormatException.class, () -> ModelFormat.fromJson(json, "t.json")).getMessage();
    }

    static void assertRejected(Doc d, String expectedAfterFileName) {
        String msg = rejected(d.json());
        assertEquals("model file 't.json'" + expectedAfterFileName, msg, d.json());
    }

    @Test
    void baseDocumentIsValid() {
        Model m = ModelFormat.fromJson(doc().json(), "t.json");
        assertEquals(new NetworkSpec(new int[] {2, 3, 1}, Activation.SIGMOID, OutputKind.LOGISTIC), m.spec());
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6, 0, 0, 0, 1, 2, 3, 0}, m.theta());
    }

    @Test
    void rejectsOtherFormats() {
        assertRejected(doc().set("format", "\"keras\""),
                " is not a sparkbp model file: field \"format\" is the string \"keras\", expected \"sparkbp-mlp\"");
        assertRejected(doc().set("format", "1"),
                " is not a sparkbp model file: field \"format\" is the number 1, expected \"sparkbp-mlp\"");
        assertRejected(doc().remove("format"),
                " is not a sparkbp model file: field \"format\" is missing (expected \"sparkbp-mlp\")");
        // The format is checked before anything else.
        assertRejected(doc().set("format", "\"keras\"").remove("version").set("layers", "7"),
                " is not a sparkbp model file: field \"format\" is the string \"keras\", expected \"sparkbp-mlp\"");
    }

    @Test
    void rejectsUnsupportedVersions() {
        assertRejected(doc().set("version", "2"),
                ": field \"version\" is 2, which this sparkbp cannot read (supported versions: 1)");
        assertRejected(doc().set("version", "0"),
                ": field \"version\" is 0, which this sparkbp cannot read (supported versions: 1)");
        assertRejected(doc().set("version", "\"1\""),
                ": field \"version\" is the string \"1\", expected an integer (supported versions: 1)");
        assertRejected(doc().set("version", "1.0"),
                ": field \"version\" is the number 1.0, expected an integer (supported versions: 1)");
        assertRejected(doc().remove("version"), ": field \"version\" is missing (supported versions: 1)");
        // A future version may change anything else; the version is reported first.
        assertRejected(doc().set("version", "2").set("layers", "{}").remove("weights"),
                ": field \"version\" is 2, which this sparkbp cannot read (supported versions: 1)");
    }

    @Test
    void rejectsBadLayers() {
        assertRejected(doc().remove("layers"), ": field \"layers\" is missing");
        assertRejected(doc().set("layers", "\"2,3,1\""),
                ": field \"layers\" is the string \"2,3,1\", expected an array of positive integers");
        assertRejected(doc().set("layers", "[2]"),
                ": field \"layers\" has 1 entry, expected at least 2 (the input and output sizes)");
        assertRejected(doc().set("layers", "[]"),
                ": field \"layers\" has 0 entries, expected at least 2 (the input and output sizes)");
        assertRejected(doc().set("layers", "[2, 0, 1]"),
                ": field \"layers[1]\" is 0, expected a positive integer (every layer needs at least 1 unit)");
        assertRejected(doc().set("layers", "[2, -3, 1]"),
                ": field \"layers[1]\" is -3, expected a positive integer (every layer needs at least 1 unit)");
        assertRejected(doc().set("layers", "[2, -99999999999999999999999, 1]"),
                ": field \"layers[1]\" is -99999999999999999999999, expected a positive integer (every layer needs at least 1 unit)");
        assertRejected(doc().set("layers", "[2, 1.5, 1]"),
                ": field \"layers[1]\" is the number 1.5, expected a positive integer");
        assertRejected(doc().set("layers", "[2, \"3\", 1]"),
                ": field \"layers[1]\" is the string \"3\", expected a positive integer");
        assertRejected(doc().set("layers", "[2, [3], 1]"),
                ": field \"layers[1]\" is an array, expected a positive integer");
        assertRejected(doc().set("layers", "[2, 3000000000, 1]"),
                ": field \"layers[1]\" is 3000000000, larger than the largest possible layer (2147483647 units)");
        assertRejected(doc().set("layers", "[2, 99999999999999999999999, 1]"),
                ": field \"layers[1]\" is 99999999999999999999999, larger than the largest possible layer (2147483647 units)");
        assertRejected(doc().set("layers", "[100000, 100000, 1]"),
                ": field \"layers\" [100000, 100000, 1] describes more than 2147483583 parameters, the most a model can have");
        assertRejected(doc().set("layers", "[2147483647, 2147483647, 2147483647, 2147483647]"),
                ": field \"layers\" [2147483647, 2147483647, 2147483647, 2147483647] describes more than 2147483583"
                        + " parameters, the most a model can have");
        String many = Stream.generate(() -> "1").limit(10_001).collect(Collectors.joining(", ", "[", "]"));
        assertRejected(doc().set("layers", many), ": field \"layers\" has more than 10000 entries");
    }

    @Test
    void refusesToAllocateForLayersTheFileCannotHold() {
        // 1.6e9 parameters (12.8 GB) declared by a tiny file: refused before the array is allocated.
        String msg = rejected(doc().set("layers", "[40000, 40000, 1]").json());
        assertTrue(msg.matches("model file 't\\.json' has only \\d+ characters, too few to hold the 1600080001 "
                + "parameters that field \"layers\" \\[40000, 40000, 1\\] describes"), msg);
    }

    @Test
    void rejectsBadActivationAndOutput() {
        assertRejected(doc().set("hiddenActivation", "\"gelu\""),
                ": field \"hiddenActivation\" is the string \"gelu\", expected one of \"sigmoid\", \"tanh\", \"relu\"");
        assertRejected(doc().set("hiddenActivation", "null"),
                ": field \"hiddenActivation\" is null, expected one of \"sigmoid\", \"tanh\", \"relu\"");
        assertRejected(doc().remove("hiddenActivation"),
                ": field \"hiddenActivation\" is missing (expected one of \"sigmoid\", \"tanh\", \"relu\")");
        assertRejected(doc().set("output", "\"probit\""),
                ": field \"output\" is the string \"probit\", expected one of \"logistic\", \"softmax\", \"linear\"");
        assertRejected(doc().remove("output"),
                ": field \"output\" is missing (expected one of \"logistic\", \"softmax\", \"linear\")");
        assertRejected(doc().set("output", "\"softmax\""),
                ": field \"output\" is \"softmax\", which needs at least 2 output units, but field \"layers\" ends in 1");
    }

    @Test
    void rejectsBadWeightsStructure() {
        assertRejected(doc().remove("weights"), ": field \"weights\" is missing");
        assertRejected(doc().set("weights", "{}"), ": field \"weights\" is an object, expected an array of 2 layer objects");
        assertRejected(doc().set("weights", "[{\"W\": " + Doc.W0 + ", \"b\": " + Doc.B0 + "}]"),
                ": field \"weights\" has 1 entry, expected 2 (one per weight layer of layers [2, 3, 1])");
        assertRejected(doc().set("weights", "[]"),
                ": field \"weights\" has 0 entries, expected 2 (one per weight layer of layers [2, 3, 1])");
        String w = Doc.weights(Doc.W0, Doc.B0, Doc.W1, Doc.B1);
        assertRejected(doc().set("weights", w.substring(0, w.length() - 1) + ", {\"W\": [[1]], \"b\": [1]}, 7]"),
                ": field \"weights\" has 4 entries, expected 2 (one per weight layer of layers [2, 3, 1])");
        assertRejected(doc().set("weights", "[1, 2]"),
                ": field \"weights[0]\" is the number 1, expected an object with \"W\" and \"b\"");
        assertRejected(doc().set("weights", "[{\"W\": " + Doc.W0 + ", \"b\": " + Doc.B0 + "}, {\"b\": [0]}]"),
                ": field \"weights[1].W\" is missing");
        assertRejected(doc().set("weights", "[{\"W\": " + Doc.W0 + "}, {\"W\": " + Doc.W1 + ", \"b\": [0]}]"),
                ": field \"weights[0].b\" is missing");
        assertRejected(doc().set("weights", "[{\"W\": " + Doc.W0 + ", \"bias\": [0, 0, 0]}, {}]"),
                ": field \"weights[0].bias\" is not part of format version 1 (a layer object holds only \"W\" and \"b\")");
    }

    @Test
    void rejectsWeightArraysOfTheWrongShape() {
        String shape0 = " (layer 0 maps 2 inputs to 3 units, so W has 3 rows of 2)";
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [3, 4]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W\" has 2 rows, expected 3" + shape0);
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [3, 4], [5, 6], [7, 8]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W\" has 4 rows, expected 3" + shape0);
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [3, 4, 9], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[1]\" has 3 values, expected 2" + shape0);
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [3], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[1]\" has 1 value, expected 2" + shape0);
        // The transposed matrix (in rows of out) is refused, not silently misread.
        assertRejected(doc().set("weights", Doc.weights("[[1, 3, 5], [2, 4, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[0]\" has 3 values, expected 2" + shape0);
        assertRejected(doc().set("weights", Doc.weights("[1, 2, 3, 4, 5, 6]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[0]\" is the number 1, expected an array of 2 numbers" + shape0);
        assertRejected(doc().set("weights", Doc.weights("\"W\"", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W\" is the string \"W\", expected an array of arrays" + shape0);
        assertRejected(doc().set("weights", Doc.weights(Doc.W0, "[0, 0]", Doc.W1, Doc.B1)),
                ": field \"weights[0].b\" has 2 values, expected 3 (layer 0 maps 2 inputs to 3 units)");
        assertRejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, Doc.W1, "[0, 1]")),
                ": field \"weights[1].b\" has 2 values, expected 1 (layer 1 maps 3 inputs to 1 unit)");
        assertRejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, "[[1, 2]]", Doc.B1)),
                ": field \"weights[1].W[0]\" has 2 values, expected 3 (layer 1 maps 3 inputs to 1 unit, so W has 1 row of 3)");
    }

    @Test
    void rejectsNonNumericAndNonFiniteEntries() {
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [\"x\", 4], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[1][0]\" is the string \"x\", expected a number");
        assertRejected(doc().set("weights", Doc.weights("[[1, 2], [3, null], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[1][1]\" is null, expected a number");
        assertRejected(doc().set("weights", Doc.weights("[[1, [2]], [3, 4], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[0][1]\" is an array, expected a number");
        assertRejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, Doc.W1, "[true]")),
                ": field \"weights[1].b[0]\" is the boolean true, expected a number");
        assertRejected(doc().set("weights", Doc.weights("[[1e999, 2], [3, 4], [5, 6]]", Doc.B0, Doc.W1, Doc.B1)),
                ": field \"weights[0].W[0][0]\" is 1e999, which is too large for a double");
        assertRejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, Doc.W1, "[-1E+400]")),
                ": field \"weights[1].b[0]\" is -1E+400, which is too large for a double");
        assertRejected(doc().set("extra", "{\"loss\": 1e999}"),
                ": field \"extra.loss\" is 1e999, which is too large for a double");
        // NaN and Infinity are not JSON at all.
        String msg = rejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, Doc.W1, "[NaN]")).json());
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
        assertTrue(msg.endsWith(": Non-standard token 'NaN'; model files hold finite numbers only"), msg);
        msg = rejected(doc().set("weights", Doc.weights(Doc.W0, Doc.B0, Doc.W1, "[1" + "0".repeat(1500) + "]")).json());
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
        // Jackson's own words: "Number value length (1501) exceeds ..." (2.18, Spark 4.0), "Number length (1501) ..." (2.15, Spark 3.5)
        assertTrue(msg.matches(".*: Number (value )?length \\(1501\\) exceeds the maximum.*"), msg);
    }

    @Test
    void rejectsBadTransforms() {
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, 0, 0], \"scale\": [1, 1, 1]}"),
                ": field \"inputTransform.mean\" has 3 values, expected 2 (one per input)");
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, 0], \"scale\": [1, 0]}"),
                ": field \"inputTransform.scale[1]\" is 0.0, expected a positive number");
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, 0], \"scale\": [-2, 1]}"),
                ": field \"inputTransform.scale[0]\" is -2.0, expected a positive number");
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, 0]}"),
                ": field \"inputTransform.scale\" is missing");
        assertRejected(doc().set("inputTransform", "{\"scale\": [1, 1]}"),
                ": field \"inputTransform.mean\" is missing");
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, 0], \"scale\": [1, 1], \"std\": [1, 1]}"),
                ": field \"inputTransform.std\" is not part of format version 1 (a transform holds only \"mean\" and \"scale\")");
        assertRejected(doc().set("inputTransform", "[]"),
                ": field \"inputTransform\" is an array, expected an object with \"mean\" and \"scale\"");
        assertRejected(doc().set("inputTransform", "{\"mean\": [0, \"a\"], \"scale\": [1, 1]}"),
                ": field \"inputTransform.mean[1]\" is the string \"a\", expected a number");
        assertRejected(doc().set("outputTransform", "{\"mean\": [0], \"scale\": [1]}"),
                ": field \"outputTransform\" is only allowed with \"output\": \"linear\", not \"logistic\"");
        assertRejected(doc().set("output", "\"linear\"").set("outputTransform", "{\"mean\": [0], \"scale\": [1, 2]}"),
                ": field \"outputTransform.scale\" has 2 values, expected 1 (one per output)");
    }

    @Test
    void rejectsInvalidJsonWithLineAndColumn() {
        String msg = rejected("{\n  \"format\": \"sparkbp-mlp\",\n  \"version\": 1,,\n}");
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 3, column "), msg);
        msg = rejected("hello");
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
        String valid = doc().json();
        msg = rejected(valid.substring(0, valid.length() - 20));
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
        assertTrue(msg.contains("end-of-input"), msg);
        msg = rejected(valid.replace("\"version\": 1", "\"version\": 1, \"layers\": [2, 1]"));
        assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
        assertTrue(msg.contains("Duplicate field 'layers'"), msg);
        assertTrue(!msg.contains("\n"), msg);
        assertEquals("model file 't.json' has unexpected content after the top-level object at line 1, column "
                + (valid.length() + 2), rejected(valid + " {}"));
        assertEquals("model file 't.json' holds an array at the top level, expected a JSON object", rejected("[1, 2]"));
        assertEquals("model file 't.json' holds the string \"x\" at the top level, expected a JSON object",
                rejected("\"x\""));
        assertEquals("model file 't.json' is empty, expected a JSON object", rejected("  \n"));
    }

    @Test
    void syntaxErrorsAreToldWithoutJacksonInternals() {
        assertEquals("model file 't.json' is not valid JSON at line 2, column 17: Unexpected end-of-input: expected"
                        + " close marker for Array (start marker at line 2, column 12)",
                rejected("{\"format\": \"sparkbp-mlp\",\n \"layers\": [2, 3"));
        String valid = doc().json();
        // Jackson limits a name's length from 2.16 on; Spark 3.5's 2.15 reads a long name (an unknown key)
        String longName = valid.replace("\"version\": 1", "\"" + "k".repeat(60_000) + "\": 1, \"version\": 1");
        boolean nameLimit = java.util.Arrays.stream(com.fasterxml.jackson.core.StreamReadConstraints.class.getMethods())
                .anyMatch(m -> m.getName().equals("getMaxNameLength"));
        if (!nameLimit) {
            assertEquals(ModelFormat.fromJson(valid, "t.json").numParams(), ModelFormat.fromJson(longName, "t.json").numParams());
        }
        List<String> messages = List.of(
                rejected(valid.substring(0, valid.length() - 1)),
                rejected(valid.replace("[2, 3, 1]", "[2, 3, 1}")),
                rejected(valid.replace("\"version\": 1", "\"version\": 1" + "0".repeat(1500))),
                rejected(valid.replace("\"version\": 1", "\"version\": /* one */ 1")),
                rejected(valid.replace("\"version\": 1", "\"version\": \"" + "x".repeat(30_000_000) + "\"")),
                // the other parser limits: nesting depth and name length
                rejected(valid.replace("\"version\": 1", "\"deep\": " + "[".repeat(1500) + "]".repeat(1500)
                        + ", \"version\": 1")),
                nameLimit ? rejected(longName) : rejected(valid.substring(0, valid.length() - 1)));
        for (String msg : messages) {
            assertTrue(msg.startsWith("model file 't.json' is not valid JSON at line 1, column "), msg);
            for (String internal : List.of("Source", "REDACTED", "StreamRead", "Feature", "`", "com.fasterxml")) {
                assertTrue(!msg.contains(internal), internal + " in: " + msg);
            }
        }
    }

    @Test
    void loadRejectsMissingFilesDirectoriesAndOversizedFiles() throws Exception {
        Configuration conf = new Configuration();
        String missing = dir.resolve("nope.json").toUri().toString();
        var fnf = assertThrows(FileNotFoundException.class, () -> ModelFormat.load(missing, conf));
        assertEquals("model file '" + missing + "' does not exist", fnf.getMessage());

        String d = dir.toString();
        assertEquals("model file '" + d + "' is a directory, not a sparkbp model JSON file",
                assertThrows(ModelFormatException.class, () -> ModelFormat.load(d, conf)).getMessage());

        Path f = dir.resolve("m.json");
        Files.writeString(f, doc().json());
        long len = Files.size(f);
        assertEquals(ModelFormat.fromJson(doc().json(), "x"), ModelFormat.load(f.toString(), conf, len));
        assertEquals("model file '" + f + "' is " + len + " bytes; files larger than " + (len - 1) + " bytes are refused",
                assertThrows(ModelFormatException.class, () -> ModelFormat.load(f.toString(), conf, len - 1)).getMessage());

        Files.writeString(f, doc().set("version", "3").json());
        assertEquals("model file '" + f + "': field \"version\" is 3, which this sparkbp cannot read (supported versions: 1)",
                assertThrows(ModelFormatException.class, () -> ModelFormat.load(f.toString(), conf)).getMessage());

        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b});
        String msg = assertThrows(ModelFormatException.class, () -> ModelFormat.load(f.toString(), conf)).getMessage();
        assertTrue(msg.startsWith("model file '" + f + "' is not valid JSON"), msg);
    }

    @Test
    void refusesToWriteNonFiniteNumbers() {
        // Model refuses them, so the writer never sees them; the writer checks again all the same.
        NetworkSpec spec = new NetworkSpec(new int[] {1, 1}, Activation.SIGMOID, OutputKind.LINEAR);
        assertThrows(IllegalArgumentException.class, () -> new Model(spec, new double[] {Double.NaN, 0}));
        assertThrows(IllegalArgumentException.class,
                () -> new Model(spec, new double[] {0, 0}, null, null, Map.of("m", Double.POSITIVE_INFINITY)));
        String json = ModelFormat.toJson(new Model(spec, new double[] {Double.MAX_VALUE, -Double.MIN_VALUE}));
        assertTrue(json.contains("\"W\": [\n        [1.7976931348623157E308]\n      ]"), json);
        assertTrue(json.contains("\"b\": [-4.9E-324]"), json);
        assertTrue(!json.contains("NaN") && !json.contains("Infinity"));
        assertEquals(Arrays.asList("1.0", "-0.0", "4.9E-324"),
                Stream.of(1.0, -0.0, 4.9e-324).map(ModelFormat::formatDouble).collect(Collectors.toList()));
    }
}
