package io.sparkbp.spark;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowOrderTest {
    @Test
    void isAPermutationForEverySize() {
        for (long n : new long[] {1, 2, 3, 4, 5, 7, 16, 17, 100, 255, 256, 257, 1000, 4097}) {
            for (long key : new long[] {0, 1, -7, 123456789L}) {
                RowOrder order = new RowOrder(n, key);
                BitSet seen = new BitSet();
                for (long i = 0; i < n; i++) {
                    long j = order.at(i);
                    assertTrue(j >= 0 && j < n, n + ": " + j);
                    assertFalse(seen.get((int) j), n + ": " + j + " twice");
                    seen.set((int) j);
                }
                assertEquals(n, seen.cardinality());
            }
        }
    }

    @Test
    void theSameKeyGivesTheSameOrderAndAnotherKeyAnother() {
        RowOrder a = new RowOrder(1000, 42);
        RowOrder b = new RowOrder(1000, 42);
        RowOrder c = new RowOrder(1000, 43);
        int same = 0;
        for (long i = 0; i < 1000; i++) {
            assertEquals(a.at(i), b.at(i));
            same += a.at(i) == c.at(i) ? 1 : 0;
        }
        assertTrue(same < 20, same + " of 1000 positions agree across keys");
    }

    /**
     * Sorted rows (the first half one class, the second another) are mixed: every window of 50
     * consecutive positions of the order holds both halves in roughly equal numbers.
     */
    @Test
    void consecutivePositionsComeFromAllOverTheRows() {
        int n = 10_000;
        RowOrder order = new RowOrder(n, 5);
        for (int start = 0; start + 50 <= n; start += 50) {
            int firstHalf = 0;
            for (int i = start; i < start + 50; i++) {
                firstHalf += order.at(i) < n / 2 ? 1 : 0;
            }
            assertTrue(firstHalf >= 10 && firstHalf <= 40, "window at " + start + ": " + firstHalf + " of 50");
        }
        assertNotEquals(0, order.at(0) + order.at(1));
    }

    @Test
    void indicesOutsideTheRangeAreRefused() {
        RowOrder order = new RowOrder(10, 1);
        assertThrows(IllegalArgumentException.class, () -> order.at(10));
        assertThrows(IllegalArgumentException.class, () -> order.at(-1));
        assertThrows(IllegalArgumentException.class, () -> new RowOrder(0, 1));
    }
}
