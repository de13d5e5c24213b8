package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataException;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.data.Transform;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Distributed prediction: one output line per input example, in input order (blank and comment
 * lines produce nothing). Lines are
 * <ul>
 *   <li>softmax: {@code class<TAB>p_0,...,p_{K-1}};</li>
 *   <li>logistic, one output: {@code 0|1<TAB>p} (threshold 0.5);</li>
 *   <li>logistic, several outputs: {@code ids<TAB>p_0,...} where ids are the comma-separated 0-based
 *       outputs with {@code p >= 0.5} (empty when none), as in LIBSVM multi-label files;</li>
 *   <li>linear: {@code y_0,...,y_{K-1}} in the data's units.</li>
 * </ul>
 * LIBSVM lines need no label: a line whose first token is {@code index:value} is read as unlabelled.
 */
public final class Predictions {
    private Predictions() {
    }

    /**
     * The prediction lines of one partition, or the data error that stopped reading it (then the
     * lines are not kept): a bad input line reaches the driver as this value, so no Spark task fails.
     */
    public static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;
        private final List<String> lines;
        private final DataException failure;

        Part(List<String> lines, DataException failure) {
            this.lines = failure == null ? lines : List.of();
            this.failure = failure;
        }
    }

    /**
     * The prediction parts of a data set, one per input partition, and the count of the bad lines that
     * {@code data.onBadRecord=skip} skipped (known once the parts have been computed, e.g. by {@link #count}).
     */
    public record Computed(JavaRDD<Part> parts, LongAccumulator skipped) {
    }

    /**
     * The prediction lines of {@code s} under the given model parts, read with {@code loader}, one
     * {@link Part} per input partition; see {@link #count} and {@link #lines(JavaRDD)}.
     */
    public static Computed compute(DataLoader loader, DataLoader.Source s, NetworkSpec spec, double[] theta,
                                   Transform in, Transform out) {
        Broadcast<double[]> bc = loader.context().broadcast(theta.clone());
        LongAccumulator skipped = loader.context().sc().longAccumulator("sparkbp skipped lines " + s.key());
        String dummy = dummyLabel(spec);
        DataLoader.LineRewrite rewrite = s.lines().format() == Format.LIBSVM ? line -> withLabel(line, dummy) : null;
        int blockRows = s.reading().blockRows();
        return new Computed(loader.examplesInOrder(s, in, rewrite, skipped).mapPartitions(examples -> {
            BlockGradient bg = new BlockGradient(spec, blockRows);
            List<String> result = new ArrayList<>();
            Partial.UntilFailure read = new Partial.UntilFailure(examples);
            new BlockPacker(spec.inputs(), spec.outputs(), blockRows, Layout.AUTO).pack(read)
                    .forEachRemaining(b -> format(bg, bc.value(), b, out, result));
            return List.of(new Part(result, read.failure())).iterator();
        }, true), skipped);
    }

    /**
     * The number of prediction lines in {@code parts} (one job; persist {@code parts} first to compute
     * them once). A partition whose input had a bad line makes this that line's {@link DataException}
     * (the first such partition's, in partition order).
     */
    public static long count(JavaRDD<Part> parts) {
        long n = 0;
        for (Object p : parts.map(p -> p.failure != null ? (Object) p.failure : (Object) (long) p.lines.size())
                .collect()) {
            if (p instanceof DataException e) {
                throw e;
            }
            n += (Long) p;
        }
        return n;
    }

    /** The prediction lines of {@code parts}, in input order. */
    public static JavaRDD<String> lines(JavaRDD<Part> parts) {
        return parts.flatMap(p -> p.lines.iterator());
    }

    private static void format(BlockGradient bg, double[] theta, Block b, Transform out, List<String> result) {
        NetworkSpec spec = bg.spec();
        int k = spec.outputs();
        bg.forward(theta, b);
        double[] y = bg.outputs();
        double[] v = new double[k];
        for (int n = 0; n < b.rows(); n++) {
            System.arraycopy(y, n * k, v, 0, k);
            if (out != null) {
                out.invertInPlace(v, 0);
            }
            result.add(line(spec, v));
        }
    }

    static String line(NetworkSpec spec, double[] v) {
        StringBuilder sb = new StringBuilder();
        OutputKind kind = spec.output();
        int k = v.length;
        if (kind == OutputKind.SOFTMAX) {
            sb.append(OutputKind.argmax(v, 0, k)).append('\t');
        } else if (kind == OutputKind.LOGISTIC) {
            if (k == 1) {
                sb.append(OutputKind.positive(v[0], OutputKind.THRESHOLD) ? 1 : 0);
            } else {
                boolean first = true;
                for (int i = 0; i < k; i++) {
                    if (OutputKind.positive(v[i], OutputKind.THRESHOLD)) {
                        sb.append(first ? "" : ",").append(i);
                        first = false;
                    }
                }
            }
            sb.append('\t');
        }
        for (int i = 0; i < k; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        return sb.toString();
    }

    /** A label that parses for {@code spec}'s output kind, used for unlabelled LIBSVM lines. */
    private static String dummyLabel(NetworkSpec spec) {
        int k = spec.outputs();
        return switch (spec.output()) {
            case SOFTMAX -> "0";
            case LOGISTIC -> k == 1 ? "0" : "";
            case LINEAR -> String.join(",", java.util.Collections.nCopies(k, "0"));
        };
    }

    /** Prepends {@code dummy} to a LIBSVM line whose first token is a feature ({@code i:v}). */
    static String withLabel(String line, String dummy) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#") || s.startsWith("\uFEFF")) {
            return line;
        }
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        String first = s.substring(0, end);
        if (first.indexOf(':') >= 0 && !dummy.isEmpty()) {
            return dummy + " " + s;
        }
        return line;
    }
}
