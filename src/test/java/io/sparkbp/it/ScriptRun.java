package io.sparkbp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a script from {@code submit-scripts/}, started from the project directory as a user
 * starts it, with its standard output and error in {@code <work>/<name>.out} and {@code .err}. The
 * environment is this JVM's without {@code SPARK_HOME} and {@code SPARK_CONF_DIR} (so the scripts
 * use their embedded Spark), plus the given variables.
 */
final class ScriptRun {
    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;
    private final long startNanos = System.nanoTime();
    private long seconds;

    private ScriptRun(String name, List<String> command, Process process, Path out, Path err) {
        this.name = name;
        this.command = command;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static ScriptRun start(Path work, String name, Map<String, String> env, String... command) throws IOException {
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ItSupport.basedir().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_CONF_DIR");
        pb.environment().putAll(env);
        return new ScriptRun(name, List.of(command), pb.start(), out, err);
    }

    /**
     * Waits for the script to exit; after {@code timeoutSeconds} it and everything it started are
     * destroyed (by PID, forcibly after 10 seconds), which its exit code and standard error then show.
     */
    void finish(long timeoutSeconds) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            stopIfRunning();
            Files.writeString(err, "\n[timed out after " + timeoutSeconds + " s and destroyed]\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
        seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
        System.out.println(describe());
    }

    /** Destroys the script and everything it started, by PID, forcibly after 10 seconds; nothing if it has exited. */
    void stopIfRunning() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The exit code, or -1 while the script runs. */
    int exit() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    List<String> out() {
        return read(out);
    }

    List<String> err() {
        return read(err);
    }

    boolean outContains(String text) {
        return out().stream().anyMatch(l -> l.contains(text));
    }

    boolean errContains(String text) {
        return err().stream().anyMatch(l -> l.contains(text));
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e + ")");
        }
    }

    String describe() {
        return "--- " + name + ": $ " + String.join(" ", command) + "\nexit code " + exit() + " after " + seconds + " s from its start"
                + "\n--- stdout ---\n" + String.join("\n", out()) + "\n--- stderr ---\n" + String.join("\n", err());
    }
}
