package io.sparkbp.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.sparkbp.cli.CliHarness.DATA;
import static io.sparkbp.cli.CliHarness.loadModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cluster scripts run Spark with {@code spark.serializer=KryoSerializer}, which writes every task
 * result (statistics, packing totals, gradients, metrics, predictions) with Kryo's field serializer;
 * it cannot write Java records, for one. Local mode serializes task results too, so training,
 * evaluating and predicting under Kryo here must give what Java serialization gives, bit for bit.
 */
class KryoSerializerTest {
    @TempDir
    Path dir;

    @Test
    void trainEvaluateAndPredictUnderKryoGiveTheModelAndPredictionsOfJavaSerialization() throws Exception {
        Run kryo = runAll(new SparkConf().set("spark.serializer", "org.apache.spark.serializer.KryoSerializer"), "kryo");
        Run java = runAll(new SparkConf(), "java");
        assertArrayEquals(java.theta(), kryo.theta());
        assertEquals(java.evaluated(), kryo.evaluated());
        assertEquals(java.predictions(), kryo.predictions());
    }

    private record Run(double[] theta, String evaluated, List<String> predictions) {
    }

    /** Trains on the digits with a hold-out and test data, then evaluates and predicts, on a context of {@code conf}. */
    private Run runAll(SparkConf conf, String name) throws Exception {
        JavaSparkContext sc = new JavaSparkContext(conf.setMaster("local[2]").setAppName("KryoSerializerTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        try {
            sc.setLogLevel("ERROR");
            Path model = dir.resolve(name + ".json");
            Path test = DATA.resolve("digits/test.libsvm");
            CliHarness.Result r = CliHarness.train("data.train=" + DATA.resolve("digits/train.libsvm"),
                    "data.test=" + test, "data.features=64", "data.partitions=2", "data.validationFraction=0.1",
                    "model.hidden=16", "model.outputs=10", "train.epochs=3", "train.earlyStopping.patience=2",
                    "output.model=" + model);
            assertEquals(0, r.code(), r::toString);
            CliHarness.Result e = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString());
            assertEquals(0, e.code(), e::toString);
            Path out = dir.resolve(name + "-predictions");
            CliHarness.Result p = CliHarness.run("predict", "--model", model.toString(), "--data", test.toString(),
                    "--out", out.toString());
            assertEquals(0, p.code(), p::toString);
            return new Run(loadModel(model).theta(), e.lastOutLine(), CliHarness.partLines(out));
        } finally {
            sc.stop();
        }
    }
}
