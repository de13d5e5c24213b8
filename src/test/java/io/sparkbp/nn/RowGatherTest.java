package io.sparkbp.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowGatherTest {
    private static Block dense(double base, boolean weighted) {
        // 3 inputs, 2 outputs, 2 rows
        double[] x = {base, 0, base + 1, 0, base + 2, 0};
        double[] t = {1, 0, 0, 1};
        return Block.dense(2, 3, 2, x, t, weighted ? new double[] {0.5, 2} : null);
    }

    private static Block sparse(double base) {
        return Block.sparse(2, 3, 2, new int[] {0, 1, 3}, new int[] {2, 0, 1}, new double[] {base, base + 1, base + 2},
                new double[] {0, 1, 1, 0}, null);
    }

    private static void assertRow(Block out, int i, Block in, int n) {
        for (int j = 0; j < in.inputs(); j++) {
            assertEquals(in.input(n, j), out.input(i, j), "input " + j + " of row " + i);
        }
        for (int k = 0; k < in.outputs(); k++) {
            assertEquals(in.t()[n * in.outputs() + k], out.t()[i * out.outputs() + k], "target " + k + " of row " + i);
        }
        assertEquals(in.weight(n), out.weight(i), "weight of row " + i);
    }

    @Test
    void denseRowsStayDenseInTheGivenOrder() {
        Block[] blocks = {dense(1, false), dense(10, true)};
        Block g = RowGather.gather(blocks, new int[] {1, 0, 1}, new int[] {1, 0, 0}, 3);
        assertFalse(g.isSparse());
        assertEquals(3, g.rows());
        assertRow(g, 0, blocks[1], 1);
        assertRow(g, 1, blocks[0], 0);
        assertRow(g, 2, blocks[1], 0);
        assertFalse(g.unweighted());
    }

    @Test
    void anySparseRowMakesASparseBlockWithTheSameValues() {
        Block[] blocks = {dense(1, false), sparse(5)};
        Block g = RowGather.gather(blocks, new int[] {0, 1, 1, 0}, new int[] {1, 0, 1, 0}, 4);
        assertTrue(g.isSparse());
        assertRow(g, 0, blocks[0], 1);
        assertRow(g, 1, blocks[1], 0);
        assertRow(g, 2, blocks[1], 1);
        assertRow(g, 3, blocks[0], 0);
        assertTrue(g.unweighted());
    }

    @Test
    void singlePrecisionBlocksGatherInSinglePrecision() {
        Block[] blocks = {dense(1.5, false).withPrecision(Precision.FLOAT32), sparse(2.25).withPrecision(Precision.FLOAT32)};
        Block d = RowGather.gather(blocks, new int[] {0, 0}, new int[] {1, 0}, 2);
        assertEquals(Precision.FLOAT32, d.precision());
        assertRow(d, 0, blocks[0], 1);
        Block s = RowGather.gather(blocks, new int[] {1, 0}, new int[] {1, 1}, 2);
        assertEquals(Precision.FLOAT32, s.precision());
        assertTrue(s.isSparse());
        assertRow(s, 0, blocks[1], 1);
        assertRow(s, 1, blocks[0], 1);
    }
}
