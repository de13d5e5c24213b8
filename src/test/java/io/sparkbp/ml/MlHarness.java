package io.sparkbp.ml;

import io.sparkbp.cli.CliHarness;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.RDDInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Test helpers for the spark.ml classes: a local[2] session on the context {@link CliHarness} starts
 * (so the command line run in-process shares it), and DataFrames read from the sample CSV files with
 * the partitions the command line gives the same file.
 */
final class MlHarness {
    private MlHarness() {
    }

    /** A session on a fresh local[2] context; stop it with {@link #stop}. */
    static SparkSession start(String appName) {
        CliHarness.startSpark(appName);
        return SparkSession.builder().getOrCreate();
    }

    static void stop(SparkSession spark) {
        if (spark != null) {
            spark.stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    /**
     * A CSV file with a header ({@code label,f1,...}) as a DataFrame of a label column and one double
     * column per feature, read exactly as the command line reads the file: the same Hadoop input splits
     * ({@code textFile} with the default parallelism as the minimum, as {@code DataLoader} asks), rows in
     * file order, header dropped. With {@code stringLabel} the label is a string {@code "digit <n>"}
     * (for StringIndexer), else a double.
     */
    static Dataset<Row> csv(SparkSession spark, Path file, boolean stringLabel) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<String> lines = sc.textFile(file.toAbsolutePath().toString(), sc.defaultParallelism());
        String header = lines.first();
        String[] names = header.split(",");
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(names[0], stringLabel ? DataTypes.StringType : DataTypes.DoubleType, false));
        for (int i = 1; i < names.length; i++) {
            fields.add(DataTypes.createStructField(names[i], DataTypes.DoubleType, false));
        }
        JavaRDD<Row> rows = lines.filter(l -> !l.equals(header)).map(l -> {
            String[] parts = l.split(",");
            Object[] values = new Object[parts.length];
            values[0] = stringLabel ? "digit " + parts[0] : (Object) Double.parseDouble(parts[0]);
            for (int i = 1; i < parts.length; i++) {
                values[i] = Double.parseDouble(parts[i]);
            }
            return RowFactory.create(values);
        });
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    /** A VectorAssembler of every column but the first into "features". */
    static VectorAssembler assembler(Dataset<Row> df) {
        String[] cols = df.columns();
        return new VectorAssembler().setInputCols(Arrays.copyOfRange(cols, 1, cols.length)).setOutputCol("features");
    }

    /** Column {@code name} of every row, collected in order. */
    static List<Object> column(Dataset<Row> df, String name) {
        List<Object> out = new ArrayList<>();
        for (Row r : df.select(name).collectAsList()) {
            out.add(r.get(0));
        }
        return out;
    }

    static double[] values(Object vector) {
        return ((Vector) vector).toArray();
    }

    /**
     * The bytes Spark's block managers report for the cached partitions of named RDDs (such as the
     * estimator's {@code "sparkbp training blocks <uid>"}), recorded as the blocks are stored, so they
     * can be read after the RDD has been unpersisted. Deserialized blocks are measured by Spark's
     * {@code SizeEstimator}, which counts primitive arrays exactly.
     */
    static final class CachedBytes extends SparkListener {
        private final SparkSession spark;
        private final Map<Integer, String> names = new ConcurrentHashMap<>();
        /** RDD id to partition index to the largest size (memory + disk) reported for that block. */
        private final Map<Integer, Map<Integer, Long>> sizes = new ConcurrentHashMap<>();

        private CachedBytes(SparkSession spark) {
            this.spark = spark;
        }

        /** A listener added to {@code spark}'s context; it sees the blocks cached from now on. */
        static CachedBytes listen(SparkSession spark) {
            CachedBytes c = new CachedBytes(spark);
            spark.sparkContext().addSparkListener(c);
            return c;
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted event) {
            scala.collection.Iterator<RDDInfo> it = event.stageInfo().rddInfos().iterator();
            while (it.hasNext()) {
                RDDInfo info = it.next();
                names.put(info.id(), info.name());
            }
        }

        @Override
        public void onBlockUpdated(SparkListenerBlockUpdated event) {
            BlockUpdatedInfo info = event.blockUpdatedInfo();
            if (info.blockId() instanceof RDDBlockId block) {
                sizes.computeIfAbsent(block.rddId(), k -> new ConcurrentHashMap<>())
                        .merge(block.splitIndex(), info.memSize() + info.diskSize(), Math::max);
            }
        }

        /** The total over the partitions of the RDD named {@code name}; fails unless exactly one RDD had that name. */
        long of(String name) {
            try {
                // private[spark] in Scala, public to Java; events are delivered asynchronously
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (TimeoutException e) {
                throw new AssertionError("Spark's listener bus did not drain", e);
            }
            List<Integer> ids = names.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                    .toList();
            if (ids.size() != 1) {
                throw new AssertionError(ids.size() + " RDDs named '" + name + "' were computed");
            }
            return sizes.getOrDefault(ids.get(0), Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
