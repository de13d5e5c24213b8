package io.sparkbp.testing;

import io.sparkbp.nn.Block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Assertions on packed blocks, shared by the tests of the packers and the loaders. */
public final class BlockAssertions {
    private BlockAssertions() {
    }

    /** {@code a} and {@code b} store the same rows, bit for bit: layout, values, targets and weights. */
    public static void assertSameBlock(Block a, Block b) {
        assertEquals(a.isSparse(), b.isSparse());
        assertEquals(a.rows(), b.rows());
        assertArrayEquals(a.x(), b.x());
        assertArrayEquals(a.xFloat(), b.xFloat());
        assertArrayEquals(a.colPtr(), b.colPtr());
        assertArrayEquals(a.indices(), b.indices());
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(a.valuesFloat(), b.valuesFloat());
        assertArrayEquals(a.t(), b.t());
        assertEquals(a.unweighted(), b.unweighted());
        for (int r = 0; r < a.rows(); r++) {
            assertEquals(Double.doubleToLongBits(a.weight(r)), Double.doubleToLongBits(b.weight(r)));
        }
    }
}
