package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.ClassWeights;
import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Standardizer;
import io.sparkbp.data.Transform;
import io.sparkbp.model.Model;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The cached blocks of one run and how they were made: the standardization statistics of the
 * training part (one pass), the transforms and class weights drawn from them, and the training,
 * validation and test blocks, each in the partitions its work needs when the plan lets the
 * partitions follow the work. With the automatic hold-out, data too small to spare a validation
 * set ({@link AutoRules#holdOutFrom}) are loaded again, whole, for training.
 */
public final class DataCache {
    private final DataLoader.Loaded train;
    private final DataLoader.Loaded validation;
    private final DataLoader.Loaded test;
    private final Transform inT;
    private final Transform outT;
    private final ClassWeights classWeights;
    private final double heldOut;

    private DataCache(DataLoader.Loaded train, DataLoader.Loaded validation, DataLoader.Loaded test, Transforms t,
                      double heldOut) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.inT = t.in;
        this.outT = t.out;
        this.classWeights = t.classWeights;
        this.heldOut = heldOut;
    }

    /** The transforms and class weights the blocks were made with. */
    private record Transforms(Transform in, Transform out, ClassWeights classWeights) {
    }

    /**
     * Loads and caches the data of {@code plan}, telling {@code listener} what it does. Training
     * examples whose weights are all 0 are the training source's data error.
     */
    static DataCache load(JavaSparkContext sc, TrainingPlan plan, RunListener listener) {
        TrainingPlan.Data data = plan.data();
        boolean fromTrain = data.validation() == null;
        double fraction = fromTrain ? data.holdOut().fraction() : 0;
        DataCache cache = load(sc, plan, fraction, listener);
        if (fromTrain && data.holdOut().auto() && fraction > 0 && cache.train.examples()
                + (cache.validation == null ? 0 : cache.validation.examples())
                < AutoRules.holdOutFrom(plan.settings().spec().output())) {
            cache.unpersist();
            cache = load(sc, plan, 0, listener);
        }
        if (cache.train.weighted() == 0) {
            // the objective, a weighted mean, is undefined: refuse before the first step
            cache.unpersist();
            throw data.train().weightless(cache.train.examples());
        }
        return cache;
    }

    private static DataCache load(JavaSparkContext sc, TrainingPlan plan, double fraction, RunListener listener) {
        TrainingPlan.Data data = plan.data();
        long seed = plan.settings().seed();
        boolean split = data.validation() == null && (fraction > 0 || data.train().splitsItself());
        DataLoader.Holdout trainPart = split ? new DataLoader.Holdout(fraction, seed, false) : DataLoader.Holdout.ALL;
        Trained trained = train(sc, plan, trainPart, fraction, listener);
        Transforms t = trained.transforms;
        DataLoader.Loaded validation = null;
        Standardizer checked = new Standardizer(t.in, null, t.classWeights);
        if (data.validation() != null) {
            validation = pack(sc, plan, new Part(data.validation(), DataLoader.Holdout.ALL, false, 0), checked, listener);
        } else if (split) {
            DataLoader.Holdout part = new DataLoader.Holdout(fraction, seed, true);
            // an automatic hold-out of small data may come out empty; the caller then trains on every example
            validation = pack(sc, plan, new Part(data.train(), part, true, fraction), checked, listener);
        }
        DataLoader.Loaded test = data.test() == null ? null : pack(sc, plan,
                new Part(data.test(), DataLoader.Holdout.ALL, false, 0), new Standardizer(t.in, null), listener);
        return new DataCache(trained.blocks, validation, test, t, split && !data.train().splitsItself() ? fraction : 0);
    }

    /** The training blocks and the transforms they were made with. */
    private record Trained(DataLoader.Loaded blocks, Transforms transforms) {
    }

    /**
     * The examples of {@code source} that {@code holdout} keeps: its validation part (held out of the
     * training source) or not, and the {@code fraction} held out (0 for none), for the messages.
     */
    private record Part(ExampleSource source, DataLoader.Holdout holdout, boolean validation, double fraction) {
        String cacheName() {
            return source.cacheName(validation);
        }

        /** The blocks of the part's examples, standardized and packed, not yet cached. */
        JavaRDD<PartitionData> blocks(Standardizer standardizer, BlockPacker.Spec spec, LongAccumulator skipped,
                                      LoadProgress.Meter meter) {
            return source.blocks(holdout, standardizer, spec, skipped, meter);
        }

        /** The error for a part without examples, {@code skipped} bad lines skipped. */
        DataException empty(long skipped) {
            return source.empty(validation, skipped, fraction);
        }
    }

    /** The blocks {@code plan} packs its examples into, input values in its precision. */
    private static BlockPacker.Spec blocks(TrainingPlan plan) {
        NetworkSpec spec = plan.settings().spec();
        TrainingPlan.Preparation prep = plan.preparation();
        return new BlockPacker.Spec(spec.inputs(), spec.outputs(), prep.blockRows(), prep.layout(),
                plan.settings().precision());
    }

    /**
     * The training part {@code trainPart} of the training source, read once when its raw blocks fit
     * ({@link #readOnce}; twice otherwise, statistics first): when the transforms need statistics of it,
     * its raw examples are packed and cached first, the statistics folded from the
     * blocks as they are made (the same examples in the same partitions and order as a pass over the
     * text, so the same statistics, bit for bit), and the cached raw blocks then standardized into the
     * training blocks.
     */
    private static Trained train(JavaSparkContext sc, TrainingPlan plan, DataLoader.Holdout trainPart, double fraction,
                                 RunListener listener) {
        TrainingPlan.Preparation prep = plan.preparation();
        Model init = plan.init();
        ExampleSource source = plan.data().train();
        Part part = new Part(source, trainPart, false, fraction);
        if (!((init == null && prep.standardize()) || prep.balanced())) {
            Transforms t = transforms(plan, null);
            return new Trained(pack(sc, plan, part, standardizer(t), listener), t);
        }
        listener.message(init == null && prep.standardize() ? "computing standardization statistics ..."
                : "counting the classes ...");
        NetworkSpec spec = plan.settings().spec();
        if (!readOnce(source.textBytes(), prep.storageLevel().useMemory() ? freeStorage(sc) : 0)) {
            // two passes over the text: caching raw blocks that spill to disk costs more than parsing again
            FeatureStats stats;
            try (LoadProgress progress = progress(sc, source, " for its statistics", listener)) {
                stats = source.stats(trainPart, spec.inputs(), spec.outputs(), progress.meter());
            }
            Transforms t = transforms(plan, stats);
            return new Trained(pack(sc, plan, part, standardizer(t), listener), t);
        }
        String name = part.cacheName();
        sc.setJobDescription(name + " (raw)");
        LongAccumulator skipped = sc.sc().longAccumulator("sparkbp skipped lines " + source.key());
        BlockCache.Raw cached;
        try (LoadProgress progress = progress(sc, source, listener)) {
            BlockPacker.Spec raw = BlockCache.rawSpec(spec.inputs(), spec.outputs(), prep.blockRows());
            cached = BlockCache.packRaw(part.blocks(Standardizer.none(), raw, skipped, progress.meter()), raw,
                    prep.storageLevel(), name + " (raw)", BlockCache.GATHERED_STATS_BYTES);
        }
        DataLoader.Loaded raw = cached.blocks().withSkipped(skipped.value());
        if (raw.examples() == 0) {
            sc.setJobDescription(null);
            raw.rdd().unpersist(true);
            throw part.empty(skipped.value());
        }
        Transforms t = transforms(plan, cached.stats());
        sc.setJobDescription(name);
        DataLoader.Loaded packed = BlockCache.standardize(raw, standardizer(t), blocks(plan), prep.storageLevel(), name);
        sc.setJobDescription(null);
        return new Trained(partitioned(plan, packed), t);
    }

    /** Raw blocks take at most this many bytes per byte of LIBSVM or CSV text (dense about 0.9, sparse 1.5). */
    static final double RAW_BYTES_PER_TEXT_BYTE = 1.5;

    /**
     * Whether to read {@code textBytes} of training text once, caching raw blocks: when they would take
     * at most half of the {@code freeStorage} bytes of storage memory (the other half holding the first
     * standardized waves). Larger data (or data of unknown size, or a storage level without memory)
     * are read twice, statistics first: raw blocks spilled to local disk and read back to standardize
     * cost more than a second parse (measured with {@code bench.sh large} in a 2 GB driver, the
     * statistics already folded as the raw blocks are made: 16x sparse, 1.7 GB, ingest 34-40 MB/s per
     * core read once against 45-58 read twice; 16x dense 57-65 against 44-69, no clear gain).
     */
    static boolean readOnce(long textBytes, long freeStorage) {
        return textBytes > 0 && RAW_BYTES_PER_TEXT_BYTE * textBytes <= freeStorage / 2.0;
    }

    /** The storage memory not in use on the block managers (the driver's and the executors'), in bytes. */
    private static long freeStorage(JavaSparkContext sc) {
        long free = 0;
        scala.collection.Iterator<scala.Tuple2<Object, Object>> it = sc.sc().getExecutorMemoryStatus().valuesIterator();
        while (it.hasNext()) {
            free += (Long) it.next()._2();
        }
        return free;
    }

    private static Standardizer standardizer(Transforms t) {
        return new Standardizer(t.in, t.out, t.classWeights);
    }

    /** The transforms and class weights that follow from {@code stats} of the training part (null when not needed). */
    private static Transforms transforms(TrainingPlan plan, FeatureStats stats) {
        TrainingPlan.Preparation prep = plan.preparation();
        NetworkSpec spec = plan.settings().spec();
        Model init = plan.init();
        Transform in = null;
        Transform out = null;
        if (init != null) {
            in = init.inputTransform().orElse(null);
            out = init.outputTransform().orElse(null);
        } else if (prep.standardize()) {
            in = DataLoader.inputTransform(stats, prep.layout());
            out = spec.output() == OutputKind.LINEAR ? DataLoader.targetTransform(stats) : null;
        }
        ClassWeights cw = prep.balanced() ? ClassWeights.balanced(stats, spec.output(), spec.outputs()) : null;
        return new Transforms(in, out, cw);
    }

    /**
     * The examples of {@code source} that {@code part} keeps, standardized, packed, cached and
     * materialized, in as many partitions as their work needs (if the plan says so); an empty result
     * is the source's data error, except for the validation part of an automatic hold-out, which is
     * then null (small data: the caller trains on every example instead).
     */
    private static DataLoader.Loaded pack(JavaSparkContext sc, TrainingPlan plan, Part part, Standardizer standardizer,
                                          RunListener listener) {
        String name = part.cacheName();
        sc.setJobDescription(name);
        LongAccumulator skipped = sc.sc().longAccumulator("sparkbp skipped lines " + part.source().key());
        DataLoader.Loaded packed;
        try (LoadProgress progress = progress(sc, part.source(), listener)) {
            packed = BlockCache.cache(part.blocks(standardizer, blocks(plan), skipped, progress.meter()),
                    plan.preparation().storageLevel(), name);
        }
        sc.setJobDescription(null);
        if (packed.examples() == 0) {
            packed.rdd().unpersist(true);
            if (part.validation() && plan.data().holdOut().auto()) {
                return null;
            }
            throw part.empty(skipped.value());
        }
        return partitioned(plan, packed.withSkipped(skipped.value()));
    }

    /** Progress lines for a pass over the text of {@code source}, every {@link LoadProgress#PERIOD_MILLIS}. */
    private static LoadProgress progress(JavaSparkContext sc, ExampleSource source, RunListener listener) {
        return progress(sc, source, "", listener);
    }

    /** As {@link #progress(JavaSparkContext, ExampleSource, RunListener)}, {@code why} after the source's name in each line. */
    private static LoadProgress progress(JavaSparkContext sc, ExampleSource source, String why, RunListener listener) {
        return LoadProgress.start(sc.sc(), source.key() + why, source.textBytes(), listener::message,
                LoadProgress.PERIOD_MILLIS);
    }

    /** {@code loaded} in as many partitions as its work needs, when the plan lets the partitions follow the work. */
    private static DataLoader.Loaded partitioned(TrainingPlan plan, DataLoader.Loaded loaded) {
        TrainingPlan.Preparation prep = plan.preparation();
        if (!prep.autoPartitions()) {
            return loaded;
        }
        int p = AutoRules.trainingPartitions(loaded.examples(), plan.settings().spec().numParams(), loaded.partitions());
        return BlockCache.coalesce(loaded, p, prep.storageLevel());
    }

    public DataLoader.Loaded train() {
        return train;
    }

    /** The validation blocks, or null. */
    public DataLoader.Loaded validation() {
        return validation;
    }

    /** The test blocks, or null. */
    public DataLoader.Loaded test() {
        return test;
    }

    /** The input transform, or null. */
    public Transform inputTransform() {
        return inT;
    }

    /** The output (target) transform, or null. */
    public Transform outputTransform() {
        return outT;
    }

    /** The class weights, or null. */
    public ClassWeights classWeights() {
        return classWeights;
    }

    /** The fraction of the training rows held out for validation by the hash rule (0 when none). */
    public double heldOut() {
        return heldOut;
    }

    /** Drops every cache of this run. */
    void unpersist() {
        for (DataLoader.Loaded d : new DataLoader.Loaded[] {train, validation, test}) {
            if (d != null) {
                BlockCache.drop(d.rdd()); // blocking: the session may stop right after
            }
        }
    }
}
