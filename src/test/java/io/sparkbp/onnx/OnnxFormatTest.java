package io.sparkbp.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file itself: committed fixtures pin the bytes, ONNX Runtime reports the declared names, types,
 * shapes and metadata, and the writes to a Hadoop path are atomic and refuse existing files.
 */
class OnnxFormatTest {
    private static final Path MODELS = Path.of("src", "test", "resources", "model");
    private static final Path FIXTURES = Path.of("src", "test", "resources", "onnx");

    @TempDir
    Path dir;

    private static Model load(String name) throws IOException {
        return ModelFormat.load(MODELS.resolve(name).toString(), new Configuration());
    }

    /**
     * The fixtures were checked when they were committed with the {@code onnx} Python package (1.12):
     * {@code onnx.checker.check_model(m, full_check=True)} passes, and {@code m.SerializeToString()},
     * protobuf's own serialization of the parsed model, gives the same bytes.
     */
    @Test
    void theExportOfTheFixtureModelsIsTheCommittedFixtureByteForByte() throws IOException {
        assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("xor-v1.float64.onnx")),
                OnnxExporter.toBytes(load("xor-v1.json"), OnnxPrecision.FLOAT64));
        assertArrayEquals(Files.readAllBytes(FIXTURES.resolve("linear-v1.float32.onnx")),
                OnnxExporter.toBytes(load("linear-v1.json"), OnnxPrecision.FLOAT32));
    }

    @Test
    void theXorFixtureComputesXorInOnnxRuntime() throws Exception {
        double[][] rows = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        double[][] p = OrtHarness.exportAndRun(load("xor-v1.json"), rows, OnnxPrecision.FLOAT64).get("probabilities");
        assertTrue(p[0][0] < 0.01 && p[1][0] > 0.99 && p[2][0] > 0.99 && p[3][0] < 0.01, Arrays.deepToString(p));
    }

    @ParameterizedTest
    @EnumSource(OnnxPrecision.class)
    void theRuntimeSeesTheDeclaredInputOutputsAndMetadata(OnnxPrecision precision) throws OrtException, IOException {
        Model model = load("xor-v1.json");
        OnnxJavaType type = precision == OnnxPrecision.FLOAT64 ? OnnxJavaType.DOUBLE : OnnxJavaType.FLOAT;
        try (OrtSession s = OrtHarness.session(OnnxExporter.toBytes(model, precision))) {
            assertEquals(List.of("features"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("probabilities", "logits"), List.copyOf(s.getOutputNames()));
            assertMatrix(s.getInputInfo().get("features"), type, 2);
            assertMatrix(s.getOutputInfo().get("probabilities"), type, 1);
            assertMatrix(s.getOutputInfo().get("logits"), type, 1);
            OnnxModelMetadata meta = s.getMetadata();
            assertEquals("sparkbp", meta.getProducerName());
            assertEquals("sparkbp", meta.getGraphName());
            assertTrue(meta.getDescription().startsWith("sparkbp network [2, 2, 1] sigmoid/logistic"), meta.getDescription());
            assertEquals(Map.of("sparkbp.layers", "2,2,1", "sparkbp.hiddenActivation", "sigmoid",
                    "sparkbp.output", "logistic", "sparkbp.precision", precision.id()), meta.getCustomMetadata());
        }
    }

    private static void assertMatrix(NodeInfo info, OnnxJavaType type, int width) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertEquals(type, t.type, info.getName());
        assertArrayEquals(new long[] {-1, width}, t.getShape(), info.getName());
        assertArrayEquals(new String[] {"batch", ""}, t.getDimensionNames(), info.getName());
    }

    @Test
    void aLinearModelHasOnlyValuesAndNoTransformMeansNoStandardizingNodes() throws OrtException {
        NetworkSpec spec = new NetworkSpec(new int[] {3, 2}, Activation.RELU, OutputKind.LINEAR);
        Model bare = new Model(spec, spec.initialParameters(4));
        OnnxGraph graph = NetworkGraph.of(bare);
        assertEquals(List.of("Gemm"), graph.nodes().stream().map(OnnxGraph.Node::opType).toList());
        assertEquals(List.of("values"), graph.outputs().stream().map(OnnxGraph.Value::name).toList());
        double[][] rows = {{1, 2, 3}, {-1, 0.5, 0}};
        double[][] values = OrtHarness.exportAndRun(bare, rows, OnnxPrecision.FLOAT64).get("values");
        assertTrue(OrtHarness.error(values, OrtHarness.reference(bare, rows).outputs()) <= 1e-12);
    }

    @Test
    void saturatedOutputsStayFiniteAndAgree() throws OrtException {
        for (OutputKind kind : List.of(OutputKind.SOFTMAX, OutputKind.LOGISTIC)) {
            NetworkSpec spec = new NetworkSpec(new int[] {2, 3}, Activation.SIGMOID, kind);
            double[] theta = new double[spec.numParams()];
            theta[0] = 400;    // W(0, 0): logits of +-800 and beyond for inputs of +-2
            theta[4] = -400;   // W(1, 1)
            Model model = new Model(spec, theta);
            double[][] rows = {{2, 0}, {-2, 0}, {0, 2}, {2, -2}, {-2.5, 2.5}};
            Map<String, double[][]> ort = OrtHarness.exportAndRun(model, rows, OnnxPrecision.FLOAT64);
            OrtHarness.Reference ref = OrtHarness.reference(model, rows);
            assertTrue(Stream.of(ort.get("probabilities")).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite),
                    () -> Arrays.deepToString(ort.get("probabilities")));
            assertTrue(OrtHarness.error(ort.get("probabilities"), ref.outputs()) <= 1e-12, kind.id());
            assertTrue(OrtHarness.error(ort.get("logits"), ref.logits()) <= 1e-12, kind.id());
        }
    }

    @Test
    void sizeCountsTheBytesWrittenAndAFileOverTheLimitIsRefused() throws IOException {
        Model model = load("linear-v1.json");
        for (OnnxPrecision p : OnnxPrecision.values()) {
            assertEquals(OnnxExporter.toBytes(model, p).length, OnnxExporter.size(model, p));
        }
        long size = OnnxExporter.size(model, OnnxPrecision.FLOAT64);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.write(model, OnnxPrecision.FLOAT64, out, size - 1));
        assertTrue(e.getMessage().contains("would hold " + size + " bytes") && e.getMessage().contains("float32"),
                e.getMessage());
        assertEquals(0, out.size(), "nothing is written");
        OnnxExporter.write(model, OnnxPrecision.FLOAT64, out, size);
        assertEquals(size, out.size());
    }

    @Test
    void saveWritesAtomicallyAndReplacesAFileOnlyWhenAsked() throws IOException {
        Model model = load("xor-v1.json");
        Path target = dir.resolve("sub/xor.onnx");
        OnnxExporter.save(model, OnnxPrecision.FLOAT64, target.toString(), new Configuration(), false);
        assertArrayEquals(OnnxExporter.toBytes(model, OnnxPrecision.FLOAT64), Files.readAllBytes(target));
        assertThrows(FileAlreadyExistsException.class,
                () -> OnnxExporter.save(model, OnnxPrecision.FLOAT32, target.toString(), new Configuration(), false));
        OnnxExporter.save(model, OnnxPrecision.FLOAT32, target.toString(), new Configuration(), true);
        assertArrayEquals(OnnxExporter.toBytes(model, OnnxPrecision.FLOAT32), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("xor.onnx"), files.map(f -> f.getFileName().toString()).toList(), "no temporary or .crc files");
        }
    }

    @Test
    void precisionsParseAsTheSettingSpellsThem() {
        assertEquals(OnnxPrecision.FLOAT32, OnnxPrecision.parse(" Float32 "));
        assertEquals(OnnxPrecision.FLOAT64, OnnxPrecision.parse("float64"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxPrecision.parse("fp16"));
        assertTrue(e.getMessage().contains("'fp16'") && e.getMessage().contains("float64 or float32"), e.getMessage());
    }
}
