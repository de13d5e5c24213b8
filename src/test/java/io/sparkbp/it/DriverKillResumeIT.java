package io.sparkbp.it;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Driver loss: the training driver (a separate JVM started through SparkSubmit, as a user runs it)
 * is killed with SIGKILL in the middle of training; rerunning the same command with
 * {@code train.resume=true} continues from the newest checkpoint and ends with a model
 * bit-identical to an uninterrupted run.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DriverKillResumeIT {
    private static final int EPOCHS = 8;

    @Test
    void aKilledDriverResumesFromItsCheckpointToTheSameModel() throws Exception {
        Path basedir = ItSupport.basedir();
        Path work = ItSupport.workDir("driver-kill");
        Path whole = work.resolve("uninterrupted.json");
        Path resumed = work.resolve("resumed.json");

        Process p = start(work, "uninterrupted", settings(work.resolve("ckpt-a"), whole, false));
        assertEquals(0, finish(p, work, "uninterrupted"), () -> log(work, "uninterrupted"));

        Path ckpt = work.resolve("ckpt-b");
        Process victim = start(work, "killed", settings(ckpt, resumed, false));
        Path out = work.resolve("killed.out");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!Files.readString(out, StandardCharsets.UTF_8).contains("epoch 3/" + EPOCHS)) {
            if (!victim.isAlive()) {
                fail("the run ended before it could be killed\n" + log(work, "killed"));
            }
            if (System.nanoTime() > deadline) {
                victim.destroyForcibly();
                fail("no third epoch within 300 s\n" + log(work, "killed"));
            }
            Thread.sleep(20);
        }
        victim.destroyForcibly(); // SIGKILL, like kill -9: no shutdown hooks, no cleanup
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the killed driver did not exit");
        assertFalse(Files.exists(resumed), "a killed run must not leave a model");
        try (Stream<Path> files = Files.list(ckpt)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("checkpoint-\\d+\\.ckpt")),
                    "no checkpoint before the kill\n" + log(work, "killed"));
        }

        Process again = start(work, "resumed", settings(ckpt, resumed, true));
        assertEquals(0, finish(again, work, "resumed"), () -> log(work, "resumed"));
        assertTrue(Files.readString(work.resolve("resumed.out")).contains("resuming from "), () -> log(work, "resumed"));

        Model a = ModelFormat.load(whole.toString(), new Configuration());
        Model b = ModelFormat.load(resumed.toString(), new Configuration());
        assertArrayEquals(a.theta(), b.theta(), "the resumed model differs from the uninterrupted one");
        assertEquals(a.inputTransform(), b.inputTransform());
        ItSupport.deleteRecursively(work);
        assertTrue(Files.isDirectory(basedir));
    }

    private static List<String> settings(Path checkpointDir, Path model, boolean resume) {
        return List.of("train", "--conf", "conf/digits.properties", "data.test=", "model.hidden=16",
                "train.epochs=" + EPOCHS, "train.checkpointDir=" + checkpointDir, "train.resume=" + resume,
                "output.model=" + model, "output.metrics=", "output.report=", "output.overwrite=true");
    }

    private static Process start(Path work, String name, List<String> appArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(ItSupport.moduleOpts());
        cmd.add("-cp");
        cmd.add(Files.readString(Path.of(ItSupport.required("sparkbp.it.runtimeClasspathFile")), StandardCharsets.UTF_8)
                .strip());
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false", "--class", "io.sparkbp.cli.Main",
                ItSupport.required("sparkbp.it.jar")));
        cmd.addAll(appArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ItSupport.basedir().toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_CONF_DIR");
        return pb.start();
    }

    private static int finish(Process p, Path work, String name) throws InterruptedException {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + name + "\n" + log(work, name));
        }
        return p.exitValue();
    }

    private static String log(Path work, String name) {
        try {
            return "--- stdout ---\n" + Files.readString(work.resolve(name + ".out")) + "\n--- stderr ---\n"
                    + Files.readString(work.resolve(name + ".err"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
