package io.sparkbp.spark;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ParsedExample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

import java.util.Locale;

/**
 * A training source split by a validation fraction the user gave: when the split leaves the
 * training side or the validation side without examples, the fraction is the setting to change, so
 * the refusal is a {@link PlanException} on {@code data.validationFraction} with the fraction and
 * the examples on each side (counted again, on this failure only), not the source's "holds no
 * examples". Everything else is the wrapped source's.
 */
final class HoldOutSides implements ExampleSource {
    static final String KEY = "data.validationFraction";

    private final ExampleSource source;
    private final long seed;

    private HoldOutSides(ExampleSource source, long seed) {
        this.source = source;
        this.seed = seed;
    }

    /** {@code plan} with its training source wrapped when it holds out a fraction the user gave. */
    static TrainingPlan wrap(TrainingPlan plan) {
        TrainingPlan.Data d = plan.data();
        TrainingPlan.HoldOut h = d.holdOut();
        if (d.validation() != null || h.auto() || h.fraction() <= 0 || d.train().splitsItself()) {
            return plan;
        }
        TrainingPlan.Data data = new TrainingPlan.Data(new HoldOutSides(d.train(), plan.settings().seed()), null,
                d.test(), h);
        return new TrainingPlan(plan.settings(), data, plan.preparation(), plan.init(), plan.checkpoints(),
                plan.provenance());
    }

    @Override
    public DataException empty(boolean validation, long skipped, double fraction) {
        long train = count(fraction, false);
        long held = count(fraction, true);
        long all = train + held;
        if (all == 0) {
            return source.empty(validation, skipped, fraction); // no examples at all: not the fraction's doing
        }
        String of = String.format(Locale.ROOT, "%,d example%s of %s", all, all == 1 ? "" : "s", source.key());
        String bad = skipped > 0 ? String.format(Locale.ROOT, " (%,d bad lines were skipped)", skipped) : "";
        String text = fraction + "";
        if (train == 0) {
            throw new PlanException(KEY, KEY + "=" + text + " holds out " + (all == 1 ? "the only one" : "all")
                    + " of the " + of + bad + " for validation and leaves none for training; expected a smaller"
                    + " fraction, or validation data of their own (data.validation)");
        }
        throw new PlanException(KEY, String.format(Locale.ROOT, "%s=%s holds out none of the %s%s for validation"
                + " (the rows are drawn at random: %s x %,d is about %.2g examples) and leaves all %,d for training;"
                + " expected a larger fraction, or 0 for no validation", KEY, text, of, bad, text, all, fraction * all,
                train));
    }

    private long count(double fraction, boolean heldOut) {
        return source.examples(new DataLoader.Holdout(fraction, seed, heldOut), null)
                .filter(e -> e.failure() == null).count();
    }

    @Override
    public JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped) {
        return source.examples(split, skipped);
    }

    @Override
    public String key() {
        return source.key();
    }

    @Override
    public String location() {
        return source.location();
    }

    @Override
    public String cacheName(boolean validation) {
        return source.cacheName(validation);
    }

    @Override
    public int partitions() {
        return source.partitions();
    }

    @Override
    public long maxExamples() {
        return source.maxExamples();
    }

    @Override
    public boolean splitsItself() {
        return source.splitsItself();
    }

    @Override
    public DataException weightless(long examples) {
        return source.weightless(examples);
    }
}
