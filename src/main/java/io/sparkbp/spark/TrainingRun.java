package io.sparkbp.spark;

import io.sparkbp.data.ClassWeights;
import io.sparkbp.data.Transform;
import io.sparkbp.math.Blas;
import io.sparkbp.model.Model;
import io.sparkbp.nn.Metrics;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.Precision;
import io.sparkbp.optim.RangeTest;
import io.sparkbp.report.Figures;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One training run, the pipeline under both front ends: checkpoints (resume or a fresh start), the
 * cached data ({@link DataCache}), the automatic settings that depend on the data ({@link AutoRules}),
 * the {@link DistributedTrainer}, the final test metrics, and the {@link Model} with what produced it.
 * The front ends only build the {@link TrainingPlan} and write what comes out.
 */
public final class TrainingRun {
    /** What a run produced: the model, the trainer's result, the cached data's summary, the checkpoint resumed from. */
    public record Outcome(Model model, DistributedTrainer.Result result, DataCache data, Checkpoint resumed,
                          Map<String, Double> testMetrics) {
    }

    private final JavaSparkContext sc;
    private final TrainingPlan plan;
    private final RunListener listener;

    public TrainingRun(JavaSparkContext sc, TrainingPlan plan, RunListener listener) {
        this.sc = sc;
        this.plan = HoldOutSides.wrap(plan);
        this.listener = listener;
    }

    /**
     * Carries out the plan. The data caches are dropped when it returns or fails. Blocks that cannot
     * be made and a network too large for the driver's heap are refused first ({@link Capacity}).
     */
    public Outcome run() {
        NetworkSpec spec = plan.settings().spec();
        TrainingPlan.Preparation prep = plan.preparation();
        Capacity.requireBlocksFit(spec.inputs(), spec.outputs(), prep.blockRows(), prep.layout());
        Capacity.requireDriverHeap(plan.settings(), Runtime.getRuntime().maxMemory());
        requirePartitionsWithinLines();
        RunCheckpoints checkpoints = plan.checkpoints() == null ? null
                : RunCheckpoints.open(sc.hadoopConfiguration(), plan, listener);
        DataCache data = load();
        try {
            requireWeighted(data);
            requireExamplesPerPartition(data.train());
            TrainerSettings settings = resolve(plan.settings(), data.train());
            describe(data, settings);
            double[] theta0 = plan.init() != null ? plan.init().theta() : spec.initialParameters(settings.seed());
            if (checkpoints != null) {
                checkpoints.identify(data, theta0);
            }
            DistributedTrainer.Result result;
            try {
                result = new DistributedTrainer(sc, settings).train(
                        new DistributedTrainer.TrainingData(data.train().rdd(), data.train().examples(),
                                evalSet(data.validation(), data), evalSet(data.test(), data)),
                        theta0, listener, checkpoints == null ? null : checkpoints.resumed(),
                        checkpoints == null ? null : checkpoints.checkpointer());
            } catch (TrainingException e) {
                throw explained(e, data);
            }
            List<EpochReport> reports = result.reports();
            if (!reports.isEmpty()) {
                listener.message(String.format(Locale.ROOT, "stopped after epoch %d: %s",
                        reports.get(reports.size() - 1).epoch(), result.stopReason()));
            }
            Map<String, Double> testMetrics = data.test() == null ? null : testMetrics(data, settings, result.theta());
            Model model = new Model(spec, result.theta(), data.inputTransform(), data.outputTransform(),
                    extra(result, data, testMetrics));
            return new Outcome(model, result, data, checkpoints == null ? null : checkpoints.resumed(), testMetrics);
        } finally {
            data.unpersist();
        }
    }

    /**
     * The run's data, cached; when loading fails (a refused hold-out, a bad test file, ...) the caches
     * it had made are dropped: the RDDs persisted meanwhile under this plan's cache names.
     */
    private DataCache load() {
        Set<Integer> before = new HashSet<>(sc.getPersistentRDDs().keySet());
        try {
            return DataCache.load(sc, plan, listener);
        } catch (RuntimeException | Error e) {
            List<String> names = new ArrayList<>();
            TrainingPlan.Data d = plan.data();
            for (ExampleSource source : new ExampleSource[] {d.train(), d.validation(), d.test()}) {
                if (source != null) {
                    names.add(source.cacheName(false));
                    names.add(source.cacheName(true));
                }
            }
            sc.getPersistentRDDs().forEach((id, rdd) -> {
                if (!before.contains(id) && rdd.name() != null && names.stream().anyMatch(rdd.name()::startsWith)) {
                    rdd.unpersist(true); // blocking: the session may stop right after the throw
                }
            });
            throw e;
        }
    }

    /**
     * A divergence's advice fitted to this run: the data when a target, weight or feature is near the
     * double range ({@link DataScale}), and no suggestion to standardize inputs that were standardized.
     */
    private TrainingException explained(TrainingException e, DataCache data) {
        boolean diverged = e.getMessage() != null && e.getMessage().startsWith(TrainingException.DIVERGED);
        String cause = null;
        try {
            cause = diverged ? DataScale.cause(plan.data().train()) : null;
        } catch (RuntimeException r) {
            e.addSuppressed(r); // the divergence is the failure to report, whatever reading the data again did
        }
        return TrainingException.explained(e, plan.preparation().standardize() || data.inputTransform() != null,
                cause);
    }

    /**
     * Refuses validation or test data whose examples all have weight 0: their metrics, weighted means,
     * are undefined (NaN), so they could neither stop the run nor be reported.
     */
    private void requireWeighted(DataCache data) {
        TrainingPlan.Data d = plan.data();
        String validation = d.validation() != null ? "examples of " + d.validation().key() + " ("
                + d.validation().location() + ")" : "validation examples held out from " + d.train().key();
        requireWeighted(data.validation(), validation);
        requireWeighted(data.test(), d.test() == null ? null : "examples of " + d.test().key() + " ("
                + d.test().location() + ")");
    }

    private static void requireWeighted(DataLoader.Loaded set, String what) {
        if (set != null && set.weighted() == 0) {
            throw io.sparkbp.data.DataException.schema(String.format(Locale.ROOT, "every one of the %,d %s has"
                    + " weight 0, so their metrics (weighted means) are undefined", set.examples(), what), null,
                    null, "at least one example of weight > 0");
        }
    }

    /**
     * Refuses partitions the plan fixed ({@code data.partitions}, not automatic) that outnumber the
     * training examples: the extra partitions are empty, yet every step and evaluation runs a task for
     * each. Automatic partitions ({@link AutoRules#trainingPartitions}) are not checked.
     */
    private void requireExamplesPerPartition(DataLoader.Loaded train) {
        if (!plan.preparation().autoPartitions() && train.partitions() > train.examples()) {
            long empty = train.partitions() - train.examples();
            throw new PlanException("data.partitions", String.format(Locale.ROOT, "data.partitions gives the"
                    + " training data %s for its %s, so at least %s %s empty and every step still runs a task for"
                    + " each; expected at most %,d, or 0 (automatic)", Figures.count(train.partitions(), "partition"),
                    Figures.count(train.examples(), "example"), Figures.count(empty, "partition"),
                    empty == 1 ? "is" : "are", train.examples()));
        }
    }

    /**
     * Refuses, before anything is read through Spark, partitions the plan fixed that outnumber every
     * example the training text could hold ({@link ExampleSource#maxExamples}: its non-blank lines);
     * fewer examples than that (bad lines skipped, a hold-out) are refused once loaded.
     */
    private void requirePartitionsWithinLines() {
        ExampleSource train = plan.data().train();
        int partitions = train.partitions();
        if (plan.preparation().autoPartitions() || partitions <= 0) {
            return;
        }
        long most = train.maxExamples();
        if (most >= 0 && partitions > most) {
            throw new PlanException("data.partitions", String.format(Locale.ROOT, "data.partitions gives the"
                    + " training data %s, but %s (%s) holds at most %s (one per non-blank line), so at least %s"
                    + " would be empty and every step would still run a task for each; expected at most %,d, or 0"
                    + " (automatic)", Figures.count(partitions, "partition"), train.key(), train.location(),
                    Figures.count(most, "example"), Figures.count(partitions - most, "partition"), most));
        }
    }

    /** The settings with the automatic local steps resolved for the loaded training data. */
    private static TrainerSettings resolve(TrainerSettings s, DataLoader.Loaded train) {
        if (s.localSteps() > 0) {
            return s;
        }
        int steps = s.batchSize() == 0 ? 1 : (int) Math.min(Integer.MAX_VALUE,
                (train.examples() + s.batchSize() - 1) / s.batchSize());
        return s.withLocalSteps(!s.optimizer().stepped() ? 1
                : AutoRules.localSteps(train.partitions(), s.batchSize(), s.spec().numParams(), steps));
    }

    private void describe(DataCache data, TrainerSettings s) {
        DataLoader.Loaded train = data.train();
        DataLoader.Loaded v = data.validation();
        long onDisk = StorageLevels.diskBytes(sc.sc(), train.rdd().id());
        listener.message(String.format(Locale.ROOT, "training data: %,d examples in %s, %s cached (%s%s)%s%s",
                train.examples(), partitions(train.partitions()), io.sparkbp.report.Figures.bytes(train.bytes()),
                StorageLevels.name(plan.preparation().storageLevel()),
                onDisk == 0 ? "" : ", " + io.sparkbp.report.Figures.bytes(onDisk) + " of it on local disk",
                train.skipped() > 0 ? ", " + io.sparkbp.report.Figures.count(train.skipped(), "bad line") + " skipped" : "",
                v == null ? "" : String.format(Locale.ROOT, "; validation: %,d examples%s", v.examples(),
                        plan.data().validation() == null ? " held out" : "")));
        NetworkSpec spec = s.spec();
        String batch = s.batchSize() == 0 ? "full" : s.batchSize() + (s.localSteps() > 1
                ? ", " + s.localSteps() + " local steps per round" : "");
        listener.message(String.format(Locale.ROOT, "network %s, %,d parameters, optimizer %s, batch %s, BLAS %s%s, Spark %s",
                spec, spec.numParams(), s.optimizer().id(), batch, Blas.implementation(),
                s.precision() == Precision.FLOAT64 ? "" : " (" + s.precision().id() + ")", sc.version()));
    }

    private static String partitions(int p) {
        return p == 1 ? "1 partition" : p + " partitions";
    }

    private static DistributedTrainer.EvalSet evalSet(DataLoader.Loaded d, DataCache data) {
        return d == null ? null : DistributedTrainer.EvalSet.of(d.rdd(), data.outputTransform());
    }

    private Map<String, Double> testMetrics(DataCache data, TrainerSettings s, double[] theta) {
        sc.setJobDescription("sparkbp test metrics");
        Metrics m = Evaluator.evaluate(sc, DistributedTrainer.EvalSet.of(data.test().rdd(), data.outputTransform()),
                s.spec(), theta, s.aggregationDepth());
        sc.setJobDescription(null);
        return m.toMap();
    }

    /** The model file's metadata: the settings, what the run did, and the final metrics. */
    private Map<String, Object> extra(DistributedTrainer.Result result, DataCache data, Map<String, Double> test) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("config", plan.provenance().config());
        extra.put("training", training(result, data.train().examples(), data.classWeights()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (test != null) {
            metrics.put("test", test);
        }
        List<EpochReport> reports = result.reports();
        int best = result.bestEpoch();
        if (best >= 1 && best <= reports.size() && reports.get(best - 1).validation() != null) {
            metrics.put("validation", reports.get(best - 1).validation());
        }
        if (!metrics.isEmpty()) {
            extra.put("metrics", metrics);
        }
        return extra;
    }

    /** The model file's {@code training} section: what the run did, how it stopped, the rate it used. */
    private Map<String, Object> training(DistributedTrainer.Result result, long examples, ClassWeights cw) {
        List<EpochReport> reports = result.reports();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("epochs", reports.size());
        t.put("bestEpoch", result.bestEpoch());
        t.put("examples", examples);
        t.put("seconds", reports.isEmpty() ? 0.0 : reports.get(reports.size() - 1).elapsedSeconds());
        t.put("stopReason", result.stopReason());
        t.put("precision", plan.settings().precision().id());
        if (!Double.isNaN(result.learningRate())) {
            t.put("learningRate", result.learningRate());
        }
        if (cw != null) {
            t.put("classWeights", cw.weights());
        }
        if (result.search() != null) {
            RangeTest.Pick p = result.search();
            Map<String, Object> search = new LinkedHashMap<>();
            search.put("steps", p.rates().length);
            search.put("from", p.rates()[0]);
            search.put("to", p.rates()[p.rates().length - 1]);
            search.put("lowestLossAt", p.rates()[p.minimum()]);
            search.put("picked", p.rate());
            t.put("learningRateSearch", search);
        }
        t.putAll(plan.provenance().training());
        return t;
    }
}
