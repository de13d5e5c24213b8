package io.sparkbp.ml;

import io.sparkbp.data.DataException;
import io.sparkbp.data.Lookahead;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.spark.DataLoader;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Turns DataFrame rows into the trainer's examples, checking every value: the rows of a projection
 * {@code (features, label[, weight][, validation indicator])} with the label cast to double or
 * {@code array<double>}. A bad row is a {@link DataException} that names the column, the value, the row
 * (0-based position in its partition) and what was expected. Features keep only their nonzero values,
 * as the text parsers do, so the block packer sees the same examples whatever the source.
 */
final class RowExamples implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int nIn;
    private final int nOut;
    private final OutputKind kind;
    private final Columns.LabelShape shape;
    private final Projection columns;
    private final String classes;

    /**
     * The columns the projection's {@code features}, {@code label}, {@code weight} and validation
     * indicator come from, by their names in the dataset (for messages): the weight and the indicator
     * column may be empty for none (then the projection has no such column).
     */
    record Projection(String features, String label, String weight, String indicator) implements Serializable {
    }

    /**
     * @param columns the dataset's columns of the projection
     * @param classes where the class count came from, for messages
     */
    RowExamples(int nIn, int nOut, OutputKind kind, Columns.LabelShape shape, Projection columns, String classes) {
        this.nIn = nIn;
        this.nOut = nOut;
        this.kind = kind;
        this.shape = shape;
        this.columns = columns;
        this.classes = classes;
    }

    /** The weight column, or empty for none. */
    String weightCol() {
        return columns.weight();
    }

    /** Whether the validation indicator column tells validation rows from training rows. */
    boolean hasIndicator() {
        return !columns.indicator().isEmpty();
    }

    /**
     * The examples of the rows {@code split} keeps, in partition order, one example partition per row
     * partition (never reshuffled). With a validation indicator column, a split that holds out keeps
     * the rows where it is true (its fraction does not matter) and the split that keeps the rest the
     * others; without, rows are kept by {@link DataLoader.Holdout#keepsRow}.
     */
    JavaRDD<ParsedExample> examples(JavaRDD<Row> rows, DataLoader.Holdout split) {
        RowExamples reader = this;
        return rows.mapPartitionsWithIndex((p, it) -> new Examples(reader, it, p, split), true);
    }

    /** Whether {@code split} keeps row {@code index} of partition {@code partition}. */
    private boolean keeps(Row row, int partition, long index, DataLoader.Holdout split) {
        if (columns.indicator().isEmpty() || split == DataLoader.Holdout.ALL) {
            return split.keepsRow(partition, index);
        }
        int c = columns.weight().isEmpty() ? 2 : 3;
        if (row.isNullAt(c)) {
            throw bad(partition, index, "validation indicator column '" + columns.indicator() + "' is null", null,
                    "true or false");
        }
        return row.getBoolean(c) == split.heldOut();
    }

    /** The example of one row, checked. */
    ParsedExample example(Row row, int partition, long index) {
        Vector v = features(row, 0, columns.features(), nIn, partition, index);
        double weight = 1.0;
        if (!columns.weight().isEmpty()) {
            if (row.isNullAt(2)) {
                throw bad(partition, index, "weight column '" + columns.weight() + "' is null", null, "a number >= 0");
            }
            weight = row.getDouble(2);
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw bad(partition, index, "weight column '" + columns.weight() + "' holds " + weight, null,
                        "a finite number >= 0");
            }
        }
        return example(v, targets(row, partition, index), weight, columns.features(), partition, index);
    }

    /** The features vector in column {@code c} of {@code row}, checked against the number of inputs {@code nIn}. */
    static Vector features(Row row, int c, String featuresCol, int nIn, int partition, long index) {
        if (row.isNullAt(c)) {
            throw bad(partition, index, "features column '" + featuresCol + "' is null", null,
                    "a vector of " + nIn + " features");
        }
        Vector v = (Vector) row.get(c);
        if (v.size() != nIn) {
            throw bad(partition, index, "features column '" + featuresCol + "' holds a vector of size " + v.size(),
                    null, "size " + nIn + " (the number of inputs)");
        }
        return v;
    }

    /** An example of the nonzero values of {@code v} (which must be finite), owning {@code targets}. */
    static ParsedExample example(Vector v, double[] targets, double weight, String featuresCol, int partition,
                                 long index) {
        int[] idx;
        double[] val;
        if (v instanceof SparseVector sv) {
            idx = sv.indices();
            val = sv.values();
        } else {
            val = ((DenseVector) v).values();
            idx = null;
        }
        int nnz = 0;
        for (int p = 0; p < val.length; p++) {
            if (!Double.isFinite(val[p])) {
                int j = idx == null ? p : idx[p];
                throw bad(partition, index, "feature " + j + " of column '" + featuresCol + "' is " + val[p], null,
                        "finite numbers (NaN and Infinity are not allowed)");
            }
            if (val[p] != 0) {
                nnz++;
            }
        }
        int[] indices = new int[nnz];
        double[] values = new double[nnz];
        for (int p = 0, q = 0; p < val.length; p++) {
            if (val[p] != 0) {
                indices[q] = idx == null ? p : idx[p];
                values[q++] = val[p];
            }
        }
        return new ParsedExample(indices, values, targets, weight);
    }

    private double[] targets(Row row, int partition, long index) {
        if (row.isNullAt(1)) {
            throw bad(partition, index, "label column '" + columns.label() + "' is null", null, expected());
        }
        double[] t = new double[nOut];
        if (shape == Columns.LabelShape.SCALAR) {
            double v = row.getDouble(1);
            if (!kind.encodeLabel(v, t, nOut)) {
                throw bad(partition, index, "label column '" + columns.label() + "' holds " + v, null, expected());
            }
            return t;
        }
        double[] raw = labelValues(row, partition, index);
        if (raw.length != nOut) {
            throw bad(partition, index, "label column '" + columns.label() + "' holds " + raw.length + " values", null,
                    expected());
        }
        for (int k = 0; k < nOut; k++) {
            double v = raw[k];
            if (!kind.acceptsTarget(v)) {
                throw bad(partition, index, "label column '" + columns.label() + "' holds " + v + " at position " + k, null,
                        expected());
            }
            t[k] = v == 0 ? 0.0 : v;
        }
        return t;
    }

    private double[] labelValues(Row row, int partition, long index) {
        if (shape == Columns.LabelShape.VECTOR) {
            return ((Vector) row.get(1)).toArray();
        }
        List<Object> list = row.getList(1);
        double[] raw = new double[list.size()];
        for (int k = 0; k < raw.length; k++) {
            Object o = list.get(k);
            if (o == null) {
                throw bad(partition, index, "label column '" + columns.label() + "' holds null at position " + k, null,
                        expected());
            }
            raw[k] = ((Number) o).doubleValue();
        }
        return raw;
    }

    private String expected() {
        return switch (kind) {
            case SOFTMAX -> "a class index 0.." + (nOut - 1) + " (" + classes + ")";
            case LOGISTIC -> nOut == 1 && shape == Columns.LabelShape.SCALAR ? "0 or 1 (binary logistic output)"
                    : nOut + " values of 0 or 1 (multi-label logistic output, " + classes + ")";
            case LINEAR -> nOut == 1 && shape == Columns.LabelShape.SCALAR ? "a finite number (linear output)"
                    : nOut + " finite numbers (linear output, " + classes + ")";
        };
    }

    /**
     * The partition and the 0-based position in it (as {@link #bad} names rows) of the first row of
     * {@code labels}, a one-column projection, whose value is {@code value}; {@code {-1, -1}} when none is.
     */
    static long[] firstRowWith(JavaRDD<Row> labels, double value) {
        List<long[]> at = labels.mapPartitionsWithIndex((p, it) -> {
            for (long i = 0; it.hasNext(); i++) {
                Row r = it.next();
                if (!r.isNullAt(0) && r.getDouble(0) == value) {
                    return List.of(new long[] {p, i}).iterator();
                }
            }
            return java.util.Collections.emptyIterator();
        }, false).take(1);
        return at.isEmpty() ? new long[] {-1, -1} : at.get(0);
    }

    static DataException bad(int partition, long index, String problem, String token, String expected) {
        return DataException.record("row " + index + " of partition " + partition + ": " + problem, token, null,
                expected);
    }

    /**
     * The kept rows of one partition as examples, lazily, in order; a bad row ends them as a
     * {@linkplain ParsedExample#failed failed example} carrying its error.
     */
    private static final class Examples extends Lookahead<ParsedExample> {
        private final RowExamples reader;
        private final Iterator<Row> rows;
        private final int partition;
        private final DataLoader.Holdout split;
        private long index = -1;
        private boolean failed;

        Examples(RowExamples reader, Iterator<Row> rows, int partition, DataLoader.Holdout split) {
            this.reader = reader;
            this.rows = rows;
            this.partition = partition;
            this.split = split;
        }

        @Override
        protected ParsedExample fetch() {
            while (!failed && rows.hasNext()) {
                Row row = rows.next();
                index++;
                try {
                    if (reader.keeps(row, partition, index, split)) {
                        return reader.example(row, partition, index);
                    }
                } catch (DataException e) {
                    // the error ends the partition as its last element, so that no Spark task fails
                    failed = true;
                    return ParsedExample.failed(e);
                }
            }
            return null;
        }
    }
}
