package io.sparkbp.cli;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.report.TrainingReport;
import io.sparkbp.settings.Plans;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.EpochReport;
import io.sparkbp.spark.PlanException;
import io.sparkbp.spark.RunListener;
import io.sparkbp.spark.TextSource;
import io.sparkbp.spark.TrainerSettings;
import io.sparkbp.spark.TrainingPlan;
import io.sparkbp.spark.TrainingRun;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code train --conf FILE [key=value ...]}: loads data, trains, writes the model and metrics. */
final class TrainCommand {
    private final PrintStream out;
    private final PrintStream err;

    TrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    void run(String[] args) {
        Config config = new Config();
        java.nio.file.Path confFile = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println(help());
                return;
            } else if (a.equals("--conf")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--conf needs a file name");
                }
                if (confFile != null) {
                    throw new UsageException("--conf is given twice (" + confFile + " and " + args[i + 1]
                            + "); give one file and override its keys with key=value settings");
                }
                confFile = java.nio.file.Path.of(args[++i]);
                config.loadFile(confFile);
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown option '" + a + "' for train; expected --conf FILE and key=value settings");
            } else {
                overrides.add(a);
            }
        }
        overrides.forEach(config::override);
        if (confFile == null && config.explicit().isEmpty()) {
            throw new UsageException("train needs --conf FILE and/or key=value settings (see train --help)");
        }
        try (SparkSession session = SparkSession.start("sparkbp train")) {
            DataLoader loader = new DataLoader(session.context());
            Job job;
            try {
                job = Job.fromConfig(config, loader);
            } catch (SettingException e) {
                throw config.error(e);
            } catch (PlanException e) {
                throw config.error(e); // data.blockRows too long for the blocks of these data
            }
            paths(job, config, confFile, session.context().hadoopConfiguration()).check();
            train(job, config, session.context(), loader);
        }
    }

    private void train(Job job, Config config, JavaSparkContext sc, DataLoader loader) {
        org.apache.hadoop.conf.Configuration hadoop = sc.hadoopConfiguration();
        Model init = job.initModel == null ? null : Models.load(job.initModel, hadoop);
        if (init != null && !init.spec().equals(job.spec)) {
            throw new UsageException("train.initModel " + job.initModel + " is a " + init.spec()
                    + " network, but the configuration describes " + job.spec);
        }
        TrainingPlan plan = job.plan(config, loader, init);
        TrainingRun.Outcome outcome;
        try {
            outcome = new TrainingRun(sc, plan, listener()).run();
        } catch (PlanException e) {
            throw config.error(e);
        }
        if (outcome.testMetrics() != null) {
            out.println("test: " + Progress.metrics(outcome.testMetrics()));
        }
        write(job, plan, config, sc, outcome);
        if (job.modelPath != null) {
            out.println("model written to " + job.modelPath);
        }
        if (job.reportPath != null) {
            out.println("report written to " + job.reportPath);
        }
    }

    /** All or nothing: every output under a temporary name first, then all renamed into place. */
    private static void write(Job job, TrainingPlan plan, Config config, JavaSparkContext sc,
                              TrainingRun.Outcome outcome) {
        List<EpochReport> reports = outcome.result().reports(); // including those restored from a checkpoint
        try (Outputs outputs = new Outputs(sc.hadoopConfiguration(), job.overwrite)) {
            if (job.metricsPath != null) {
                outputs.addText(Schema.OUTPUT_METRICS.key(), job.metricsPath, Progress.jsonLines(reports));
            }
            if (job.modelPath != null) {
                outputs.add(Schema.OUTPUT_MODEL.key(), job.modelPath, ModelFormat.content(outcome.model()));
            }
            if (job.reportPath != null) {
                TrainingReport report = Reports.training(job, plan, config, sc, outcome);
                outputs.addText(Schema.OUTPUT_REPORT.key(), job.reportPath, report.html());
            }
            outputs.commit();
        }
    }

    /** What a run reads (the configuration file, the data, the initial model) and writes. */
    private static RunPaths paths(Job job, Config c, java.nio.file.Path confFile,
                                  org.apache.hadoop.conf.Configuration hadoop) {
        RunPaths paths = new RunPaths(hadoop, job.overwrite);
        if (confFile != null) {
            paths.input("--conf", confFile.toAbsolutePath().toUri().toString());
        }
        for (Setting<String> in : List.of(Schema.DATA_TRAIN, Schema.DATA_VALIDATION, Schema.DATA_TEST,
                Schema.TRAIN_INIT_MODEL)) {
            paths.input(in.key(), c.get(in.key()));
        }
        return paths.output(Schema.OUTPUT_MODEL.key(), job.modelPath, RunPaths.Kind.FILE)
                .output(Schema.OUTPUT_METRICS.key(), job.metricsPath, RunPaths.Kind.FILE)
                .output(Schema.OUTPUT_REPORT.key(), job.reportPath, RunPaths.Kind.FILE)
                .output(Schema.TRAIN_CHECKPOINT_DIR.key(), job.checkpointDir, RunPaths.Kind.DIRECTORY);
    }

    /** Prints the run's lines, its epochs and its learning-rate search on standard output. */
    private RunListener listener() {
        return new RunListener() {
            @Override
            public void message(String line) {
                out.println(line);
            }

            @Override
            public void epochDone(EpochReport r) {
                out.println(Progress.line(r));
            }

            @Override
            public void searchDone(RangeTest.Pick pick) {
                out.println(pick.describe());
            }
        };
    }

    /**
     * Settings that may differ between a run and the run it resumes: they do not change the
     * trajectory, or (paths as written) are replaced by what they resolve to: the data paths by the
     * absolute data paths, train.initModel by a hash of the initial weights and of the transforms.
     */
    private static final Set<Setting<?>> NOT_FINGERPRINTED = Set.of(Schema.TRAIN_EPOCHS, Schema.TRAIN_CHECKPOINT_DIR,
            Schema.TRAIN_CHECKPOINT_EVERY, Schema.TRAIN_RESUME, Schema.OUTPUT_MODEL, Schema.OUTPUT_METRICS,
            Schema.OUTPUT_REPORT, Schema.OUTPUT_OVERWRITE, Schema.DATA_STORAGE_LEVEL, Schema.DATA_TRAIN, Schema.DATA_TEST,
            Schema.DATA_VALIDATION, Schema.TRAIN_INIT_MODEL);

    /**
     * The settings part of a checkpoint fingerprint: every effective setting that can change the
     * trajectory, the precision as {@code settings} resolved it (so {@code auto} compares as what it ran).
     */
    static List<String> settingsFingerprint(Config config, TrainerSettings settings) {
        List<String> items = new ArrayList<>();
        for (Setting<?> k : Schema.all().values()) {
            if (!NOT_FINGERPRINTED.contains(k)) {
                items.add(k.key() + "=" + (k == Schema.TRAIN_PRECISION ? settings.precision().id() : config.get(k.key())));
            }
        }
        return items;
    }

    /** The default of every fingerprinted key: what a checkpoint written before the key existed ran with. */
    static Map<String, String> fingerprintedDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Setting<?> k : Schema.all().values()) {
            if (!NOT_FINGERPRINTED.contains(k)) {
                // before train.precision existed every run was float64 (its default then, before auto)
                defaults.put(k.key(), k == Schema.TRAIN_PRECISION ? Precision.FLOAT64.id() : k.defaultValue());
            }
        }
        return defaults;
    }

    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: sparkbp train --conf FILE [key=value ...]\n\n");
        sb.append("Trains a network on Spark. Settings come from FILE (key=value lines) and are overridden by\n");
        sb.append("key=value arguments. Keys and defaults:\n\n");
        for (Setting<?> k : Schema.all().values()) {
            sb.append(String.format(Locale.ROOT, "  %-30s %-16s %s%n", k.key(),
                    k.defaultValue().isEmpty() ? "(none)" : k.defaultValue(), k.meaning()));
        }
        return sb.toString();
    }

    /** Everything the train command needs, parsed and validated before Spark starts. */
    static final class Job {
        DataLoader.Source train;
        DataLoader.Source test;
        DataLoader.Source validation;
        TrainingPlan.HoldOut holdOut;
        NetworkSpec spec;
        TrainerSettings settings;
        TrainingPlan.Preparation preparation;
        boolean standardize;
        String initModel;
        String modelPath;
        String metricsPath;
        String reportPath;
        boolean overwrite;
        String checkpointDir;
        int checkpointEvery;
        boolean resume;

        /** Parses the settings of {@code c}; a bad setting is a {@link SettingException}. */
        static Job fromConfig(Config c, DataLoader loader) {
            Values v = c.values();
            Job j = new Job();
            OutputKind kind = v.get(Schema.MODEL_OUTPUT);
            int outputs = v.get(Schema.MODEL_OUTPUTS);
            j.train = loader.resolve(Sources.fromConfig(c, Schema.DATA_TRAIN, kind, outputs, 0));
            j.test = v.isSet(Schema.DATA_TEST)
                    ? loader.resolve(Sources.fromConfig(c, Schema.DATA_TEST, kind, outputs, j.train.lines().features())) : null;
            j.validation = v.isSet(Schema.DATA_VALIDATION)
                    ? loader.resolve(Sources.fromConfig(c, Schema.DATA_VALIDATION, kind, outputs, j.train.lines().features())) : null;
            j.spec = Plans.network(v, j.train.lines().features(), outputs);
            j.settings = Plans.trainer(v, j.spec);
            j.holdOut = j.validation != null ? TrainingPlan.HoldOut.NONE : Plans.holdOut(v, j.settings);
            Plans.balanced(v, kind, outputs);
            j.preparation = Plans.preparation(v, v.get(Schema.DATA_PARTITIONS) == 0);
            j.standardize = v.get(Schema.TRAIN_STANDARDIZE);
            j.initModel = v.optional(Schema.TRAIN_INIT_MODEL).orElse(null);
            j.modelPath = v.optional(Schema.OUTPUT_MODEL).orElse(null);
            j.metricsPath = v.optional(Schema.OUTPUT_METRICS).orElse(null);
            j.reportPath = v.optional(Schema.OUTPUT_REPORT).orElse(null);
            j.overwrite = v.get(Schema.OUTPUT_OVERWRITE);
            j.checkpointDir = v.optional(Schema.TRAIN_CHECKPOINT_DIR).map(String::strip).orElse(null);
            j.checkpointEvery = v.get(Schema.TRAIN_CHECKPOINT_EVERY);
            j.resume = v.get(Schema.TRAIN_RESUME);
            if (j.resume && j.checkpointDir == null) {
                throw new SettingException(Schema.TRAIN_RESUME, "train.resume=true needs train.checkpointDir"
                        + " (the directory of the checkpoints to continue from)");
            }
            return j;
        }

        /** The plan of this job's run, with the resolved data sources and the initial model (or null). */
        TrainingPlan plan(Config c, DataLoader loader, Model init) {
            TrainingPlan.Data data = new TrainingPlan.Data(new TextSource(loader, train),
                    validation == null ? null : new TextSource(loader, validation),
                    test == null ? null : new TextSource(loader, test), holdOut);
            TrainingPlan.Checkpoints checkpoints = checkpointDir == null ? null
                    : new TrainingPlan.Checkpoints(checkpointDir, checkpointEvery, resume, overwrite,
                            settingsFingerprint(c, settings), fingerprintedDefaults());
            return new TrainingPlan(settings, data, preparation, init, checkpoints,
                    new TrainingPlan.Provenance(c.effective(), Map.of()));
        }
    }
}
