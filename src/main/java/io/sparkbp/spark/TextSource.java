package io.sparkbp.spark;

import io.sparkbp.data.DataException;
import io.sparkbp.data.ParsedExample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

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
    public long textBytes() {
        return loader.textBytes(source);
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
                + (skipped > 0 ? " (" + skipped + " bad lines were skipped)" : ""));
    }

    @Override
    public DataException weightless(long examples) {
        return DataException.schema("every one of the " + examples + " training examples of " + source.key() + " ("
                + source.path() + ") has weight 0 in column '" + source.csv().weightColumn() + "' (data.weightColumn), so"
                + " the total training weight is 0", null, null, "at least one example of weight > 0");
    }
}
