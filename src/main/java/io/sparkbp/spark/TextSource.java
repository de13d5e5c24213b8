package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Examples from text files: one resolved {@link DataLoader.Source}, read through its {@link DataLoader}. */
public final class TextSource implements ExampleSource {
    private final DataLoader loader;
    private final DataLoader.Source source;

    public TextSource(DataLoader loader, DataLoader.Source source) {
        this.loader = loader;
        this.source = source;
    }

    public DataLoader.Source source() {
        return source;
    }

    @Override
    public JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped) {
        return loader.examples(source, split, skipped);
    }

    @Override
    public JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped, LoadProgress.Meter meter) {
        return loader.examples(source, split, skipped, meter);
    }

    @Override
    public JavaRDD<PartitionData> blocks(DataLoader.Holdout split, Standardizer standardizer, BlockPacker.Spec spec,
                                         LongAccumulator skipped, LoadProgress.Meter meter) {
        return loader.blocks(source, split, standardizer, spec, skipped, meter);
    }

    @Override
    public FeatureStats stats(DataLoader.Holdout split, int nIn, int nOut, LoadProgress.Meter meter) {
        return loader.stats(source, split, meter);
    }

    @Override
    public long textBytes() {
        return loader.textBytes(source);
    }

    @Override
    public int partitions() {
        return source.reading().partitions();
    }

    /**
     * The non-blank lines of the text when it is at most {@link #COUNTED_BYTES} bytes (read once on the
     * driver, a fraction of a second), else its bytes over 2 (every example line but the last ends in a
     * newline); -1 for compressed or unreadable files.
     */
    @Override
    public long maxExamples() {
        long bytes = textBytes();
        if (bytes < 0 || bytes > COUNTED_BYTES) {
            return bytes < 0 ? -1 : (bytes + 1) / 2;
        }
        try {
            Path q = new Path(source.path());
            FileSystem fs = q.getFileSystem(loader.context().hadoopConfiguration());
            long lines = 0;
            for (Path f : DataLoader.dataFiles(fs, q, source.key())) {
                lines += nonBlankLines(fs, f);
            }
            return lines;
        } catch (IOException | DataException e) {
            return -1; // the pass through Spark reports it
        }
    }

    /** Text up to this size is counted line by line for {@link #maxExamples()}. */
    static final long COUNTED_BYTES = 64L << 20;

    private static long nonBlankLines(FileSystem fs, Path f) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(f), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> !l.isBlank()).count();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String key() {
        return source.key();
    }

    @Override
    public String location() {
        return source.path();
    }

    @Override
    public DataException empty(boolean validation, long skipped, double fraction) {
        String what = validation ? "the lines held out for validation from " + source.key() : source.key();
        return DataException.schema(what + " holds no examples", source.path(), null, (validation
                ? "a data.validationFraction that holds out at least one line" : "at least one valid line")
                + DataLoader.skippedNote(skipped));
    }

    @Override
    public DataException weightless(long examples) {
        return DataException.schema("every one of the " + examples + " training examples of " + source.key() + " ("
                + source.path() + ") has weight 0 in column '" + source.csv().weightColumn() + "' (data.weightColumn), so"
                + " the total training weight is 0", null, null, "at least one example of weight > 0");
    }
}
