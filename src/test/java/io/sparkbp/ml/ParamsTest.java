package io.sparkbp.ml;

import io.sparkbp.settings.Schema;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The params as Spark sees them, and their agreement with the command line's keys. */
class ParamsTest {
    /**
     * Command-line keys without a param, because a DataFrame replaces them (paths, formats, columns,
     * partitioning, bad-line policy; the output count comes from the label) or because
     * {@code write().save()} does (outputs); checkpoints, starting from a model file and the HTML report
     * are not offered (the model's training history holds the report's per-epoch numbers).
     * A new key must be added either as a param or here.
     */
    private static final Set<String> NOT_FOR_DATAFRAMES = Set.of(Schema.DATA_TRAIN.key(), Schema.DATA_TEST.key(), Schema.DATA_VALIDATION.key(),
            Schema.DATA_FORMAT.key(), Schema.DATA_FEATURES.key(), Schema.DATA_LABEL_COLUMNS.key(), Schema.DATA_PARTITIONS.key(), Schema.DATA_ON_BAD_RECORD.key(),
            Schema.MODEL_OUTPUTS.key(), Schema.TRAIN_INIT_MODEL.key(), Schema.TRAIN_CHECKPOINT_DIR.key(), Schema.TRAIN_CHECKPOINT_EVERY.key(),
            Schema.TRAIN_RESUME.key(), Schema.OUTPUT_MODEL.key(), Schema.OUTPUT_METRICS.key(), Schema.OUTPUT_REPORT.key(), Schema.OUTPUT_OVERWRITE.key());

    @Test
    void everyCommandLineKeyIsAParamWithItsDefaultOrDeliberatelyLeftOut() {
        SparkbpEstimator e = new SparkbpEstimator();
        Map<String, String> mapped = e.paramDefs().cliKeys();
        Set<String> covered = new TreeSet<>(mapped.values());
        for (String key : Schema.all().keySet()) {
            assertTrue(covered.contains(key) ^ NOT_FOR_DATAFRAMES.contains(key),
                    key + " must be either a param or listed as not for DataFrames");
        }
        for (Map.Entry<String, String> m : mapped.entrySet()) {
            String param = m.getKey();
            String key = m.getValue();
            assertTrue(key.endsWith("." + param) || param.equals("weightCol"), param + " is named after " + key);
            Object value = e.getOrDefault(e.getParam(param));
            String text = value instanceof int[] a ? String.join(",", Arrays.stream(a).mapToObj(String::valueOf).toList())
                    : String.valueOf(value);
            String cli = Schema.of(key).defaultValue();
            if (value instanceof Double d) {
                assertEquals(Double.parseDouble(cli), d, param);
            } else {
                assertEquals(cli, text, param + " has the default of " + key);
            }
        }
    }

    @Test
    void sparkFindsEveryParamAndExplainsIt() {
        SparkbpEstimator e = new SparkbpEstimator().setEpochs(7);
        Param<?>[] params = e.params();
        assertEquals(35, params.length); // 34 and handleInvalid
        String explained = e.explainParams();
        for (Param<?> p : params) {
            assertTrue(explained.contains(p.name() + ": "), p.name());
            assertFalse(p.doc().isBlank(), p.name());
        }
        assertTrue(explained.contains("epochs: the most passes over the training data (lbfgs: iterations); early "
                + "stopping usually ends the run sooner (command line: train.epochs) (default: 300, current: 7)"), explained);
        // the model has the same params, so a tuned model tells its settings
        assertEquals(Arrays.stream(params).map(Param::name).toList(),
                Arrays.stream(new SparkbpModel(new io.sparkbp.model.Model(new io.sparkbp.nn.NetworkSpec(new int[] {2, 1},
                        io.sparkbp.nn.Activation.SIGMOID, io.sparkbp.nn.OutputKind.LOGISTIC), new double[3])).params())
                        .map(Param::name).toList());
    }

    @Test
    void copiesKeepTheUidAndTheValuesAndAreIndependent() {
        SparkbpEstimator e = new SparkbpEstimator().setHidden(new int[] {32, 16}).setL2(1e-3);
        SparkbpEstimator c = e.copy(new ParamMap().put(e.epochs().w(3)));
        assertNotSame(e, c);
        assertEquals(e.uid(), c.uid());
        assertArrayEquals(new int[] {32, 16}, c.getHidden());
        assertEquals(1e-3, c.getL2());
        assertEquals(3, c.getEpochs());
        assertEquals(300, e.getEpochs());
        c.setL2(0.5);
        assertEquals(1e-3, e.getL2());
        // getters hand out copies of arrays
        c.getHidden()[0] = 99;
        assertArrayEquals(new int[] {32, 16}, c.getHidden());
    }

    @Test
    void paramGridBuilderCombinesParamsOfEveryType() {
        SparkbpEstimator e = new SparkbpEstimator();
        // from Java without Scala collections: baseOn for the array and string params, addGrid for numbers
        List<ParamMap> grid = new ArrayList<>();
        for (int[] hidden : List.of(new int[] {8}, new int[] {16, 8})) {
            grid.addAll(Arrays.asList(new ParamGridBuilder().baseOn(e.hidden().w(hidden), e.optimizer().w("sgd"))
                    .addGrid(e.l2(), new double[] {0, 1e-4, 1e-2}).addGrid(e.seed(), new long[] {1, 2}).build()));
        }
        assertEquals(12, grid.size());
        Set<String> seen = new HashSet<>();
        for (ParamMap m : grid) {
            SparkbpEstimator c = e.copy(m);
            assertEquals("sgd", c.getOptimizer());
            seen.add(Arrays.toString(c.getHidden()) + c.getL2() + c.getSeed());
        }
        assertEquals(12, seen.size());
    }

    @Test
    void theReadmeDocumentsEveryParam() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        for (Param<?> p : new SparkbpEstimator().params()) {
            assertTrue(readme.contains("| `" + p.name() + "` |"), "README.md lacks a table row for " + p.name());
        }
    }
}
