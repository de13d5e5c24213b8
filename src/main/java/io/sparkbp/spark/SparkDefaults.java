package io.sparkbp.spark;

import org.apache.spark.SparkConf;

/**
 * The Spark settings the training loop is tuned for, applied to a {@link SparkConf} before the
 * context starts (the command line does; so does the benchmark, which must measure what users get).
 * Each is set only if the user has not set the key.
 *
 * <ul>
 *   <li>{@code spark.task.maxDirectResultSize=64m}: every task returns a gradient of 8 bytes per
 *       parameter, and above Spark's 1 MiB default a result takes an extra trip through the block
 *       manager (Spark still caps it at {@code spark.rpc.message.maxSize}).</li>
 *   <li>{@code spark.broadcast.compress=false}: the broadcast payload is weights, random-looking
 *       doubles that LZ4 cannot shrink, so compressing only costs time on the driver and on every
 *       executor.</li>
 * </ul>
 */
public final class SparkDefaults {
    private SparkDefaults() {
    }

    /** Sets each default that {@code conf} does not already hold, and returns {@code conf}. */
    public static SparkConf apply(SparkConf conf) {
        return conf.setIfMissing("spark.task.maxDirectResultSize", "64m")
                .setIfMissing("spark.broadcast.compress", "false");
    }
}
