package io.sparkbp.data;

import io.sparkbp.nn.Block;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.nn.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import static io.sparkbp.testing.BlockAssertions.assertSameBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockPackerTest {
    /** Random examples with about {@code density} nonzeros and, optionally, some weights != 1. */
    static List<ParsedExample> examples(int n, int nIn, int nOut, double density, boolean weights, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<ParsedExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> idx = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (int j = 0; j < nIn; j++) {
                if (rng.nextDouble() < density) {
                    idx.add(j);
                    val.add(rng.nextDouble() * 10 - 5);
                }
            }
            double[] t = new double[nOut];
            t[rng.nextInt(nOut)] = 1.0;
            out.add(new ParsedExample(idx.stream().mapToInt(Integer::intValue).toArray(),
                    val.stream().mapToDouble(Double::doubleValue).toArray(), t,
                    weights && i % 3 == 1 ? 0.5 + i : 1.0));
        }
        return out;
    }

    static void assertRoundTrip(List<ParsedExample> ex, List<Block> blocks, int nIn, int nOut) {
        int r = 0;
        for (Block b : blocks) {
            assertEquals(nIn, b.inputs());
            assertEquals(nOut, b.outputs());
            for (int n = 0; n < b.rows(); n++, r++) {
                ParsedExample e = ex.get(r);
                for (int j = 0; j < nIn; j++) {
                    assertEquals(e.feature(j), b.input(n, j), 0.0, "row " + r + " feature " + j);
                }
                for (int k = 0; k < nOut; k++) {
                    assertEquals(e.targets()[k], b.t()[n * nOut + k], 0.0);
                }
                assertEquals(e.weight(), b.weight(n), 0.0);
            }
        }
        assertEquals(ex.size(), r);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void roundTripAllLayouts(Layout layout) {
        int nIn = 13;
        int nOut = 4;
        for (double density : new double[] {0.05, 0.2, 0.6, 1.0}) {
            List<ParsedExample> ex = examples(23, nIn, nOut, density, true, 42);
            BlockPacker packer = new BlockPacker(nIn, nOut, 5, layout);
            List<Block> blocks = new ArrayList<>();
            packer.pack(ex.iterator()).forEachRemaining(blocks::add);
            assertEquals(5, blocks.size());
            assertArrayEquals(new int[] {5, 5, 5, 5, 3}, blocks.stream().mapToInt(Block::rows).toArray());
            assertEquals(5, packer.blocksEmitted());
            assertRoundTrip(ex, blocks, nIn, nOut);
            for (Block b : blocks) {
                if (layout == Layout.DENSE) {
                    assertFalse(b.isSparse());
                } else if (layout == Layout.SPARSE) {
                    assertTrue(b.isSparse());
                }
            }
        }
    }

    @Test
    void exactlySizedArrays() {
        List<ParsedExample> ex = examples(7, 9, 2, 0.3, false, 1);
        long nnz = ex.stream().mapToLong(ParsedExample::nonzeros).sum();
        Block sparse = new BlockPacker(9, 2, 100, Layout.SPARSE).pack(ex.iterator()).next();
        assertEquals(7, sparse.rows());
        assertEquals(8, sparse.colPtr().length);
        assertEquals(nnz, sparse.indices().length);
        assertEquals(nnz, sparse.values().length);
        assertEquals(14, sparse.t().length);
        assertTrue(sparse.unweighted());
        assertEquals(8L * 14 + 4L * 8 + 12L * nnz, sparse.sizeInBytes());
        Block dense = new BlockPacker(9, 2, 100, Layout.DENSE).pack(ex.iterator()).next();
        assertEquals(63, dense.x().length);
        assertEquals(14, dense.t().length);
    }

    @Test
    void autoDecidesPerBlock() {
        int nIn = 10;
        List<ParsedExample> ex = new ArrayList<>();
        // block 1: 2 nonzeros per row of 10 -> 20% -> sparse; block 2: 3 per row -> 30% -> dense
        for (int i = 0; i < 4; i++) {
            ex.add(ParsedExample.dense(new double[] {1, 0, 0, 2, 0, 0, 0, 0, 0, 0}, new double[] {1}));
        }
        for (int i = 0; i < 4; i++) {
            ex.add(ParsedExample.dense(new double[] {1, 0, 0, 2, 0, 0, 0, 0, 0, 3}, new double[] {0}));
        }
        BlockPacker packer = new BlockPacker(nIn, 1, 4, Layout.AUTO);
        Iterator<Block> it = packer.pack(ex.iterator());
        Block b1 = it.next();
        Block b2 = it.next();
        assertFalse(it.hasNext());
        assertTrue(b1.isSparse());
        assertFalse(b2.isSparse());
        assertTrue(BlockPacker.useSparse(Layout.AUTO, 24, 10, 10));
        assertFalse(BlockPacker.useSparse(Layout.AUTO, 25, 10, 10));
        assertRoundTrip(ex, List.of(b1, b2), nIn, 1);
    }

    /**
     * Unpacking raw float64 blocks gives back the examples, bit for bit and with arrays of their own, and
     * packing them again with a standardizer gives exactly the blocks that packing the examples with it
     * gives: what loading does with its cached raw blocks instead of parsing the text a second time.
     */
    @ParameterizedTest
    @EnumSource(Layout.class)
    void rawBlocksUnpackToTheExamplesAndRepackIntoTheSameStandardizedBlocks(Layout layout) {
        for (double density : new double[] {0.05, 0.6, 1.0}) {
            List<ParsedExample> ex = examples(23, 7, 3, density, true, 11);
            List<Block> raw = new ArrayList<>();
            new BlockPacker(7, 3, 5, Layout.AUTO).pack(ex.iterator()).forEachRemaining(raw::add);
            List<ParsedExample> back = new ArrayList<>();
            unpacked(raw).forEachRemaining(back::add);
            assertEquals(ex.size(), back.size());
            for (int i = 0; i < ex.size(); i++) {
                assertEquals(ex.get(i).toString(), back.get(i).toString(), "example " + i);
                assertArrayEquals(ex.get(i).indices(), back.get(i).indices());
                assertArrayEquals(ex.get(i).values(), back.get(i).values());
                ParsedExample e = back.get(i);
                assertTrue(raw.stream().noneMatch(b -> b.values() == e.values() || b.x() == e.values() || b.t() == e.targets()),
                        "example " + i + " shares an array with its block");
            }
            FeatureStats stats = new FeatureStats(7, 3);
            ex.forEach(stats::add);
            Standardizer st = new Standardizer(stats.inputTransform(Standardizer.centeredFeatures(layout, stats), true),
                    stats.targetTransform());
            for (Precision p : Precision.values()) {
                List<Block> direct = new ArrayList<>();
                new BlockPacker(7, 3, 4, layout, p).pack(examples(23, 7, 3, density, true, 11).iterator(), st::apply)
                        .forEachRemaining(direct::add);
                List<Block> again = new ArrayList<>();
                new BlockPacker(7, 3, 4, layout, p).pack(unpacked(raw), st::apply)
                        .forEachRemaining(again::add);
                assertEquals(direct.size(), again.size());
                for (int b = 0; b < direct.size(); b++) {
                    assertSameBlock(direct.get(b), again.get(b));
                }
            }
        }
    }

    @Test
    void float32BlocksCannotBeUnpacked() {
        List<Block> raw = new ArrayList<>();
        new BlockPacker(7, 3, 5, Layout.AUTO, Precision.FLOAT32)
                .pack(examples(6, 7, 3, 0.5, false, 3).iterator()).forEachRemaining(raw::add);
        assertThrows(IllegalArgumentException.class, () -> BlockPacker.unpack(raw.get(0), 0, new ExampleRow(7, 3)));
        List<Block> raw64 = new ArrayList<>();
        new BlockPacker(7, 3, 5, Layout.AUTO).pack(examples(6, 7, 3, 0.5, false, 3).iterator()).forEachRemaining(raw64::add);
        assertThrows(IllegalArgumentException.class, () -> BlockPacker.unpack(raw64.get(0), 0, new ExampleRow(8, 3)));
    }

    /** The examples of raw float64 {@code blocks} in order, each unpacked into a row and copied out of it. */
    private static Iterator<ParsedExample> unpacked(List<Block> blocks) {
        List<ParsedExample> out = new ArrayList<>();
        ExampleRow row = new ExampleRow(blocks.get(0).inputs(), blocks.get(0).outputs());
        for (Block b : blocks) {
            for (int r = 0; r < b.rows(); r++) {
                out.add(BlockPacker.unpack(b, r, row).toExample());
            }
        }
        return out.iterator();
    }

    @Test
    void veryWideSparseDataPack() {
        int nIn = 50_000_000; // 64 pending rows of it overflow an int
        BlockPacker packer = new BlockPacker(nIn, 1, 256, Layout.AUTO);
        assertNull(packer.add(new ParsedExample(new int[] {3, nIn - 1}, new double[] {1.5, -2}, new double[] {1}, 1)));
        Block b = packer.flush();
        assertTrue(b.isSparse());
        assertArrayEquals(new int[] {3, nIn - 1}, b.indices());
    }

    @Test
    void eachBlockStoresWeightsOnlyWhenOneOfItsOwnExamplesHasOne() {
        BlockPacker packer = new BlockPacker(2, 1, 2, Layout.AUTO);
        double[] x = {1, 0};
        assertNull(packer.add(new ParsedExample(new int[] {0}, new double[] {1}, new double[] {1}, 2.5)));
        Block weighted = packer.add(ParsedExample.dense(x, new double[] {0}));
        assertFalse(weighted.unweighted());
        assertEquals(2.5, weighted.weight(0));
        assertEquals(1.0, weighted.weight(1));
        assertNull(packer.add(ParsedExample.dense(x, new double[] {1})));
        assertTrue(packer.add(ParsedExample.dense(x, new double[] {0})).unweighted());
    }

    @Test
    void addAndFlush() {
        BlockPacker packer = new BlockPacker(3, 1, 2, Layout.DENSE);
        assertNull(packer.flush());
        ParsedExample a = ParsedExample.dense(new double[] {1, 2, 3}, new double[] {0.5});
        assertNull(packer.add(a));
        assertEquals(1, packer.pending());
        Block full = packer.add(a);
        assertEquals(2, full.rows());
        assertEquals(0, packer.pending());
        assertNull(packer.add(a));
        Block rest = packer.flush();
        assertEquals(1, rest.rows());
        assertArrayEquals(new double[] {1, 2, 3}, rest.x(), 0.0);
        assertNull(packer.flush());
    }

    @Test
    void iteratorFromLinesSkipsNulls() {
        LineParser parser = LineParser.libsvm(4, 3, OutputKind.SOFTMAX);
        List<String> lines = List.of("# header comment", "0 1:1", "", "1 2:2", "2 3:3 4:4\r", "   ", "1 4:1");
        BlockPacker packer = new BlockPacker(4, 3, 3, Layout.AUTO);
        Iterator<Block> it = packer.pack(lines.iterator(), parser::parse);
        assertTrue(it.hasNext());
        assertTrue(it.hasNext()); // idempotent
        Block b1 = it.next();
        Block b2 = it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertEquals(3, b1.rows());
        assertEquals(1, b2.rows());
        assertEquals(3.0, b1.input(2, 2));
        assertEquals(4.0, b1.input(2, 3));
        assertEquals(1.0, b2.input(0, 3));
        assertEquals(1.0, b2.t()[1]);
    }

    @Test
    void iteratorOverNothing() {
        Iterator<Block> it = new BlockPacker(4, 1, 3, Layout.AUTO).pack(List.<ParsedExample>of().iterator());
        assertFalse(it.hasNext());
    }

    @Test
    void parseErrorsPropagateFromHasNext() {
        LineParser parser = LineParser.libsvm(4, 3, OutputKind.SOFTMAX);
        Iterator<Block> it = new BlockPacker(4, 3, 3, Layout.AUTO)
                .pack(List.of("0 1:1", "7 1:1").iterator(), parser::parse);
        DataException e = assertThrows(DataException.class, it::hasNext);
        assertEquals("class label 7 is out of range in '7'; expected a class id 0..2 (model.outputs=3)", e.getMessage());
    }

    @Test
    void checks() {
        assertThrows(IllegalArgumentException.class, () -> new BlockPacker(0, 1, 1, Layout.AUTO));
        assertThrows(IllegalArgumentException.class, () -> new BlockPacker(1, 1, 0, Layout.AUTO));
        assertThrows(IllegalArgumentException.class, () -> new BlockPacker(1, 1, 1, null));
        assertThrows(IllegalArgumentException.class, () -> new BlockPacker(100_000, 1, 100_000, Layout.DENSE));
        // auto and sparse may have huge nIn x blockRows
        BlockPacker huge = new BlockPacker(100_000_000, 1, 1000, Layout.AUTO);
        Block b = huge.add(new ParsedExample(new int[] {99_999_999}, new double[] {2}, new double[] {1}, 1));
        assertNull(b);
        Block flushed = huge.flush();
        assertTrue(flushed.isSparse());
        assertEquals(2.0, flushed.input(0, 99_999_999));
        BlockPacker p = new BlockPacker(3, 2, 4, Layout.AUTO);
        assertThrows(IllegalArgumentException.class,
                () -> p.add(new ParsedExample(new int[] {3}, new double[] {1}, new double[2], 1)));
        assertThrows(IllegalArgumentException.class,
                () -> p.add(new ParsedExample(new int[] {1}, new double[] {1}, new double[3], 1)));
        assertSame(Layout.AUTO, p.layout());
        assertEquals(4, p.blockRows());
    }

    @Test
    void parsedExampleChecks() {
        double[] t = {1};
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[] {2, 1}, new double[2], t, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[] {1, 1}, new double[2], t, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[] {-1}, new double[1], t, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[] {1}, new double[2], t, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[] {1}, new double[] {Double.NaN}, t, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[0], new double[0], new double[] {Double.POSITIVE_INFINITY}, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[0], new double[0], t, -1));
        assertThrows(IllegalArgumentException.class, () -> new ParsedExample(new int[0], new double[0], t, Double.NaN));
        ParsedExample d = ParsedExample.dense(new double[] {0, 3, 0, 4}, t);
        assertArrayEquals(new int[] {1, 3}, d.indices());
        assertArrayEquals(new double[] {0, 3, 0, 4}, d.denseFeatures(4), 0.0);
        assertEquals("[1.0] 1:3.0 3:4.0", d.toString());
    }
}
