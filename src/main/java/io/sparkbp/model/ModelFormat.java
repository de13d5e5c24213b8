package io.sparkbp.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedWriter;
import java.io.CharConversionException;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model file: JSON, format {@code "sparkbp-mlp"}, version 1.
 *
 * <pre>
 * { "format": "sparkbp-mlp", "version": 1,
 *   "layers": [nIn, h1, ..., nOut], "hiddenActivation": "sigmoid", "output": "softmax",
 *   "weights": [ {"W": [[...], ...], "b": [...]}, ... ],   // one per weight layer; W has out rows of in
 *   "inputTransform":  {"mean": [...], "scale": [...]},   // optional: x' = (x - mean) / scale
 *   "outputTransform": {"mean": [...], "scale": [...]},   // optional, linear only: y = y' * scale + mean
 *   ... }                                                 // extra metadata (config, metrics, ...)
 * </pre>
 *
 * <p>{@code W} is written row by row: row {@code o} holds the weights into unit {@code o}, so
 * {@code W[o][i]} is {@code theta[spec.weightOffset(l) + i * out + o]} of the column-major flat
 * array. Numbers are written with {@link Double#toString} (checked to parse back to the same bits,
 * else 17 significant digits), so every double round-trips exactly, including {@code -0.0} and
 * subnormals; non-finite numbers are never written. Fields may come in any order when reading;
 * the writer emits the required fields first, then the transforms, then the extra metadata in its
 * own order.
 *
 * <p>Reading is strict and bounded. The document is read twice with a streaming parser: the first
 * pass checks that it is JSON and validates {@code format}, {@code version}, {@code layers},
 * {@code hiddenActivation}, {@code output} and the presence of {@code weights} while skipping
 * everything else; only then is the parameter array allocated and the second pass reads the
 * numbers straight into it, checking every array length against {@code layers}. Files larger than
 * {@link #MAX_FILE_BYTES} (2 GiB) are refused, as are files too short to hold the parameters that
 * {@code layers} declares. Duplicate keys, unknown keys inside a layer or transform object and
 * trailing content are errors. Every problem is reported as a {@link ModelFormatException} whose
 * message is one sentence naming the file and the field. Java deserialization is never used.
 */
public final class ModelFormat {
    /** Value of the {@code "format"} field. */
    public static final String FORMAT = "sparkbp-mlp";
    /** The version this class writes. */
    public static final int VERSION = 1;
    /** The versions this class reads. */
    public static final List<Integer> SUPPORTED_VERSIONS = List.of(1);
    /** Largest model file {@link #load} reads: 2 GiB (a Java string or array cannot hold more anyway). */
    public static final long MAX_FILE_BYTES = 1L << 31;
    /** Largest number of entries in {@code "layers"}. */
    public static final int MAX_LAYERS = 10_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private ModelFormat() {
    }

    // =========================================================================================
    // Writing
    // =========================================================================================

    /** The model as JSON text in format version 1 (ends with a newline). */
    public static String toJson(Model model) {
        StringWriter w = new StringWriter();
        try {
            writeJson(model, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not throw
        }
        return w.toString();
    }

    /** Writes the model as JSON text in format version 1 to {@code out} (not closed, not flushed). */
    public static void writeJson(Model model, Writer out) throws IOException {
        NetworkSpec spec = model.spec();
        double[] theta = model.thetaRef();
        int[] layers = spec.layers();
        out.write("{\n  \"format\": \"" + FORMAT + "\",\n  \"version\": " + VERSION + ",\n  \"layers\": [");
        for (int i = 0; i < layers.length; i++) {
            out.write(i == 0 ? "" : ", ");
            out.write(Integer.toString(layers[i]));
        }
        out.write("],\n  \"hiddenActivation\": \"" + spec.hidden().id() + "\",\n  \"output\": \""
                + spec.output().id() + "\",\n  \"weights\": [");
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            int in = layers[l];
            int unitCount = layers[l + 1];
            int wOff = spec.weightOffset(l);
            out.write(l == 0 ? "\n    {\n      \"W\": [" : ",\n    {\n      \"W\": [");
            for (int o = 0; o < unitCount; o++) {
                out.write(o == 0 ? "\n        " : ",\n        ");
                writeNumbers(out, theta, wOff + o, unitCount, in, "weights");
            }
            out.write("\n      ],\n      \"b\": ");
            writeNumbers(out, theta, spec.biasOffset(l), 1, unitCount, "biases");
            out.write("\n    }");
        }
        out.write("\n  ]");
        if (model.inputTransform().isPresent()) {
            out.write(",\n  \"inputTransform\": ");
            writeTransform(out, model.inputTransform().get());
        }
        if (model.outputTransform().isPresent()) {
            out.write(",\n  \"outputTransform\": ");
            writeTransform(out, model.outputTransform().get());
        }
        for (Map.Entry<String, Object> e : model.extra().entrySet()) {
            out.write(",\n  ");
            writeString(out, e.getKey());
            out.write(": ");
            writeValue(out, e.getValue(), 2);
        }
        out.write("\n}\n");
    }

    private static void writeTransform(Writer out, Transform t) throws IOException {
        out.write("{\"mean\": ");
        writeNumbers(out, t.mean(), 0, 1, t.size(), "transform means");
        out.write(", \"scale\": ");
        writeNumbers(out, t.scale(), 0, 1, t.size(), "transform scales");
        out.write("}");
    }

    /** Writes {@code [a[off], a[off + stride], ...]} ({@code n} values). */
    private static void writeNumbers(Writer out, double[] a, int off, int stride, int n, String what)
            throws IOException {
        out.write('[');
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                out.write(", ");
            }
            double d = a[off + k * stride];
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("refusing to write the non-finite value " + d + " among the "
                        + what + "; a model file holds finite numbers only");
            }
            out.write(formatDouble(d));
        }
        out.write(']');
    }

    /** Shortest-ish text that parses back to exactly {@code d} (finite). */
    static String formatDouble(double d) {
        String s = Double.toString(d);
        if (Double.doubleToRawLongBits(Double.parseDouble(s)) == Double.doubleToRawLongBits(d)) {
            return s;
        }
        // Not known to happen; 17 significant digits, correctly rounded, always round-trip.
        return new BigDecimal(d).round(new MathContext(17)).toString();
    }

    private static void writeString(Writer out, String s) throws IOException {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsString(s));
        out.write('"');
    }

    private static void writeValue(Writer out, Object v, int indent) throws IOException {
        if (v == null) {
            out.write("null");
        } else if (v instanceof String s) {
            writeString(out, s);
        } else if (v instanceof Boolean || v instanceof Long) {
            out.write(v.toString());
        } else if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("refusing to write the non-finite value " + d + " in extra metadata");
            }
            out.write(formatDouble(d));
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.write("{}");
                return;
            }
            String pad = " ".repeat(indent + 2);
            boolean first = true;
            out.write('{');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.write(first ? "\n" : ",\n");
                first = false;
                out.write(pad);
                writeString(out, (String) e.getKey());
                out.write(": ");
                writeValue(out, e.getValue(), indent + 2);
            }
            out.write('\n');
            out.write(" ".repeat(indent));
            out.write('}');
        } else if (v instanceof Collection<?> c) {
            boolean flat = c.stream().noneMatch(x -> x instanceof Map || x instanceof Collection);
            String pad = " ".repeat(indent + 2);
            boolean first = true;
            out.write('[');
            for (Object x : c) {
                if (flat) {
                    out.write(first ? "" : ", ");
                } else {
                    out.write(first ? "\n" : ",\n");
                    out.write(pad);
                }
                first = false;
                writeValue(out, x, indent + 2);
            }
            if (!flat && !c.isEmpty()) {
                out.write('\n');
                out.write(" ".repeat(indent));
            }
            out.write(']');
        } else {
            // Model normalizes extra values, so this is a programming error.
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " to a model file");
        }
    }

    /**
     * Writes the model to {@code uri} on any Hadoop file system, atomically (see {@link
     * HadoopFiles#write(String, Configuration, boolean, HadoopFiles.Content)}).
     *
     * @throws org.apache.hadoop.fs.FileAlreadyExistsException when the file exists and {@code overwrite} is false
     */
    public static void save(Model model, String uri, Configuration conf, boolean overwrite) throws IOException {
        HadoopFiles.write(uri, conf, overwrite, content(model));
    }

    /** The model file's bytes as {@link HadoopFiles.Content}, for writes such as a {@link FileBatch}'s. */
    public static HadoopFiles.Content content(Model model) {
        return stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            writeJson(model, w);
            w.flush();
        };
    }

    // =========================================================================================
    // Reading
    // =========================================================================================

    /**
     * Parses a model from JSON text.
     *
     * @param sourceName how to name the text in error messages (a file name), or {@code null}
     * @throws ModelFormatException when the text is not a valid model of a supported version
     */
    public static Model fromJson(String json, String sourceName) {
        if (json == null) {
            throw new IllegalArgumentException("json is null");
        }
        String name = sourceName == null ? "<string>" : sourceName;
        try {
            return read(new Source() {
                @Override
                public JsonParser open() throws IOException {
                    return JSON.createParser(json);
                }

                @Override
                public long length() {
                    return json.length();
                }

                @Override
                public String unit() {
                    return "characters";
                }
            }, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a string does not fail
        }
    }

    /**
     * Reads a model file from any Hadoop file system ({@code file:}, {@code hdfs:}, relative paths
     * on the default file system, ...).
     *
     * @throws FileNotFoundException when there is no such file
     * @throws ModelFormatException  when it is not a valid model file of a supported version, is a
     *                               directory, or is larger than {@link #MAX_FILE_BYTES}
     * @throws IOException           when reading fails
     */
    public static Model load(String uri, Configuration conf) throws IOException {
        return load(uri, conf, MAX_FILE_BYTES);
    }

    static Model load(String uri, Configuration conf, long maxBytes) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            FileNotFoundException fnf = new FileNotFoundException("model file '" + uri + "' does not exist");
            fnf.initCause(e);
            throw fnf;
        }
        if (status.isDirectory()) {
            throw new ModelFormatException("model file '" + uri + "' is a directory, not a sparkbp model JSON file");
        }
        long len = status.getLen();
        if (len > maxBytes) {
            throw new ModelFormatException("model file '" + uri + "' is " + len + " bytes; files larger than "
                    + maxBytes + " bytes" + (maxBytes == MAX_FILE_BYTES ? " (2 GiB)" : "") + " are refused");
        }
        return read(new Source() {
            @Override
            public JsonParser open() throws IOException {
                return JSON.createParser(new BoundedInputStream(fs.open(path), maxBytes, uri));
            }

            @Override
            public long length() {
                return len;
            }

            @Override
            public String unit() {
                return "bytes";
            }
        }, uri);
    }

    private interface Source {
        JsonParser open() throws IOException;

        long length();

        String unit();
    }

    /** Fails once more than {@code max} bytes have been read (the file grew after its size was checked). */
    private static final class BoundedInputStream extends FilterInputStream {
        private final long max;
        private final String name;
        private long count;

        BoundedInputStream(InputStream in, long max, String name) {
            super(in);
            this.max = max;
            this.name = name;
        }

        private void add(long n) {
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new ModelFormatException("model file '" + name + "' is larger than " + max
                            + " bytes; larger files are refused");
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            add(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            add(s);
            return s;
        }
    }

    /** What the first pass found out about the header fields. */
    private static final class Header {
        Raw format;
        Raw version;
        Raw hidden;
        Raw output;
        Raw layers;
        List<Raw> layerItems;
        boolean tooManyLayers;
        Raw weights;
        boolean hasInputTransform;
        boolean hasOutputTransform;
    }

    /** A token seen in the first pass, with its text for scalars. */
    private record Raw(JsonToken token, String text) {
    }

    private static Model read(Source src, String name) throws IOException {
        Header h = pass(src, name, p -> scanHeader(p, name));
        NetworkSpec spec = validateHeader(h, src, name);
        return pass(src, name, p -> readBody(p, name, spec));
    }

    @FunctionalInterface
    private interface Pass<T> {
        T run(JsonParser p) throws IOException;
    }

    /** Runs one pass over a fresh parser, turning JSON syntax errors into {@link ModelFormatException}s. */
    private static <T> T pass(Source src, String name, Pass<T> body) throws IOException {
        try (JsonParser p = src.open()) {
            try {
                return body.run(p);
            } catch (JsonProcessingException e) {
                throw invalidJson(name, e, p.currentLocation());
            }
        } catch (JsonProcessingException e) {
            throw invalidJson(name, e, null);
        } catch (CharConversionException e) {
            throw new ModelFormatException("model file '" + name + "' is not valid JSON text: "
                    + oneLine(e.getMessage()), e);
        }
    }

    private static ModelFormatException invalidJson(String name, JsonProcessingException e, JsonLocation fallback) {
        JsonLocation loc = e.getLocation() != null ? e.getLocation() : fallback;
        String where = loc == null || loc.getLineNr() < 1 ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String why = oneLine(e.getOriginalMessage());
        if (why.startsWith("Non-standard token")) {
            // NaN, Infinity: Jackson's hint about enabling a parser feature does not help the user.
            why = why.replaceFirst(": enable .*", "") + "; model files hold finite numbers only";
        }
        return new ModelFormatException("model file '" + name + "' is not valid JSON" + where + ": " + why, e);
    }

    // ---- pass 1 -------------------------------------------------------------------------------

    private static Header scanHeader(JsonParser p, String name) throws IOException {
        Header h = new Header();
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw fail(name, t == null ? "is empty, expected a JSON object"
                    : "holds " + describe(p, t) + " at the top level, expected a JSON object");
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "format" -> h.format = raw(p, v);
                case "version" -> h.version = raw(p, v);
                case "hiddenActivation" -> h.hidden = raw(p, v);
                case "output" -> h.output = raw(p, v);
                case "weights" -> h.weights = raw(p, v);
                case "inputTransform" -> {
                    h.hasInputTransform = true;
                    p.skipChildren();
                }
                case "outputTransform" -> {
                    h.hasOutputTransform = true;
                    p.skipChildren();
                }
                case "layers" -> {
                    if (v == JsonToken.START_ARRAY) {
                        h.layers = new Raw(v, null);
                        h.layerItems = new ArrayList<>();
                        JsonToken e;
                        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (h.layerItems.size() >= MAX_LAYERS) {
                                h.tooManyLayers = true;
                                p.skipChildren();
                            } else {
                                h.layerItems.add(raw(p, e));
                            }
                        }
                    } else {
                        h.layers = raw(p, v);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw fail(name, "has unexpected " + t + " in the top-level object"); // not reachable for valid JSON
        }
        JsonToken after = p.nextToken();
        if (after != null) {
            JsonLocation loc = p.currentTokenLocation();
            throw fail(name, "has unexpected content after the top-level object at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr());
        }
        return h;
    }

    /** Records the current value; skips it when it is an object or array. */
    private static Raw raw(JsonParser p, JsonToken v) throws IOException {
        if (v.isScalarValue()) {
            return new Raw(v, p.getText());
        }
        p.skipChildren();
        return new Raw(v, null);
    }

    private static NetworkSpec validateHeader(Header h, Source src, String name) {
        // format
        if (h.format == null) {
            throw fail(name, "is not a sparkbp model file: field \"format\" is missing (expected \"" + FORMAT + "\")");
        }
        if (h.format.token != JsonToken.VALUE_STRING || !FORMAT.equals(h.format.text)) {
            throw fail(name, "is not a sparkbp model file: field \"format\" is " + describe(h.format)
                    + ", expected \"" + FORMAT + "\"");
        }
        // version
        if (h.version == null) {
            throw field(name, "version", "is missing (supported versions: " + supported() + ")");
        }
        if (h.version.token != JsonToken.VALUE_NUMBER_INT) {
            throw field(name, "version", "is " + describe(h.version) + ", expected an integer (supported versions: "
                    + supported() + ")");
        }
        if (!SUPPORTED_VERSIONS.stream().anyMatch(v -> v.toString().equals(h.version.text))) {
            throw field(name, "version", "is " + h.version.text + ", which this sparkbp cannot read (supported versions: "
                    + supported() + ")");
        }
        // layers
        if (h.layers == null) {
            throw field(name, "layers", "is missing");
        }
        if (h.layers.token != JsonToken.START_ARRAY) {
            throw field(name, "layers", "is " + describe(h.layers) + ", expected an array of positive integers");
        }
        if (h.tooManyLayers) {
            throw field(name, "layers", "has more than " + MAX_LAYERS + " entries");
        }
        if (h.layerItems.size() < 2) {
            throw field(name, "layers", "has " + h.layerItems.size() + (h.layerItems.size() == 1 ? " entry" : " entries")
                    + ", expected at least 2 (the input and output sizes)");
        }
        int[] layers = new int[h.layerItems.size()];
        for (int i = 0; i < layers.length; i++) {
            Raw r = h.layerItems.get(i);
            String path = "layers[" + i + "]";
            if (r.token != JsonToken.VALUE_NUMBER_INT) {
                throw field(name, path, "is " + describe(r) + ", expected a positive integer");
            }
            long v;
            try {
                v = Long.parseLong(r.text);
            } catch (NumberFormatException e) {
                v = r.text.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            if (v < 1) {
                throw field(name, path, "is " + r.text + ", expected a positive integer (every layer needs at least 1 unit)");
            }
            if (v > Integer.MAX_VALUE) {
                throw field(name, path, "is " + r.text + ", larger than the largest possible layer ("
                        + Integer.MAX_VALUE + " units)");
            }
            layers[i] = (int) v;
        }
        long params = 0;
        for (int l = 0; l + 1 < layers.length; l++) {
            params += (long) layers[l] * layers[l + 1] + layers[l + 1]; // < 2^62 each, at most 10^4 terms: no overflow
            if (params > NetworkSpec.MAX_PARAMS) {
                break;
            }
        }
        if (params > NetworkSpec.MAX_PARAMS) {
            throw field(name, "layers", Arrays.toString(layers) + " describes more than " + NetworkSpec.MAX_PARAMS
                    + " parameters, the most a model can have");
        }
        // activation and output
        Activation hidden = parseEnum(name, "hiddenActivation", h.hidden, Activation.values(), Activation::id);
        OutputKind output = parseEnum(name, "output", h.output, OutputKind.values(), OutputKind::id);
        int nOut = layers[layers.length - 1];
        if (nOut < output.minOutputs()) {
            throw field(name, "output", "is \"" + output.id() + "\", which needs at least " + output.minOutputs()
                    + " output units, but field \"layers\" ends in " + nOut);
        }
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(layers, hidden, output);
        } catch (IllegalArgumentException e) {
            throw field(name, "layers", "is invalid: " + e.getMessage());
        }
        // weights (contents are checked in pass 2)
        if (h.weights == null) {
            throw field(name, "weights", "is missing");
        }
        if (h.weights.token != JsonToken.START_ARRAY) {
            throw field(name, "weights", "is " + describe(h.weights) + ", expected an array of "
                    + spec.numWeightLayers() + " layer objects");
        }
        if (h.hasOutputTransform && output != OutputKind.LINEAR) {
            throw field(name, "outputTransform", "is only allowed with \"output\": \"linear\", not \"" + output.id() + "\"");
        }
        // Every number takes at least one character and one separator: refuse to allocate the
        // parameter array for a file that cannot possibly hold it.
        if (src.length() < 2L * spec.numParams()) {
            throw fail(name, "has only " + src.length() + " " + src.unit() + ", too few to hold the "
                    + spec.numParams() + " parameters that field \"layers\" " + Arrays.toString(layers) + " describes");
        }
        return spec;
    }

    private static <E extends Enum<E>> E parseEnum(String name, String fieldName, Raw r, E[] values,
                                                   java.util.function.Function<E, String> id) {
        StringBuilder expected = new StringBuilder();
        for (E e : values) {
            expected.append(expected.length() == 0 ? "" : ", ").append('"').append(id.apply(e)).append('"');
        }
        if (r == null) {
            throw field(name, fieldName, "is missing (expected one of " + expected + ")");
        }
        if (r.token == JsonToken.VALUE_STRING) {
            for (E e : values) {
                if (id.apply(e).equalsIgnoreCase(r.text.trim())) {
                    return e;
                }
            }
        }
        throw field(name, fieldName, "is " + describe(r) + ", expected one of " + expected);
    }

    private static String supported() {
        StringBuilder sb = new StringBuilder();
        for (Integer v : SUPPORTED_VERSIONS) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v);
        }
        return sb.toString();
    }

    // ---- pass 2 -------------------------------------------------------------------------------

    private static Model readBody(JsonParser p, String name, NetworkSpec spec) throws IOException {
        double[] theta = new double[spec.numParams()];
        Transform inT = null;
        Transform outT = null;
        boolean sawWeights = false;
        LinkedHashMap<String, Object> extra = new LinkedHashMap<>();
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw fail(name, "changed while being read");
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "format", "version", "layers", "hiddenActivation", "output" -> p.skipChildren();
                case "weights" -> {
                    readWeights(p, v, name, spec, theta);
                    sawWeights = true;
                }
                case "inputTransform" -> inT = readTransform(p, v, name, field, spec.inputs(), "one per input");
                case "outputTransform" -> outT = readTransform(p, v, name, field, spec.outputs(), "one per output");
                default -> extra.put(field, readValue(p, v, name, field, 0));
            }
        }
        if (!sawWeights) {
            throw fail(name, "changed while being read");
        }
        try {
            return new Model(spec, theta, inT, outT, extra, false);
        } catch (IllegalArgumentException e) {
            throw fail(name, "is invalid: " + e.getMessage()); // not expected: everything was checked above
        }
    }

    private static void readWeights(JsonParser p, JsonToken v, String name, NetworkSpec spec, double[] theta)
            throws IOException {
        int numLayers = spec.numWeightLayers();
        String why = "(one per weight layer of layers " + Arrays.toString(spec.layers()) + ")";
        if (v != JsonToken.START_ARRAY) {
            throw field(name, "weights", "is " + describe(p, v) + ", expected an array of " + numLayers + " layer objects");
        }
        int l = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (l >= numLayers) {
                int count = l + 1 + skipRest(p);
                throw field(name, "weights", "has " + count + " entries, expected " + numLayers + " " + why);
            }
            String path = "weights[" + l + "]";
            if (t != JsonToken.START_OBJECT) {
                throw field(name, path, "is " + describe(p, t) + ", expected an object with \"W\" and \"b\"");
            }
            int in = spec.width(l);
            int out = spec.width(l + 1);
            String maps = "layer " + l + " maps " + plural(in, "input") + " to " + plural(out, "unit");
            String shape = "(" + maps + ")";
            String wShape = "(" + maps + ", so W has " + plural(out, "row") + " of " + in + ")";
            boolean sawW = false;
            boolean sawB = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals("W")) {
                    readMatrix(p, value, name, path + ".W", theta, spec.weightOffset(l), in, out, wShape);
                    sawW = true;
                } else if (key.equals("b")) {
                    readNumbers(p, value, name, path + ".b", theta, spec.biasOffset(l), 1, out, shape);
                    sawB = true;
                } else {
                    throw field(name, path + "." + key, "is not part of format version " + VERSION
                            + " (a layer object holds only \"W\" and \"b\")");
                }
            }
            if (!sawW) {
                throw field(name, path + ".W", "is missing");
            }
            if (!sawB) {
                throw field(name, path + ".b", "is missing");
            }
            l++;
        }
        if (l < numLayers) {
            throw field(name, "weights", "has " + (l == 1 ? "1 entry" : l + " entries") + ", expected " + numLayers + " " + why);
        }
    }

    /** Reads {@code out} rows of {@code in} numbers; row {@code o} into {@code W(o, i) = theta[wOff + i*out + o]}. */
    private static void readMatrix(JsonParser p, JsonToken v, String name, String path, double[] theta, int wOff,
                                   int in, int out, String shape) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw field(name, path, "is " + describe(p, v) + ", expected an array of arrays " + shape);
        }
        int o = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (o >= out) {
                int count = o + 1 + skipRest(p);
                throw field(name, path, "has " + count + " rows, expected " + out + " " + shape);
            }
            readNumbers(p, t, name, path + "[" + o + "]", theta, wOff + o, out, in, shape);
            o++;
        }
        if (o < out) {
            throw field(name, path, "has " + plural(o, "row") + ", expected " + out + " " + shape);
        }
    }

    /** Reads an array of exactly {@code n} finite numbers into {@code dst[off + k * stride]}. */
    private static void readNumbers(JsonParser p, JsonToken v, String name, String path, double[] dst, int off,
                                    int stride, int n, String why) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw field(name, path, "is " + describe(p, v) + ", expected an array of " + n + " numbers " + why);
        }
        int k = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (k >= n) {
                int count = k + 1 + skipRest(p);
                throw field(name, path, "has " + count + " values, expected " + n + " " + why);
            }
            dst[off + k * stride] = number(p, t, name, path + "[" + k + "]");
            k++;
        }
        if (k < n) {
            throw field(name, path, "has " + plural(k, "value") + ", expected " + n + " " + why);
        }
    }

    private static double number(JsonParser p, JsonToken t, String name, String path) throws IOException {
        double d;
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            d = p.getDoubleValue();
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
            d = Double.parseDouble(p.getText()); // exact for any length, keeps "-0"
        } else {
            throw field(name, path, "is " + describe(p, t) + ", expected a number");
        }
        if (!Double.isFinite(d)) {
            throw field(name, path, "is " + abbreviate(p.getText()) + ", which is too large for a double");
        }
        return d;
    }

    /** With the parser on an element of an array: skips it and the rest of the array; returns how many followed it. */
    private static int skipRest(JsonParser p) throws IOException {
        p.skipChildren();
        int more = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            p.skipChildren();
            more++;
        }
        return more;
    }

    private static Transform readTransform(JsonParser p, JsonToken v, String name, String path, int n, String why)
            throws IOException {
        String expectation = "(" + why + ")";
        if (v != JsonToken.START_OBJECT) {
            throw field(name, path, "is " + describe(p, v) + ", expected an object with \"mean\" and \"scale\"");
        }
        double[] mean = null;
        double[] scale = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("mean")) {
                mean = new double[n];
                readNumbers(p, value, name, path + ".mean", mean, 0, 1, n, expectation);
            } else if (key.equals("scale")) {
                scale = new double[n];
                readNumbers(p, value, name, path + ".scale", scale, 0, 1, n, expectation);
            } else {
                throw field(name, path + "." + key, "is not part of format version " + VERSION
                        + " (a transform holds only \"mean\" and \"scale\")");
            }
        }
        if (mean == null) {
            throw field(name, path + ".mean", "is missing");
        }
        if (scale == null) {
            throw field(name, path + ".scale", "is missing");
        }
        for (int j = 0; j < n; j++) {
            if (!(scale[j] > 0.0)) {
                throw field(name, path + ".scale[" + j + "]", "is " + scale[j] + ", expected a positive number");
            }
        }
        return new Transform(mean, scale);
    }

    /** Extra metadata: objects become ordered maps, arrays lists, integers Long (Double if too long), floats Double. */
    private static Object readValue(JsonParser p, JsonToken t, String name, String path, int depth) throws IOException {
        switch (t) {
            case START_OBJECT: {
                LinkedHashMap<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    m.put(key, readValue(p, p.nextToken(), name, path + "." + key, depth + 1));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(p, e, name, path + "[" + list.size() + "]", depth + 1));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
                    return p.getLongValue();
                }
                return number(p, t, name, path);
            case VALUE_NUMBER_FLOAT:
                return number(p, t, name, path);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw field(name, path, "holds unexpected " + t);
        }
    }

    // ---- messages -----------------------------------------------------------------------------

    private static ModelFormatException fail(String name, String rest) {
        return new ModelFormatException("model file '" + name + "' " + rest);
    }

    private static ModelFormatException field(String name, String path, String rest) {
        return new ModelFormatException("model file '" + name + "': field \"" + path + "\" " + rest);
    }

    private static String describe(Raw r) {
        return describe(r.token, r.text);
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        return describe(t, t != null && t.isScalarValue() ? p.getText() : null);
    }

    private static String describe(JsonToken t, String text) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string \"" + abbreviate(text) + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + abbreviate(text);
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + text;
            case VALUE_NULL -> "null";
            default -> t.toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String abbreviate(String s) {
        String one = oneLine(s);
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
