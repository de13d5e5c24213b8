package io.sparkbp.cli;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helpers for driving the command line in-process: one shared local Spark context per test
 * class (which {@link Main#run} reuses), captured standard output and error, small file writers and
 * a reader for the flat JSON objects the commands print.
 */
public final class CliHarness {
    /** Where the sample data sets live, relative to the repository root (the surefire working directory). */
    public static final Path DATA = Path.of("src", "data").toAbsolutePath();

    private CliHarness() {
    }

    /** A local[2] context without UI; stop it in {@code @AfterAll}. */
    public static JavaSparkContext startSpark(String appName) {
        quietLogging();
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.setLogLevel("ERROR");
        return sc;
    }

    /**
     * Without a log4j configuration Spark installs its own (INFO to the console); install one that
     * shows only warnings, so that test output stays readable. A configuration someone else chose
     * (other than Spark's defaults) is left alone.
     */
    private static void quietLogging() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        org.apache.logging.log4j.core.config.Configuration current = context.getConfiguration();
        String source = String.valueOf(current.getConfigurationSource().getLocation());
        if (!(current instanceof DefaultConfiguration) && !source.contains("org/apache/spark/log4j2-defaults")) {
            return;
        }
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setStatusLevel(Level.ERROR);
        b.add(b.newAppender("stderr", "Console").addAttribute("target", "SYSTEM_ERR")
                .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss} %p %c{1}: %m%n")));
        b.add(b.newRootLogger(Level.WARN).add(b.newAppenderRef("stderr")));
        Configurator.reconfigure(b.build());
    }

    private static final String[] TASK_FAILURE_LOGGERS = {
            "org.apache.spark.executor.Executor", "org.apache.spark.scheduler.TaskSetManager",
            "org.apache.spark.internal.io.SparkHadoopWriter"};

    /**
     * Turns Spark's logging of failed tasks off ({@code true}) or back to the root level: for tests whose
     * tasks fail on purpose (bad data), where every failure would otherwise print a stack trace.
     */
    public static void quietTaskFailures(boolean quiet) {
        for (String name : TASK_FAILURE_LOGGERS) {
            Configurator.setLevel(name, quiet ? Level.OFF : null);
        }
    }

    public static void stopSpark(JavaSparkContext sc) {
        if (sc != null) {
            sc.stop();
        }
    }

    /** {@code r} exited with {@code code} and printed exactly one error line, holding every one of {@code parts}. */
    public static void assertOneLine(Result r, int code, String... parts) {
        assertEquals(code, r.code(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r::toString);
        for (String p : parts) {
            assertTrue(err.get(0).contains(p), () -> "expected '" + p + "' in\n" + r);
        }
    }

    /** The outcome of one {@link Main#run} call. */
    public record Result(int code, String out, String err) {
        /** The last non-blank line of standard output. */
        public String lastOutLine() {
            String[] lines = out.strip().split("\\R");
            return lines[lines.length - 1].strip();
        }

        /** The last standard-output line parsed as a flat JSON object of numbers. */
        public Map<String, Double> lastJson() {
            return flatJson(lastOutLine());
        }

        /** Lines of standard error that are not Spark/Hadoop log noise. */
        public List<String> errLines() {
            List<String> lines = new ArrayList<>();
            for (String l : err.split("\\R")) {
                if (!l.isBlank()) {
                    lines.add(l);
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs {@code Main.run(args)} with captured streams. */
    public static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        } catch (Exception e) {
            // Main.run must turn every failure into a message and an exit code
            throw new AssertionError("Main.run threw " + e.getClass().getName() + " instead of returning an exit code:\n"
                    + "--- stdout ---\n" + out.toString(StandardCharsets.UTF_8)
                    + "\n--- stderr ---\n" + err.toString(StandardCharsets.UTF_8), e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code run("train", settings...)}. */
    public static Result train(String... settings) {
        String[] args = new String[settings.length + 1];
        args[0] = "train";
        System.arraycopy(settings, 0, args, 1, settings.length);
        return run(args);
    }

    /** Concatenates setting arrays. */
    public static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

    /** Writes {@code lines}, each terminated by {@code \n}, as UTF-8. */
    public static Path write(Path file, String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return writeRaw(file, sb.toString());
    }

    /** Writes {@code text} exactly, as UTF-8. */
    public static Path writeRaw(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Model loadModel(Path file) {
        try {
            return ModelFormat.load(file.toString(), new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void saveModel(Model model, Path file) {
        try {
            ModelFormat.save(model, file.toString(), new Configuration(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of the part files of a Hadoop output directory, in part order. */
    public static List<String> partLines(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
            List<String> lines = new ArrayList<>();
            for (Path p : parts) {
                lines.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern MEMBER = Pattern.compile("\"([^\"]+)\"\\s*:\\s*(null|[-+0-9.eE]+|NaN|-?Infinity)");

    /** Parses {@code {"a":1,"b":0.5}}; {@code null} becomes NaN. */
    public static Map<String, Double> flatJson(String json) {
        String s = json.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new AssertionError("not a JSON object: " + json);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher matcher = MEMBER.matcher(s);
        while (matcher.find()) {
            String v = matcher.group(2);
            m.put(matcher.group(1), v.equals("null") ? Double.NaN : Double.parseDouble(v));
        }
        return m;
    }

    /** A numeric metadata map of a model ({@code extra.metrics.test}, say) as doubles. */
    public static Map<String, Double> numbers(Object map) {
        if (!(map instanceof Map<?, ?> raw)) {
            throw new AssertionError("not a map: " + map);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            m.put((String) e.getKey(), e.getValue() == null ? Double.NaN : ((Number) e.getValue()).doubleValue());
        }
        return m;
    }

    /** Largest {@code |a_i - b_i|} divided by the largest {@code |a_i|}. */
    public static double maxRelativeDifference(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }
}
