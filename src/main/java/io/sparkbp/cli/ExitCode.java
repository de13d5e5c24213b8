package io.sparkbp.cli;

/** Process exit codes of the command line, one per kind of failure. */
public final class ExitCode {
    public static final int OK = 0;
    /** An unexpected internal error (a bug): the stack trace is printed. */
    public static final int INTERNAL = 1;
    /**
     * A usage or configuration error: unknown key, bad value, missing argument, existing output, an
     * output that names an input or another output, an output that cannot be created or written,
     * blocks or a network too large for this JVM, a resume from a checkpoint of other settings or data.
     */
    public static final int USAGE = 2;
    /**
     * A data error: a bad record, an empty data set, a damaged compressed file, a sub-directory in a
     * data directory, an unreadable or invalid model file.
     */
    public static final int DATA = 3;
    /** Training could not finish, e.g. the loss diverged. */
    public static final int TRAINING = 4;

    private ExitCode() {
    }
}
