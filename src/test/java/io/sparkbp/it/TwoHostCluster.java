package io.sparkbp.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster of a Master and two Workers, each its own JVM, whose Workers register
 * under two host names for this machine's loopback address, {@code 127.0.0.1} and {@code localhost}.
 * Spark tells hosts apart by name and never runs a speculative copy of a task on the host of its
 * running attempt, so two names are what lets one machine test speculation. Every daemon binds to
 * 127.0.0.1 ({@code localhost} resolves to it; the web UIs follow {@code SPARK_LOCAL_IP}). The
 * Workers launch executors from {@code SPARK_HOME} as in local-cluster mode
 * ({@link LocalClusterTrainIT#prepareSparkHome()}); {@link #close()} stops the daemons and any executor
 * they left, by PID.
 */
final class TwoHostCluster implements AutoCloseable {
    static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

    private final Path logs;
    private final List<Process> daemons = new ArrayList<>();
    private final String masterUrl;

    TwoHostCluster(Path dir, Path sparkHome) throws IOException {
        this.logs = Files.createDirectories(dir);
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        try {
            start("master", sparkHome, "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
            awaitPort(port);
            for (int i = 0; i < HOSTS.size(); i++) {
                start("worker-" + (i + 1), sparkHome, "org.apache.spark.deploy.worker.Worker",
                        "--host", HOSTS.get(i), "--port", "0", "--webui-port", "0", "--cores", "1",
                        "--memory", "1g", "--work-dir", dir.resolve("work-" + (i + 1)).toString(), masterUrl);
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    private void start(String name, Path sparkHome, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ItSupport.moduleOpts());
        cmd.addAll(List.of("-Xmx512m", "-cp", ItSupport.testClasspath(), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_LOCAL_HOSTNAME");
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", ItSupport.scalaBinaryVersion());
        daemons.add(pb.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void awaitPort(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!daemons.get(0).isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the Master did not listen on port " + port + " within 60 s; see "
                            + logs.resolve("master.log"), e);
                }
                sleep(200);
            }
        }
    }

    /** Stops the Workers (which stop their executors), then the Master; kills what is left after 20 s. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process p = daemons.get(i);
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
