package io.sparkbp.cli;

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
     * Our defaults, each kept only if the user did not set the key: {@code local[*]} without a master;
     * task results up to 64 MiB sent directly with the task's status message (Spark's default of
     * 1 MiB sends every gradient of a model over ~130,000 parameters through the block manager, an
     * extra round trip per task and step; Spark still caps it at {@code spark.rpc.message.maxSize});
     * and no compression of broadcasts, whose payload here is weights (random-looking doubles that
     * LZ4 cannot shrink, so compressing only costs time on the driver and every executor).
     */
    static SparkConf withDefaults(SparkConf conf, String appName) {
        return conf.setIfMissing("spark.master", "local[*]")
                .setIfMissing("spark.app.name", appName)
                .setIfMissing("spark.task.maxDirectResultSize", "64m")
                .setIfMissing("spark.broadcast.compress", "false");
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
