package io.sparkbp.it;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hadoop on one machine for the YARN tests: a {@link MiniDFSCluster} (one datanode) and a
 * {@link MiniYARNCluster} (one ResourceManager, one NodeManager that starts every container as a
 * separate process), every server bound to 127.0.0.1, HDFS's files under the given work directory, and the
 * client configuration that a user's {@code HADOOP_CONF_DIR} would hold ({@link #confDir()}).
 *
 * <p>Cluster-side settings a real cluster also has: a capacity scheduler with one queue (the
 * minicluster jar has no capacity-scheduler.xml), {@code JAVA_HOME} in every container's
 * environment ({@code yarn.nodemanager.admin-env}), and this JVM's {@code SPARK_LOCAL_IP=127.0.0.1}
 * as the containers' default ({@code yarn.nodemanager.env-whitelist}), which here plays the part of
 * a node's own address (otherwise Spark would look past the loopback name for another interface).
 * Disk and memory checks are relaxed so that a full disk or a JVM's overhead does not fail a
 * container. MiniYARNCluster keeps its directories under {@code target/test/data/}.
 */
final class MiniHadoop implements AutoCloseable {
    private static final String LOOPBACK = "127.0.0.1";
    private static final long START_TIMEOUT_SECONDS = 180;
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private final Path work;
    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final FileSystem fs;
    private final YarnClient client;
    private final Path confDir;

    private MiniHadoop(Path work, MiniDFSCluster dfs, MiniYARNCluster yarn, Path confDir) throws IOException {
        this.work = work;
        this.dfs = dfs;
        this.yarn = yarn;
        this.confDir = confDir;
        this.fs = FileSystem.get(URI.create(hdfsUri(dfs)), dfs.getConfiguration(0));
        this.client = YarnClient.createYarnClient();
        client.init(new YarnConfiguration(yarn.getConfig()));
        client.start();
    }

    /** Starts HDFS and YARN (side by side, as both mostly wait); HDFS and the client configuration live under {@code work}. */
    static MiniHadoop start(Path work) throws IOException, InterruptedException {
        CompletableFuture<MiniDFSCluster> dfsStart = CompletableFuture.supplyAsync(() -> startDfs(work.resolve("dfs")));
        MiniYARNCluster yarn = null;
        boolean started = false;
        try {
            yarn = startYarn(work);
            MiniDFSCluster dfs = dfsStart.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Path confDir = writeClientConf(work.resolve("hadoop-conf"), hdfsUri(dfs), yarn.getConfig());
            MiniHadoop hadoop = new MiniHadoop(work, dfs, yarn, confDir);
            started = true;
            return hadoop;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("MiniDFSCluster did not start within " + START_TIMEOUT_SECONDS + " s", e);
        } finally {
            if (!started) {
                stopWithin(yarn, "MiniYARNCluster");
                dfsStart.whenComplete((dfs, failure) -> { // now, or once it has started
                    if (dfs != null) {
                        stopWithin(dfs::shutdown, "MiniDFSCluster");
                    }
                });
            }
        }
    }

    private static String hdfsUri(MiniDFSCluster dfs) {
        return "hdfs://" + LOOPBACK + ":" + dfs.getNameNodePort();
    }

    private static MiniDFSCluster startDfs(Path dir) {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
        conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
        conf.setInt("dfs.replication", 1);
        for (String key : List.of("dfs.namenode.http-address", "dfs.namenode.https-address",
                "dfs.namenode.secondary.http-address", "dfs.namenode.secondary.https-address",
                "dfs.namenode.backup.address", "dfs.namenode.backup.http-address",
                "dfs.datanode.address", "dfs.datanode.http.address", "dfs.datanode.https.address",
                "dfs.datanode.ipc.address")) {
            conf.set(key, LOOPBACK + ":0");
        }
        try {
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).checkDataNodeAddrConfig(true).build();
            cluster.waitActive();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MiniYARNCluster startYarn(Path work) throws InterruptedException {
        MiniYARNCluster cluster = new MiniYARNCluster(work.getFileName().toString(), 1, 1, 1, 1);
        cluster.init(yarnConfiguration(work));
        cluster.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cluster.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) { // the RM sets its port late
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ResourceManager published no address within 30 s");
            }
            Thread.sleep(100);
        }
        return cluster;
    }

    /** The cluster side: what a real cluster's yarn-site.xml and capacity-scheduler.xml would say (see the class comment). */
    private static YarnConfiguration yarnConfiguration(Path work) {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("hadoop.tmp.dir", work.resolve("yarn-tmp").toString());
        conf.set(YarnConfiguration.RM_BIND_HOST, LOOPBACK);
        conf.set(YarnConfiguration.NM_BIND_HOST, LOOPBACK);
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // the tests run applications side by side: let ApplicationMasters use the whole queue (default 10%)
        conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // YARN's accounting (1 GiB per container here), not the JVMs' use; MiniYARNCluster reads its own key
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 12 * 1024);
        conf.setInt(YarnConfiguration.NM_VCORES, 12);
        conf.setInt(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, 250);
        conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
        // a default that a container's own value overrides (Spark hands its SPARK_* variables on to executors)
        if (!LOOPBACK.equals(System.getenv("SPARK_LOCAL_IP"))) {
            throw new IllegalStateException("the NodeManager passes its SPARK_LOCAL_IP on to the containers: run the "
                    + "YARN tests with SPARK_LOCAL_IP=" + LOOPBACK + " (the failsafe configuration sets it)");
        }
        conf.set(YarnConfiguration.NM_ENV_WHITELIST, YarnConfiguration.DEFAULT_NM_ENV_WHITELIST + ",SPARK_LOCAL_IP");
        return conf;
    }

    /** core-site.xml, hdfs-site.xml and yarn-site.xml naming the mini clusters by 127.0.0.1. */
    private static Path writeClientConf(Path dir, String defaultFs, Configuration yarnConf) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("core-site.xml"), Map.of("fs.defaultFS", defaultFs));
        write(dir.resolve("hdfs-site.xml"), Map.of("dfs.replication", "1"));
        write(dir.resolve("yarn-site.xml"), Map.of(
                YarnConfiguration.RM_ADDRESS, loopback(yarnConf.get(YarnConfiguration.RM_ADDRESS)),
                YarnConfiguration.RM_SCHEDULER_ADDRESS, loopback(yarnConf.get(YarnConfiguration.RM_SCHEDULER_ADDRESS))));
        return dir;
    }

    private static String loopback(String hostPort) {
        return LOOPBACK + hostPort.substring(hostPort.lastIndexOf(':'));
    }

    private static void write(Path file, Map<String, String> settings) throws IOException {
        Configuration c = new Configuration(false);
        settings.forEach(c::set);
        try (OutputStream out = Files.newOutputStream(file)) {
            c.writeXml(out);
        }
    }

    /** {@code hdfs://127.0.0.1:port}, the default file system of {@link #confDir()}. */
    String hdfsUri() {
        return hdfsUri(dfs);
    }

    FileSystem fs() {
        return fs;
    }

    /** The client configuration directory, for {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR}. */
    Path confDir() {
        return confDir;
    }

    /** The one application named {@code name}, once YARN reports it finished, failed or killed. */
    ApplicationReport finishedApplication(String name, long timeoutSeconds)
            throws IOException, YarnException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        EnumSet<YarnApplicationState> done = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED,
                YarnApplicationState.KILLED);
        while (true) {
            List<ApplicationReport> named = client.getApplications().stream()
                    .filter(r -> r.getName().equals(name)).toList();
            if (named.size() > 1) {
                throw new IllegalStateException(named.size() + " applications are named " + name);
            }
            Optional<ApplicationReport> report = named.stream().findFirst();
            if (report.isPresent() && done.contains(report.get().getYarnApplicationState())) {
                return report.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("application " + name + " did not finish within " + timeoutSeconds
                        + " s: " + report.map(ApplicationReport::toString).orElse("YARN does not know it"));
            }
            Thread.sleep(200);
        }
    }

    /** Where MiniYARNCluster keeps the NodeManager's local and log directories. */
    Path yarnWorkDir() {
        Path dir = yarn.getTestWorkDir().toPath().toAbsolutePath(); // target/test/data/<name>/yarn-<n> in Hadoop 3.4
        Path parent = dir.getParent();
        return parent != null && parent.getFileName().equals(work.getFileName()) ? parent : dir;
    }

    /** The NodeManager's log directory of one application: a directory per container, with its stdout and stderr. */
    Path applicationLogDir(String applicationId) {
        String dirs = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
        return Path.of(dirs.split(",")[0]).resolve(applicationId);
    }

    /** Stops YARN, then HDFS, each within a minute, then ends any container process still running. */
    @Override
    public void close() {
        try {
            client.stop();
            fs.close();
        } catch (IOException e) {
            System.err.println("MiniHadoop: closing the HDFS client failed: " + e);
        } finally {
            stopWithin(yarn, "MiniYARNCluster");
            stopWithin(dfs::shutdown, "MiniDFSCluster");
            ChildProcesses.killThoseMentioning(work.getFileName().toString());
        }
    }

    private static void stopWithin(MiniYARNCluster cluster, String what) {
        if (cluster != null) {
            stopWithin(cluster::stop, what);
        }
    }

    /** Runs {@code stop} in a daemon thread and waits for it at most {@link #STOP_TIMEOUT_SECONDS}. */
    private static void stopWithin(Runnable stop, String what) {
        Thread t = new Thread(stop, "stop-" + what);
        t.setDaemon(true);
        t.start();
        try {
            t.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            System.err.println("MiniHadoop: " + what + " did not stop within " + STOP_TIMEOUT_SECONDS + " s; left to the JVM's exit");
        }
    }
}
