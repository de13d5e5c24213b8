package io.sparkbp.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When loading caches raw blocks to read the training text once, and when it reads the text twice. */
class ReadOnceRuleTest {
    private static final long MIB = 1 << 20;

    @Test
    void textWhoseRawBlocksFitInHalfTheFreeStorageIsReadOnce() {
        assertTrue(DataCache.readOnce(118 * MIB, 1000 * MIB));
        assertTrue(DataCache.readOnce(333 * MIB, 1000 * MIB));
    }

    @Test
    void largerTextOrTextOfUnknownSizeIsReadTwiceRatherThanSpillingRawBlocks() {
        assertFalse(DataCache.readOnce(334 * MIB, 1000 * MIB));
        assertFalse(DataCache.readOnce(1896 * MIB, 1000 * MIB));
        assertFalse(DataCache.readOnce(-1, 1000 * MIB));
        assertFalse(DataCache.readOnce(1, 0));
    }
}
