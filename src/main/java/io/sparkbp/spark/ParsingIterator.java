package io.sparkbp.spark;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ExampleRow;
import io.sparkbp.data.Lookahead;
import io.sparkbp.data.LineParser;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/**
 * Lines of one input split to examples, attaching file and line to errors. The first data error
 * ends the split: as a {@linkplain ParsedExample#failed failed example} rather than an exception when
 * read as an iterator, as {@link #failure()} when read {@linkplain #next(ExampleRow) into a row}.
 */
final class ParsingIterator extends Lookahead<ParsedExample> implements ExampleRows {
    /**
     * What a pass over the text does with each line: rewrite it ({@code rewrite}, may be null), parse it
     * with {@code parser}, skip it when it is bad and {@code skipBad}, keep it by {@code holdout} and
     * standardize it ({@code standardizer}, may be null; only the examples of the iterator). Shipped to
     * executors.
     */
    record Pass(LineParser parser, DataLoader.LineRewrite rewrite, boolean skipBad, DataLoader.Holdout holdout,
                Standardizer standardizer) implements Serializable {
    }

    /** What a pass over the text counts: skipped bad lines and lines read; either may be null. */
    record Counters(LongAccumulator skipped, LoadProgress.Meter meter) implements Serializable {
    }

    private final Iterator<Tuple2<LongWritable, Text>> lines;
    private final String file;
    private final long fileKey;
    private final Pass pass;
    private final LongAccumulator skipped;
    private final LoadProgress.Meter meter;
    private final Broadcast<SerializableConfiguration> conf;
    /** The row the iterator reads each example into, made when first needed. */
    private ExampleRow own;
    private DataException failure;

    /** The examples of the {@code lines} of {@code file}; {@code conf} finds the line numbers of errors. */
    ParsingIterator(Iterator<Tuple2<LongWritable, Text>> lines, String file, Pass pass, Counters counters,
                    Broadcast<SerializableConfiguration> conf) {
        this.lines = lines;
        this.file = file;
        this.fileKey = DataLoader.Holdout.fileKey(file);
        this.pass = pass;
        this.skipped = counters.skipped();
        this.meter = counters.meter();
        this.conf = conf;
    }

    /**
     * Reads lines up to the next example the pass keeps, into {@code row} (raw: the pass's standardizer is
     * the iterator's): true when there is one, false at the end of the split or at its data error ({@link
     * #failure()}). Parses a plain LIBSVM line straight from its bytes into the row, making no objects.
     */
    @Override
    public boolean next(ExampleRow row) {
        while (failure == null) {
            Tuple2<LongWritable, Text> t = nextLine();
            if (t == null) {
                return false;
            }
            long offset = t._1().get();
            if (meter != null) {
                meter.line(t._2().getLength());
            }
            boolean got;
            try {
                got = parse(t._2(), row);
            } catch (DataException ex) {
                if (pass.skipBad() && ex.isRecordError()) {
                    if (skipped != null) {
                        skipped.add(1);
                    }
                    continue;
                }
                failure = ex.at(file, LineLocator.lineNumber(file, offset, conf.value().value()));
                return false;
            }
            if (got && pass.holdout().keepsAt(fileKey, offset)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public DataException failure() {
        return failure;
    }

    @Override
    protected ParsedExample fetch() {
        if (failure != null) {
            return null;
        }
        if (own == null) {
            own = new ExampleRow(pass.parser().inputs(), pass.parser().outputs());
        }
        if (next(own)) {
            ParsedExample e = own.toExample();
            return pass.standardizer() == null ? e : pass.standardizer().apply(e);
        }
        // the error travels as the split's last element, so that no Spark task fails
        return failure == null ? null : ParsedExample.failed(failure);
    }

    /** Parses {@code text} into {@code row}: straight from its bytes when it is a plain line, else from its String. */
    private boolean parse(Text text, ExampleRow row) {
        LineParser parser = pass.parser();
        if (pass.rewrite() != null) {
            return set(parser.parse(pass.rewrite().apply(text.toString())), row);
        }
        return parser.parsePlain(text.getBytes(), text.getLength(), row) || set(parser.parse(text.toString()), row);
    }

    /** {@code e} into {@code row}; false when {@code e} is null (a line without an example). */
    private static boolean set(ParsedExample e, ExampleRow row) {
        if (e == null) {
            return false;
        }
        row.set(e);
        return true;
    }

    /**
     * The next line of the split, or null at its end. A file that cannot be read (a damaged or
     * truncated compressed file, a file that is not in the format its suffix names) ends the split
     * with a data error naming the file; Hadoop's reader throws the {@link IOException} undeclared.
     */
    private Tuple2<LongWritable, Text> nextLine() {
        try {
            return lines.hasNext() ? lines.next() : null;
        } catch (Exception e) {
            if (!(e instanceof IOException io)) {
                throw e;
            }
            failure = unreadable(file, io, conf.value().value());
            return null;
        }
    }

    /** The data error for {@code file}, which Hadoop's reader could not read ({@code e}). */
    static DataException unreadable(String file, IOException e, Configuration conf) {
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(new Path(file));
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (codec == null) {
            return DataException.schema("cannot be read: " + why, null, null, null).at(file, 0);
        }
        String suffix = codec.getDefaultExtension();
        return DataException.schema("cannot be decompressed as a " + suffix + " file (" + why + ")", null, null,
                "a complete, undamaged " + suffix + " file; it may be truncated or damaged, or not compressed"
                        + " at all (name an uncompressed file without the " + suffix + " suffix)").at(file, 0);
    }
}
