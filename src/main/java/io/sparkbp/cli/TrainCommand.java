package io.sparkbp.cli;

import io.sparkbp.data.FeatureStats;
import io.sparkbp.math.Blas;
import io.sparkbp.model.Model;
import io.sparkbp.model.Transform;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.LearningRateSchedule;
import io.sparkbp.report.TrainingReport;
import io.sparkbp.spark.Checkpoint;
import io.sparkbp.spark.Checkpointer;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.EpochReport;
import io.sparkbp.spark.Evaluator;
import io.sparkbp.spark.TrainerSettings;
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
        NetworkSpec spec = job.spec;
        if (init != null && !init.spec().equals(spec)) {
            throw new UsageException("train.initModel " + job.initModel + " is a " + init.spec()
                    + " network, but the configuration describes " + spec);
        }
        Checkpointer checkpointer = null;
        Checkpoint resumed = null;
        List<String> fingerprint = null;
        if (job.checkpointDir != null) {
            checkpointer = new Checkpointer(hadoop, job.checkpointDir, job.checkpointEvery);
            fingerprint = configFingerprint(config, job);
            if (job.resume) {
                List<String> early = fingerprint;
                // compare the settings before loading any data; the data-derived items follow below
                resumed = checkpointer.loadNewest(spec.numParams(), job.settings.optimizer(),
                        (file, saved) -> requireSameRun(file, saved, early, true));
                if (resumed == null) {
                    out.println("train.resume=true, but " + job.checkpointDir + " holds no checkpoint: starting from scratch");
                } else if (resumed.epoch() > job.settings.epochs()) {
                    throw new UsageException(config.source(Keys.TRAIN_EPOCHS) + ": checkpoint " + resumed.source()
                            + " is from epoch " + resumed.epoch() + ", beyond train.epochs=" + job.settings.epochs()
                            + "; set train.epochs to at least " + resumed.epoch());
                }
            } else {
                List<Checkpointer.Found> existing = checkpointer.list();
                if (!existing.isEmpty()) {
                    if (!job.overwrite) {
                        throw new UsageException("train.checkpointDir " + job.checkpointDir + " already holds checkpoints"
                                + " (newest: " + existing.get(existing.size() - 1).path() + "); set train.resume=true to"
                                + " continue from it, or output.overwrite=true to replace them");
                    }
                    checkpointer.deleteAll();
                    out.println("deleted " + existing.size() + " old checkpoint(s) in " + job.checkpointDir);
                }
            }
        }
        DataLoader.Holdout trainPart = job.validationFraction > 0 && job.validation == null
                ? new DataLoader.Holdout(job.validationFraction, job.seed, false) : DataLoader.Holdout.ALL;
        Transform inT = null;
        Transform outT = null;
        if (init != null) {
            inT = init.inputTransform().orElse(null);
            outT = init.outputTransform().orElse(null);
        } else if (job.standardize) {
            out.println("computing standardization statistics ...");
            FeatureStats stats = loader.stats(job.train, trainPart);
            inT = DataLoader.inputTransform(stats, job.train);
            outT = spec.output() == OutputKind.LINEAR ? DataLoader.targetTransform(stats) : null;
        }
        Precision precision = job.settings.precision();
        DataLoader.Loaded train = loader.load(job.train, trainPart, inT, outT, precision);
        out.printf(Locale.ROOT, "training data: %,d examples in %d partitions, %s cached (%s)%s%n",
                train.examples(), train.partitions(), Bytes.human(train.bytes()),
                config.get(Keys.DATA_STORAGE_LEVEL).strip().toUpperCase(Locale.ROOT),
                train.skipped() > 0 ? ", " + train.skipped() + " bad lines skipped" : "");
        DataLoader.Loaded validationData = null;
        if (job.validation != null) {
            validationData = loader.load(job.validation, DataLoader.Holdout.ALL, inT, null, precision);
        } else if (job.validationFraction > 0) {
            validationData = loader.load(job.train, new DataLoader.Holdout(job.validationFraction, job.seed, true),
                    inT, null, precision);
        }
        DistributedTrainer.EvalSet validation = validationData == null ? null : evalSet(validationData, outT, "validation");
        DataLoader.Loaded testData = job.test == null ? null
                : loader.load(job.test, DataLoader.Holdout.ALL, inT, null, precision);
        DistributedTrainer.EvalSet test = testData == null ? null : evalSet(testData, outT, "test");

        double[] theta0 = init != null ? init.theta() : spec.initialParameters(job.seed);
        if (checkpointer != null) {
            fingerprint.add("training examples=" + train.examples());
            fingerprint.add("training partitions=" + train.partitions());
            fingerprint.add("skipped training lines=" + train.skipped());
            fingerprint.add("input standardization=" + (inT == null ? "none" : Checkpointer.hash(inT.mean(), inT.scale())));
            fingerprint.add("output standardization=" + (outT == null ? "none" : Checkpointer.hash(outT.mean(), outT.scale())));
            fingerprint.add("initial weights=" + Checkpointer.hash(theta0));
            if (resumed != null) {
                requireSameRun(resumed.source(), resumed.fingerprint(), fingerprint, false);
                out.printf(Locale.ROOT, "resuming from %s after epoch %d%n", resumed.source(), resumed.epoch());
            }
            checkpointer.fingerprint(fingerprint);
        }
        out.printf(Locale.ROOT, "network %s, %,d parameters, optimizer %s, batch %s, BLAS %s%s, Spark %s%n",
                spec, spec.numParams(), job.settings.optimizer(),
                job.settings.batchSize() == 0 ? "full" : String.valueOf(job.settings.batchSize()),
                Blas.implementation(), precision == Precision.FLOAT64 ? "" : " (" + precision.id() + ")", sc.version());
        DistributedTrainer trainer = new DistributedTrainer(sc, job.settings);
        DistributedTrainer.Result result = trainer.train(train.rdd(), train.examples(), theta0, validation, test,
                r -> out.println(Progress.line(r)), resumed, checkpointer);
        List<EpochReport> reports = result.reports(); // including those restored from a checkpoint
        if (result.stoppedEarly()) {
            out.printf(Locale.ROOT, "early stopping: no validation improvement for %d epochs; keeping epoch %d%n",
                    job.settings.patience(), result.bestEpoch());
        }

        Map<String, Object> finalMetrics = new LinkedHashMap<>();
        Map<String, Double> testMetrics = null;
        if (test != null) {
            Metrics m = Evaluator.evaluate(sc, test.data(), spec, result.theta(), test.outMean(), test.outScale(),
                    job.settings.aggregationDepth());
            testMetrics = m.toMap();
            finalMetrics.put("test", testMetrics);
            out.println("test: " + Progress.metrics(testMetrics));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", config.effective());
        extra.put("training", Map.of("epochs", reports.size(), "bestEpoch", result.bestEpoch(),
                "examples", train.examples(), "seconds", reports.isEmpty() ? 0.0 : reports.get(reports.size() - 1).elapsedSeconds()));
        if (!finalMetrics.isEmpty()) {
            extra.put("metrics", finalMetrics);
        }
        Model model = new Model(spec, result.theta(), inT, outT, extra);
        if (job.metricsPath != null) {
            outputs.writeText(job.metricsPath, Progress.jsonLines(reports));
        }
        if (job.modelPath != null) {
            Models.save(model, job.modelPath, hadoop, job.overwrite);
            out.println("model written to " + job.modelPath);
        }
        if (job.reportPath != null) {
            TrainingReport report = Reports.training(job, config, sc, train, validationData, testData, inT, outT,
                    resumed, result, testMetrics);
            outputs.writeText(job.reportPath, report.html());
            out.println("report written to " + job.reportPath);
        }
        train.rdd().unpersist(false);
        if (validation != null) {
            validation.data().unpersist(false);
        }
        if (test != null) {
            test.data().unpersist(false);
        }
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

    /**
     * The configuration part of a checkpoint fingerprint: every effective setting that can change the
     * training trajectory, plus the network and the resolved data paths; a mutable list to which the
     * data-derived items (example and partition counts, transforms, initial weights) are appended.
     */
    static List<String> configFingerprint(Config config, Job job) {
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, String> e : config.effective().entrySet()) {
            if (!NOT_FINGERPRINTED.contains(e.getKey())) {
                items.add(e.getKey() + "=" + e.getValue());
            }
        }
        items.add("network=" + job.spec);
        items.add("training data files=" + job.train.path());
        items.add("validation data files=" + (job.validation == null ? "" : job.validation.path()));
        items.add("test data files=" + (job.test == null ? "" : job.test.path()));
        return items;
    }

    private static void requireSameRun(String file, List<String> saved, List<String> current, boolean partial) {
        String diff = Checkpointer.firstDifference(withDefaultsOfNewerKeys(saved), current, partial);
        if (diff != null) {
            throw new UsageException("checkpoint " + file + " was written by a different configuration: " + diff
                    + "; resume with the same settings (train.epochs, train.checkpointEvery and output.* may change)"
                    + " or use another train.checkpointDir");
        }
    }

    /**
     * A checkpoint written before a key existed ran with that key's default: the saved items plus
     * {@code key=default} for every known key they do not mention (and that is fingerprinted).
     */
    static List<String> withDefaultsOfNewerKeys(List<String> saved) {
        Set<String> named = new java.util.HashSet<>();
        for (String item : saved) {
            int eq = item.indexOf('=');
            named.add(eq < 0 ? item : item.substring(0, eq));
        }
        List<String> out = new ArrayList<>(saved);
        for (Keys.Key k : Keys.all().values()) {
            if (!named.contains(k.name()) && !NOT_FINGERPRINTED.contains(k.name())) {
                out.add(k.name() + "=" + k.defaultValue());
            }
        }
        return out;
    }

    private static DistributedTrainer.EvalSet evalSet(DataLoader.Loaded data, Transform outT, String name) {
        return new DistributedTrainer.EvalSet(data.rdd(), outT == null ? null : outT.mean(),
                outT == null ? null : outT.scale());
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
            j.validationFraction = c.getDouble(Keys.DATA_VALIDATION_FRACTION, 0, 1, true);
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
            double lr = c.getPositive(Keys.TRAIN_LEARNING_RATE);
            LearningRateSchedule schedule = c.getParsed(Keys.TRAIN_SCHEDULE, s -> LearningRateSchedule.parse(s, lr,
                    c.getNonNegative(Keys.TRAIN_DECAY), c.getInt(Keys.TRAIN_DECAY_EVERY, 1)));
            int batch = c.getInt(Keys.TRAIN_BATCH_SIZE, 0);
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
            int localSteps = c.getInt(Keys.TRAIN_LOCAL_STEPS, 1);
            if (localSteps > 1 && (optimizer.equals("lbfgs") || batch == 0)) {
                throw new UsageException(c.source(Keys.TRAIN_LOCAL_STEPS) + ": train.localSteps=" + localSteps
                        + " needs train.optimizer=sgd or adam with mini-batches (train.batchSize > 0)");
            }
            Precision precision = c.getParsed(Keys.TRAIN_PRECISION, Precision::parse);
            try {
                j.settings = new TrainerSettings(j.spec, optimizer, schedule, momentum, nesterov,
                        batch, localSteps, c.getInt(Keys.TRAIN_EPOCHS, 1), c.getNonNegative(Keys.TRAIN_L2),
                        j.seed, c.getInt(Keys.TRAIN_PATIENCE, 0), c.getInt(Keys.TRAIN_AGGREGATION_DEPTH, 1), precision);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (j.settings.patience() > 0 && j.validation == null && j.validationFraction == 0) {
                throw new UsageException(c.source(Keys.TRAIN_PATIENCE) + ": train.earlyStopping.patience=" + j.settings.patience()
                        + " needs validation data: set data.validation or data.validationFraction");
            }
            j.standardize = c.getBoolean(Keys.TRAIN_STANDARDIZE);
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
    }
}
