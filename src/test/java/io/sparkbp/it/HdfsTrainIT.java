package io.sparkbp.it;

import io.sparkbp.cli.ExitCode;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training end to end on HDFS: an in-process {@link MiniDFSCluster} (one datanode, replication 1,
 * everything bound to 127.0.0.1, storage under target/), the digits data copied into it, and the
 * CLI reading data and writing the model, metrics and report through hdfs:// URIs on a local[2] Spark.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HdfsTrainIT {
    static java.nio.file.Path work;
    static MiniDFSCluster cluster;
    static Configuration conf;
    static FileSystem fs;
    static String root;
    static boolean passed;

    @BeforeAll
    static void startCluster() throws IOException {
        long start = System.nanoTime();
        work = ItSupport.workDir("hdfs");
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
        conf.set("hadoop.tmp.dir", work.resolve("tmp").toString());
        conf.setInt("dfs.replication", 1);
        for (String key : List.of("dfs.namenode.http-address", "dfs.namenode.https-address",
                "dfs.namenode.secondary.http-address", "dfs.namenode.secondary.https-address",
                "dfs.namenode.backup.address", "dfs.namenode.backup.http-address",
                "dfs.datanode.address", "dfs.datanode.http.address", "dfs.datanode.https.address",
                "dfs.datanode.ipc.address")) {
            conf.set(key, "127.0.0.1:0");
        }
        cluster = new MiniDFSCluster.Builder(conf)
                .numDataNodes(1)
                .checkDataNodeAddrConfig(true) // keep the 127.0.0.1:0 addresses above
                .build();
        cluster.waitActive();
        System.out.printf("MiniDFSCluster started in %.1f s%n", (System.nanoTime() - start) / 1e9);
        root = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        fs = FileSystem.get(URI.create(root), conf);
        fs.copyFromLocalFile(new Path(ItSupport.digits("train.libsvm").toUri()), new Path(root + "/data/digits/train.libsvm"));
        fs.copyFromLocalFile(new Path(ItSupport.digits("test.libsvm").toUri()), new Path(root + "/data/digits/test.libsvm"));
    }

    @AfterAll
    static void stopCluster() throws IOException {
        try {
            if (fs != null) {
                fs.close(); // also drops the cached client that Spark's tasks used
            }
        } finally {
            if (cluster != null) {
                cluster.shutdown(true);
            }
            if (passed) {
                ItSupport.deleteRecursively(work);
            }
        }
    }

    @Test
    void trainsFromHdfsAndWritesModelAndMetricsToHdfs() throws IOException {
        ItSupport.assertNoSparkContext();
        SparkConf sparkConf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("HdfsTrainIT")
                .set("spark.ui.enabled", "false")
                .set("spark.hadoop.fs.defaultFS", root)
                .set("spark.hadoop.dfs.replication", "1");
        SparkContext sc = new SparkContext(sparkConf);
        ItSupport.Captured train;
        ItSupport.Captured evaluate;
        try {
            train = ItSupport.runMain("train",
                    "data.train=" + root + "/data/digits/train.libsvm",
                    "data.test=" + root + "/data/digits/test.libsvm",
                    "data.features=64",
                    "model.hidden=32",
                    "model.outputs=10",
                    "train.optimizer=adam",
                    "train.learningRate=0.01",
                    "train.batchSize=256",
                    "train.epochs=8",
                    "train.seed=3",
                    "output.model=" + root + "/out/model.json",
                    "output.metrics=" + root + "/out/metrics.jsonl",
                    "output.report=" + root + "/out/report.html");
            assertEquals(ExitCode.OK, train.exit(), train::describe);
            // scheme-less paths resolve on the default file system, the mini cluster
            evaluate = ItSupport.runMain("evaluate", "--model", "/out/model.json", "--data", "/data/digits/test.libsvm");
            assertEquals(ExitCode.OK, evaluate.exit(), evaluate::describe);
        } finally {
            sc.stop();
        }

        assertTrue(train.outLines().stream().anyMatch(l -> l.startsWith("epoch 8/8")), train::describe);
        assertTrue(fs.getFileStatus(new Path(root + "/out/model.json")).isFile());
        assertTrue(fs.getFileStatus(new Path(root + "/out/metrics.jsonl")).isFile());
        String report;
        try (var in = fs.open(new Path(root + "/out/report.html"))) {
            report = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(report.startsWith("<!DOCTYPE html>") && report.endsWith("</html>\n"), "a whole report on HDFS");
        assertTrue(report.contains(root + "/data/digits/train.libsvm"), "the report names the HDFS data");
        assertEquals(0, fs.listStatus(new Path(root + "/out"), p -> p.getName().contains(".tmp-")).length,
                "no temporary file left");

        String metrics;
        try (var in = fs.open(new Path(root + "/out/metrics.jsonl"))) {
            metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = metrics.lines().toList();
        assertEquals(8, lines.size(), metrics);
        for (int e = 0; e < 8; e++) {
            assertTrue(lines.get(e).startsWith("{\"epoch\":" + (e + 1) + ","), lines.get(e));
            assertTrue(lines.get(e).contains("\"test\":{"), lines.get(e));
        }

        Model model = ModelFormat.load(root + "/out/model.json", conf);
        assertArrayEquals(new int[] {64, 32, 10}, model.spec().layers());
        double accuracy = ItSupport.accuracy(model, ItSupport.digits("test.libsvm"));
        assertTrue(accuracy > 0.90, "test accuracy " + accuracy);
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) ((Map<String, Object>) model.extra().get("metrics")).get("test");
        assertEquals(accuracy, ((Number) test.get("accuracy")).doubleValue(), 1e-9, "accuracy recorded in the model");

        String json = evaluate.outLines().get(evaluate.outLines().size() - 1);
        assertTrue(json.startsWith("{") && json.contains("\"accuracy\":"), json);
        double evaluated = Double.parseDouble(json.replaceAll(".*\"accuracy\":([-0-9.eE+]+).*", "$1"));
        assertEquals(accuracy, evaluated, 1e-9, json);
        passed = true;
    }
}
