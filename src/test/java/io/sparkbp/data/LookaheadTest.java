package io.sparkbp.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Lookahead}: fetches lazily, once per element, and never again after the first null. */
class LookaheadTest {
    /** Counts its fetches and gives 1..n, then null. */
    private static final class Counting extends Lookahead<Integer> {
        private final int n;
        private int fetches;

        Counting(int n) {
            this.n = n;
        }

        @Override
        protected Integer fetch() {
            fetches++;
            return fetches <= n ? fetches : null;
        }
    }

    @Test
    void givesEachElementOnceAndStopsFetchingAtTheEnd() {
        Counting it = new Counting(3);
        assertEquals(0, it.fetches, "nothing is read before it is asked for");
        assertTrue(it.hasNext());
        assertTrue(it.hasNext());
        assertEquals(1, it.fetches, "hasNext twice reads one element");
        List<Integer> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        assertEquals(List.of(1, 2, 3), got);
        assertFalse(it.hasNext());
        assertFalse(it.hasNext());
        assertEquals(4, it.fetches, "after the null that ended it, fetch is not called again");
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void nextWithoutHasNextFetches() {
        Counting it = new Counting(2);
        assertEquals(1, it.next());
        assertEquals(2, it.next());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void anEmptySourceEndsAtOnce() {
        Counting it = new Counting(0);
        assertFalse(it.hasNext());
        assertEquals(1, it.fetches);
    }
}
