package io.sparkbp.it;

import io.sparkbp.model.Model;
import io.sparkbp.model.Predictor;
import org.apache.spark.SparkEnv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Shared helpers of the integration tests. The failsafe configuration in {@code pom.xml} passes
 * the {@code sparkbp.it.*} system properties; running from an IDE needs the same.
 */
final class ItSupport {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private ItSupport() {
    }

    /** The project directory (Maven's basedir). */
    static Path basedir() {
        String dir = System.getProperty("sparkbp.it.basedir", System.getProperty("basedir", System.getProperty("user.dir")));
        return Path.of(dir).toAbsolutePath().normalize();
    }

    static Path target() {
        return basedir().resolve("target");
    }

    static Path digits(String name) {
        return basedir().resolve("src/data/digits").resolve(name);
    }

    /** A fresh directory under {@code target/it-work/}, unique to this JVM and call. */
    static Path workDir(String name) throws IOException {
        Path dir = target().resolve("it-work").resolve(name + "-" + ProcessHandle.current().pid() + "-"
                + System.currentTimeMillis() + "-" + COUNTER.incrementAndGet());
        return Files.createDirectories(dir);
    }

    /** Deletes a directory tree (used after a test passed; failed runs keep their files for inspection). */
    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A system property the failsafe configuration must set. */
    static String required(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set; run the integration tests with "
                    + "'mvn verify' (the maven-failsafe-plugin configuration in pom.xml sets it)");
        }
        return v;
    }

    /** Spark's --add-opens list, as separate JVM options. */
    static List<String> moduleOpts() {
        return Arrays.asList(required("sparkbp.it.moduleOpts").trim().split("\\s+"));
    }

    /**
     * The classpath of this (test) JVM: target/classes or the project jar, target/test-classes and all
     * dependency jars. Surefire/failsafe put it in {@code java.class.path} (they are configured with
     * {@code useManifestOnlyJar=false}); {@code surefire.test.class.path} is preferred when present.
     */
    static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        if (cp.contains("surefirebooter") && !cp.contains("spark-core")) {
            throw new IllegalStateException("the test classpath is a manifest-only jar (" + cp
                    + "); configure failsafe with useManifestOnlyJar=false");
        }
        return cp;
    }

    /**
     * The Scala binary version of the Scala library on this JVM's classpath ("2.13" for Spark 4.0,
     * "2.12" with the spark-3.5 profile): what Spark's launcher and its jar names use.
     */
    static String scalaBinaryVersion() {
        String full = scala.util.Properties.versionNumberString(); // e.g. 2.13.16
        int second = full.indexOf('.', full.indexOf('.') + 1);
        return second < 0 ? full : full.substring(0, second);
    }

    static void assertNoSparkContext() {
        assertNull(SparkEnv.get(), "a SparkContext is already running in this JVM (leaked by an earlier test?)");
    }

    /** Output of one in-process {@code Main.run}. */
    record Captured(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        String describe() {
            return "exit code " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs the CLI in this JVM, capturing its standard output and error (and echoing them). */
    static Captured runMain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = io.sparkbp.cli.Main.run(args, o, e);
        }
        Captured c = new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("sparkbp " + String.join(" ", args) + "\n" + c.describe());
        return c;
    }

    /** Fraction of the examples of a local LIBSVM file whose largest output is the labelled class. */
    static double accuracy(Model model, Path libsvm) throws IOException {
        Predictor predictor = new Predictor(model);
        List<double[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String line : Files.readAllLines(libsvm, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            String[] t = s.split("\\s+");
            labels.add((int) Double.parseDouble(t[0]));
            double[] x = new double[predictor.inputs()];
            for (int k = 1; k < t.length; k++) {
                int colon = t[k].indexOf(':');
                x[Integer.parseInt(t[k].substring(0, colon)) - 1] = Double.parseDouble(t[k].substring(colon + 1));
            }
            rows.add(x);
        }
        double[][] outputs = predictor.predict(rows.toArray(new double[0][]));
        int correct = 0;
        for (int i = 0; i < outputs.length; i++) {
            int best = 0;
            for (int j = 1; j < outputs[i].length; j++) {
                if (outputs[i][j] > outputs[i][best]) {
                    best = j;
                }
            }
            if (best == labels.get(i)) {
                correct++;
            }
        }
        return (double) correct / outputs.length;
    }
}
