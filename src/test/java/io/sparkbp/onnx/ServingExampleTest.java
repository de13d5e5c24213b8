package io.sparkbp.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.OutputKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's serving example, run as it is printed there. */
class ServingExampleTest {
    private static final Path SOURCE = Path.of("src", "test", "java", "io", "sparkbp", "onnx", "ServingExampleTest.java");
    private static final String BEGIN = "// README serving example begins";
    private static final String END = "// README serving example ends";

    @TempDir
    Path dir;

    /** The README shows the body of this method, between the two marker comments, verbatim. */
    static double[][] serve(String modelPath, double[][] rows) throws OrtException {
        // README serving example begins
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(modelPath, new OrtSession.SessionOptions());
             OnnxTensor features = OnnxTensor.createTensor(env, rows);        // raw features, one row per example
             OrtSession.Result result = session.run(Map.of("features", features))) {
            double[][] probabilities = (double[][]) result.get("probabilities").get().getValue();
            return probabilities;                                             // what predict prints, row by row
        }
        // README serving example ends
    }

    @Test
    void theExampleGivesWhatPredictGives() throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        Model model = RandomNetworkAgreementTest.randomModel(rng,
                new RandomNetworkAgreementTest.Head(OutputKind.SOFTMAX, 10), Activation.SIGMOID, 1, true);
        Path file = dir.resolve("digits.onnx");
        OnnxExporter.save(model, OnnxPrecision.FLOAT64, file.toString(), new org.apache.hadoop.conf.Configuration(), false);
        double[][] rows = RandomNetworkAgreementTest.rawRows(rng, model, 5);
        double err = OrtHarness.error(serve(file.toString(), rows), OrtHarness.reference(model, rows).outputs());
        assertTrue(err <= 1e-12, "error " + err);
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() throws IOException {
        List<String> lines = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        int from = lines.indexOf("        " + BEGIN);
        int to = lines.indexOf("        " + END);
        assertTrue(from >= 0 && to > from, "markers not found in " + SOURCE);
        String snippet = lines.subList(from + 1, to).stream().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains(snippet), () -> "README.md does not contain the serving example:\n" + snippet);
    }
}
