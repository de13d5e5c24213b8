package io.sparkbp.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector the scripts give a local-mode JVM (common.sh's {@code sparkbp_local_gc_opts}): the
 * parallel one, unless the options or the JVM's environment variables already choose one, since two
 * collectors stop the JVM before it starts.
 */
class LocalGcOptionsTest {
    /** What {@code sparkbp_local_gc_opts} gives for {@code options} with {@code env} set. */
    private static String gcOptions(String options, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "SPARKBP_SCRIPTS=submit-scripts; . submit-scripts/common.sh;"
                + " sparkbp_local_gc_opts out \"$1\"; printf '%s' \"${out[*]-}\"", "probe", options)
                .directory(ItSupport.basedir().toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "common.sh did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void localModeGetsTheParallelCollectorUnlessOneIsChosen() throws Exception {
        assertEquals("-XX:+UseParallelGC", gcOptions("", Map.of()));
        assertEquals("-XX:+UseParallelGC", gcOptions("-Xlog:gc -Dx=1", Map.of()));
        assertEquals("", gcOptions("-Dx=1 -XX:+UseG1GC", Map.of()));
        assertEquals("", gcOptions("", Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseZGC")));
        assertEquals("", gcOptions("", Map.of("JDK_JAVA_OPTIONS", "-XX:+UseSerialGC")));
    }
}
