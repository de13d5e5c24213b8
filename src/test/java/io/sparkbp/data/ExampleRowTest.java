package io.sparkbp.data;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import io.sparkbp.testing.BlockAssertions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A reused {@link ExampleRow} digested, counted, standardized and packed gives, bit for bit, what the
 * same examples as {@link ParsedExample}s give: the row path of a pass over text changes no result.
 */
class ExampleRowTest {
    private static final int N_IN = 9;
    private static final int N_OUT = 3;

    /** Standardizers of every kind the loaders make: none, scaling, centering all or some features, targets, class weights. */
    private static List<Standardizer> standardizers(List<ParsedExample> examples) {
        FeatureStats stats = new FeatureStats(N_IN, N_OUT);
        examples.forEach(stats::add);
        boolean[] some = new boolean[N_IN];
        some[2] = true;
        some[7] = true;
        ClassWeights cw = ClassWeights.balanced(stats, OutputKind.SOFTMAX, N_OUT);
        return List.of(Standardizer.none(), new Standardizer(stats.inputTransform(false), null),
                new Standardizer(stats.inputTransform(true), null),
                new Standardizer(stats.inputTransform(some, true), stats.targetTransform()),
                new Standardizer(stats.inputTransform(true), stats.targetTransform(), cw),
                new Standardizer(null, null, cw));
    }

    @Test
    void rowsGiveTheBlocksDigestsAndStatisticsOfExamples() {
        for (double density : new double[] {0.0, 0.1, 0.5, 1.0}) {
            List<ParsedExample> examples = BlockPackerTest.examples(300, N_IN, N_OUT, density, true, 5);
            for (Standardizer st : standardizers(examples)) {
                for (Layout layout : Layout.values()) {
                    for (Precision precision : Precision.values()) {
                        assertSamePass(examples, st, new BlockPacker.Spec(N_IN, N_OUT, 32, layout, precision),
                                density + " " + st + " " + layout + " " + precision);
                    }
                }
            }
        }
    }

    private static void assertSamePass(List<ParsedExample> examples, Standardizer st, BlockPacker.Spec spec, String what) {
        BlockPacker byExample = new BlockPacker(spec);
        BlockPacker byRow = new BlockPacker(spec);
        DataDigest digestE = new DataDigest();
        DataDigest digestR = new DataDigest();
        FeatureStats statsE = new FeatureStats(N_IN, N_OUT);
        FeatureStats statsR = new FeatureStats(N_IN, N_OUT);
        List<Block> blocksE = new ArrayList<>();
        List<Block> blocksR = new ArrayList<>();
        ExampleRow row = new ExampleRow(N_IN, N_OUT);
        for (ParsedExample original : examples) {
            ParsedExample e = copy(original);
            row.set(original);
            digestE.add(e);
            digestR.add(row);
            statsE.add(e);
            statsR.add(row);
            add(blocksE, byExample.add(st.apply(e)));
            add(blocksR, byRow.add(st.applyTo(row)));
        }
        add(blocksE, byExample.flush());
        add(blocksR, byRow.flush());
        assertEquals(blocksE.size(), blocksR.size(), what);
        for (int b = 0; b < blocksE.size(); b++) {
            BlockAssertions.assertSameBlock(blocksE.get(b), blocksR.get(b));
        }
        assertEquals(digestE.features() + digestE.labels() + digestE.weights(),
                digestR.features() + digestR.labels() + digestR.weights(), what);
        assertSameTransform(statsE.inputTransform(true), statsR.inputTransform(true));
        assertSameTransform(statsE.targetTransform(), statsR.targetTransform());
        assertEquals(statsE.count(), statsR.count());
    }

    private static void add(List<Block> blocks, Block b) {
        if (b != null) {
            blocks.add(b);
        }
    }

    private static ParsedExample copy(ParsedExample e) {
        return new ParsedExample(e.indices().clone(), e.values().clone(), e.targets().clone(), e.weight());
    }

    private static void assertSameTransform(Transform a, Transform b) {
        for (int j = 0; j < a.size(); j++) {
            assertEquals(Double.doubleToLongBits(a.apply(j, 0.0)), Double.doubleToLongBits(b.apply(j, 0.0)));
            assertEquals(Double.doubleToLongBits(a.apply(j, 1.0)), Double.doubleToLongBits(b.apply(j, 1.0)));
        }
    }

    @Test
    void aRowIsOverwrittenWholeByTheNextExample() {
        ExampleRow row = new ExampleRow(40, 2);
        SplittableRandom rng = new SplittableRandom(3);
        LineParser parser = LineParser.libsvm(40, 2, OutputKind.SOFTMAX);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder line = new StringBuilder().append(rng.nextInt(2));
            for (int j = 1; j <= 40; j++) {
                if (rng.nextInt(40) < 1 + n % 40) {
                    line.append(' ').append(j).append(':').append(rng.nextInt(3) - 1);
                }
            }
            byte[] b = line.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ParsedExample want = parser.parse(line.toString());
            assertEquals(true, parser.parsePlain(b, b.length, row), line.toString());
            ParsedExample got = row.toExample();
            assertArrayEquals(want.indices(), got.indices(), line.toString());
            assertArrayEquals(want.values(), got.values(), line.toString());
            assertArrayEquals(want.targets(), got.targets(), line.toString());
        }
    }

    @Test
    void aRowOfOtherShapeIsRefused() {
        ExampleRow row = new ExampleRow(3, 1);
        assertThrows(IllegalArgumentException.class,
                () -> row.set(ParsedExample.dense(new double[] {1, 2, 3, 4}, new double[] {1})));
        assertThrows(IllegalArgumentException.class,
                () -> row.set(ParsedExample.dense(new double[] {1, 2, 3}, new double[] {1, 0})));
        byte[] line = "1 1:2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(false, LineParser.libsvm(4, 1, OutputKind.LOGISTIC).parsePlain(line, line.length, row));
    }
}
