package io.sparkbp.cli;

import io.sparkbp.model.Model;
import io.sparkbp.settings.Schema;
import io.sparkbp.onnx.OnnxExporter;
import io.sparkbp.onnx.OnnxPrecision;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code export --model M --format onnx --out F [onnx.precision=float64|float32] [output.overwrite=true]}:
 * writes model M as an ONNX file F (see {@link OnnxExporter}), atomically, refusing an existing F
 * unless {@code output.overwrite=true}.
 *
 * <p>Starts no Spark context: the paths are read and written through Hadoop's file-system API with
 * the Hadoop configuration on the classpath ({@code core-site.xml}, ...) and the {@code spark.hadoop.*}
 * system properties, which {@code spark-submit} sets from {@code --conf spark.hadoop.x=y}. Its two
 * settings are its own, not training keys, so any other key is refused.
 */
final class ExportCommand {
    static final String PRECISION_KEY = "onnx.precision";
    private static final String SPARK_HADOOP = "spark.hadoop.";
    private static final String[] OPTIONS = {"--model", "--format", "--out"};

    private final PrintStream out;

    ExportCommand(PrintStream out) {
        this.out = out;
    }

    /** The parsed command line: the three options and the two settings. */
    record Request(String model, String format, String target, OnnxPrecision precision, boolean overwrite) {
    }

    void run(String[] args) {
        Request r = parse(args);
        if (r == null) {
            out.println(help());
            return;
        }
        if (!r.format().strip().equalsIgnoreCase("onnx")) {
            throw new UsageException("--format " + r.format() + " is not a model format export writes; expected onnx");
        }
        Configuration conf = hadoopConfiguration(System.getProperties());
        new RunPaths(conf, r.overwrite()).input("--model", r.model()).output("--out", r.target(), RunPaths.Kind.FILE)
                .check();
        Model model = Models.load(r.model(), conf);
        long size = OnnxExporter.size(model, r.precision());
        if (size > OnnxExporter.MAX_BYTES) {
            throw new UsageException("the ONNX file of " + r.model() + " would hold " + size + " bytes in "
                    + r.precision().id() + "; an ONNX file holds at most " + OnnxExporter.MAX_BYTES + " bytes"
                    + (r.precision() == OnnxPrecision.FLOAT64 ? " (onnx.precision=float32 halves the size)" : ""));
        }
        try {
            OnnxExporter.save(model, r.precision(), r.target(), conf, r.overwrite());
        } catch (IOException e) {
            throw new UsageException("cannot write " + r.target() + ": " + e.getMessage());
        }
        out.println("model " + model.spec() + " exported to " + r.target() + " (ONNX opset " + OnnxExporter.OPSET
                + ", IR version " + OnnxExporter.IR_VERSION + ", " + r.precision().id() + ", " + size + " bytes)");
    }

    /** The request of {@code args}, or null for {@code --help}. */
    static Request parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.startsWith("--")) {
                if (!List.of(OPTIONS).contains(a)) {
                    throw new UsageException("unknown option '" + a + "' for export (see export --help)");
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                options.put(a, args[++i]);
            } else {
                setting(a, settings);
            }
        }
        for (String o : OPTIONS) {
            if (!options.containsKey(o)) {
                throw new UsageException("export needs " + o + " (see export --help)");
            }
        }
        return new Request(options.get("--model"), options.get("--format"), options.get("--out"),
                precision(settings.getOrDefault(PRECISION_KEY, OnnxPrecision.FLOAT64.id())),
                overwrite(settings.getOrDefault(Schema.OUTPUT_OVERWRITE.key(), "false")));
    }

    private static void setting(String arg, Map<String, String> settings) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("expected key=value, got '" + arg + "'");
        }
        String key = arg.substring(0, eq).strip();
        if (!key.equals(PRECISION_KEY) && !key.equals(Schema.OUTPUT_OVERWRITE.key())) {
            throw new UsageException("command line: unknown key '" + key + "' for export; it takes "
                    + PRECISION_KEY + " and " + Schema.OUTPUT_OVERWRITE.key() + " (see export --help)");
        }
        settings.put(key, arg.substring(eq + 1).strip());
    }

    private static OnnxPrecision precision(String value) {
        try {
            return OnnxPrecision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("command line: " + PRECISION_KEY + "=" + value + " is invalid; expected float64 or float32");
        }
    }

    private static boolean overwrite(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("command line: " + Schema.OUTPUT_OVERWRITE.key() + "=" + value
                    + " is invalid; expected true or false");
        };
    }

    /** Hadoop's default configuration plus every {@code spark.hadoop.x=y} in {@code system} as {@code x=y}. */
    static Configuration hadoopConfiguration(Properties system) {
        Configuration conf = new Configuration();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(SPARK_HADOOP) && name.length() > SPARK_HADOOP.length()) {
                conf.set(name.substring(SPARK_HADOOP.length()), system.getProperty(name), "spark.hadoop system property");
            }
        }
        return conf;
    }

    static String help() {
        return String.join("\n",
                "usage: sparkbp export --model M --format onnx --out F [onnx.precision=float64|float32] [output.overwrite=true]",
                "",
                "Writes model M as an ONNX file F (Hadoop paths), with the input standardization and, for linear",
                "outputs, the inverse target transform inside the graph: input 'features' [batch, inputs] of raw",
                "features; outputs 'probabilities' and 'logits' (softmax, logistic) or 'values' in the targets'",
                "units (linear), as predict gives them. ONNX opset " + OnnxExporter.OPSET + ", IR version "
                        + OnnxExporter.IR_VERSION + ". Starts no Spark context.",
                "  onnx.precision    float64 (default) or float32: the element type of the input, outputs and weights",
                "  output.overwrite  false (default): an existing F is refused; true replaces it");
    }
}
