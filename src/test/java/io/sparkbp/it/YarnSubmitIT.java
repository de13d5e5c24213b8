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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    static final String QUICK_JVM = "-XX:TieredStopAtLevel=1";

    static Path work;
    static MiniHadoop hadoop;
    static Model localModel;
    static final Map<String, ScriptRun> RUNS = new LinkedHashMap<>();
    static int passed;

    /**
     * Starts HDFS and YARN, trains the local[2] reference meanwhile, uploads the YARN archive, then runs
     * the four submissions side by side (they take as long as one or two in a row: most of a run is
     * waiting for JVMs, containers and heartbeats); the tests check one run each.
     */
    @BeforeAll
    static void runTheSubmissions() throws Exception {
        work = ItSupport.workDir("yarn");
        // README "YARN": yarn-archive.sh builds the archive, hdfs dfs -put uploads it (here the API's copy)
        ScriptRun archive = ScriptRun.start(work, "yarn-archive", environment(null), "submit-scripts/yarn-archive.sh");
        RUNS.put("yarn-archive", archive);
        long start = System.nanoTime();
        CompletableFuture<MiniHadoop> cluster = CompletableFuture.supplyAsync(() -> {
            try {
                return MiniHadoop.start(work);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        try {
            localModel = trainLocally(work.resolve("local"));
        } finally {
            hadoop = cluster.get(300, TimeUnit.SECONDS);
        }
        System.out.printf("HDFS and YARN started in %.1f s%n", (System.nanoTime() - start) / 1e9);
        archive.finish(RUN_TIMEOUT_SECONDS);
        assertEquals(0, archive.exit(), archive::describe);
        Path zip = Path.of(archive.out().get(archive.out().size() - 1));
        hadoop.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(zip.toUri()), new org.apache.hadoop.fs.Path(HDFS_ARCHIVE));

        String shared = "hdfs://" + HDFS_ARCHIVE;
        RUNS.put("client", submit("client", "client", 2, null)); // ships the local archive with the application
        RUNS.put("cluster", submit("cluster", "cluster", 2, shared));
        RUNS.put("bad-client", submit("bad-client", "client", 1, shared, badData("bad-client")));
        RUNS.put("bad-cluster", submit("bad-cluster", "cluster", 1, shared, badData("bad-cluster")));
        for (String name : List.of("client", "cluster", "bad-client", "bad-cluster")) {
            RUNS.get(name).finish(RUN_TIMEOUT_SECONDS);
        }
        System.out.printf("HDFS and YARN up and four submissions done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void tearDown() throws IOException, InterruptedException {
        for (ScriptRun run : RUNS.values()) {
            run.stopIfRunning(); // only if the set-up failed half-way
        }
        Path yarnDir = hadoop == null ? null : hadoop.yarnWorkDir();
        if (hadoop != null) {
            hadoop.close();
        }
        if (passed == 4) {
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
        Map<String, String> env = new HashMap<>();
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

    /** Starts {@code submit-scripts/submit-yarn.sh} with small containers, its data copied to its own HDFS directory. */
    static ScriptRun submit(String name, String deployMode, int executors, String yarnArchive, String... settings)
            throws IOException {
        String dir = "/it/" + name;
        for (String file : List.of("train.libsvm", "test.libsvm")) {
            hadoop.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(ItSupport.digits(file).toUri()),
                    new org.apache.hadoop.fs.Path(dir + "/data/digits/" + file));
        }
        Map<String, String> env = environment(yarnArchive);
        env.put("SPARKBP_HDFS_DIR", "hdfs://" + dir);
        List<String> cmd = new ArrayList<>(List.of("submit-scripts/submit-yarn.sh", "--deploy-mode", deployMode,
                "--name", appName(name), "--num-executors", String.valueOf(executors), "--executor-cores", "1",
                "--executor-memory", "512m", "--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
                // every JVM of these short runs with the client compiler only: half the CPU of C1+C2 here
                "--driver-java-options", QUICK_JVM, "--conf", "spark.executor.extraJavaOptions=" + QUICK_JVM,
                "--conf", "spark.yarn.am.extraJavaOptions=" + QUICK_JVM));
        cmd.addAll(SETTINGS);
        cmd.addAll(List.of(settings));
        return ScriptRun.start(work, name, env, cmd.toArray(new String[0]));
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

    /**
     * The launcher's module options reached these containers' JVMs: their launch scripts name
     * jdk.incubator.vector, which only the launcher adds on Spark 3.5 (Spark 4.0's own list has it too).
     */
    static void assertVectorModule(List<Path> containers) throws IOException {
        for (Path c : containers) {
            String script = Files.readString(c.resolve("launch_container.sh"), StandardCharsets.UTF_8);
            assertTrue(script.contains("--add-modules=jdk.incubator.vector"), () -> c + "/launch_container.sh:\n" + script);
        }
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
    void clientModeTrainsTheLocalModelBitForBit() throws Exception {
        ScriptRun run = RUNS.get("client");
        assertEquals(0, run.exit(), run::describe);
        assertTrue(run.outContains("epoch 2/2"), run::describe);
        ApplicationReport app = hadoop.finishedApplication(appName("client"), 60);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app::toString);
        List<Path> containers = containers(app.getApplicationId().toString());
        assertEquals(3, containers.size(), "an AM and two executor containers");
        assertVectorModule(containers.subList(1, 3));
        assertSameModel(localModel, hdfsModel("client"));
        passed++;
    }

    @Test
    void clusterModeTrainsTheLocalModelBitForBit() throws Exception {
        ScriptRun run = RUNS.get("cluster");
        assertEquals(0, run.exit(), run::describe);
        ApplicationReport app = hadoop.finishedApplication(appName("cluster"), 60);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app::toString);
        assertTrue(run.errContains(app.getApplicationId().toString()), () -> "the console does not name the application "
                + "(what yarn logs needs)\n" + run.describe());
        List<Path> containers = containers(app.getApplicationId().toString());
        assertEquals(3, containers.size(), "an AM (the driver) and two executor containers");
        assertVectorModule(containers);
        String driverOut = Files.readString(containers.get(0).resolve("stdout"), StandardCharsets.UTF_8);
        assertTrue(driverOut.contains("epoch 2/2") && driverOut.contains("model written to hdfs:"), driverOut);
        assertSameModel(localModel, hdfsModel("cluster"));
        passed++;
    }

    @Test
    void clientModeShowsTheDataErrorOnTheConsoleWithExitCode3() throws Exception {
        ScriptRun run = RUNS.get("bad-client");
        assertEquals(ExitCode.DATA, run.exit(), run::describe);
        List<String> messages = run.err().stream().filter(l -> l.startsWith("sparkbp:")).toList();
        assertEquals(1, messages.size(), run::describe);
        assertTrue(isTheDataError(messages.get(0)), run::describe);
        assertFalse(hadoop.fs().exists(new org.apache.hadoop.fs.Path("/it/bad-client/models/digits.json")));
        // as the README says: in client mode the exit code tells; the application (an AM that only
        // launched executors for this driver) ends as the driver stopped its context, SUCCEEDED
        ApplicationReport app = hadoop.finishedApplication(appName("bad-client"), 60);
        assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(), app::toString);
        passed++;
    }

    @Test
    void clusterModeFailsTheApplicationWithExitCode3AndLogsTheDataError() throws Exception {
        ScriptRun run = RUNS.get("bad-cluster");
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
