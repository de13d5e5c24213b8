package io.sparkbp.ml;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataException;
import io.sparkbp.data.Layout;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.model.Model;
import io.sparkbp.model.Predictor;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * {@link SparkbpModel#transform} on one partition: the rows, in order, in blocks of {@code
 * blockRows}, each packed as the command line's {@code predict} packs them ({@link BlockPacker},
 * automatic layout) and run through one {@link Predictor} per task, so a row gets the outputs
 * {@code predict} prints for it. Every row is passed on with its columns plus the outputs:
 * <ul>
 *   <li>softmax: rawPrediction = the logits s, probability = softmax(s), prediction = the index of
 *       the largest probability (the first on ties);</li>
 *   <li>logistic with one output: rawPrediction = [-s, s], probability = [1-p, p] (as MLlib's binary
 *       classifiers), prediction = 1 when p >= threshold, else 0;</li>
 *   <li>logistic with K > 1 outputs (multi-label): rawPrediction = s, probability = the K
 *       independent p_k, prediction = the 0/1 vector of p_k >= threshold;</li>
 *   <li>linear: prediction = the value (one output) or the vector of values, in the label's units.</li>
 * </ul>
 * A row whose features are null, of another size than the model's inputs, or not finite fails the task
 * with its {@link DataException} ({@link Invalid#ERROR}), is dropped ({@link Invalid#SKIP}) or keeps NaN
 * in every output ({@link Invalid#KEEP}), as the {@code handleInvalid} param says.
 */
final class Scoring implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;

    /** What {@code transform} does with a row whose features are null, of another size, or not finite. */
    enum Invalid {
        /** Fail the task with the row's {@link DataException}, which names the row, the column and the problem. */
        ERROR,
        /** Drop the row. */
        SKIP,
        /** Keep the row, with NaN in every output. */
        KEEP;

        /** The param value, {@code error}, {@code skip} or {@code keep}. */
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value of param text {@code id}, or null when it names none. */
        static Invalid of(String id) {
            for (Invalid v : values()) {
                if (v.id().equals(id)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** The prediction-time params: the features column (and its index), the threshold, the block size, bad rows. */
    record Settings(int featuresIndex, String featuresCol, double threshold, int blockRows, Invalid invalid)
            implements Serializable {
    }

    private final Broadcast<Model> model;
    private final Columns.Outputs outputs;
    private final Settings settings;

    Scoring(Broadcast<Model> model, Columns.Outputs outputs, Settings settings) {
        this.model = model;
        this.outputs = outputs;
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Scored(rows);
    }

    /** The rows of one partition with their outputs appended, computed one block at a time. */
    private final class Scored implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Predictor predictor;
        private final int nIn;
        private final int k;
        private final OutputKind kind;
        private final int partition = TaskContext.getPartitionId();
        private final Row[] buffer;
        /** The block row of each buffered row, or -1 for a bad row kept with NaN outputs. */
        private final int[] slot;
        private final double[] zeros;
        private final int blockRows;
        private double[] y;
        private double[] s;
        private long seen;
        private int size;
        private int pos;

        Scored(Iterator<Row> rows) {
            this.rows = rows;
            Model m = model.value();
            this.blockRows = settings.blockRows();
            this.predictor = new Predictor(m, blockRows);
            this.nIn = m.spec().inputs();
            this.k = m.spec().outputs();
            this.kind = m.spec().output();
            this.buffer = new Row[blockRows];
            this.slot = new int[blockRows];
            this.zeros = new double[k];
        }

        @Override
        public boolean hasNext() {
            if (pos < size) {
                return true;
            }
            fill();
            return pos < size;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = withOutputs(buffer[pos], slot[pos]);
            buffer[pos++] = null;
            return r;
        }

        /** Reads the next rows (at most a block's worth) and computes the outputs of the good ones. */
        private void fill() {
            size = 0;
            pos = 0;
            BlockPacker packer = new BlockPacker(nIn, k, blockRows, Layout.AUTO);
            Block block = null;
            int good = 0;
            while (block == null && size < blockRows && rows.hasNext()) {
                Row row = rows.next();
                ParsedExample e = example(row, seen++);
                if (e == null && settings.invalid() == Invalid.SKIP) {
                    continue;
                }
                slot[size] = e == null ? -1 : good++;
                buffer[size++] = row;
                if (e != null) {
                    block = packer.add(e);
                }
            }
            if (block == null) {
                block = packer.flush();
            }
            if (block == null) {
                return;
            }
            if (y == null) {
                y = new double[k * blockRows];
                s = new double[k * blockRows];
            }
            predictor.predict(block, y, outputs.classification() ? s : null);
        }

        /**
         * The example of row {@code index}; null for a bad row (null, wrong-sized or non-finite features)
         * when bad rows are skipped or kept; else the row's {@link DataException}, which says how to skip
         * or keep it.
         */
        private ParsedExample example(Row row, long index) {
            try {
                Vector v = RowExamples.features(row, settings.featuresIndex(), settings.featuresCol(), nIn, partition,
                        index);
                return RowExamples.example(v, zeros, 1.0, settings.featuresCol(), partition, index);
            } catch (DataException e) {
                if (settings.invalid() != Invalid.ERROR) {
                    return null;
                }
                throw DataException.record(e.problem(), e.token(), null, e.expected() + ", or handleInvalid set to"
                        + " 'skip' (drop such rows) or 'keep' (keep them with NaN outputs)");
            }
        }

        /** {@code row} with the outputs of block row {@code n}, or with NaN outputs when {@code n < 0}. */
        private Row withOutputs(Row row, int n) {
            int extra = (outputs.hasRaw() ? 1 : 0) + (outputs.hasProbability() ? 1 : 0) + (outputs.hasPrediction() ? 1 : 0);
            int width = row.length();
            Object[] values = new Object[width + extra];
            for (int i = 0; i < width; i++) {
                values[i] = row.get(i);
            }
            int c = width;
            if (n < 0) {
                return withNaN(values, c);
            }
            int off = n * k;
            if (outputs.hasRaw()) {
                values[c++] = binary() ? Vectors.dense(-s[off], s[off]) : Vectors.dense(slice(s, off));
            }
            if (outputs.hasProbability()) {
                values[c++] = binary() ? Vectors.dense(1.0 - y[off], y[off]) : Vectors.dense(slice(y, off));
            }
            if (outputs.hasPrediction()) {
                values[c] = prediction(off);
            }
            return RowFactory.create(values);
        }

        /** {@code values} (the row's columns up to {@code c}) with NaN in every output column. */
        private Row withNaN(Object[] values, int c) {
            double[] nan = new double[binary() ? 2 : k];
            Arrays.fill(nan, Double.NaN);
            int at = c;
            if (outputs.hasRaw()) {
                values[at++] = Vectors.dense(nan.clone());
            }
            if (outputs.hasProbability()) {
                values[at++] = Vectors.dense(nan.clone());
            }
            if (outputs.hasPrediction()) {
                boolean vector = k > 1 && kind != OutputKind.SOFTMAX;
                values[at] = vector ? Vectors.dense(Arrays.copyOf(nan, k)) : (Object) Double.NaN;
            }
            return RowFactory.create(values);
        }

        private boolean binary() {
            return kind == OutputKind.LOGISTIC && k == 1;
        }

        private Object prediction(int off) {
            switch (kind) {
                case SOFTMAX -> {
                    return (double) OutputKind.argmax(y, off, k);
                }
                case LOGISTIC -> {
                    if (k == 1) {
                        return OutputKind.positive(y[off], settings.threshold()) ? 1.0 : 0.0;
                    }
                    double[] labels = new double[k];
                    for (int i = 0; i < k; i++) {
                        labels[i] = OutputKind.positive(y[off + i], settings.threshold()) ? 1.0 : 0.0;
                    }
                    return Vectors.dense(labels);
                }
                case LINEAR -> {
                    return k == 1 ? (Object) y[off] : Vectors.dense(slice(y, off));
                }
                default -> throw new IllegalStateException("unknown output kind " + kind);
            }
        }

        private double[] slice(double[] a, int off) {
            double[] v = new double[k];
            System.arraycopy(a, off, v, 0, k);
            return v;
        }
    }
}
