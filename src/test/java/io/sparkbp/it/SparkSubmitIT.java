package io.sparkbp.it;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.onnx.OnnxExporter;
import io.sparkbp.onnx.OnnxPrecision;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged application jar run the way a user runs it: a separate JVM with Spark's runtime
 * classpath only (compile and provided dependencies, no test classes; written by the
 * dependency plugin to target/spark-runtime-classpath.txt) starting
 * {@code org.apache.spark.deploy.SparkSubmit --class io.sparkbp.cli.Main target/sparkbp-*.jar}.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class SparkSubmitIT {
    static final long PROCESS_TIMEOUT_SECONDS = 180;

    static Path basedir;
    static Path jar;
    static String runtimeClasspath;
    static Path work;
    static int passed;

    @BeforeAll
    static void setUp() throws IOException {
        basedir = ItSupport.basedir();
        jar = Path.of(ItSupport.required("sparkbp.it.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " does not exist; run 'mvn verify' (the package phase builds it)");
        Path cpFile = Path.of(ItSupport.required("sparkbp.it.runtimeClasspathFile"));
        assertTrue(Files.isRegularFile(cpFile), cpFile + " does not exist (dependency:build-classpath writes it)");
        runtimeClasspath = Files.readString(cpFile, StandardCharsets.UTF_8).strip();
        assertTrue(runtimeClasspath.contains("spark-core_" + ItSupport.scalaBinaryVersion() + "-"),
                "no Spark for Scala " + ItSupport.scalaBinaryVersion() + " in " + cpFile);
        assertFalse(runtimeClasspath.contains("junit") || runtimeClasspath.contains("test-classes"),
                "test dependencies in " + cpFile);
        work = ItSupport.workDir("spark-submit");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (passed == 2) {
            ItSupport.deleteRecursively(work);
        }
    }

    record Result(int exit, List<String> out, List<String> err, String command) {
        String describe() {
            return "$ " + command + "\nexit code " + exit + "\n--- stdout ---\n" + String.join("\n", out)
                    + "\n--- stderr ---\n" + String.join("\n", err);
        }
    }

    /** {@code java ... SparkSubmit --master local[2] ... --class io.sparkbp.cli.Main JAR appArgs}, from the project directory. */
    static Result submit(String name, String... appArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(ItSupport.moduleOpts());
        Path log4j = basedir.resolve("conf/log4j2.properties");
        if (Files.isRegularFile(log4j)) { // as submit-scripts/sparkbp does
            cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        }
        cmd.add("-cp");
        cmd.add(runtimeClasspath);
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--class", "io.sparkbp.cli.Main", jar.toString()));
        cmd.addAll(List.of(appArgs));

        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(basedir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_HOME"); // only the local-cluster test needs one; SparkSubmit does not
        pb.environment().remove("SPARK_CONF_DIR");
        String shown = String.join(" ", cmd).replace(runtimeClasspath, "<spark runtime classpath>");
        Process p = pb.start();
        try {
            if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("timed out after " + PROCESS_TIMEOUT_SECONDS + " s: " + shown + "\n--- stdout ---\n"
                        + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
            }
        } finally {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        Result r = new Result(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8), shown);
        System.out.println(r.describe());
        return r;
    }

    /** The digits settings: conf/digits.properties when present, otherwise the same as key=value arguments. */
    static List<String> digitsSettings() {
        if (Files.isRegularFile(basedir.resolve("conf/digits.properties"))) {
            return List.of("--conf", "conf/digits.properties");
        }
        return List.of("data.train=src/data/digits/train.libsvm", "data.test=src/data/digits/test.libsvm",
                "data.format=libsvm", "data.features=64", "data.validationFraction=0.1", "model.hidden=64",
                "model.activation=sigmoid", "model.output=softmax", "model.outputs=10", "train.optimizer=adam",
                "train.learningRate=0.01", "train.batchSize=64", "train.l2=1e-4", "train.seed=42",
                "train.standardize=true", "output.overwrite=true");
    }

    static String[] trainArgs(String... overrides) {
        List<String> args = new ArrayList<>();
        args.add("train");
        args.addAll(digitsSettings());
        args.addAll(List.of(overrides));
        return args.toArray(new String[0]);
    }

    @Test
    void trainsAndEvaluatesThroughSparkSubmit() throws Exception {
        Path model = work.resolve("digits.json");
        Path metrics = work.resolve("digits-metrics.jsonl");
        Path report = work.resolve("digits-report.html");
        Result train = submit("train", trainArgs("output.model=" + model, "output.metrics=" + metrics,
                "output.report=" + report, "train.epochs=2"));
        assertEquals(0, train.exit(), train::describe);
        for (int e = 1; e <= 2; e++) {
            String prefix = "epoch " + e + "/2  loss ";
            assertTrue(train.out().stream().anyMatch(l -> l.startsWith(prefix)), () -> "no '" + prefix + "' line\n"
                    + train.describe());
        }
        assertTrue(train.out().stream().anyMatch(l -> l.equals("model written to " + model)), train::describe);
        assertTrue(Files.isRegularFile(model), train::describe);
        assertEquals(2, Files.readAllLines(metrics).size(), train::describe);
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("id=\"epoch-table\""), train::describe);
        Model m = ModelFormat.load(model.toString(), new Configuration());
        assertEquals(64, m.spec().inputs());
        assertEquals(10, m.spec().outputs());

        Result eval = submit("evaluate", "evaluate", "--model", model.toString(), "--data", "src/data/digits/test.libsvm");
        assertEquals(0, eval.exit(), eval::describe);
        assertFalse(eval.out().isEmpty(), eval::describe);
        String last = eval.out().get(eval.out().size() - 1);
        assertTrue(last.startsWith("{") && last.endsWith("}") && last.contains("\"accuracy\":"), eval::describe);
        double accuracy = Double.parseDouble(last.replaceAll(".*\"accuracy\":([-0-9.eE+]+).*", "$1"));
        assertTrue(accuracy > 0.85, "accuracy " + accuracy + "\n" + eval.describe());
        assertEquals(ItSupport.accuracy(m, ItSupport.digits("test.libsvm")), accuracy, 1e-9, eval::describe);

        Path onnx = work.resolve("digits.onnx");
        Result export = submit("export", "export", "--model", model.toString(), "--format", "onnx", "--out", onnx.toString());
        assertEquals(0, export.exit(), export::describe);
        assertArrayEquals(OnnxExporter.toBytes(m, OnnxPrecision.FLOAT64), Files.readAllBytes(onnx), export::describe);
        passed++;
    }

    @Test
    void badDataExitsWithCode3AndOneLineNamingFileAndLine() throws Exception {
        Path bad = work.resolve("bad.libsvm");
        Files.writeString(bad, String.join("\n",
                "3 1:1 2:5 64:2",
                "7 10:16 11:4",
                "4 5:3 65:1 7:2",
                "1 1:1",
                ""), StandardCharsets.UTF_8);
        Result r = submit("bad-data", trainArgs("data.train=" + bad, "output.model=" + work.resolve("never.json"),
                "output.metrics=" + work.resolve("never.jsonl"), "train.epochs=1"));
        assertEquals(3, r.exit(), r::describe);
        List<String> messages = r.err().stream().filter(l -> l.startsWith("sparkbp:")).toList();
        assertEquals(1, messages.size(), r::describe);
        String msg = messages.get(0);
        assertTrue(msg.startsWith("sparkbp: data error: "), msg);
        assertTrue(msg.contains(bad.getFileName() + " line 3: "), msg);
        assertTrue(msg.contains("65"), msg);
        assertFalse(r.err().stream().anyMatch(l -> l.contains("internal error")), r::describe);
        assertFalse(Files.exists(work.resolve("never.json")));
        passed++;
    }
}
