package io.sparkbp.cli;

import org.apache.spark.SparkUserAppException;

/**
 * How a failed command's exit code leaves {@link Main#main}.
 *
 * <p>Usually through {@code System.exit(code)}. The exception is the driver of a YARN application in
 * cluster deploy mode: there {@code main} runs in a thread of Spark's ApplicationMaster, which marks
 * itself with the system property {@code spark.yarn.app.id}. {@code System.exit} there leaves the
 * reporting to the ApplicationMaster's shutdown hook, which fails the application with nothing but
 * "Shutdown hook called before final status was reported". Throwing Spark's {@link
 * SparkUserAppException} is how Spark's own non-JVM runners hand over an exit code: the
 * ApplicationMaster then ends the application FAILED with the diagnostics "User application exited
 * with status N" and exits with N, so the submitting console and {@code yarn application -status}
 * show the CLI's code (YarnSubmitIT checks both). The one-sentence message is on the driver's
 * standard error, in the container log, before this is called.
 */
final class ProcessExit {
    /** The system property Spark's ApplicationMaster sets before it runs the driver (cluster deploy mode). */
    static final String YARN_CLUSTER_DRIVER_PROPERTY = "spark.yarn.app.id";

    private ProcessExit() {
    }

    /**
     * Ends the command with {@code code} (not {@link ExitCode#OK}); never returns normally.
     *
     * @throws SparkUserAppException in a YARN cluster-mode driver, for the ApplicationMaster to catch
     */
    static void exit(int code) throws SparkUserAppException {
        if (inYarnClusterDriver()) {
            throw new SparkUserAppException(code);
        }
        System.exit(code);
    }

    /** True inside the driver that Spark's YARN ApplicationMaster runs in cluster deploy mode. */
    static boolean inYarnClusterDriver() {
        return System.getProperty(YARN_CLUSTER_DRIVER_PROPERTY) != null;
    }
}
