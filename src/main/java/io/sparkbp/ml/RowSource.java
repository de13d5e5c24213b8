package io.sparkbp.ml;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.spark.DataLoader;
import io.sparkbp.spark.ExampleSource;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The rows of a DataFrame as the training run's examples: its projection {@code (features, label[,
 * weight][, validation indicator])}, read partition by partition with {@link RowExamples}. A bad row
 * is an error (nothing is skipped), so {@code skipped} stays 0.
 */
final class RowSource implements ExampleSource {
    private final JavaRDD<Row> rows;
    private final RowExamples reader;
    private final String indicator;
    private final String uid;

    RowSource(JavaRDD<Row> rows, RowExamples reader, String indicator, String uid) {
        this.rows = rows;
        this.reader = reader;
        this.indicator = indicator;
        this.uid = uid;
    }

    @Override
    public String cacheName(boolean validation) {
        return "sparkbp " + (validation ? "validation" : "training") + " blocks " + uid;
    }

    @Override
    public JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped) {
        return reader.examples(rows, split);
    }

    @Override
    public String key() {
        return "the DataFrame";
    }

    @Override
    public String location() {
        return "a DataFrame of " + rows.getNumPartitions() + " partitions";
    }

    @Override
    public boolean splitsItself() {
        return reader.hasIndicator();
    }

    @Override
    public DataException empty(boolean validation, long skipped, double fraction) {
        if (!validation) {
            return DataException.schema("no training rows", null, null, indicator.isEmpty() && fraction == 0
                    ? "a DataFrame with at least one row" : "rows outside the validation set");
        }
        return DataException.schema("the validation set is empty", null, null, indicator.isEmpty()
                ? "a validationFraction (" + fraction + ") that holds out at least one row"
                : "some rows where '" + indicator + "' is true");
    }

    @Override
    public DataException weightless(long examples) {
        return DataException.schema("every one of the " + examples + " training rows has weight 0 in weightCol '"
                + reader.weightCol() + "', so the total training weight is 0", null, null,
                "at least one row of weight > 0");
    }
}
