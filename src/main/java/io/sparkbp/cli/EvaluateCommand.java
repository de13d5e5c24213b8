package io.sparkbp.cli;

import io.sparkbp.data.DataException;
import io.sparkbp.data.Transform;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Metrics;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.Evaluator;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code evaluate --model M --data PATH [key=value ...]}: metrics of a saved model on labelled data.
 * The last line of standard output is one JSON object with {@code examples}, {@code loss} (mean
 * per-example error, no L2 term) and the output kind's metrics. With {@code output.report=FILE} it
 * also writes an HTML report with the metrics and, for a classifier, the confusion matrix.
 */
final class EvaluateCommand {
    private final PrintStream out;
    private final PrintStream err;

    EvaluateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** The settings evaluate reads; any other is refused. */
    static final List<Setting<?>> KEYS = List.of(Schema.DATA_FORMAT, Schema.DATA_FEATURES, Schema.DATA_LABEL_COLUMNS,
            Schema.DATA_WEIGHT_COLUMN, Schema.DATA_ON_BAD_RECORD, Schema.DATA_PARTITIONS, Schema.DATA_BLOCK_ROWS,
            Schema.DATA_LAYOUT, Schema.DATA_STORAGE_LEVEL, Schema.OUTPUT_REPORT, Schema.OUTPUT_OVERWRITE);

    void run(String[] args) {
        CommandArgs a = CommandArgs.parse("evaluate", args, new String[] {"--model", "--data"}, new String[0]);
        if (a.help()) {
            out.println("usage: sparkbp evaluate --model M --data PATH [key=value ...]\n\n"
                    + "Prints the metrics of model M on the labelled data at PATH (a Hadoop path or glob).\n"
                    + "The last line of standard output is one JSON object. Keys that apply (any other is\n"
                    + "refused): data.format, data.features (must equal the model's inputs), data.labelColumns,\n"
                    + "data.weightColumn, data.onBadRecord, data.partitions, data.blockRows, data.layout,\n"
                    + "data.storageLevel, output.report (an HTML report with the metrics and, for classifiers,\n"
                    + "the confusion matrix) and output.overwrite.");
            return;
        }
        Config config = a.config();
        Sources.requireApplicable(config, "evaluate", KEYS);
        Values v = config.values();
        String reportPath;
        boolean overwrite;
        try {
            reportPath = v.optional(Schema.OUTPUT_REPORT).map(String::strip).orElse(null);
            overwrite = v.get(Schema.OUTPUT_OVERWRITE);
        } catch (SettingException e) {
            throw config.error(e);
        }
        try (SparkSession session = SparkSession.start("sparkbp evaluate")) {
            JavaSparkContext sc = session.context();
            new RunPaths(sc.hadoopConfiguration(), overwrite).input("--model", a.option("--model"))
                    .input("--data", a.option("--data"))
                    .output(Schema.OUTPUT_REPORT.key(), reportPath, RunPaths.Kind.FILE).check();
            Model model = Models.load(a.option("--model"), sc.hadoopConfiguration());
            DataLoader loader = new DataLoader(sc);
            DataLoader.Source src = Sources.resolve(config, loader, Sources.fromCommand(config, a.option("--data"),
                    model.spec()));
            DataLoader.Loaded data = loader.load(src, DataLoader.Holdout.ALL, model.inputTransform().orElse(null), null);
            requireWeight(data, src);
            Transform outT = model.outputTransform().orElse(null);
            // the confusion counts ride along in the same pass when a report will show them
            Metrics m = Evaluator.evaluate(sc, DistributedTrainer.EvalSet.of(data.rdd(), outT), model.spec(),
                    model.theta(), 2, reportPath != null);
            data.rdd().unpersist(true);
            Map<String, Double> metrics = m.toMap();
            if (data.skipped() > 0) {
                err.println("skipped " + io.sparkbp.report.Figures.count(data.skipped(), "bad line"));
            }
            out.printf(Locale.ROOT, "model %s on %s%n", model.spec(), src.path());
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                out.printf(Locale.ROOT, "  %-16s %s%n", e.getKey(), Json.number(e.getValue()));
            }
            if (reportPath != null) {
                Reports.EvaluatedData evaluated = new Reports.EvaluatedData(src.path(), src.lines().format().id(),
                        data.skipped(), config.isSet(Schema.DATA_WEIGHT_COLUMN.key()));
                writeReport(sc, reportPath, overwrite, Reports.evaluation(model, a.option("--model"), evaluated, m, sc)
                        .html());
            }
            out.println(Json.object(metrics));
        }
    }

    /** Refuses data whose example weights are all 0: their weighted means are undefined. */
    private static void requireWeight(DataLoader.Loaded data, DataLoader.Source src) {
        if (data.weighted() == 0) {
            data.rdd().unpersist(true);
            throw DataException.schema(String.format(Locale.ROOT, "every one of the %,d examples of --data (%s)"
                    + " has weight 0 in column '%s' (data.weightColumn), so the metrics (weighted means) are"
                    + " undefined", data.examples(), src.path(), src.csv().weightColumn()), null, null,
                    "at least one example of weight > 0");
        }
    }

    /** Writes the HTML report, all or nothing, and says where. */
    private void writeReport(JavaSparkContext sc, String reportPath, boolean overwrite, String html) {
        try (Outputs outputs = new Outputs(sc.hadoopConfiguration(), overwrite)) {
            outputs.addText(Schema.OUTPUT_REPORT.key(), reportPath, html);
            outputs.commit();
        }
        out.println("report written to " + reportPath);
    }
}
