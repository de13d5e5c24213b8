package io.sparkbp.spark;

/**
 * The rules behind the automatic settings ({@code data.partitions=0}, {@code train.localSteps=auto},
 * {@code data.validationFraction=auto}), in one place for both front ends. Each is a pure function of
 * the data size and the network, so it gives the same answer in every run on the same data.
 */
public final class AutoRules {
    /**
     * Multiply-adds of one forward pass over its examples that make a partition worth its own task
     * per epoch: a partition with less work than this is merged with its neighbours, because Spark's
     * cost per task (tens of milliseconds) would be more than its compute.
     */
    public static final double WORK_PER_PARTITION = 2e8;
    /** Multiply-adds per partition per local round that make a round worth its own Spark job. */
    public static final double WORK_PER_ROUND = 5e8;
    /** The fraction held out for validation when {@code data.validationFraction=auto} holds out. */
    public static final double VALIDATION_FRACTION = 0.1;
    /**
     * Classification data with fewer examples than this stop on the training loss instead of holding
     * out: a tenth of them would be under 15 examples, too few to tell an improvement from noise.
     */
    public static final long HOLD_OUT_FROM = 150;
    /**
     * The same for regression: the squared error of a validation set of a few dozen examples is ruled
     * by its outliers (measured: boston, biomass and cpus lost 0.1 to 0.3 of R2 on average over five
     * seeds with a hold-out, against the training loss, while sets from 600 examples up did as well).
     */
    public static final long HOLD_OUT_FROM_REGRESSION = 1000;

    private AutoRules() {
    }

    /** The fewest examples that the automatic hold-out takes validation examples from, for {@code kind}. */
    public static long holdOutFrom(io.sparkbp.nn.OutputKind kind) {
        return kind == io.sparkbp.nn.OutputKind.LINEAR ? HOLD_OUT_FROM_REGRESSION : HOLD_OUT_FROM;
    }

    /**
     * The number of training partitions: one per {@link #WORK_PER_PARTITION} multiply-adds of a pass
     * over the {@code examples} ({@code examples x numParams}), at least 1 and at most the {@code
     * loaded} partitions.
     */
    public static int trainingPartitions(long examples, int numParams, int loaded) {
        double work = (double) examples * numParams;
        long wanted = (long) Math.floor(work / WORK_PER_PARTITION);
        return (int) Math.max(1, Math.min(loaded, wanted));
    }

    /**
     * Local steps per round for mini-batches of {@code batchSize} over {@code partitions} partitions
     * and {@code steps} steps per epoch: with one partition the whole epoch in one round (which is
     * exactly synchronous mini-batch training), else enough steps for {@link #WORK_PER_ROUND}
     * multiply-adds per partition, at most an epoch; 1 for full-batch training.
     */
    public static int localSteps(int partitions, int batchSize, int numParams, int steps) {
        if (batchSize == 0 || steps <= 1) {
            return 1;
        }
        if (partitions <= 1) {
            return steps;
        }
        double perStep = Math.max(1.0, (double) batchSize / partitions) * numParams;
        long h = (long) Math.ceil(WORK_PER_ROUND / perStep);
        return (int) Math.max(1, Math.min(steps, h));
    }
}
