package io.sparkbp.it;

import io.sparkbp.cli.ExitCode;
import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's {@code submit-scripts/submit-yarn.sh}, run as a user runs it (a child process with
 * {@code HADOOP_CONF_DIR}, no Spark distribution: the embedded launcher), against a real YARN and
 * HDFS on this machine ({@link MiniHadoop}): the ApplicationMaster and two executors each run in a
 * container of their own. Both deploy modes train the digits model that {@code local[2]} trains with
 * the same settings, bit for bit, and a malformed line surfaces with its file and line: on the
 * console in client mode; in cluster mode as a FAILED application whose diagnostics carry the data
 * exit code, with the message in the driver's container log.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class YarnSubmitIT {
    static final long RUN_TIMEOUT_SECONDS = 300;
    /** The settings of every run, here and on YARN: two partitions as two local[2] slots and two executors. */
    static final List<String> SETTINGS = List.of("train.epochs=2", "train.batchSize=256", "data.partitions=2");
    static final String HDFS_ARCHIVE = "/apps/sparkbp/spark-yarn-archive.zip";

    static Path work;
    static MiniHadoop hadoop;
    static Model localModel;
    static int passed;

    @BeforeAll
    static void setUp() throws Exception {
        work = ItSupport.workDir("yarn");
        localModel = trainLocally(work.resolve("local"));
        long start = System.nanoTime();
        hadoop = MiniHadoop.start(work);
        System.out.printf("HDFS and YARN started in %.1f s%n", (System.nanoTime() - start) / 1e9);
        // as README "Running on a cluster" says: yarn-archive.sh, then hdfs dfs -put (here through the API)
        ScriptRun archive = ScriptRun.start(work, "yarn-archive", environment(null), "submit-scripts/yarn-archive.sh");
        archive.finish(RUN_TIMEOUT_SECONDS);
        assertEquals(0, archive.exit(), archive::describe);
        Path zip = Path.of(archive.out().get(archive.out().size() - 1));
        hadoop.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(zip.toUri()), new org.apache.hadoop.fs.Path(HDFS_ARCHIVE));
    }

    @AfterAll
    static void tearDown() throws IOException {
        Path yarnDir = hadoop == null ? null : hadoop.yarnWorkDir();
        if (hadoop != null) {
            hadoop.close();
        }
        if (passed == 4 && System.getenv("KEEP_IT") == null) {
            ItSupport.deleteRecursively(work);
            ItSupport.deleteRecursively(yarnDir);
        }
    }

    /** The reference: the same settings on local[2] in this JVM, from the local copy of the data. */
    static Model trainLocally(Path dir) throws IOException {
        ItSupport.assertNoSparkContext();
        SparkContext sc = new SparkContext(new SparkConf().setMaster("local[2]").setAppName("YarnSubmitIT-local"));
        try {
            List<String> args = new ArrayList<>(List.of("train", "--conf", "conf/digits.properties"));
            args.addAll(SETTINGS);
            args.addAll(List.of("output.model=" + dir.resolve("digits.json"), "output.metrics=", "output.report="));
            ItSupport.Captured c = ItSupport.runMain(args.toArray(new String[0]));
            assertEquals(ExitCode.OK, c.exit(), c::describe);
        } finally {
            sc.stop();
        }
        return ModelFormat.load(dir.resolve("digits.json").toString(), new Configuration());
    }

    /**
     * The script's environment: the cluster's client configuration, the packaged jar, the Spark line of
     * this build, and {@code SPARKBP_YARN_ARCHIVE} when given (null: the launcher ships its local archive).
     */
    static Map<String, String> environment(String yarnArchive) {
        Map<String, String> env = new java.util.HashMap<>();
        if (hadoop != null) {
            env.put("HADOOP_CONF_DIR", hadoop.confDir().toString());
            env.put("YARN_CONF_DIR", hadoop.confDir().toString());
        }
        env.put("SPARKBP_JAR", ItSupport.required("sparkbp.it.jar"));
        env.put("SPARKBP_PROFILE", "2.12".equals(ItSupport.scalaBinaryVersion()) ? "spark-3.5" : "");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1"); // the client-mode driver listens on loopback only
        if (yarnArchive != null) {
            env.put("SPARKBP_YARN_ARCHIVE", yarnArchive);
        }
        return env;
    }

    /** {@code submit-scripts/submit-yarn.sh} with small containers, its data copied to its own HDFS directory. */
    static ScriptRun submit(String name, String deployMode, int executors, String yarnArchive, String... settings)
            throws IOException, InterruptedException {
        String dir = "/it/" + name;
        for (String file : List.of("train.libsvm", "test.libsvm")) {
            hadoop.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(ItSupport.digits(file).toUri()),
                    new org.apache.hadoop.fs.Path(dir + "/data/digits/" + file));
        }
        Map<String, String> env = environment(yarnArchive);
        env.put("SPARKBP_HDFS_DIR", "hdfs://" + dir);
        List<String> cmd = new ArrayList<>(List.of("submit-scripts/submit-yarn.sh", "--deploy-mode", deployMode,
                "--name", appName(name), "--num-executors", String.valueOf(executors), "--executor-cores", "1",
                "--executor-memory", "512m", "--driver-memory", "512m", "--conf", "spark.ui.enabled=false"));
        cmd.addAll(SETTINGS);
        cmd.addAll(List.of(settings));
        ScriptRun run = ScriptRun.start(work, name, env, cmd.toArray(new String[0]));
        run.finish(RUN_TIMEOUT_SECONDS);
        return run;
    }

    static String appName(String run) {
        return "sparkbp-it-" + run;
    }

    static Model hdfsModel(String run) throws IOException {
        return ModelFormat.load(hadoop.hdfsUri() + "/it/" + run + "/models/digits.json", hadoop.fs().getConf());
    }

    static void assertSameModel(Model expected, Model actual) {
        assertArrayEquals(expected.spec().layers(), actual.spec().layers());
        assertArrayEquals(expected.theta(), actual.theta(), "the weights differ from the local[2] model's");
        assertTrue(expected.inputTransform().isPresent() && actual.inputTransform().isPresent());
        assertArrayEquals(expected.inputTransform().get().mean(), actual.inputTransform().get().mean());
        assertArrayEquals(expected.inputTransform().get().scale(), actual.inputTransform().get().scale());
    }

    /** The containers of one application that left a log directory: the ApplicationMaster's first. */
    static List<Path> containers(String applicationId) throws IOException {
        try (Stream<Path> dirs = Files.list(hadoop.applicationLogDir(applicationId))) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void clientModeTrainsTheLocalModelBitForBit() throws Exception {
        ScriptRun run = submit("client", "client", 2, null);
        assertEquals(0, run.exit(), run::describe);
        assertTrue(run.outContains("epoch 2/2"), run::describe);
        ApplicationReport app = hadoop.finishedApplication(appName("client"), 60);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app::toString);
        assertEquals(3, containers(app.getApplicationId().toString()).size(), "an AM and two executor containers");
        assertSameModel(localModel, hdfsModel("client"));
        passed++;
    }

    @Test
    void clusterModeTrainsTheLocalModelBitForBit() throws Exception {
        ScriptRun run = submit("cluster", "cluster", 2, "hdfs://" + HDFS_ARCHIVE);
        assertEquals(0, run.exit(), run::describe);
        ApplicationReport app = hadoop.finishedApplication(appName("cluster"), 60);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app::toString);
        List<Path> containers = containers(app.getApplicationId().toString());
        assertEquals(3, containers.size(), "an AM (the driver) and two executor containers");
        String driverOut = Files.readString(containers.get(0).resolve("stdout"), StandardCharsets.UTF_8);
        assertTrue(driverOut.contains("epoch 2/2") && driverOut.contains("model written to hdfs:"), driverOut);
        assertSameModel(localModel, hdfsModel("cluster"));
        passed++;
    }

    /** A LIBSVM file whose third line has a feature index past data.features=64. */
    static String badData(String run) throws IOException {
        String path = "/it/" + run + "/data/bad.libsvm";
        try (var out = hadoop.fs().create(new org.apache.hadoop.fs.Path(path))) {
            out.write(String.join("\n", "3 1:1 2:5 64:2", "7 10:16 11:4", "4 5:3 65:1 7:2", "1 1:1", "")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return "data.train=hdfs://" + path;
    }

    static boolean isTheDataError(String line) {
        return line.startsWith("sparkbp: data error: ") && line.contains("/bad.libsvm line 3: ") && line.contains("65");
    }

    @Test
    void clientModeShowsTheDataErrorOnTheConsoleWithExitCode3() throws Exception {
        ScriptRun run = submit("bad-client", "client", 1, "hdfs://" + HDFS_ARCHIVE, badData("bad-client"));
        assertEquals(ExitCode.DATA, run.exit(), run::describe);
        List<String> messages = run.err().stream().filter(l -> l.startsWith("sparkbp:")).toList();
        assertEquals(1, messages.size(), run::describe);
        assertTrue(isTheDataError(messages.get(0)), run::describe);
        assertFalse(hadoop.fs().exists(new org.apache.hadoop.fs.Path("/it/bad-client/models/digits.json")));
        passed++;
    }

    @Test
    void clusterModeFailsTheApplicationWithExitCode3AndLogsTheDataError() throws Exception {
        ScriptRun run = submit("bad-cluster", "cluster", 1, "hdfs://" + HDFS_ARCHIVE, badData("bad-cluster"));
        assertNotEquals(0, run.exit(), run::describe);
        String diagnostics = "User application exited with status " + ExitCode.DATA;
        assertTrue(run.errContains(diagnostics), () -> "the console does not show YARN's diagnostics\n" + run.describe());
        ApplicationReport app = hadoop.finishedApplication(appName("bad-cluster"), 60);
        assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus(), app::toString);
        assertTrue(app.getDiagnostics().contains(diagnostics), app::getDiagnostics);
        Path driverErr = containers(app.getApplicationId().toString()).get(0).resolve("stderr");
        List<String> messages = Files.readAllLines(driverErr, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("sparkbp:")).toList();
        assertEquals(1, messages.size(), () -> driverErr + " holds " + messages);
        assertTrue(isTheDataError(messages.get(0)), messages.get(0));
        assertFalse(hadoop.fs().exists(new org.apache.hadoop.fs.Path("/it/bad-cluster/models/digits.json")));
        passed++;
    }
}
