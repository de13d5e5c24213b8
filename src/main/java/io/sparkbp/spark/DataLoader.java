package io.sparkbp.spark;

import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.CsvSchema;
import io.sparkbp.data.DataDigest;
import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.data.LineParser;
import io.sparkbp.data.ParsedExample;
import io.sparkbp.data.Standardizer;
import io.sparkbp.model.Transform;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads text data through Hadoop (any {@code file:}, {@code hdfs:}, {@code s3a:} path, glob or
 * directory; compressed files by suffix) into cached {@link PartitionData}, without collecting
 * anything to the driver. Each partition is parsed, validated, standardized and packed into blocks
 * in one pass. A bad line is a {@link DataException} on the driver with its file and line number (the
 * tasks return it as a value: no Spark task fails, so Spark logs nothing), or, with {@code
 * data.onBadRecord=skip}, is skipped and counted.
 */
public final class DataLoader {
    /** Where and how to read one data set. Build with the CLI, then {@link #resolve} it. */
    public record Source(String path, String key, Format format, int features, int outputs, OutputKind kind,
                         List<String> labelColumns, String weightColumn, boolean skipBad, int partitions,
                         int blockRows, Layout layout, StorageLevel storageLevel, CsvSchema schema)
            implements Serializable {
        LineParser parser() {
            return format == Format.CSV ? LineParser.csv(schema, kind) : LineParser.libsvm(features, outputs, kind);
        }
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
    public record Loaded(JavaRDD<PartitionData> rdd, long examples, long bytes, long skipped, int partitions,
                         long weighted, DataDigest digest) {
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
            int features = s.features();
            if (s.format() == Format.CSV) {
                String first = files.get(0).toString();
                String header = LineLocator.firstLine(first, conf);
                if (header == null) {
                    throw DataException.schema("the file is empty", null, null, "a CSV header line").at(first, 0);
                }
                try {
                    schema = CsvSchema.fromHeader(header, s.labelColumns(), s.weightColumn(), s.outputs());
                } catch (DataException e) {
                    throw e.at(first, 1);
                }
                if (features > 0 && schema.features() != features) {
                    throw DataException.schema("the header has " + schema.features() + " feature columns", null, header,
                            features + " feature columns (the network's inputs)").at(first, 1);
                }
                features = schema.features();
            }
            Capacity.requireBlocksFit(features, s.outputs(), s.blockRows(), s.layout());
            return new Source(q.toString(), s.key(), s.format(), features, s.outputs(), s.kind(), s.labelColumns(),
                    s.weightColumn(), s.skipBad(), s.partitions(), s.blockRows(), s.layout(), s.storageLevel(), schema);
        } catch (IOException e) {
            throw DataException.schema("cannot read " + s.key() + ": " + e.getMessage(), s.path(), null, null);
        }
    }

    /**
     * The data files {@code q} names, sorted: the files it matches and the files in the directories it
     * matches, without hidden ones (names starting with {@code _} or {@code .}, in directories and
     * among the matches of a glob, as Hadoop skips them).
     * Directories are not read recursively: a visible sub-directory in a matched directory is a data
     * error naming it (Hadoop would fail on it with "Not a file").
     */
    private static List<Path> dataFiles(FileSystem fs, Path q, String key) throws IOException {
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

    /** Feature and target statistics of the kept examples, in one distributed pass. */
    public FeatureStats stats(Source s, Holdout holdout) {
        return stats(examples(s, holdout, null, null, null), s.features(), s.outputs());
    }

    /**
     * Feature and target statistics of raw (unstandardized) {@code examples}, merged in partition order:
     * the same statistics, bit for bit, whatever the source of the same examples in the same partitions.
     */
    public static FeatureStats stats(JavaRDD<ParsedExample> examples, int nIn, int nOut) {
        Partial<FeatureStats> stats = OrderedAggregate.aggregate(examples,
                (Partial<FeatureStats> a, ParsedExample e) -> Partial.add(a, e,
                        () -> new FeatureStats(nIn, nOut), FeatureStats::add),
                (a, b) -> Partial.merge(a, b, FeatureStats::merge), 2);
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
        Loaded packed = pack(examples(s, holdout, null, skipped, null), standardizer, s.features(),
                s.outputs(), s.blockRows(), s.layout(), precision, s.storageLevel(), "sparkbp " + s.key() + " blocks");
        if (packed.examples() == 0) {
            packed.rdd().unpersist(false);
            throw DataException.schema(s.key() + " holds no examples", s.path(), null,
                    "at least one valid line" + (skipped.value() > 0 ? " (" + skipped.value() + " bad lines were skipped)" : ""));
        }
        return new Loaded(packed.rdd(), packed.examples(), packed.bytes(), skipped.value(), packed.partitions(),
                packed.weighted(), packed.digest());
    }

    /**
     * Standardizes raw {@code examples} with {@code standardizer}, packs each partition's examples, in
     * order, into blocks of {@code blockRows} with their input values stored in {@code precision} (one
     * {@link PartitionData} per partition, never reshuffled), caches them at {@code level} and
     * materializes the cache. The same examples in the same partitions give the same blocks whatever
     * their source (text files here, a DataFrame in {@code io.sparkbp.ml}). The result may hold no
     * examples ({@link Loaded#skipped()} is 0); the caller reports that as it sees fit and unpersists.
     */
    public static Loaded pack(JavaRDD<ParsedExample> examples, Standardizer standardizer, int nIn, int nOut,
                              int blockRows, Layout layout, Precision precision, StorageLevel level, String name) {
        JavaRDD<PartitionData> data = examples.mapPartitions(it -> {
            List<Block> blocks = new ArrayList<>();
            Partial.UntilFailure read = new Partial.UntilFailure(it);
            DataDigest digest = new DataDigest();
            new BlockPacker(nIn, nOut, blockRows, layout, precision).pack(read, e -> {
                digest.add(e);
                return standardizer.apply(e);
            }).forEachRemaining(blocks::add);
            PartitionData pd = new PartitionData(TaskContext.getPartitionId(), blocks.toArray(new Block[0]),
                    digest, read.failure());
            return List.of(pd).iterator();
        }, true);
        data.persist(level);
        data.setName(name);
        Totals totals = totals(data);
        return new Loaded(data, totals.examples, totals.bytes, 0, data.getNumPartitions(), totals.weighted,
                totals.digest);
    }

    /**
     * Packs raw {@code examples} (not standardized) into float64 blocks, dense or sparse as their
     * nonzeros suggest ({@link Layout#AUTO}), one {@link PartitionData} per partition with the digest
     * of its examples, caches them at {@code level} and materializes the cache (a data error of a
     * partition is thrown here, in partition order). The blocks hold the examples exactly ({@link
     * BlockPacker#unpack}), so {@link #rawExamples} and {@link #standardize} can take the statistics
     * and pack the standardized blocks from the cache instead of reading and parsing the text again.
     */
    public static Loaded packRaw(JavaRDD<ParsedExample> examples, int nIn, int nOut, int blockRows, StorageLevel level,
                                 String name) {
        return pack(examples, Standardizer.none(), nIn, nOut, blockRows, Layout.AUTO, Precision.FLOAT64, level, name);
    }

    /**
     * {@link #stats(JavaRDD, int, int)} of the examples of the raw blocks {@code raw} ({@link
     * #packRaw}), bit for bit, folded from the blocks without making the examples.
     */
    public static FeatureStats rawStats(JavaRDD<PartitionData> raw, int nIn, int nOut) {
        FeatureStats stats = OrderedAggregate.aggregate(raw, (FeatureStats a, PartitionData pd) -> {
            FeatureStats acc = a;
            for (Block b : pd.blocks()) {
                if (b.rows() > 0) {
                    acc = (acc == null ? new FeatureStats(nIn, nOut) : acc).add(b);
                }
            }
            return acc;
        }, FeatureStats::merge, 2);
        return stats != null ? stats : new FeatureStats(nIn, nOut);
    }

    /** The examples of raw blocks ({@link #packRaw}), in their partitions and order, as read. */
    public static JavaRDD<ParsedExample> rawExamples(JavaRDD<PartitionData> raw) {
        return raw.mapPartitions(it -> new RawIterator(it), true);
    }

    /** The examples of the partitions of raw blocks, partition data by partition data. */
    private static final class RawIterator implements Iterator<ParsedExample> {
        private final Iterator<PartitionData> parts;
        private Iterator<ParsedExample> current = java.util.Collections.emptyIterator();

        RawIterator(Iterator<PartitionData> parts) {
            this.parts = parts;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && parts.hasNext()) {
                current = BlockPacker.unpack(parts.next().blocks());
            }
            return current.hasNext();
        }

        @Override
        public ParsedExample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }

    /**
     * The blocks {@link #pack} makes of the examples of the cached raw blocks {@code raw} ({@link
     * #packRaw}) with {@code standardizer}, bit for bit, in the same partitions and with the same
     * digests, cached at {@code level} and materialized, while {@code raw}'s cache is dropped: the
     * partitions are standardized in waves of a few per core, and each wave's raw blocks are removed
     * once its standardized blocks are cached, so loading holds about one copy of the data (plus a
     * wave) rather than two. Keeps {@code raw}'s count of skipped lines.
     */
    public static Loaded standardize(Loaded raw, Standardizer standardizer, int nIn, int nOut, int blockRows,
                                     Layout layout, Precision precision, StorageLevel level, String name) {
        JavaRDD<PartitionData> data = raw.rdd().mapPartitions(it -> {
            List<PartitionData> out = new ArrayList<>(1);
            while (it.hasNext()) {
                PartitionData r = it.next();
                List<Block> blocks = new ArrayList<>();
                new BlockPacker(nIn, nOut, blockRows, layout, precision)
                        .pack(BlockPacker.unpack(r.blocks()), standardizer::apply).forEachRemaining(blocks::add);
                out.add(new PartitionData(TaskContext.getPartitionId(), blocks.toArray(new Block[0]), r.digest(), null));
            }
            return out.iterator();
        }, true);
        data.persist(level);
        data.setName(name);
        Totals totals = totals(data, raw.rdd());
        raw.rdd().unpersist(false);
        return new Loaded(data, totals.examples, totals.bytes, raw.skipped(), data.getNumPartitions(),
                totals.weighted, totals.digest);
    }

    /**
     * {@code data} in {@code partitions} partitions (fewer than it has): consecutive partitions merged
     * in order ({@link RangeCoalescer}), each merge one {@link PartitionData} whose blocks are those
     * of its parents, in order, and whose index is its new partition index. The merged data are
     * cached at {@code level} and materialized, then {@code data}'s cache is dropped; the blocks
     * themselves are not copied. Returns {@code data} unchanged when it has no more partitions than asked.
     */
    public static Loaded coalesce(Loaded data, int partitions, StorageLevel level) {
        if (partitions >= data.partitions()) {
            return data;
        }
        String name = data.rdd().name();
        data.rdd().setName(name + " (before merging)");
        org.apache.spark.rdd.RDD<PartitionData> grouped = data.rdd().rdd().coalesce(partitions, false,
                scala.Option.apply(new RangeCoalescer()), null);
        JavaRDD<PartitionData> merged = grouped.toJavaRDD().mapPartitions(it -> {
            List<Block> blocks = new ArrayList<>();
            while (it.hasNext()) {
                blocks.addAll(java.util.Arrays.asList(it.next().blocks()));
            }
            return List.of(new PartitionData(TaskContext.getPartitionId(), blocks.toArray(new Block[0]))).iterator();
        }, true);
        merged.persist(level);
        merged.setName(name);
        Totals totals = totals(merged);
        data.rdd().unpersist(false);
        return new Loaded(merged, totals.examples, totals.bytes, data.skipped(), merged.getNumPartitions(),
                totals.weighted, data.digest());
    }

    /** What the job that materializes cached blocks learns of them. */
    private record Totals(long examples, long bytes, long weighted, DataDigest digest) {
    }

    /**
     * One partition's part of {@link Totals}: its counts and digest, or the data error that stopped it.
     * A task result, so a class and not a record: Kryo's field serializer (the scripts' {@code
     * spark.serializer}) cannot write records.
     */
    private static final class PartTotals implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long rows;
        private final long bytes;
        private final long weighted;
        private final DataDigest digest;
        private final DataException failure;

        PartTotals(long rows, long bytes, long weighted, DataDigest digest, DataException failure) {
            this.rows = rows;
            this.bytes = bytes;
            this.weighted = weighted;
            this.digest = digest;
            this.failure = failure;
        }

        long rows() {
            return rows;
        }

        long bytes() {
            return bytes;
        }

        long weighted() {
            return weighted;
        }

        DataDigest digest() {
            return digest;
        }

        DataException failure() {
            return failure;
        }
    }

    /**
     * The examples, bytes and examples of weight {@code > 0} of {@code data}, and the digest of its
     * examples (its partitions' digests in partition order), in the job that materializes it. A
     * partition whose reading failed makes this the driver's data error (the first such partition's,
     * in partition order), after dropping the cache.
     */
    private static Totals totals(JavaRDD<PartitionData> data) {
        return totals(data, null);
    }

    /** Partitions standardized per wave ({@link #standardize}), per core of the default parallelism. */
    static final int WAVE_PER_CORE = 4;

    /**
     * As {@link #totals(JavaRDD)}; with {@code source} not null (the cached RDD that {@code data} is
     * computed from, partition by partition), in waves of {@link #WAVE_PER_CORE} partitions per core,
     * removing {@code source}'s cached blocks of each wave once the wave's job has cached its own.
     */
    private static Totals totals(JavaRDD<PartitionData> data, JavaRDD<PartitionData> source) {
        JavaRDD<PartTotals> each = data.map(pd -> pd.failure() != null ? new PartTotals(0, 0, 0, null, pd.failure())
                : new PartTotals(pd.rows(), pd.sizeInBytes(), pd.weighted(), pd.digest(), null));
        List<PartTotals> parts = new ArrayList<>();
        if (source == null) {
            parts.addAll(each.collect());
        } else {
            int n = data.getNumPartitions();
            int wave = Math.max(1, WAVE_PER_CORE * data.context().defaultParallelism());
            for (int from = 0; from < n; from += wave) {
                int[] ids = java.util.stream.IntStream.range(from, Math.min(n, from + wave)).toArray();
                for (List<PartTotals> l : each.collectPartitions(ids)) {
                    parts.addAll(l);
                }
                for (int id : ids) {
                    org.apache.spark.SparkEnv.get().blockManager().master()
                            .removeBlock(new org.apache.spark.storage.RDDBlockId(source.id(), id));
                }
            }
        }
        long examples = 0;
        long bytes = 0;
        long weighted = 0;
        DataDigest digest = new DataDigest();
        for (PartTotals p : parts) {
            if (p.failure() != null) {
                data.unpersist(false);
                throw p.failure();
            }
            examples += p.rows();
            bytes += p.bytes();
            weighted += p.weighted();
            digest = p.digest() == null ? digest : digest.then(p.digest());
        }
        return new Totals(examples, bytes, weighted, digest);
    }

    /**
     * The examples of {@code s} in input order (every line kept, partitions as Hadoop splits the input,
     * never reshuffled), with inputs standardized by {@code in} (may be null). {@code rewrite}, if not
     * null, is applied to every line before it is parsed.
     */
    public JavaRDD<ParsedExample> examplesInOrder(Source s, Transform in, LineRewrite rewrite) {
        return read(s, Holdout.ALL, new Standardizer(in, null), new Counters(null, null), rewrite);
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

    /** The parsed, kept and (optionally) standardized examples of {@code s}, partitioned as requested. */
    private JavaRDD<ParsedExample> examples(Source s, Holdout holdout, Standardizer standardizer,
                                           LongAccumulator skipped, LoadProgress.Meter meter) {
        int want = s.partitions() > 0 ? s.partitions() : sc.defaultParallelism();
        JavaRDD<ParsedExample> parsed = read(s, holdout, standardizer, new Counters(skipped, meter), null);
        int have = parsed.getNumPartitions();
        if (s.partitions() > 0 && have > s.partitions()) {
            parsed = parsed.coalesce(s.partitions());
        } else if (have < want) {
            parsed = parsed.repartition(want);
        }
        return parsed;
    }

    /** One pass over the text of {@code s}: parse, locate errors, keep and standardize, per input split. */
    private JavaRDD<ParsedExample> read(Source s, Holdout holdout, Standardizer standardizer, Counters counters,
                                        LineRewrite rewrite) {
        int want = s.partitions() > 0 ? s.partitions() : sc.defaultParallelism();
        @SuppressWarnings("unchecked")
        JavaHadoopRDD<LongWritable, Text> raw = (JavaHadoopRDD<LongWritable, Text>) sc.hadoopFile(
                s.path(), TextInputFormat.class, LongWritable.class, Text.class, want);
        Broadcast<SerializableConfiguration> conf = hadoopConf();
        LineParser parser = s.parser();
        boolean skipBad = s.skipBad();
        return raw.mapPartitionsWithInputSplit((split, lines) -> {
            String file = ((FileSplit) split).getPath().toString();
            return new ParsingIterator(lines, parser, rewrite, file, holdout, standardizer, skipBad, counters, conf);
        }, true);
    }

    /** What a pass over the text counts: skipped bad lines and lines read; either may be null. */
    private record Counters(LongAccumulator skipped, LoadProgress.Meter meter) implements Serializable {
    }

    /**
     * Lines of one input split to examples, attaching file and line to errors. The first data error
     * ends the split as a {@linkplain ParsedExample#failed failed example} rather than an exception.
     */
    private static final class ParsingIterator implements Iterator<ParsedExample> {
        private final Iterator<Tuple2<LongWritable, Text>> lines;
        private final LineParser parser;
        private final LineRewrite rewrite;
        private final String file;
        private final long fileKey;
        private final Holdout holdout;
        private final Standardizer standardizer;
        private final boolean skipBad;
        private final LongAccumulator skipped;
        private final LoadProgress.Meter meter;
        private final Broadcast<SerializableConfiguration> conf;
        private ParsedExample next;
        private boolean failed;

        ParsingIterator(Iterator<Tuple2<LongWritable, Text>> lines, LineParser parser,
                        LineRewrite rewrite, String file, Holdout holdout,
                        Standardizer standardizer, boolean skipBad, Counters counters,
                        Broadcast<SerializableConfiguration> conf) {
            this.lines = lines;
            this.parser = parser;
            this.rewrite = rewrite;
            this.file = file;
            this.fileKey = Holdout.fileKey(file);
            this.holdout = holdout;
            this.standardizer = standardizer;
            this.skipBad = skipBad;
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
                    if (skipBad && ex.isRecordError()) {
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
                if (e == null || !holdout.keepsAt(fileKey, offset)) {
                    continue;
                }
                next = standardizer == null ? e : standardizer.apply(e);
            }
            return next != null;
        }

        /** The example of {@code text}: straight from its bytes when it is a plain line, else from its String. */
        private ParsedExample parse(Text text) {
            if (rewrite == null) {
                ParsedExample e = parser.parsePlain(text.getBytes(), text.getLength());
                if (e != null) {
                    return e;
                }
                return parser.parse(text.toString());
            }
            return parser.parse(rewrite.apply(text.toString()));
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
