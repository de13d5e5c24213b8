package io.sparkbp.spark;

import io.sparkbp.data.DataException;
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
import java.util.NoSuchElementException;

/**
 * Lines of one input split to examples, attaching file and line to errors. The first data error
 * ends the split as a {@linkplain ParsedExample#failed failed example} rather than an exception.
 */
final class ParsingIterator implements Iterator<ParsedExample> {
    /**
     * What a pass over the text does with each line: rewrite it ({@code rewrite}, may be null), parse it
     * with {@code parser}, skip it when it is bad and {@code skipBad}, keep it by {@code holdout} and
     * standardize it ({@code standardizer}, may be null). Shipped to executors.
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
    private ParsedExample next;
    private boolean failed;

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

    @Override
    public boolean hasNext() {
        while (next == null && !failed) {
            Tuple2<LongWritable, Text> t = nextLine();
            if (t == null) {
                break;
            }
            long offset = t._1().get();
            if (meter != null) {
                meter.line(t._2().getLength());
            }
            ParsedExample e;
            try {
                e = parse(t._2());
            } catch (DataException ex) {
                if (pass.skipBad() && ex.isRecordError()) {
                    if (skipped != null) {
                        skipped.add(1);
                    }
                    continue;
                }
                // the error travels as the split's last element, so that no Spark task fails
                next = ParsedExample.failed(ex.at(file, LineLocator.lineNumber(file, offset, conf.value().value())));
                failed = true;
                break;
            }
            if (e == null || !pass.holdout().keepsAt(fileKey, offset)) {
                continue;
            }
            next = pass.standardizer() == null ? e : pass.standardizer().apply(e);
        }
        return next != null;
    }

    /** The example of {@code text}: straight from its bytes when it is a plain line, else from its String. */
    private ParsedExample parse(Text text) {
        LineParser parser = pass.parser();
        if (pass.rewrite() == null) {
            ParsedExample e = parser.parsePlain(text.getBytes(), text.getLength());
            if (e != null) {
                return e;
            }
            return parser.parse(text.toString());
        }
        return parser.parse(pass.rewrite().apply(text.toString()));
    }

    /**
     * The next line of the split, or null at its end. A file that cannot be read (a damaged or
     * truncated compressed file, a file that is not in the format its suffix names) ends the split
     * as a failed example naming the file; Hadoop's reader throws the {@link IOException} undeclared.
     */
    private Tuple2<LongWritable, Text> nextLine() {
        try {
            return lines.hasNext() ? lines.next() : null;
        } catch (Exception e) {
            if (!(e instanceof IOException io)) {
                throw e;
            }
            next = ParsedExample.failed(unreadable(file, io, conf.value().value()));
            failed = true;
            return null;
        }
    }

    @Override
    public ParsedExample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ParsedExample e = next;
        next = null;
        return e;
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
