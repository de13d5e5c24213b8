package io.sparkbp.cli;

import io.sparkbp.model.Model;
import io.sparkbp.report.Figures;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.Predictions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.UUID;

/**
 * {@code predict --model M --data PATH --out PATH [key=value ...]}: writes one line per input example
 * into the directory {@code --out} (Hadoop part files, in input order), atomically: the lines are
 * written to a temporary sibling directory that is renamed into place when complete. The directory
 * holds the marker file {@link RunPaths#PREDICTIONS_MARKER}: with {@code output.overwrite=true} an
 * existing {@code --out} is replaced only when it holds one (earlier predictions), never otherwise.
 */
final class PredictCommand {
    private final PrintStream out;
    private final PrintStream err;

    PredictCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The settings predict reads; any other is refused. */
    static final List<Setting<?>> KEYS = List.of(Schema.DATA_FORMAT, Schema.DATA_FEATURES, Schema.DATA_LABEL_COLUMNS,
            Schema.DATA_WEIGHT_COLUMN, Schema.DATA_ON_BAD_RECORD, Schema.DATA_PARTITIONS, Schema.DATA_BLOCK_ROWS,
            Schema.DATA_LAYOUT, Schema.DATA_STORAGE_LEVEL, Schema.OUTPUT_OVERWRITE);

    void run(String[] args) {
        CommandArgs a = CommandArgs.parse("predict", args, new String[] {"--model", "--data", "--out"}, new String[0]);
        if (a.help()) {
            help();
            return;
        }
        Config config = a.config();
        Sources.requireApplicable(config, "predict", KEYS);
        boolean overwrite;
        try {
            overwrite = config.values().get(Schema.OUTPUT_OVERWRITE);
        } catch (SettingException e) {
            throw config.error(e);
        }
        try (SparkSession session = SparkSession.start("sparkbp predict")) {
            JavaSparkContext sc = session.context();
            Configuration hadoop = sc.hadoopConfiguration();
            new RunPaths(hadoop, overwrite).input("--model", a.option("--model")).input("--data", a.option("--data"))
                    .output("--out", a.option("--out"), RunPaths.Kind.PREDICTIONS).check();
            Model model = Models.load(a.option("--model"), hadoop);
            DataLoader loader = new DataLoader(sc);
            DataLoader.Source src = Sources.resolve(config, loader, Sources.fromCommand(config, a.option("--data"),
                    model.spec()));
            Path target = new Path(a.option("--out"));
            Path tmp = new Path(target.getParent() == null ? new Path(".") : target.getParent(),
                    "." + target.getName() + ".tmp-" + UUID.randomUUID());
            FileSystem fs = fileSystem(target, hadoop);
            // Computed and cached first, so a bad input line fails the run before anything is written.
            Predictions.Computed computed = Predictions.compute(loader, src, model.spec(), model.theta(),
                    model.inputTransform().orElse(null), model.outputTransform().orElse(null));
            JavaRDD<Predictions.Part> lines = computed.parts().persist(StorageLevel.MEMORY_AND_DISK());
            try {
                long count = Predictions.count(lines);
                long skipped = computed.skipped().value();
                if (count == 0) {
                    throw DataLoader.noExamples(src, skipped); // as evaluate refuses it; nothing is written
                }
                save(lines, fs.makeQualified(tmp).toString(), target);
                fs.create(new Path(tmp, RunPaths.PREDICTIONS_MARKER), false).close();
                replaceable(fs, target, overwrite);
                if (!fs.rename(tmp, target)) {
                    throw new UsageException("cannot move the predictions into place at " + target);
                }
                out.println(Figures.count(count, "prediction") + " written to " + target
                        + (skipped > 0 ? " (" + Figures.count(skipped, "bad line") + " skipped)" : ""));
            } catch (IOException e) {
                throw new UsageException("cannot write predictions to " + target + ": " + e.getMessage());
            } finally {
                lines.unpersist(true); // blocking: the session stops next
                removeTemporary(sc, fs, tmp);
            }
        }
    }

    private void help() {
        out.println("usage: sparkbp predict --model M --data PATH --out DIR [key=value ...]\n\n"
                + "Writes one line per example of PATH into the directory DIR (part files in input order):\n"
                + "  softmax: class<TAB>p0,...,pK-1     logistic: 0|1<TAB>p  or  ids<TAB>p0,...  (multi-label)\n"
                + "  linear: y0,...,yK-1 in the data's units\n"
                + "LIBSVM lines may omit the label. Keys that apply (any other is refused): data.format,\n"
                + "data.features (must equal the model's inputs), data.labelColumns, data.weightColumn,\n"
                + "data.onBadRecord, data.partitions, data.blockRows, data.layout, data.storageLevel,\n"
                + "output.overwrite (replaces only a DIR that an earlier\n"
                + "predict wrote: one holding the marker file " + RunPaths.PREDICTIONS_MARKER + ").");
    }

    /**
     * Writes the prediction lines under {@code tmp}. The input was read and checked by the count
     * before, so a failure here is the output's: one whose cause is an I/O error (a directory that
     * cannot be created, a full disk) is a usage error naming {@code target} and that cause.
     */
    private static void save(JavaRDD<Predictions.Part> lines, String tmp, Path target) {
        try {
            Predictions.lines(lines).saveAsTextFile(tmp);
        } catch (Exception e) {
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof IOException || t instanceof org.apache.hadoop.fs.FSError) {
                    String why = t.getCause() != null && t instanceof org.apache.hadoop.fs.FSError
                            ? t.getCause().getMessage() : t.getMessage();
                    throw new UsageException("cannot write predictions to " + target + ": " + why
                            + "; nothing was written");
                }
            }
            throw e;
        }
    }

    /**
     * Deletes an existing {@code target} that RunPaths let through (earlier predictions, with
     * overwrite), checking its marker again just before: whatever took its place meanwhile stays.
     */
    private static void replaceable(FileSystem fs, Path target, boolean overwrite) throws IOException {
        if (!fs.exists(target)) {
            return;
        }
        if (!overwrite || !fs.exists(new Path(target, RunPaths.PREDICTIONS_MARKER))) {
            throw new UsageException("--out " + target + " appeared during the run; it is left as it is"
                    + (overwrite ? " (it holds no " + RunPaths.PREDICTIONS_MARKER + " marker)" : ""));
        }
        fs.delete(target, true);
    }

    /**
     * Deletes the temporary output directory. After a failed write, tasks that Spark is still
     * cancelling may recreate parts of it, so it waits (briefly) for running jobs to end and deletes again.
     */
    private void removeTemporary(JavaSparkContext sc, FileSystem fs, Path tmp) {
        try {
            fs.delete(tmp, true);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (sc.statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            fs.delete(tmp, true);
        } catch (IOException e) {
            err.println("warning: could not remove temporary directory " + tmp + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static FileSystem fileSystem(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf);
        } catch (IOException e) {
            throw new UsageException("cannot access " + p + ": " + e.getMessage());
        }
    }
}
