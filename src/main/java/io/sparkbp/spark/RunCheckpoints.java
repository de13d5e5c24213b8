package io.sparkbp.spark;

import io.sparkbp.data.ClassWeights;
import io.sparkbp.data.DataDigest;
import io.sparkbp.data.Transform;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The checkpoints of one run and its identity: before any data are read, the newest checkpoint to
 * resume from (refused at once when its settings differ) or a fresh directory; once the data are
 * cached, the full fingerprint (settings, data files and the numbers drawn from the data: example and
 * partition counts, digests of the training and validation examples' labels, feature values and
 * weights, transforms, class weights, initial weights), which a resumed checkpoint must match item
 * for item and every new checkpoint records.
 */
public final class RunCheckpoints {
    private final Checkpointer checkpointer;
    private final Checkpoint resumed;
    private final TrainingPlan run;
    private final RunListener listener;

    private RunCheckpoints(Checkpointer checkpointer, Checkpoint resumed, TrainingPlan run, RunListener listener) {
        this.checkpointer = checkpointer;
        this.resumed = resumed;
        this.run = run;
        this.listener = listener;
    }

    /** Opens the checkpoint directory of {@code run}: loads the checkpoint to resume from, or clears old ones. */
    static RunCheckpoints open(Configuration conf, TrainingPlan run, RunListener listener) {
        TrainingPlan.Checkpoints plan = run.checkpoints();
        TrainerSettings settings = run.settings();
        Checkpointer checkpointer = new Checkpointer(conf, plan.dir(), plan.every());
        Checkpoint resumed = null;
        if (plan.resume()) {
            List<String> early = settingsItems(run);
            // compare the settings before loading any data; the data-derived items follow later
            resumed = checkpointer.loadNewest(settings.spec().numParams(), settings.optimizer().id(),
                    (file, saved) -> requireSameRun(file, saved, early, true, plan.defaults()));
            if (resumed == null) {
                listener.message("train.resume=true, but " + plan.dir() + " holds no checkpoint: starting from scratch");
            } else if (resumed.epoch() > settings.epochs()) {
                throw new PlanException("checkpoint " + resumed.source() + " is from epoch " + resumed.epoch()
                        + ", beyond train.epochs=" + settings.epochs() + "; set train.epochs to at least " + resumed.epoch());
            }
        } else {
            List<Checkpointer.Found> existing = checkpointer.list();
            if (!existing.isEmpty()) {
                if (!plan.overwrite()) {
                    throw new PlanException("train.checkpointDir " + plan.dir() + " already holds checkpoints"
                            + " (newest: " + existing.get(existing.size() - 1).path() + "); set train.resume=true to"
                            + " continue from it, or output.overwrite=true to replace them");
                }
                checkpointer.deleteAll();
                listener.message("deleted " + existing.size() + " old checkpoint(s) in " + plan.dir());
            }
        }
        return new RunCheckpoints(checkpointer, resumed, run, listener);
    }

    Checkpointer checkpointer() {
        return checkpointer;
    }

    /** The checkpoint the run continues from, or null. */
    Checkpoint resumed() {
        return resumed;
    }

    /**
     * Completes the fingerprint with what the cached data and the initial weights are, checks it
     * against the checkpoint resumed from, and hands it to the checkpointer.
     */
    void identify(DataCache data, double[] theta0) {
        List<String> items = settingsItems(run);
        items.add("training examples=" + data.train().examples());
        items.add("training partitions=" + data.train().partitions());
        items.add("skipped training lines=" + data.train().skipped());
        contentItems(items, "training", data.train());
        contentItems(items, "validation", data.validation());
        items.add("input standardization=" + hash(data.inputTransform()));
        items.add("output standardization=" + hash(data.outputTransform()));
        items.add("initial weights=" + Checkpointer.hash(theta0));
        ClassWeights cw = data.classWeights();
        if (cw != null) {
            items.add("class weights=" + Checkpointer.hash(cw.weights()));
        }
        if (resumed != null) {
            resumed.fingerprint().stream().filter(i -> i.startsWith(DistributedTrainer.PICKED_RATE + "="))
                    .forEach(items::add);
            requireSameData(resumed.source(), resumed.fingerprint(), items);
            requireSameRun(resumed.source(), resumed.fingerprint(), items, false, run.checkpoints().defaults());
            listener.message(String.format(Locale.ROOT, "resuming from %s after epoch %d", resumed.source(),
                    resumed.epoch()));
        }
        checkpointer.fingerprint(items);
    }

    /** The names of the digests of a data set's content, in fingerprint order (after "training " or "validation "). */
    private static final List<String> CONTENT = List.of("labels", "feature values", "weights");

    /** {@code part labels=<digest>} and so on for the examples of {@code d} as read; {@code none} without {@code d}. */
    private static void contentItems(List<String> items, String part, DataLoader.Loaded d) {
        DataDigest g = d == null ? null : d.digest();
        String[] values = g == null ? new String[] {"none", "none", "none"}
                : new String[] {g.labels(), g.features(), g.weights()};
        for (int i = 0; i < CONTENT.size(); i++) {
            items.add(part + " " + CONTENT.get(i) + "=" + values[i]);
        }
    }

    /**
     * Refuses to resume from a checkpoint made from other data: names every content digest (labels,
     * feature values, weights of the training and the validation examples) that differs, or says
     * that an older checkpoint recorded none.
     */
    private static void requireSameData(String file, List<String> saved, List<String> current) {
        Map<String, String> then = Checkpointer.items(saved);
        Map<String, String> now = Checkpointer.items(current);
        if (!then.containsKey("training " + CONTENT.get(0))) {
            throw new PlanException("checkpoint " + file + " does not record the content of the data it was trained on"
                    + " (it was written by an older sparkbp), so resuming from it cannot check that the data are"
                    + " unchanged; train afresh (train.resume=false, output.overwrite=true) or use another"
                    + " train.checkpointDir");
        }
        List<String> changed = new ArrayList<>();
        for (String part : List.of("training", "validation")) {
            for (String c : CONTENT) {
                String key = part + " " + c;
                if (!Objects.equals(then.get(key), now.get(key))) {
                    changed.add(key + " (digest " + then.get(key) + " in the checkpoint, " + now.get(key) + " now)");
                }
            }
        }
        if (!changed.isEmpty()) {
            throw new PlanException("checkpoint " + file + " was made from different data: the "
                    + String.join(", the ", changed) + " differ; resume with the data the checkpoint was made from,"
                    + " or use another train.checkpointDir");
        }
    }

    private static String hash(Transform t) {
        return t == null ? "none" : Checkpointer.hash(t.mean(), t.scale());
    }

    /** The settings part of the fingerprint: the plan's settings items, the network and the data files. */
    private static List<String> settingsItems(TrainingPlan run) {
        TrainingPlan.Data sources = run.data();
        List<String> items = new ArrayList<>(run.checkpoints().settings());
        items.add("network=" + run.settings().spec());
        items.add("training data files=" + sources.train().location());
        items.add("validation data files=" + (sources.validation() == null ? "" : sources.validation().location()));
        items.add("test data files=" + (sources.test() == null ? "" : sources.test().location()));
        return items;
    }

    private static void requireSameRun(String file, List<String> saved, List<String> current, boolean partial,
                                       Map<String, String> defaults) {
        String diff = Checkpointer.firstDifference(withDefaultsOfNewerKeys(saved, defaults), current, partial);
        if (diff != null) {
            throw new PlanException("checkpoint " + file + " was written by a different configuration: " + diff
                    + "; resume with the same settings (train.epochs, train.checkpointEvery and output.* may change)"
                    + " or use another train.checkpointDir");
        }
    }

    /**
     * A checkpoint written before a key existed ran with that key's default: the saved items plus
     * {@code key=default} for every fingerprinted key (in {@code defaults}) they do not mention.
     */
    public static List<String> withDefaultsOfNewerKeys(List<String> saved, Map<String, String> defaults) {
        Set<String> named = new HashSet<>();
        for (String item : saved) {
            int eq = item.indexOf('=');
            named.add(eq < 0 ? item : item.substring(0, eq));
        }
        List<String> out = new ArrayList<>(saved);
        for (Map.Entry<String, String> k : defaults.entrySet()) {
            if (!named.contains(k.getKey())) {
                out.add(k.getKey() + "=" + k.getValue());
            }
        }
        return out;
    }
}
