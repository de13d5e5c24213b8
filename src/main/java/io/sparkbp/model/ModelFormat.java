package io.sparkbp.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sparkbp.model.ModelJson.Body;
import io.sparkbp.model.ModelJson.Header;
import io.sparkbp.model.ModelLayout.TransformLine;
import io.sparkbp.nn.NetworkSpec;
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
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
 * array. Jackson writes numbers with {@link Double#toString}, whose text always parses back to the
 * same bits, so every double round-trips exactly, including {@code -0.0} and subnormals; {@link
 * Model} holds finite numbers only. Fields may come in any order when reading; the writer
 * emits the required fields first, then the transforms, then the extra metadata in its own order,
 * laid out by {@link ModelLayout}.
 *
 * <p>Reading is strict and bounded. jackson-databind reads the document twice ({@link ModelJson}):
 * the first pass checks that it is JSON and binds {@code format}, {@code version}, {@code layers},
 * {@code hiddenActivation}, {@code output} and the number of {@code weights} while skipping
 * everything else, and {@link ModelCheck} validates them; only then does the second pass bind the
 * numbers, which are checked against {@code layers}. Files larger than {@link #MAX_FILE_BYTES}
 * (2 GiB) are refused, as are files too short to hold the parameters that {@code layers} declares.
 * Duplicate keys ({@code STRICT_DUPLICATE_DETECTION}), unknown keys inside a layer or transform
 * object ({@code FAIL_ON_UNKNOWN_PROPERTIES}) and trailing content ({@code FAIL_ON_TRAILING_TOKENS})
 * are errors. Every problem is reported as a {@link ModelFormatException} whose message is one
 * sentence naming the file and the field: the first fault of the header, else the first that
 * Jackson meets while binding, else the first of the weights (layer by layer), the transforms and
 * the metadata. Java deserialization is never used.
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
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(JSON)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectWriter WRITER = MAPPER.writer(new ModelLayout());
    /** Jackson's placeholder for the source of a location: {@code [Source: REDACTED (...); line: 1, column: 5]}. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+)(?:, column: (\\d+))?\\]");

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
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        doc.put("layers", spec.layers());
        doc.put("hiddenActivation", spec.hidden().id());
        doc.put("output", spec.output().id());
        List<Map<String, Object>> weights = new ArrayList<>();
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            weights.add(layer(model, l));
        }
        doc.put("weights", weights);
        model.inputTransform().ifPresent(t -> doc.put("inputTransform", new TransformLine(t.mean(), t.scale())));
        model.outputTransform().ifPresent(t -> doc.put("outputTransform", new TransformLine(t.mean(), t.scale())));
        doc.putAll(model.extra());
        WRITER.writeValue(out, doc);
        out.write('\n');
    }

    /** Layer {@code l}: {@code "W"} row by row ({@code W[o][i]} is {@code theta[weightOffset(l) + i * out + o]}). */
    private static Map<String, Object> layer(Model model, int l) {
        NetworkSpec spec = model.spec();
        double[] theta = model.thetaRef();
        int in = spec.width(l);
        int out = spec.width(l + 1);
        List<double[]> rows = new AbstractList<>() { // made row by row as they are written
            @Override
            public double[] get(int o) {
                double[] row = new double[in];
                for (int i = 0; i < in; i++) {
                    row[i] = theta[spec.weightOffset(l) + i * out + o];
                }
                return row;
            }

            @Override
            public int size() {
                return out;
            }
        };
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("W", rows);
        layer.put("b", Arrays.copyOfRange(theta, spec.biasOffset(l), spec.biasOffset(l) + out));
        return layer;
    }

    /** The text the writer writes for the finite number {@code d}. */
    static String formatDouble(double d) {
        try {
            return WRITER.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a number always serializes
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
            return read(new Source(() -> JSON.createParser(json), json.length(), "characters"), name);
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
        return read(new Source(() -> JSON.createParser(new BoundedInputStream(fs.open(path), maxBytes, uri)), len,
                "bytes"), uri);
    }

    /** What {@link #read} reads: a fresh parser for each pass, and the text's length in {@code unit}s. */
    private record Source(Opener opener, long length, String unit) {
    }

    @FunctionalInterface
    private interface Opener {
        JsonParser open() throws IOException;
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

    private static Model read(Source src, String name) throws IOException {
        ModelCheck check = new ModelCheck(name);
        NetworkSpec spec = check.header(bind(src, check, Header.class, null), src.length(), src.unit());
        return check.body(bind(src, check, Body.class, spec), spec);
    }

    /** Binds the document to {@code type}, turning what Jackson refuses into {@link ModelFormatException}s. */
    private static <T> T bind(Source src, ModelCheck check, Class<T> type, NetworkSpec spec) throws IOException {
        try (JsonParser p = src.opener().open()) {
            try {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    throw check.fail(t == null ? "is empty, expected a JSON object"
                            : "holds " + ModelJson.describe(p) + " at the top level, expected a JSON object");
                }
                return MAPPER.readValue(p, type);
            } catch (JsonProcessingException e) {
                throw refused(e, p, check, spec);
            }
        } catch (JsonProcessingException e) {
            throw invalidJson(check, e, null);
        } catch (CharConversionException e) {
            throw check.fail("is not valid JSON text: " + ModelJson.oneLine(e.getMessage()), e);
        }
    }

    private static ModelFormatException refused(JsonProcessingException e, JsonParser p, ModelCheck check,
                                                NetworkSpec spec) throws IOException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelFormatException m) {
                return m; // the file grew (BoundedInputStream), wrapped by Jackson
            }
            if (t instanceof JsonProcessingException j && !(t instanceof DatabindException)) {
                return invalidJson(check, j, p.currentLocation()); // syntax or a parser limit, maybe wrapped
            }
        }
        if (e instanceof MismatchedInputException m) {
            return check.bindingFault(m, p, spec);
        }
        throw new IllegalStateException("cannot bind the model file format", e); // a bug in ModelJson
    }

    private static ModelFormatException invalidJson(ModelCheck check, JsonProcessingException e,
                                                    JsonLocation fallback) {
        JsonLocation loc = e.getLocation() != null ? e.getLocation() : fallback;
        String where = loc == null || loc.getLineNr() < 1 ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String why = ModelJson.oneLine(e.getOriginalMessage());
        if (why.startsWith("Non-standard token")) {
            // NaN, Infinity: Jackson's hint about enabling a parser feature does not help the user.
            why = why.replaceFirst(": enable .*", "") + "; model files hold finite numbers only";
        }
        // Jackson's internals are no help either: its placeholder for the source, the names of its limits.
        why = SOURCE.matcher(why)
                .replaceAll(m -> "line " + m.group(1) + (m.group(2) == null ? "" : ", column " + m.group(2)))
                .replaceAll(", from `[^`]*`", "")
                .replaceAll(" \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)", "");
        return check.fail("is not valid JSON" + where + ": " + why, e);
    }
}
