package io.sparkbp.cli;

import io.sparkbp.spark.SparkDefaults;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark context of one command. Reuses a running context (tests, notebooks) and otherwise
 * creates one, defaulting to {@code local[*]} when no master was given; stops only what it created.
 */
final class SparkSession implements AutoCloseable {
    private final JavaSparkContext context;
    private final boolean owned;

    private SparkSession(JavaSparkContext context, boolean owned) {
        this.context = context;
        this.owned = owned;
    }

    static SparkSession start(String appName) {
        boolean running = SparkEnv.get() != null;
        SparkConf conf = withDefaults(new SparkConf(), appName);
        return new SparkSession(JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf)), !running);
    }

    /**
     * Our defaults, each kept only if the user did not set the key: {@code local[*]} without a master,
     * the app name, and the trainer's {@link SparkDefaults} (direct task results up to 64 MiB, no
     * broadcast compression).
     */
    static SparkConf withDefaults(SparkConf conf, String appName) {
        return SparkDefaults.apply(conf.setIfMissing("spark.master", "local[*]")
                .setIfMissing("spark.app.name", appName));
    }

    JavaSparkContext context() {
        return context;
    }

    @Override
    public void close() {
        if (owned) {
            context.stop();
        }
    }
}
