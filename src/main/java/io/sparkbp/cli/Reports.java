package io.sparkbp.cli;

import io.sparkbp.data.Transform;
import io.sparkbp.math.Blas;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Confusion;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.optim.OptimizerKind;
import io.sparkbp.optim.StoppingRule;
import io.sparkbp.report.EvaluationReport;
import io.sparkbp.report.Figures;
import io.sparkbp.report.Heading;
import io.sparkbp.report.TrainingReport;
import io.sparkbp.spark.Checkpoint;
import io.sparkbp.spark.DataCache;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.DistributedTrainer;
import io.sparkbp.spark.EpochReport;
import io.sparkbp.spark.TrainerSettings;
import io.sparkbp.spark.TrainingPlan;
import io.sparkbp.spark.TrainingRun;
import org.apache.spark.api.java.JavaSparkContext;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the plain-data reports of {@code io.sparkbp.report} from what the commands have at hand. */
final class Reports {
    private Reports() {
    }

    /** The time a report is written, to the second, in UTC. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
    }

    /** The report of a finished training run (the data sets' and the trainer's numbers, the settings, notes). */
    static TrainingReport training(TrainCommand.Job job, TrainingPlan plan, Config config, JavaSparkContext sc,
                                   TrainingRun.Outcome outcome) {
        DataCache cache = outcome.data();
        List<TrainingReport.DataSet> data = dataSets(job, cache);
        DistributedTrainer.Result result = outcome.result();
        List<String> notes = notes(outcome, data);
        List<TrainingReport.Setting> effective = new ArrayList<>();
        for (Map.Entry<String, String> e : config.effective().entrySet()) {
            effective.add(new TrainingReport.Setting(e.getKey(), e.getValue(), config.source(e.getKey()),
                    config.explicit().containsKey(e.getKey())));
        }
        List<EpochReport> reports = result.reports();
        List<TrainingReport.Epoch> epochs = new ArrayList<>();
        for (EpochReport r : reports) {
            epochs.add(new TrainingReport.Epoch(r.epoch(), r.trainLoss(), r.validation(), r.test(),
                    new TrainingReport.Throughput(r.examples(), r.seconds(), r.elapsedSeconds()), r.learningRate()));
        }
        int modelEpoch = result.bestEpoch();
        boolean modelIsBest = false;
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        if (!reports.isEmpty()) {
            EpochReport kept = reports.stream().filter(r -> r.epoch() == modelEpoch).findFirst()
                    .orElse(reports.get(reports.size() - 1));
            // with early stopping the trainer keeps the epoch of the lowest validation loss
            modelIsBest = plan.settings().stopping().enabled() && kept.validation() != null
                    && modelEpoch == lowestValidationLoss(reports);
            Map<String, Double> trainingRow = new LinkedHashMap<>();
            trainingRow.put("examples", (double) cache.train().examples());
            trainingRow.put("loss", kept.trainLoss());
            rows.put("training (epoch " + modelEpoch + ")", trainingRow);
            if (kept.validation() != null) {
                rows.put("validation (epoch " + modelEpoch + ")", kept.validation());
            }
        }
        if (outcome.testMetrics() != null) {
            rows.put("test (saved model)", outcome.testMetrics());
        }
        Map<String, String> about = trainingFacts(job.spec, outcome.result(), plan.settings(), sc, job.modelPath,
                job.metricsPath);
        Heading heading = new Heading(job.modelPath != null ? job.modelPath : job.train.path(), now());
        TrainingReport.Setup setup = new TrainingReport.Setup(about, data,
                standardization(cache.inputTransform(), cache.outputTransform(), job.initModel, job.standardize),
                effective);
        return new TrainingReport(heading, setup, new TrainingReport.History(epochs, modelEpoch, modelIsBest,
                result.stoppedEarly(), cache.outputTransform() != null), rows, notes);
    }

    private static List<TrainingReport.DataSet> dataSets(TrainCommand.Job job, DataCache cache) {
        List<TrainingReport.DataSet> data = new ArrayList<>();
        data.add(dataSet("training", job.train.path(), cache.train()));
        if (cache.validation() != null) {
            data.add(dataSet("validation", job.validation != null ? job.validation.path() : job.train.path()
                    + " (" + Figures.significant(100 * cache.heldOut(), 4) + "% of the lines held out)", cache.validation()));
        }
        if (cache.test() != null) {
            data.add(dataSet("test", job.test.path(), cache.test()));
        }
        return data;
    }

    private static List<String> notes(TrainingRun.Outcome outcome, List<TrainingReport.DataSet> data) {
        List<String> notes = new ArrayList<>();
        Checkpoint resumed = outcome.resumed();
        if (resumed != null) {
            notes.add("Resumed from " + resumed.source() + " after epoch " + resumed.epoch()
                    + "; the earlier epochs are those recorded in the checkpoint.");
        }
        notes.add("Training stopped " + (outcome.result().stoppedEarly() ? "early" : "") + ": "
                + outcome.result().stopReason() + ".");
        if (outcome.result().search() != null) {
            notes.add(outcome.result().search().describe() + ".");
        }
        if (outcome.data().classWeights() != null) {
            notes.add("Classes weighted (train.classWeight=balanced): "
                    + java.util.Arrays.toString(outcome.data().classWeights().weights()) + ".");
        }
        for (TrainingReport.DataSet d : data) {
            if (d.skipped() > 0) {
                notes.add(Figures.count(d.skipped(), "bad line") + (d.skipped() == 1 ? " was" : " were") + " skipped in the " + d.name()
                        + " data (data.onBadRecord=skip).");
            }
        }
        return notes;
    }

    private static TrainingReport.DataSet dataSet(String name, String path, DataLoader.Loaded d) {
        return new TrainingReport.DataSet(name, path, d.examples(), d.partitions(), d.bytes(), d.skipped());
    }

    private static int lowestValidationLoss(List<EpochReport> reports) {
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (EpochReport r : reports) {
            Double loss = r.validation() == null ? null : r.validation().get("loss");
            if (loss != null && loss < bestLoss) {
                bestLoss = loss;
                best = r.epoch();
            }
        }
        return best;
    }

    /** Network, optimizer and environment facts of a training run, in display order. */
    private static Map<String, String> trainingFacts(NetworkSpec spec, DistributedTrainer.Result result,
                                                     TrainerSettings s, JavaSparkContext sc, String modelPath,
                                                     String metricsPath) {
        Map<String, String> about = network(spec);
        String optimizer = s.optimizer().id();
        if (s.optimizer() == OptimizerKind.SGD) {
            optimizer += ", momentum " + Figures.number(s.momentum()) + (s.nesterov() ? " (Nesterov)" : "");
        }
        about.put("optimizer", optimizer);
        if (s.optimizer().stepped()) {
            about.put("learning rate", s.schedule().withBase(result.learningRate()).toString()
                    + (result.search() != null || s.rangeTestSteps() > 0 ? " (picked by the learning rate search)" : ""));
        }
        about.put("batch", s.batchSize() == 0 ? "full batch" : Figures.count(s.batchSize()) + " examples per step"
                + (s.localSteps() > 1 ? ", " + s.localSteps() + " local steps per synchronization" : ""));
        about.put("epochs", epochs(s));
        about.put("L2", Figures.number(s.l2()));
        about.put("seed", Long.toString(s.seed()));
        about.put("model file", modelPath == null ? "(none: output.model is not set)" : modelPath);
        if (metricsPath != null) {
            about.put("metrics file", metricsPath);
        }
        about.putAll(environment(sc));
        return about;
    }

    /** {@code 300 at most, early stopping after 10 epochs without improvement once 500 steps have run}. */
    private static String epochs(TrainerSettings s) {
        StoppingRule rule = s.stopping();
        if (!rule.enabled()) {
            return Integer.toString(s.epochs());
        }
        boolean minimum = rule.minSteps() > 0 && s.optimizer().stepped();
        return s.epochs() + " at most, early stopping after " + rule.patience() + " epochs without improvement"
                + (minimum ? " once " + Figures.count(rule.minSteps()) + " steps have run" : "");
    }

    private static Map<String, String> network(NetworkSpec spec) {
        Map<String, String> about = new LinkedHashMap<>();
        about.put("network", spec.toString());
        about.put("parameters", Figures.count(spec.numParams()));
        return about;
    }

    /** BLAS, Spark and Java as this driver sees them. */
    static Map<String, String> environment(JavaSparkContext sc) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BLAS", Blas.implementation() + (Blas.isNative() ? " (native)" : " (pure Java)"));
        env.put("Spark", sc.version() + ", master " + sc.master() + ", default parallelism " + sc.defaultParallelism());
        env.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name", "?") + ", "
                + System.getProperty("java.vendor", "?") + ")");
        return env;
    }

    /** One sentence on the standardization a run used. */
    private static String standardization(Transform in, Transform out, String initModel, boolean standardize) {
        if (initModel != null) {
            return "taken from train.initModel " + initModel + ": " + describe(in, out);
        }
        if (!standardize) {
            return "off (train.standardize=false)";
        }
        return "statistics of the training examples: " + describe(in, out);
    }

    private static String describe(Transform in, Transform out) {
        String inputs = in == null ? "inputs as they are"
                : in.centers() ? "inputs centered and scaled (" + in.size() + " features)"
                : "inputs scaled, not centered (" + in.size() + " features; sparse data stay sparse)";
        String targets = out == null ? "" : "; targets centered and scaled, and every reported metric mapped back "
                + "to the data's units";
        return inputs + targets;
    }

    /** The data an {@code evaluate} run read: its path and format, the lines skipped, whether examples were weighted. */
    record EvaluatedData(String path, String format, long skipped, boolean weighted) {
    }

    /** The report of one {@code evaluate} run; {@code m} holds confusion counts for a classifier. */
    static EvaluationReport evaluation(Model model, String modelPath, EvaluatedData data, Metrics m,
                                       JavaSparkContext sc) {
        NetworkSpec spec = model.spec();
        List<String> notes = new ArrayList<>();
        if (data.skipped() > 0) {
            notes.add(Figures.count(data.skipped(), "bad line") + (data.skipped() == 1 ? " was" : " were") + " skipped (data.onBadRecord=skip).");
        }
        Confusion c = m.confusion();
        int k = spec.outputs();
        EvaluationReport.ClassConfusion classes = null;
        EvaluationReport.LabelConfusion labels = null;
        List<EvaluationReport.OutputError> outputs = null;
        if (c != null && (spec.output() == OutputKind.SOFTMAX || k == 1)) {
            classes = classConfusion(c, spec.output(), k);
        } else if (c != null) {
            labels = labelConfusion(c, k);
        } else if (spec.output() == OutputKind.LINEAR) {
            outputs = outputErrors(m, k);
        }
        return new EvaluationReport(new Heading(modelPath, now()), evaluationAbout(model, modelPath, data, m, sc),
                m.toMap(), data.weighted(), new EvaluationReport.Breakdown(classes, labels, outputs), notes);
    }

    private static Map<String, String> evaluationAbout(Model model, String modelPath, EvaluatedData data, Metrics m,
                                                       JavaSparkContext sc) {
        Map<String, String> about = network(model.spec());
        about.put("model file", modelPath);
        about.put("data", data.path() + " (" + data.format() + ")");
        about.put("examples", Figures.count(m.examples()));
        about.put("skipped lines", Figures.count(data.skipped()));
        Object training = model.extra().get("training");
        if (training instanceof Map<?, ?> t && t.get("epochs") != null) {
            about.put("trained", t.get("epochs") + " epochs" + (t.get("bestEpoch") != null
                    ? ", weights of epoch " + t.get("bestEpoch") : ""));
        }
        about.put("input standardization", model.inputTransform().isPresent() ? "stored in the model" : "none");
        about.putAll(environment(sc));
        return about;
    }

    /** Softmax: the k x k matrix, or per-class totals when the matrix was not kept; one logistic output: 2 x 2. */
    private static EvaluationReport.ClassConfusion classConfusion(Confusion c, OutputKind kind, int k) {
        if (kind != OutputKind.SOFTMAX) {
            // one logistic output: the 2x2 matrix of classes 0 and 1
            return EvaluationReport.ClassConfusion.ofMatrix(List.of("0", "1"), new double[][] {
                    {c.trueNegatives(0), c.falsePositives(0)}, {c.falseNegatives(0), c.truePositives(0)}});
        }
        List<String> names = ids(k);
        if (c.hasMatrix()) {
            double[][] cells = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int p = 0; p < k; p++) {
                    cells[a][p] = c.cell(a, p);
                }
            }
            return EvaluationReport.ClassConfusion.ofMatrix(names, cells);
        }
        double[] actual = new double[k];
        double[] predicted = new double[k];
        double[] correct = new double[k];
        for (int i = 0; i < k; i++) {
            actual[i] = c.actual(i);
            predicted[i] = c.predicted(i);
            correct[i] = c.truePositives(i);
        }
        return new EvaluationReport.ClassConfusion(names, null, actual, predicted, correct);
    }

    /** Several logistic outputs: true/false positives and negatives per label. */
    private static EvaluationReport.LabelConfusion labelConfusion(Confusion c, int k) {
        double[] tp = new double[k];
        double[] fp = new double[k];
        double[] fn = new double[k];
        double[] tn = new double[k];
        for (int i = 0; i < k; i++) {
            tp[i] = c.truePositives(i);
            fp[i] = c.falsePositives(i);
            fn[i] = c.falseNegatives(i);
            tn[i] = c.trueNegatives(i);
        }
        return new EvaluationReport.LabelConfusion(ids(k), tp, fp, fn, tn);
    }

    private static List<EvaluationReport.OutputError> outputErrors(Metrics m, int k) {
        double[] rmse = m.rmsePerOutput();
        double[] r2 = m.r2PerOutput();
        List<EvaluationReport.OutputError> outputs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            outputs.add(new EvaluationReport.OutputError(Integer.toString(i), rmse[i], r2[i]));
        }
        return outputs;
    }

    private static List<String> ids(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add(String.format(Locale.ROOT, "%d", i));
        }
        return names;
    }
}
