package io.sparkbp.ml;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.Layout;
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

import java.util.Iterator;
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
 */
final class Scoring implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Model> model;
    private final int featuresIndex;
    private final String featuresCol;
    private final Columns.Outputs outputs;
    private final double threshold;
    private final int blockRows;

    Scoring(Broadcast<Model> model, int featuresIndex, String featuresCol, Columns.Outputs outputs, double threshold,
            int blockRows) {
        this.model = model;
        this.featuresIndex = featuresIndex;
        this.featuresCol = featuresCol;
        this.outputs = outputs;
        this.threshold = threshold;
        this.blockRows = blockRows;
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
        private final double[] zeros;
        private double[] y;
        private double[] s;
        private long seen;
        private int size;
        private int pos;

        Scored(Iterator<Row> rows) {
            this.rows = rows;
            Model m = model.value();
            this.predictor = new Predictor(m, blockRows);
            this.nIn = m.spec().inputs();
            this.k = m.spec().outputs();
            this.kind = m.spec().output();
            this.buffer = new Row[blockRows];
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
            Row r = withOutputs(buffer[pos], pos);
            buffer[pos++] = null;
            return r;
        }

        /** Reads the next block of rows and computes their outputs. */
        private void fill() {
            size = 0;
            pos = 0;
            BlockPacker packer = new BlockPacker(nIn, k, blockRows, Layout.AUTO);
            Block block = null;
            while (block == null && rows.hasNext()) {
                Row row = rows.next();
                Vector v = RowExamples.features(row, featuresIndex, featuresCol, nIn, partition, seen);
                block = packer.add(RowExamples.example(v, zeros, 1.0, featuresCol, partition, seen));
                seen++;
                buffer[size++] = row;
            }
            if (block == null) {
                block = packer.flush();
            }
            if (block == null) {
                return;
            }
            if (y == null || y.length < k * size) {
                y = new double[k * blockRows];
                s = new double[k * blockRows];
            }
            predictor.predict(block, y, outputs.classification() ? s : null);
        }

        private Row withOutputs(Row row, int n) {
            int extra = (outputs.hasRaw() ? 1 : 0) + (outputs.hasProbability() ? 1 : 0) + (outputs.hasPrediction() ? 1 : 0);
            int width = row.length();
            Object[] values = new Object[width + extra];
            for (int i = 0; i < width; i++) {
                values[i] = row.get(i);
            }
            int c = width;
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
                        return OutputKind.positive(y[off], threshold) ? 1.0 : 0.0;
                    }
                    double[] labels = new double[k];
                    for (int i = 0; i < k; i++) {
                        labels[i] = OutputKind.positive(y[off + i], threshold) ? 1.0 : 0.0;
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
