package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.CsvSchema;
import io.sparkbp.data.DataDigest;
import io.sparkbp.data.DataException;
import io.sparkbp.data.ExampleRow;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.data.LineParser;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import io.sparkbp.data.Transform;
import io.sparkbp.model.HadoopFiles;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads text data through Hadoop (any {@code file:}, {@code hdfs:}, {@code s3a:} path, glob or
 * directory; compressed files by suffix) into cached {@link PartitionData}, without collecting
 * anything to the driver. Each partition is parsed, validated, standardized and packed into blocks
 * in one pass. A bad line is a {@link DataException} on the driver with its file and line number (the
 * tasks return it as a value: no Spark task fails, so Spark logs nothing), or, with {@code
 * data.onBadRecord=skip}, is skipped and counted.
 */
public final class DataLoader {
    /**
     * Where and how to read one data set: the files {@code path} names (the value of the setting {@code
     * key}), what their lines hold, their CSV columns, and how they are read and cached. Build with the
     * CLI, then {@link #resolve} it.
     */
    public record Source(String path, String key, Lines lines, CsvColumns csv, Reading reading) implements Serializable {
        LineParser parser() {
            return lines.format() == Format.CSV ? LineParser.csv(csv.schema(), lines.kind())
                    : LineParser.libsvm(lines.features(), lines.outputs(), lines.kind());
        }
    }

    /**
     * What the lines of a data set hold: examples in {@code format} of {@code features} inputs (0 for CSV
     * until {@link #resolve} counts them in the header) and {@code outputs} targets of {@code kind}.
     */
    public record Lines(Format format, int features, int outputs, OutputKind kind) implements Serializable {
    }

    /**
     * The CSV columns asked for (the label columns, none for the default; the weight column, or empty)
     * and the {@code schema} of the header they were found in, null until {@link #resolve} reads it
     * (and for LIBSVM).
     */
    public record CsvColumns(List<String> labelColumns, String weightColumn, CsvSchema schema) implements Serializable {
    }

    /**
     * How a data set is read and cached: bad lines skipped (and counted) or an error, the partitions
     * asked for (0: the default parallelism), and the rows per block, layout and storage level of its
     * cached blocks.
     */
    public record Reading(boolean skipBad, int partitions, int blockRows, Layout layout, StorageLevel storageLevel)
            implements Serializable {
    }

    /**
     * Which examples to keep: a pseudo-random, partition-independent fraction of the lines (decided by
     * a hash of the seed, the file's name and the line's byte offset) is held out for validation.
     */
    public record Holdout(double fraction, long seed, boolean heldOut) implements Serializable {
        /** Keep every example. */
        public static final Holdout ALL = new Holdout(0, 0, false);

        /**
         * Whether the line at byte {@code offset} of {@code file} is kept: keyed on the file's name, not its
         * full path, so the same files give the same split wherever they are (a local copy, HDFS).
         */
        boolean keeps(String file, long offset) {
            return keeps(fileKey(file), offset);
        }

        /** The key of {@code file} in {@link #keeps(String, long)}: the hash of its name. */
        static long fileKey(String file) {
            return file.substring(file.lastIndexOf('/') + 1).hashCode();
        }

        /** {@link #keeps(String, long)} for the file of key {@code fileKey} ({@link #fileKey}), computed once per file. */
        boolean keepsAt(long fileKey, long offset) {
            return keeps(fileKey, offset);
        }

        /**
         * The same rule for data that have no files and byte offsets (a DataFrame): keyed on the
         * partition index and the 0-based position of the row in its partition, so the split depends
         * on the partitioning.
         */
        public boolean keepsRow(int partition, long row) {
            return keeps((long) partition, row);
        }

        private boolean keeps(long key, long position) {
            if (fraction <= 0) {
                return !heldOut;
            }
            long h = PartitionData.mix(seed, key, position);
            boolean out = (h >>> 11) * 0x1.0p-53 < fraction;
            return out == heldOut;
        }
    }

    /** Rewrites a text line before it is parsed (shipped to executors). */
    @FunctionalInterface
    public interface LineRewrite extends Serializable {
        String apply(String line);
    }

    /**
     * A cached data set: its blocks, how many examples they hold, their size in bytes, the bad lines
     * skipped, the partitions, and how many of the examples have a weight {@code > 0} ({@code
     * weighted}; a training set whose weights are all 0 cannot be trained on), and the {@link
     * DataDigest} of the examples as read (labels, feature values and weights before standardization,
     * partition by partition in partition order), which checkpoints record.
     */
    public record Loaded(JavaRDD<PartitionData> rdd, long examples, long bytes, long skipped, long weighted,
                         DataDigest digest) {
        /** The partitions of the blocks. */
        public int partitions() {
            return rdd.getNumPartitions();
        }

        /** These blocks with {@code skipped} bad lines skipped. */
        Loaded withSkipped(long skipped) {
            return new Loaded(rdd, examples, bytes, skipped, weighted, digest);
        }
    }

    private final JavaSparkContext sc;
    private Broadcast<SerializableConfiguration> hadoopConf;

    public DataLoader(JavaSparkContext sc) {
        this.sc = sc;
    }

    public JavaSparkContext context() {
        return sc;
    }

    /**
     * The Hadoop configuration for executors, broadcast once: it is only read on the error path,
     * and keeping it out of the closures keeps every later job's task small (the cached RDDs' lineage
     * is serialized into each task).
     */
    private Broadcast<SerializableConfiguration> hadoopConf() {
        if (hadoopConf == null) {
            hadoopConf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        }
        return hadoopConf;
    }

    /**
     * Checks that {@code s.path()} names existing files, makes it an absolute URI (so executors in other
     * directories find local files), and for CSV reads the header of the first file.
     */
    public Source resolve(Source s) {
        Configuration conf = sc.hadoopConfiguration();
        String colon = HadoopFiles.colonName(s.path());
        if (colon != null) {
            throw colonInName(s.key(), s.path(), colon);
        }
        try {
            Path p = new Path(s.path());
            FileSystem fs = p.getFileSystem(conf);
            Path q = fs.makeQualified(p);
            List<Path> files = dataFiles(fs, q, s.key());
            if (files.isEmpty()) {
                throw DataException.schema(s.key() + " matches no data files", s.path(), null,
                        "an existing file, directory of part files or glob");
            }
            CsvSchema schema = null;
            Lines lines = s.lines();
            int features = lines.features();
            if (lines.format() == Format.CSV) {
                String first = files.get(0).toString();
                String header = LineLocator.firstLine(first, conf);
                if (header == null) {
                    throw DataException.schema("the file is empty", null, null, "a CSV header line").at(first, 0);
                }
                try {
                    schema = CsvSchema.fromHeader(header, s.csv().labelColumns(), s.csv().weightColumn(), lines.outputs());
                } catch (DataException e) {
                    throw e.at(first, 1);
                }
                if (features > 0 && schema.features() != features) {
                    throw DataException.schema("the header has " + schema.features() + " feature columns", null, header,
                            features + " feature columns (the network's inputs)").at(first, 1);
                }
                features = schema.features();
            }
            Capacity.requireBlocksFit(features, lines.outputs(), s.reading().blockRows(), s.reading().layout());
            return new Source(q.toString(), s.key(), new Lines(lines.format(), features, lines.outputs(), lines.kind()),
                    new CsvColumns(s.csv().labelColumns(), s.csv().weightColumn(), schema), s.reading());
        } catch (IOException e) {
            throw DataException.schema("cannot read " + s.key() + ": " + e.getMessage(), s.path(), null, null);
        }
    }

    /**
     * The data error for data {@code key=path} whose name {@code colon} holds a ':', which Hadoop cannot
     * read ({@link HadoopFiles#colonName}): one sentence naming the file, never Hadoop's "Relative path
     * in absolute URI".
     */
    public static DataException colonInName(String key, String path, String colon) {
        return DataException.schema(HadoopFiles.colonProblem(key, path, colon), null, null,
                "a data path without ':' (rename the file, or link it under a name without ':')");
    }

    /**
     * The data files {@code q} names, sorted: the files it matches and the files in the directories it
     * matches, without hidden ones (names starting with {@code _} or {@code .}, in directories and
     * among the matches of a glob, as Hadoop skips them).
     * Directories are not read recursively: a visible sub-directory in a matched directory is a data
     * error naming it (Hadoop would fail on it with "Not a file").
     */
    static List<Path> dataFiles(FileSystem fs, Path q, String key) throws IOException {
        List<Path> files = new ArrayList<>();
        FileStatus[] matches = fs.globStatus(q);
        if (matches == null) {
            return files;
        }
        boolean glob = q.toUri().getPath().matches(".*[*?\\[{].*");
        for (FileStatus m : matches) {
            if (glob && hidden(m.getPath().getName())) {
                continue;
            }
            if (m.isDirectory()) {
                for (FileStatus c : fs.listStatus(m.getPath())) {
                    String name = c.getPath().getName();
                    if (hidden(name)) {
                        continue;
                    }
                    if (c.isDirectory()) {
                        throw DataException.schema("the directory " + m.getPath() + " (" + key + ") holds the"
                                + " sub-directory '" + name + "', and directories are not read recursively", null, null,
                                "only data files in it; name the files inside sub-directories with a glob (e.g. "
                                        + m.getPath() + "/*/part-*), or move the sub-directory out");
                    }
                    files.add(c.getPath());
                }
            } else {
                files.add(m.getPath());
            }
        }
        files.sort(null);
        return files;
    }

    private static boolean hidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    /**
     * Feature and target statistics of the kept examples, in one distributed pass: {@link #stats(JavaRDD,
     * int, int)} of {@link #examples(Source, Holdout, LongAccumulator)}, bit for bit; when the input splits
     * are the partitions, each split's lines are parsed into a reused row and counted, without an example
     * object per line.
     */
    public FeatureStats stats(Source s, Holdout holdout) {
        return stats(s, holdout, null);
    }

    /** As {@link #stats(Source, Holdout)}, counting the lines read in {@code meter} (may be null). */
    FeatureStats stats(Source s, Holdout holdout, LoadProgress.Meter meter) {
        ParsingIterator.Counters counters = new ParsingIterator.Counters(null, meter);
        int nIn = s.lines().features();
        int nOut = s.lines().outputs();
        JavaHadoopRDD<LongWritable, Text> lines = lines(s);
        if (!keepsSplits(s, lines.getNumPartitions())) {
            return stats(partitioned(s, read(lines, s, holdout, null, counters, null)), nIn, nOut);
        }
        JavaRDD<Partial<FeatureStats>> parts = eachSplit(lines, s, holdout, counters,
                it -> statsOf(it, nIn, nOut).iterator());
        Partial<FeatureStats> stats = OrderedAggregate.aggregate(parts, (Partial<FeatureStats> a,
                Partial<FeatureStats> p) -> p, (a, b) -> Partial.merge(a, b, FeatureStats::merge), STATS_DEPTH);
        return stats != null ? stats.get() : new FeatureStats(nIn, nOut);
    }

    /** The depth of the tree that merges the partitions' statistics. */
    private static final int STATS_DEPTH = 2;

    /**
     * What {@link #stats(JavaRDD, int, int)} folds of a partition of these {@code rows}: their statistics,
     * or the data error that ended them, or nothing for a partition without examples.
     */
    private static List<Partial<FeatureStats>> statsOf(ExampleRows rows, int nIn, int nOut) {
        ExampleRow row = new ExampleRow(nIn, nOut);
        FeatureStats stats = null;
        while (rows.next(row)) {
            stats = (stats == null ? new FeatureStats(nIn, nOut) : stats).add(row);
        }
        if (rows.failure() != null) {
            return List.of(Partial.failed(rows.failure()));
        }
        return stats == null ? List.of() : List.of(Partial.of(stats));
    }

    /**
     * Feature and target statistics of raw (unstandardized) {@code examples}, merged in partition order:
     * the same statistics, bit for bit, whatever the source of the same examples in the same partitions.
     */
    public static FeatureStats stats(JavaRDD<ParsedExample> examples, int nIn, int nOut) {
        Partial<FeatureStats> stats = OrderedAggregate.aggregate(examples,
                (Partial<FeatureStats> a, ParsedExample e) -> Partial.add(a, e,
                        () -> new FeatureStats(nIn, nOut), FeatureStats::add),
                (a, b) -> Partial.merge(a, b, FeatureStats::merge), STATS_DEPTH);
        return stats != null ? stats.get() : new FeatureStats(nIn, nOut);
    }

    /**
     * Input standardization from {@code stats} for blocks stored as {@code layout}: centered and scaled
     * (scaled only, for the sparse features of sparse data), no training value more than {@link
     * FeatureStats#MAX_STANDARDIZED} scale units from its center.
     */
    public static Transform inputTransform(FeatureStats stats, Layout layout) {
        return stats.inputTransform(Standardizer.centeredFeatures(layout, stats), true);
    }

    /** Target standardization from {@code stats} (for linear outputs). */
    public static Transform targetTransform(FeatureStats stats) {
        return stats.targetTransform();
    }

    /**
     * Parses, validates, standardizes ({@code in} on inputs, {@code targets} on targets; either may
     * be null), packs and caches the kept examples of {@code s}, and materializes the cache.
     */
    public Loaded load(Source s, Holdout holdout, Transform in, Transform targets) {
        return load(s, holdout, in, targets, Precision.FLOAT64);
    }

    /** As {@link #load(Source, Holdout, Transform, Transform)}, caching the input values in {@code precision}. */
    public Loaded load(Source s, Holdout holdout, Transform in, Transform targets, Precision precision) {
        return load(s, holdout, new Standardizer(in, targets), precision);
    }

    /** As {@link #load(Source, Holdout, Transform, Transform, Precision)}, with every transform in {@code standardizer}. */
    public Loaded load(Source s, Holdout holdout, Standardizer standardizer, Precision precision) {
        LongAccumulator skipped = sc.sc().longAccumulator("sparkbp skipped lines " + s.key());
        Reading r = s.reading();
        BlockPacker.Spec blocks = new BlockPacker.Spec(s.lines().features(), s.lines().outputs(), r.blockRows(),
                r.layout(), precision);
        Loaded packed = BlockCache.cache(blocks(s, holdout, standardizer, blocks, skipped, null), r.storageLevel(),
                "sparkbp " + s.key() + " blocks");
        if (packed.examples() == 0) {
            packed.rdd().unpersist(true);
            throw noExamples(s, skipped.value());
        }
        return packed.withSkipped(skipped.value());
    }

    /** The data error for {@code s} holding no examples, after {@code skipped} bad lines were skipped. */
    public static DataException noExamples(Source s, long skipped) {
        return DataException.schema(s.key() + " holds no examples", s.path(), null,
                "at least one valid line" + skippedNote(skipped));
    }

    /** {@code " (2 bad lines were skipped)"}, {@code " (1 bad line was skipped)"}, or nothing. */
    static String skippedNote(long skipped) {
        return skipped <= 0 ? "" : " (" + io.sparkbp.report.Figures.count(skipped, "bad line")
                + (skipped == 1 ? " was" : " were") + " skipped)";
    }

    /**
     * The examples of {@code s} in input order (every line kept, partitions as Hadoop splits the input,
     * never reshuffled), with inputs standardized by {@code in} (may be null). {@code rewrite}, if not
     * null, is applied to every line before it is parsed; bad lines skipped are counted in {@code skipped}.
     */
    public JavaRDD<ParsedExample> examplesInOrder(Source s, Transform in, LineRewrite rewrite, LongAccumulator skipped) {
        return read(lines(s), s, Holdout.ALL, new Standardizer(in, null), new ParsingIterator.Counters(skipped, null),
                rewrite);
    }

    /** The parsed, kept, raw examples of {@code s}, partitioned as requested; skipped lines counted in {@code skipped}. */
    JavaRDD<ParsedExample> examples(Source s, Holdout holdout, LongAccumulator skipped) {
        return examples(s, holdout, null, skipped, null);
    }

    /** As {@link #examples(Source, Holdout, LongAccumulator)}, counting the lines read in {@code meter} (may be null). */
    JavaRDD<ParsedExample> examples(Source s, Holdout holdout, LongAccumulator skipped, LoadProgress.Meter meter) {
        return examples(s, holdout, null, skipped, meter);
    }

    /**
     * The bytes of text in the files of {@code s} (a resolved source), or -1 when some are compressed
     * (Hadoop's line offsets then count uncompressed bytes) or cannot be listed.
     */
    long textBytes(Source s) {
        Configuration conf = sc.hadoopConfiguration();
        try {
            Path q = new Path(s.path());
            FileSystem fs = q.getFileSystem(conf);
            CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
            long total = 0;
            for (Path f : dataFiles(fs, q, s.key())) {
                if (codecs.getCodec(f) != null) {
                    return -1;
                }
                total += fs.getFileStatus(f).getLen();
            }
            return total;
        } catch (IOException | DataException e) {
            return -1;
        }
    }

    /**
     * The blocks of the kept examples of {@code s}, standardized with {@code standardizer} and packed as
     * {@code spec} says, one {@link PartitionData} per partition, not yet cached: {@link BlockCache#packed} of
     * {@link #examples(Source, Holdout, LongAccumulator, LoadProgress.Meter)}, bit for bit. When the input
     * splits are the partitions, each split's lines are parsed into a reused row and packed from it, without
     * an example object per line.
     */
    JavaRDD<PartitionData> blocks(Source s, Holdout holdout, Standardizer standardizer, BlockPacker.Spec spec,
                                  LongAccumulator skipped, LoadProgress.Meter meter) {
        JavaHadoopRDD<LongWritable, Text> lines = lines(s);
        ParsingIterator.Counters counters = new ParsingIterator.Counters(skipped, meter);
        if (!keepsSplits(s, lines.getNumPartitions())) {
            return BlockCache.packed(partitioned(s, read(lines, s, holdout, null, counters, null)), standardizer, spec);
        }
        return eachSplit(lines, s, holdout, counters, it -> List.of(BlockCache.pack(it, standardizer, spec)).iterator());
    }

    /** The parsed, kept and (optionally) standardized examples of {@code s}, partitioned as requested. */
    private JavaRDD<ParsedExample> examples(Source s, Holdout holdout, Standardizer standardizer,
                                           LongAccumulator skipped, LoadProgress.Meter meter) {
        return partitioned(s, read(lines(s), s, holdout, standardizer, new ParsingIterator.Counters(skipped, meter),
                null));
    }

    /**
     * {@code parsed} (one partition per input split) in the partitions {@code s} asks for: coalesced to
     * {@code data.partitions} when there are more splits, spread over the default parallelism when fewer.
     */
    private JavaRDD<ParsedExample> partitioned(Source s, JavaRDD<ParsedExample> parsed) {
        int asked = s.reading().partitions();
        int want = asked > 0 ? asked : sc.defaultParallelism();
        int have = parsed.getNumPartitions();
        if (asked > 0 && have > asked) {
            return parsed.coalesce(asked);
        } else if (have < want) {
            return parsed.repartition(want);
        }
        return parsed;
    }

    /** Whether {@link #partitioned} keeps {@code splits} input splits of {@code s} as they are. */
    private boolean keepsSplits(Source s, int splits) {
        int asked = s.reading().partitions();
        return asked > 0 ? splits == asked : splits >= sc.defaultParallelism();
    }

    /** The lines of the files of {@code s}, in at least as many input splits as its partitions. */
    private JavaHadoopRDD<LongWritable, Text> lines(Source s) {
        int want = s.reading().partitions() > 0 ? s.reading().partitions() : sc.defaultParallelism();
        @SuppressWarnings("unchecked")
        JavaHadoopRDD<LongWritable, Text> raw = (JavaHadoopRDD<LongWritable, Text>) sc.hadoopFile(
                s.path(), SplitTextFormat.class, LongWritable.class, Text.class, want);
        return raw;
    }

    /** One pass over {@code lines} of {@code s}: parse, locate errors, keep and standardize, per input split. */
    private JavaRDD<ParsedExample> read(JavaHadoopRDD<LongWritable, Text> lines, Source s, Holdout holdout,
                                        Standardizer standardizer, ParsingIterator.Counters counters,
                                        LineRewrite rewrite) {
        return eachSplit(lines, new ParsingIterator.Pass(s.parser(), rewrite, s.reading().skipBad(), holdout,
                standardizer), counters, it -> it);
    }

    /**
     * As {@link #eachSplit(JavaHadoopRDD, ParsingIterator.Pass, ParsingIterator.Counters, SplitPass)}, reading the
     * raw examples {@code holdout} keeps (no rewrite, no standardizer).
     */
    private <T> JavaRDD<T> eachSplit(JavaHadoopRDD<LongWritable, Text> lines, Source s, Holdout holdout,
                                     ParsingIterator.Counters counters, SplitPass<T> f) {
        return eachSplit(lines, new ParsingIterator.Pass(s.parser(), null, s.reading().skipBad(), holdout, null),
                counters, f);
    }

    /** {@code f} of the parsing of each input split of {@code lines} by {@code pass}: one partition per split. */
    private <T> JavaRDD<T> eachSplit(JavaHadoopRDD<LongWritable, Text> lines, ParsingIterator.Pass pass,
                                     ParsingIterator.Counters counters, SplitPass<T> f) {
        Broadcast<SerializableConfiguration> conf = hadoopConf();
        return lines.mapPartitionsWithInputSplit((split, it) -> {
            String file = ((FileSplit) split).getPath().toString();
            return f.apply(new ParsingIterator(it, file, pass, counters, conf));
        }, true);
    }

    /** What a pass makes of the parsing of one input split (shipped to the executors). */
    @FunctionalInterface
    private interface SplitPass<T> extends Serializable {
        java.util.Iterator<T> apply(ParsingIterator split) throws Exception;
    }
}
