package io.sparkbp.cli;

import io.sparkbp.model.Model;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.concat;
import static io.sparkbp.cli.CliHarness.loadModel;
import static io.sparkbp.cli.CliHarness.train;
import static io.sparkbp.cli.CliHarness.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Example weights from a CSV column (data.weightColumn) enter the objective as w_n. */
class WeightedExamplesTest {
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = CliHarness.startSpark("WeightedExamplesTest");
    }

    @AfterAll
    static void stop() {
        CliHarness.stopSpark(sc);
    }

    @Test
    void rowsOfWeightZeroChangeNothingAndWeightTwoCountsTwice() throws IOException {
        List<String> lines = Files.readAllLines(DATA.resolve("digits/train.csv")).subList(0, 301);
        String header = lines.get(0);
        List<String> plain = new ArrayList<>(List.of(header));
        List<String> weighted = new ArrayList<>(List.of(header + ",w"));
        List<String> doubled = new ArrayList<>(List.of(header));
        for (String row : lines.subList(1, lines.size())) {
            plain.add(row);
            doubled.add(row);
            weighted.add(row + ",1");
            // the same pixels with a wrong label, but weight 0: must not matter
            int comma = row.indexOf(',');
            int wrong = (Integer.parseInt(row.substring(0, comma)) + 3) % 10;
            weighted.add(wrong + row.substring(comma) + ",0");
        }
        // weight 2 on the first row equals the row written twice
        List<String> twice = new ArrayList<>(plain);
        twice.add(plain.get(1));
        List<String> weightTwo = new ArrayList<>(List.of(header + ",w"));
        weightTwo.add(plain.get(1) + ",2");
        for (String row : plain.subList(2, plain.size())) {
            weightTwo.add(row + ",1");
        }
        String[] common = {"data.format=csv", "data.partitions=1", "model.hidden=8", "model.output=softmax",
                "model.outputs=10", "train.optimizer=sgd", "train.momentum=0", "train.learningRate=0.5",
                "train.batchSize=0", "train.epochs=3", "train.standardize=false", "output.overwrite=true"};
        double[] a = fit(common, write(dir.resolve("plain.csv"), plain.toArray(String[]::new)), null);
        double[] b = fit(common, write(dir.resolve("weighted.csv"), weighted.toArray(String[]::new)), "w");
        assertTrue(CliHarness.maxRelativeDifference(a, b) <= 1e-12, "weight-0 rows changed the model");
        double[] c = fit(common, write(dir.resolve("twice.csv"), twice.toArray(String[]::new)), null);
        double[] d = fit(common, write(dir.resolve("weight2.csv"), weightTwo.toArray(String[]::new)), "w");
        assertTrue(CliHarness.maxRelativeDifference(c, d) <= 1e-12, "weight 2 differs from a repeated row");
        assertTrue(CliHarness.maxRelativeDifference(a, c) > 1e-6, "the repeated row should matter");
    }

    @Test
    void aWeightColumnNeedsCsv() {
        CliHarness.Result r = train("data.train=" + DATA.resolve("digits/train.libsvm"), "data.features=64",
                "model.outputs=10", "data.weightColumn=w");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("data.weightColumn=w needs data.format=csv"), r::toString);
    }

    @Test
    void trainingExamplesThatAllWeighZeroAreADataErrorBeforeTraining() {
        Path data = write(dir.resolve("zero.csv"), "label,a,b,w", "0,1,2,0", "1,2,1,0", "1,1,1,0.0");
        Path model = dir.resolve("zero.json");
        CliHarness.Result r = train("data.train=" + data, "data.format=csv", "data.weightColumn=w",
                "model.hidden=2", "model.outputs=2", "train.epochs=1", "output.model=" + model);
        assertEquals(ExitCode.DATA, r.code(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("sparkbp: data error: every one of the 3 training examples of data.train"),
                r::toString);
        assertTrue(r.err().contains("weight 0 in column 'w' (data.weightColumn)"), r::toString);
        assertFalse(r.out().contains("epoch 1/1"), r::toString);
        assertFalse(Files.exists(model));
    }

    private double[] fit(String[] common, Path data, String weightColumn) {
        Path model = dir.resolve(data.getFileName() + ".json");
        String[] extra = weightColumn == null
                ? new String[] {"data.train=" + data, "output.model=" + model}
                : new String[] {"data.train=" + data, "output.model=" + model, "data.weightColumn=" + weightColumn};
        CliHarness.Result r = train(concat(common, extra));
        assertEquals(0, r.code(), r::toString);
        Model m = loadModel(model);
        return m.theta();
    }
}
