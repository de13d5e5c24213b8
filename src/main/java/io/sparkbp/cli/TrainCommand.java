package io.sparkbp.cli;

import io.sparkbp.data.ClassWeights;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.report.TrainingReport;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.EpochReport;
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
        boolean confGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println(help());
                return;
            } else if (a.equals("--conf")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--conf needs a file name");
                }
                config.loadFile(java.nio.file.Path.of(args[++i]));
                confGiven = true;
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown option '" + a + "' for train; expected --conf FILE and key=value settings");
            } else {
                config.override(a);
            }
        }
        if (!confGiven && config.explicit().isEmpty()) {
            throw new UsageException("train needs --conf FILE and/or key=value settings (see train --help)");
        }
        try (SparkSession session = SparkSession.start("sparkbp train")) {
            DataLoader loader = new DataLoader(session.context());
            train(Job.fromConfig(config, loader), config, session.context(), loader);
        }
    }

    private void train(Job job, Config config, JavaSparkContext sc, DataLoader loader) {
        org.apache.hadoop.conf.Configuration hadoop = sc.hadoopConfiguration();
        Outputs outputs = new Outputs(hadoop, job.overwrite);
        outputs.checkFileWritable(Keys.OUTPUT_MODEL, job.modelPath);
        outputs.checkFileWritable(Keys.OUTPUT_METRICS, job.metricsPath);
        outputs.checkFileWritable(Keys.OUTPUT_REPORT, job.reportPath);

        Model init = job.initModel == null ? null : Models.load(job.initModel, hadoop);
        if (init != null && !init.spec().equals(job.spec)) {
            throw new UsageException("train.initModel " + job.initModel + " is a " + init.spec()
                    + " network, but the configuration describes " + job.spec);
        }
        TrainingPlan plan = job.plan(config, loader, init);
        TrainingRun.Outcome outcome = new TrainingRun(sc, plan, listener()).run();
        if (outcome.testMetrics() != null) {
            out.println("test: " + Progress.metrics(outcome.testMetrics()));
        }
        List<EpochReport> reports = outcome.result().reports(); // including those restored from a checkpoint
        if (job.metricsPath != null) {
            outputs.writeText(job.metricsPath, Progress.jsonLines(reports));
        }
        if (job.modelPath != null) {
            Models.save(outcome.model(), job.modelPath, hadoop, job.overwrite);
            out.println("model written to " + job.modelPath);
        }
        if (job.reportPath != null) {
            TrainingReport report = Reports.training(job, plan, config, sc, outcome);
            outputs.writeText(job.reportPath, report.html());
            out.println("report written to " + job.reportPath);
        }
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
    private static final Set<String> NOT_FINGERPRINTED = Set.of(Keys.TRAIN_EPOCHS, Keys.TRAIN_CHECKPOINT_DIR,
            Keys.TRAIN_CHECKPOINT_EVERY, Keys.TRAIN_RESUME, Keys.OUTPUT_MODEL, Keys.OUTPUT_METRICS,
            Keys.OUTPUT_REPORT, Keys.OUTPUT_OVERWRITE, Keys.DATA_STORAGE_LEVEL, Keys.DATA_TRAIN, Keys.DATA_TEST,
            Keys.DATA_VALIDATION, Keys.TRAIN_INIT_MODEL);

    /** The settings part of a checkpoint fingerprint: every effective setting that can change the trajectory. */
    static List<String> settingsFingerprint(Config config) {
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, String> e : config.effective().entrySet()) {
            if (!NOT_FINGERPRINTED.contains(e.getKey())) {
                items.add(e.getKey() + "=" + e.getValue());
            }
        }
        return items;
    }

    /** The default of every fingerprinted key: what a checkpoint written before the key existed ran with. */
    static Map<String, String> fingerprintedDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Keys.Key k : Keys.all().values()) {
            if (!NOT_FINGERPRINTED.contains(k.name())) {
                defaults.put(k.name(), k.defaultValue());
            }
        }
        return defaults;
    }

    /** Two outputs at the same path would replace each other (or fail at the end of training). */
    private static void requireDistinct(Config c, String... keys) {
        for (int i = 0; i < keys.length; i++) {
            for (int j = i + 1; j < keys.length; j++) {
                if (c.isSet(keys[i]) && c.get(keys[i]).strip().equals(c.get(keys[j]).strip())) {
                    throw new UsageException(c.source(keys[j]) + ": " + keys[j] + "=" + c.get(keys[j])
                            + " is also " + keys[i] + "; give each output its own path");
                }
            }
        }
    }

    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: sparkbp train --conf FILE [key=value ...]\n\n");
        sb.append("Trains a network on Spark. Settings come from FILE (key=value lines) and are overridden by\n");
        sb.append("key=value arguments. Keys and defaults:\n\n");
        for (Keys.Key k : Keys.all().values()) {
            sb.append(String.format(Locale.ROOT, "  %-30s %-16s %s%n", k.name(),
                    k.defaultValue().isEmpty() ? "(none)" : k.defaultValue(), k.meaning()));
        }
        return sb.toString();
    }

    /** Everything the train command needs, parsed and validated before Spark starts. */
    static final class Job {
        DataLoader.Source train;
        DataLoader.Source test;
        DataLoader.Source validation;
        double validationFraction;
        /** data.validationFraction=auto applies: hold out AutoRules.VALIDATION_FRACTION unless the data are small. */
        boolean autoValidation;
        /** train.classWeight=balanced. */
        boolean balanced;
        NetworkSpec spec;
        TrainerSettings settings;
        long seed;
        boolean standardize;
        String initModel;
        String modelPath;
        String metricsPath;
        String reportPath;
        boolean overwrite;
        String checkpointDir;
        int checkpointEvery;
        boolean resume;

        static Job fromConfig(Config c, DataLoader loader) {
            Job j = new Job();
            OutputKind kind = c.getParsed(Keys.MODEL_OUTPUT, OutputKind::parse);
            Activation act = c.getParsed(Keys.MODEL_ACTIVATION, Activation::parse);
            int outputs = c.getInt(Keys.MODEL_OUTPUTS, 1);
            j.train = loader.resolve(Sources.fromConfig(c, Keys.DATA_TRAIN, kind, outputs, 0));
            j.test = c.isSet(Keys.DATA_TEST)
                    ? loader.resolve(Sources.fromConfig(c, Keys.DATA_TEST, kind, outputs, j.train.features())) : null;
            j.validation = c.isSet(Keys.DATA_VALIDATION)
                    ? loader.resolve(Sources.fromConfig(c, Keys.DATA_VALIDATION, kind, outputs, j.train.features())) : null;
            boolean autoFraction = c.get(Keys.DATA_VALIDATION_FRACTION).strip().equalsIgnoreCase("auto");
            j.validationFraction = autoFraction ? 0 : c.getDouble(Keys.DATA_VALIDATION_FRACTION, 0, 1, true);
            int[] hidden = c.getIntList(Keys.MODEL_HIDDEN);
            int[] layers = new int[hidden.length + 2];
            layers[0] = j.train.features();
            System.arraycopy(hidden, 0, layers, 1, hidden.length);
            layers[layers.length - 1] = outputs;
            try {
                j.spec = new NetworkSpec(layers, act, kind);
            } catch (IllegalArgumentException e) {
                throw new UsageException(c.source(Keys.MODEL_OUTPUTS) + ": model.hidden/model.outputs/model.output: "
                        + e.getMessage());
            }
            j.seed = c.getLong(Keys.TRAIN_SEED);
            String optimizer = c.require(Keys.TRAIN_OPTIMIZER).strip().toLowerCase(Locale.ROOT);
            if (!optimizer.equals("sgd") && !optimizer.equals("adam") && !optimizer.equals("lbfgs")) {
                throw new UsageException(c.source(Keys.TRAIN_OPTIMIZER) + ": train.optimizer=" + c.get(Keys.TRAIN_OPTIMIZER)
                        + " is invalid; expected sgd, adam or lbfgs");
            }
            boolean autoRate = c.get(Keys.TRAIN_LEARNING_RATE).strip().equalsIgnoreCase("auto");
            double lr = autoRate ? RangeTest.MIN_RATE : c.getPositive(Keys.TRAIN_LEARNING_RATE);
            LearningRateSchedule schedule = c.getParsed(Keys.TRAIN_SCHEDULE, s -> LearningRateSchedule.parse(s, lr,
                    c.getNonNegative(Keys.TRAIN_DECAY), c.getInt(Keys.TRAIN_DECAY_EVERY, 1)));
            // lbfgs is full batch: the mini-batch default applies to sgd and adam only
            int batch = optimizer.equals("lbfgs") && !c.explicit().containsKey(Keys.TRAIN_BATCH_SIZE) ? 0
                    : c.getInt(Keys.TRAIN_BATCH_SIZE, 0);
            if (optimizer.equals("lbfgs") && batch != 0) {
                throw new UsageException(c.source(Keys.TRAIN_BATCH_SIZE) + ": train.batchSize=" + batch
                        + " cannot be used with train.optimizer=lbfgs, which is full batch; set train.batchSize=0");
            }
            double momentum = c.getDouble(Keys.TRAIN_MOMENTUM, 0, 1, true);
            boolean nesterov = c.getBoolean(Keys.TRAIN_NESTEROV);
            if (optimizer.equals("sgd") && nesterov && momentum == 0) {
                throw new UsageException(c.source(Keys.TRAIN_NESTEROV) + ": train.nesterov=true needs train.momentum > 0"
                        + " (train.momentum=0 from " + c.source(Keys.TRAIN_MOMENTUM) + ")");
            }
            boolean autoLocalSteps = c.get(Keys.TRAIN_LOCAL_STEPS).strip().equalsIgnoreCase("auto");
            int localSteps = autoLocalSteps ? (optimizer.equals("lbfgs") || batch == 0 ? 1 : 0)
                    : c.getInt(Keys.TRAIN_LOCAL_STEPS, 1);
            if (localSteps > 1 && (optimizer.equals("lbfgs") || batch == 0)) {
                throw new UsageException(c.source(Keys.TRAIN_LOCAL_STEPS) + ": train.localSteps=" + localSteps
                        + " needs train.optimizer=sgd or adam with mini-batches (train.batchSize > 0)");
            }
            Precision precision = c.getParsed(Keys.TRAIN_PRECISION, Precision::parse);
            try {
                j.settings = new TrainerSettings(j.spec, optimizer, schedule, momentum, nesterov,
                        batch, localSteps, c.getInt(Keys.TRAIN_EPOCHS, 1), c.getNonNegative(Keys.TRAIN_L2),
                        j.seed, c.getInt(Keys.TRAIN_PATIENCE, 0), c.getNonNegative(Keys.TRAIN_MIN_DELTA),
                        c.getInt(Keys.TRAIN_AGGREGATION_DEPTH, 1), precision,
                        autoRate && !optimizer.equals("lbfgs") ? RangeTest.STEPS : 0);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            j.autoValidation = autoFraction && j.validation == null
                    && TrainingPlan.HoldOut.auto(j.settings).auto();
            j.standardize = c.getBoolean(Keys.TRAIN_STANDARDIZE);
            String classWeight = c.get(Keys.TRAIN_CLASS_WEIGHT).strip().toLowerCase(Locale.ROOT);
            if (!classWeight.equals("none") && !classWeight.equals("balanced")) {
                throw new UsageException(c.source(Keys.TRAIN_CLASS_WEIGHT) + ": train.classWeight=" + c.get(Keys.TRAIN_CLASS_WEIGHT)
                        + " is invalid; expected none or balanced");
            }
            j.balanced = classWeight.equals("balanced");
            if (j.balanced) {
                try {
                    ClassWeights.requireClasses(kind, outputs);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(c.source(Keys.TRAIN_CLASS_WEIGHT) + ": train.classWeight=balanced: "
                            + e.getMessage() + " (model.output, model.outputs)");
                }
            }
            j.initModel = c.isSet(Keys.TRAIN_INIT_MODEL) ? c.get(Keys.TRAIN_INIT_MODEL) : null;
            j.modelPath = c.isSet(Keys.OUTPUT_MODEL) ? c.get(Keys.OUTPUT_MODEL) : null;
            j.metricsPath = c.isSet(Keys.OUTPUT_METRICS) ? c.get(Keys.OUTPUT_METRICS) : null;
            j.reportPath = c.isSet(Keys.OUTPUT_REPORT) ? c.get(Keys.OUTPUT_REPORT) : null;
            requireDistinct(c, Keys.OUTPUT_MODEL, Keys.OUTPUT_METRICS, Keys.OUTPUT_REPORT);
            j.overwrite = c.getBoolean(Keys.OUTPUT_OVERWRITE);
            j.checkpointDir = c.isSet(Keys.TRAIN_CHECKPOINT_DIR) && !c.get(Keys.TRAIN_CHECKPOINT_DIR).isBlank()
                    ? c.get(Keys.TRAIN_CHECKPOINT_DIR).strip() : null;
            j.checkpointEvery = c.getInt(Keys.TRAIN_CHECKPOINT_EVERY, 1);
            j.resume = c.getBoolean(Keys.TRAIN_RESUME);
            if (j.resume && j.checkpointDir == null) {
                throw new UsageException(c.source(Keys.TRAIN_RESUME) + ": train.resume=true needs train.checkpointDir"
                        + " (the directory of the checkpoints to continue from)");
            }
            return j;
        }

        /** The plan of this job's run, with the resolved data sources and the initial model (or null). */
        TrainingPlan plan(Config c, DataLoader loader, Model init) {
            TrainingPlan.HoldOut holdOut = autoValidation ? TrainingPlan.HoldOut.AUTO
                    : TrainingPlan.HoldOut.of(validation == null ? validationFraction : 0);
            TrainingPlan.Data data = new TrainingPlan.Data(new TextSource(loader, train),
                    validation == null ? null : new TextSource(loader, validation),
                    test == null ? null : new TextSource(loader, test), holdOut);
            TrainingPlan.Preparation prep = new TrainingPlan.Preparation(standardize, balanced, train.layout(),
                    train.blockRows(), train.storageLevel(), train.partitions() == 0);
            TrainingPlan.Checkpoints checkpoints = checkpointDir == null ? null
                    : new TrainingPlan.Checkpoints(checkpointDir, checkpointEvery, resume, overwrite,
                            settingsFingerprint(c), fingerprintedDefaults());
            return new TrainingPlan(settings, data, prep, init, checkpoints,
                    new TrainingPlan.Provenance(c.effective(), Map.of()));
        }
    }
}
