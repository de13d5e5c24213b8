package io.sparkbp.it;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ends processes this test JVM started indirectly (YARN containers are children of the
 * NodeManager, which runs inside this JVM): each descendant whose command line mentions a given
 * directory is destroyed by its PID, forcibly if it has not exited 10 seconds later.
 */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /** Destroys this JVM's descendants whose command line contains {@code marker}; returns how many. */
    static int killThoseMentioning(String marker) {
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
        for (ProcessHandle p : left) {
            System.err.println("ending left-over process " + p.pid() + ": " + p.info().commandLine().orElse("?"));
            p.destroy();
        }
        for (ProcessHandle p : left) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        return left.size();
    }
}
