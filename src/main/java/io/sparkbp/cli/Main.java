package io.sparkbp.cli;

import io.sparkbp.data.DataException;
import io.sparkbp.model.ModelFormatException;
import io.sparkbp.spark.PlanException;
import io.sparkbp.spark.TrainingException;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.SparkUserAppException;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point: {@code sparkbp [spark-submit options] COMMAND [options] [key=value ...]} with
 * commands {@code train}, {@code evaluate}, {@code predict} and {@code export}. Failures end in one sentence on
 * standard error and a distinct exit code ({@link ExitCode}); only internal errors print a stack
 * trace.
 */
public final class Main {
    private Main() {
    }

    /** Runs {@link #run}; a failure ends the JVM with its exit code (see {@link ProcessExit}). */
    public static void main(String[] args) throws SparkUserAppException {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        if (code != ExitCode.OK) {
            ProcessExit.exit(code);
        }
    }

    /** Runs one command and returns its exit code; never calls {@code System.exit}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(usage());
            return ExitCode.USAGE;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (command) {
                case "train" -> new TrainCommand(out, err).run(rest);
                case "evaluate" -> new EvaluateCommand(out, err).run(rest);
                case "predict" -> new PredictCommand(out, err).run(rest);
                case "export" -> new ExportCommand(out).run(rest);
                case "--help", "-h", "help" -> out.println(usage());
                default -> throw new UsageException("unknown command '" + command + "'; expected train, evaluate, predict or export (see --help)");
            }
            return ExitCode.OK;
        } catch (Exception | FSError e) {
            // Spark reports failed jobs with the checked SparkException; report() finds the cause.
            // FSError: Hadoop's local file system reports a full disk as this Error, not as an IOException
            return report(e, err);
        }
    }

    /** Maps a failure (possibly wrapped by Spark) to one message and an exit code. */
    static int report(Throwable e, PrintStream err) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UsageException || t instanceof PlanException) {
                err.println("sparkbp: error: " + t.getMessage());
                return ExitCode.USAGE;
            }
            if (t instanceof DataException || t instanceof ModelFormatException) {
                err.println("sparkbp: data error: " + t.getMessage());
                return ExitCode.DATA;
            }
            if (t instanceof FSError) {
                // a full or failing disk where no output of the run names the file (the outputs and
                // checkpoints say which file they could not write themselves)
                err.println("sparkbp: error: a file could not be written: "
                        + (t.getCause() == null ? t.toString() : t.getCause().getMessage()));
                return ExitCode.USAGE;
            }
            if (t instanceof TrainingException) {
                err.println("sparkbp: training failed: " + t.getMessage());
                return ExitCode.TRAINING;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        err.println("sparkbp: internal error: " + e);
        e.printStackTrace(err);
        return ExitCode.INTERNAL;
    }

    static String usage() {
        return String.join("\n",
                "usage: sparkbp [spark-submit options] COMMAND [options] [key=value ...]",
                "",
                "commands:",
                "  train --conf FILE [key=value ...]        train a network; settings from FILE, overridden by key=value",
                "  evaluate --model M --data PATH [key=value ...]",
                "                                           print metrics; the last line is one JSON object",
                "  predict --model M --data PATH --out PATH [key=value ...]",
                "                                           write one prediction line per input example",
                "  export --model M --format onnx --out F [key=value ...]",
                "                                           write the model as an ONNX file (no Spark needed)",
                "",
                "Run 'sparkbp COMMAND --help' for the options of a command.",
                "exit codes: 0 ok, 1 internal error, 2 usage or configuration error, 3 data error, 4 training failed");
    }
}
