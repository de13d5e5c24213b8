package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;

/**
 * Where the examples of a data set come from: text files ({@link TextSource}) or a DataFrame's rows
 * (in {@code io.sparkbp.ml}). A source gives raw examples (parsed and checked, not standardized),
 * partitioned and ordered as it reads them, so the same examples in the same partitions become the
 * same blocks whatever the source.
 */
public interface ExampleSource {
    /**
     * The examples of the rows {@code split} keeps, one example partition per input partition, in
     * order. Bad records that the source skips are counted in {@code skipped} (which may be null).
     */
    JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped);

    /**
     * As {@link #examples(DataLoader.Holdout, LongAccumulator)}, counting what the pass reads in
     * {@code meter} for the progress lines of loading; a source without text ignores it.
     */
    default JavaRDD<ParsedExample> examples(DataLoader.Holdout split, LongAccumulator skipped, LoadProgress.Meter meter) {
        return examples(split, skipped);
    }

    /**
     * The blocks of the examples {@code split} keeps, standardized with {@code standardizer} and packed as
     * {@code spec} says, one {@link PartitionData} per partition, not yet cached: by default {@link
     * BlockCache#packed} of {@link #examples(DataLoader.Holdout, LongAccumulator, LoadProgress.Meter)}; a source
     * may make the same blocks, bit for bit, without an example object per row.
     */
    default JavaRDD<PartitionData> blocks(DataLoader.Holdout split, Standardizer standardizer, BlockPacker.Spec spec,
                                          LongAccumulator skipped, LoadProgress.Meter meter) {
        return BlockCache.packed(examples(split, skipped, meter), standardizer, spec);
    }

    /**
     * The statistics of the raw examples {@code split} keeps, of {@code nIn} features and {@code nOut} targets,
     * counting what the pass reads in {@code meter}: by default {@link DataLoader#stats(JavaRDD, int, int)} of
     * {@link #examples(DataLoader.Holdout, LongAccumulator, LoadProgress.Meter)}; a source may compute the same
     * statistics, bit for bit, without an example object per row.
     */
    default FeatureStats stats(DataLoader.Holdout split, int nIn, int nOut, LoadProgress.Meter meter) {
        return DataLoader.stats(examples(split, null, meter), nIn, nOut);
    }

    /**
     * The bytes of text one pass reads, or -1 when unknown (compressed files, a DataFrame): the progress
     * lines then show no share and no ETA (and a source that reads no text shows none).
     */
    default long textBytes() {
        return -1;
    }

    /** How messages name the data: {@code data.train}, or {@code the DataFrame}. */
    String key();

    /** Where the data are, for reports and fingerprints: a qualified path, or a description. */
    String location();

    /** The name of the cached blocks of this source's training or validation part, as the Spark UI shows it. */
    default String cacheName(boolean validation) {
        return "sparkbp " + key() + (validation ? " validation" : "") + " blocks";
    }

    /** The partitions the examples are read into as the settings fix them ({@code data.partitions}); 0 when not fixed. */
    default int partitions() {
        return 0;
    }

    /**
     * An upper bound on the examples one pass can give, known without reading the data through Spark
     * (for text: its non-blank lines), or -1 when unknown (compressed files, a DataFrame).
     */
    default long maxExamples() {
        return -1;
    }

    /**
     * True when the source itself tells training rows from validation rows (a DataFrame's validation
     * indicator column): a holdout then only picks the side, whatever its fraction.
     */
    default boolean splitsItself() {
        return false;
    }

    /**
     * The error for a data set that holds no examples: the training part ({@code validation ==
     * false}) or the validation part of this source; {@code skipped} bad records were skipped and
     * {@code fraction} of the rows were held out for validation.
     */
    DataException empty(boolean validation, long skipped, double fraction);

    /**
     * The error for a training part whose {@code examples} examples all have weight 0 (the objective, a
     * weighted mean, is undefined): names where the weights come from.
     */
    DataException weightless(long examples);
}
