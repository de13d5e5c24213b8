package io.sparkbp.spark;

import io.sparkbp.cli.CliHarness;
import io.sparkbp.data.BlockPacker;
import io.sparkbp.data.DataDigest;
import io.sparkbp.data.DataException;
import io.sparkbp.data.FeatureStats;
import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.data.Standardizer;
import io.sparkbp.data.Transform;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.sparkbp.testing.BlockAssertions.assertSameBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parsing text straight into reused rows (no example object per line) gives, bit for bit, the blocks,
 * digests, statistics, skip counts and data errors that parsing into examples and packing them gives:
 * plain lines, lines for the general parser, hold-outs, standardizers, bad lines skipped or fatal.
 */
class RowPathTest {
    static JavaSparkContext sc;
    private static final int N_IN = 12;
    private static final int N_OUT = 3;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSpark() {
        sc = CliHarness.startSpark("RowPathTest");
    }

    @AfterAll
    static void stopSpark() {
        CliHarness.stopSpark(sc);
    }

    /** {@code rows} lines: mostly plain, some only the general parser reads, some blank or comments, and {@code bad} bad ones. */
    private static String text(int rows, int bad, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("\uFEFF# a header comment\n");
        for (int i = 0; i < rows; i++) {
            int kind = rng.nextInt(20);
            StringBuilder line = new StringBuilder().append(rng.nextInt(N_OUT));
            List<Integer> features = new ArrayList<>();
            for (int j = 1; j <= N_IN; j++) {
                if (rng.nextInt(i < rows / 2 ? 10 : 3) != 0) {
                    features.add(j);
                }
            }
            if (kind == 0) {
                java.util.Collections.reverse(features); // unsorted: the general parser's
            }
            for (int j : features) {
                String v = rng.nextInt(8) == 0 ? "0" : Double.toString(rng.nextGaussian() * 100);
                line.append(rng.nextInt(9) == 0 ? "\t" : " ").append(j).append(':').append(v);
            }
            if (kind == 1) {
                line.append(" # trailing comment");
            }
            if (kind == 2) {
                line.append('\r');
            }
            if (kind == 3) {
                sb.append("\n   \n# c\n");
            }
            if (bad > 0 && rng.nextInt(rows) < bad) {
                line.append(" 99:1"); // index out of range
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static DataLoader.Source source(DataLoader loader, String glob, boolean skipBad, int blockRows) {
        return loader.resolve(new DataLoader.Source(glob, "data.train",
                new DataLoader.Lines(Format.LIBSVM, N_IN, N_OUT, OutputKind.SOFTMAX),
                new DataLoader.CsvColumns(List.of(), "", null),
                new DataLoader.Reading(skipBad, 0, blockRows, Layout.AUTO, StorageLevel.MEMORY_ONLY())));
    }

    private static String write(String name, String... files) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int f = 0; f < files.length; f++) {
            Files.writeString(d.resolve("part-" + f + ".libsvm"), files[f], StandardCharsets.UTF_8);
        }
        return d.toAbsolutePath() + "/*.libsvm";
    }

    @Test
    void rowsGiveWhatExamplesGive() throws IOException {
        String glob = write("good", text(700, 0, 1), text(500, 0, 2), text(90, 0, 3));
        DataLoader loader = new DataLoader(sc);
        DataLoader.Source s = source(loader, glob, false, 32);
        FeatureStats all = loader.stats(s, DataLoader.Holdout.ALL);
        assertSameStats(DataLoader.stats(loader.examples(s, DataLoader.Holdout.ALL, null), N_IN, N_OUT), all);
        Transform center = all.inputTransform(true);
        Transform scale = all.inputTransform(false);
        for (DataLoader.Holdout h : new DataLoader.Holdout[] {DataLoader.Holdout.ALL,
                new DataLoader.Holdout(0.3, 7, false), new DataLoader.Holdout(0.3, 7, true)}) {
            assertSameStats(DataLoader.stats(loader.examples(s, h, null), N_IN, N_OUT), loader.stats(s, h));
            for (Standardizer st : new Standardizer[] {Standardizer.none(), new Standardizer(center, null),
                    new Standardizer(scale, null)}) {
                for (Precision p : Precision.values()) {
                    BlockPacker.Spec spec = new BlockPacker.Spec(N_IN, N_OUT, 32, Layout.AUTO, p);
                    assertSamePartitions(loader, s, h, st, spec);
                }
            }
        }
    }

    @Test
    void skippedAndFatalBadLinesAreTheSame() throws IOException {
        String glob = write("bad", text(400, 12, 4), text(300, 9, 5));
        DataLoader loader = new DataLoader(sc);
        BlockPacker.Spec spec = new BlockPacker.Spec(N_IN, N_OUT, 16, Layout.AUTO, Precision.FLOAT64);
        long[] counts = assertSamePartitions(loader, source(loader, glob, true, 16), DataLoader.Holdout.ALL,
                Standardizer.none(), spec);
        assertTrue(counts[0] > 0 && counts[0] == counts[1], counts[0] + " / " + counts[1]);
        DataLoader.Source fatal = source(loader, glob, false, 16);
        assertSamePartitions(loader, fatal, DataLoader.Holdout.ALL, Standardizer.none(), spec);
        DataException byRows = loader.blocks(fatal, DataLoader.Holdout.ALL, Standardizer.none(), spec, null, null)
                .collect().get(0).failure();
        assertNotNull(byRows);
        assertTrue(byRows.getMessage().contains("part-0.libsvm"), byRows.getMessage());
        assertTrue(byRows.getMessage().contains("out of range"), byRows.getMessage());
        DataException stats = org.junit.jupiter.api.Assertions.assertThrows(DataException.class,
                () -> loader.stats(fatal, DataLoader.Holdout.ALL));
        assertEquals(byRows.getMessage(), stats.getMessage());
    }

    @Test
    void bothPassesCountEveryByteReadForTheProgressLines() throws IOException {
        String[] files = {text(300, 0, 6), text(200, 0, 7)};
        String glob = write("metered", files);
        long bytes = 0;
        for (String f : files) {
            bytes += f.getBytes(StandardCharsets.UTF_8).length;
        }
        DataLoader loader = new DataLoader(sc);
        DataLoader.Source s = source(loader, glob, false, 16);
        BlockPacker.Spec spec = new BlockPacker.Spec(N_IN, N_OUT, 16, Layout.AUTO, Precision.FLOAT64);
        LoadProgress.Meter stats = new LoadProgress.Meter(sc.sc().longAccumulator(), sc.sc().longAccumulator());
        loader.stats(s, DataLoader.Holdout.ALL, stats);
        LoadProgress.Meter packing = new LoadProgress.Meter(sc.sc().longAccumulator(), sc.sc().longAccumulator());
        loader.blocks(s, DataLoader.Holdout.ALL, Standardizer.none(), spec, null, packing).count();
        // each line and one line break: a CRLF counts one byte, and Hadoop drops a file's byte-order mark
        assertTrue(packing.bytesRead() > 0.99 * bytes && packing.bytesRead() <= bytes, packing.bytesRead() + " of " + bytes);
        assertEquals(packing.bytesRead(), stats.bytesRead());
    }

    /** Compares both paths' partitions; returns the lines each skipped. */
    private static long[] assertSamePartitions(DataLoader loader, DataLoader.Source s, DataLoader.Holdout h,
                                               Standardizer st, BlockPacker.Spec spec) {
        LongAccumulator skippedRows = sc.sc().longAccumulator();
        LongAccumulator skippedExamples = sc.sc().longAccumulator();
        List<PartitionData> rows = loader.blocks(s, h, st, spec, skippedRows, null).collect();
        List<PartitionData> examples = BlockCache.packed(loader.examples(s, h, skippedExamples), st, spec).collect();
        assertTrue(rows.size() >= sc.defaultParallelism());
        assertEquals(examples.size(), rows.size());
        for (int p = 0; p < rows.size(); p++) {
            PartitionData a = examples.get(p);
            PartitionData b = rows.get(p);
            assertEquals(a.partition(), b.partition());
            assertEquals(a.failure() == null ? null : a.failure().getMessage(),
                    b.failure() == null ? null : b.failure().getMessage());
            if (a.failure() != null) {
                continue; // a failed partition holds nothing else
            }
            assertEquals(digest(a.digest()), digest(b.digest()));
            assertEquals(a.blocks().length, b.blocks().length);
            for (int k = 0; k < a.blocks().length; k++) {
                assertSameBlock(a.blocks()[k], b.blocks()[k]);
            }
        }
        return new long[] {skippedExamples.value(), skippedRows.value()};
    }

    private static String digest(DataDigest d) {
        return d == null ? null : d.labels() + d.features() + d.weights();
    }

    private static void assertSameStats(FeatureStats a, FeatureStats b) {
        assertEquals(a.count(), b.count());
        Transform ta = a.inputTransform(true);
        Transform tb = b.inputTransform(true);
        for (int j = 0; j < N_IN; j++) {
            assertEquals(Double.doubleToLongBits(ta.apply(j, 1.0)), Double.doubleToLongBits(tb.apply(j, 1.0)));
            assertEquals(Double.doubleToLongBits(ta.apply(j, 0.0)), Double.doubleToLongBits(tb.apply(j, 0.0)));
            assertEquals(Double.doubleToLongBits(a.inputNonzeros(j)), Double.doubleToLongBits(b.inputNonzeros(j)));
        }
    }
}
