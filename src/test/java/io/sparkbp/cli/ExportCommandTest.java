package io.sparkbp.cli;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkbp.cli.CliHarness.Result;
import io.sparkbp.model.Model;
import io.sparkbp.onnx.OnnxExporter;
import io.sparkbp.onnx.OnnxPrecision;
import io.sparkbp.onnx.OrtHarness;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.run;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sparkbp export} through {@link Main#run}: files ONNX Runtime loads, and every refusal with its exit code. */
class ExportCommandTest {
    @TempDir
    Path dir;

    Path model;
    Model network;

    @BeforeEach
    void copyModel() throws IOException {
        model = dir.resolve("linear.json");
        Files.copy(Path.of("src", "test", "resources", "model", "linear-v1.json"), model);
        network = loadModel(model);
    }

    private Result export(Path out, String... settings) {
        return run(Stream.concat(Stream.of("export", "--model", model.toString(), "--format", "onnx", "--out",
                out.toString()), Stream.of(settings)).toArray(String[]::new));
    }

    private static void assertUsageError(Result r, String... fragments) {
        assertEquals(ExitCode.USAGE, r.code(), r::toString);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "no '" + f + "' in\n" + r);
        }
    }

    /** {@code file}, loaded by ONNX Runtime and run on a few rows, against sparkbp's predictions. */
    private double errorOf(Path file, OnnxPrecision precision) throws IOException, OrtException {
        double[][] rows = {{1, 2, -3}, {0, 0, 0}, {4.5, 1.75, -10}};
        try (OrtSession s = OrtHarness.session(Files.readAllBytes(file))) {
            double[][] values = OrtHarness.run(s, rows, precision).get("values");
            return OrtHarness.error(values, OrtHarness.reference(network, rows).outputs());
        }
    }

    @Test
    void exportWritesAFileOnnxRuntimeRunsAsPredictWould() throws Exception {
        Path out = dir.resolve("models/linear.onnx");
        Result r = export(out);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("exported to " + out) && r.out().contains("float64"), r::toString);
        assertTrue(errorOf(out, OnnxPrecision.FLOAT64) <= 1e-12);
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of("linear.onnx"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void float32IsExportedOnRequest() throws Exception {
        Path out = dir.resolve("linear32.onnx");
        Result r = export(out, "onnx.precision=float32");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("float32"), r::toString);
        assertTrue(errorOf(out, OnnxPrecision.FLOAT32) <= 1e-5);
    }

    @Test
    void anExistingFileIsRefusedAndLeftAloneUnlessOverwriteIsTrue() throws Exception {
        Path out = write(dir.resolve("taken.onnx"), "precious");
        assertUsageError(export(out), "taken.onnx", "already exists", "output.overwrite=true");
        assertEquals("precious\n", Files.readString(out, StandardCharsets.UTF_8));
        Result r = export(out, "output.overwrite=true");
        assertEquals(0, r.code(), r::toString);
        assertTrue(errorOf(out, OnnxPrecision.FLOAT64) <= 1e-12);
    }

    @Test
    void aDirectoryIsNotAnOutputFile() throws IOException {
        Path out = Files.createDirectories(dir.resolve("adir"));
        assertUsageError(export(out, "output.overwrite=true"), "adir", "is a directory");
    }

    @Test
    void aFileThatIsNotAModelIsADataErrorAndWritesNothing() {
        Path bad = write(dir.resolve("bad.json"), "{\"format\": \"sparkbp-mlp\", \"version\": 1, \"layers\": [2]}");
        Path out = dir.resolve("bad.onnx");
        Result r = run("export", "--model", bad.toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertTrue(r.err().contains("bad.json"), r::toString);
        assertTrue(Files.notExists(out));
    }

    @Test
    void aMissingModelFileIsAUsageError() {
        Result r = run("export", "--model", dir.resolve("none.json").toString(), "--format", "onnx",
                "--out", dir.resolve("x.onnx").toString());
        assertUsageError(r, "none.json", "does not exist");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "export --format onnx --out x.onnx                   | export needs --model",
            "export --model m.json --format onnx                 | export needs --out",
            "export --model m.json --out x.onnx                  | export needs --format",
            "export --model m.json --format pmml --out x.onnx    | --format pmml is not a model format export writes; expected onnx",
            "export --model m.json --format onnx --out x.onnx --zap 1 | unknown option '--zap' for export",
            "export --model m.json --format onnx --out           | --out needs a value",
            "export --model m.json --format onnx --out x.onnx train.epochs=3 | unknown key 'train.epochs' for export; it takes onnx.precision and output.overwrite",
            "export --model m.json --format onnx --out x.onnx onnx.precision=fp16 | onnx.precision=fp16 is invalid; expected float64 or float32",
            "export --model m.json --format onnx --out x.onnx output.overwrite=yes | output.overwrite=yes is invalid; expected true or false",
            "export --model m.json --format onnx --out x.onnx precision | expected key=value, got 'precision'",
    })
    void badArgumentsAreUsageErrors(String args, String message) {
        assertUsageError(run(args.strip().split("\\s+")), message);
    }

    @Test
    void helpDescribesTheCommandAndTopLevelHelpListsIt() {
        Result r = run("export", "--help");
        assertEquals(0, r.code(), r::toString);
        for (String s : List.of("usage: sparkbp export", "onnx.precision", "output.overwrite", "features",
                "probabilities", "logits", "values", "opset 13")) {
            assertTrue(r.out().contains(s), s);
        }
        assertTrue(run("--help").out().contains("export --model M --format onnx --out F"));
    }

    @Test
    void sparkHadoopSystemPropertiesReachTheHadoopConfiguration() {
        Properties props = new Properties();
        props.setProperty("spark.hadoop.fs.example.setting", "42");
        props.setProperty("spark.master", "local[2]");
        Configuration conf = ExportCommand.hadoopConfiguration(props);
        assertEquals("42", conf.get("fs.example.setting"));
        assertNull(conf.get("spark.master"));
        assertNull(conf.get("master"));
    }

    @Test
    void exportStartsNoSparkContext() throws IOException {
        org.apache.spark.SparkEnv before = org.apache.spark.SparkEnv.get();
        Path out = dir.resolve("nospark.onnx");
        assertEquals(0, export(out).code());
        assertSame(before, org.apache.spark.SparkEnv.get(), "export started or stopped Spark");
        assertArrayEquals(OnnxExporter.toBytes(network, OnnxPrecision.FLOAT64), Files.readAllBytes(out));
    }
}
