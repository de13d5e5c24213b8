package io.sparkbp.spark;

/**
 * A pseudo-random permutation of {@code [0, n)}, computed index by index in constant memory: a
 * four-round balanced Feistel network (Luby and Rackoff, SIAM J. Comput. 17, 1988) over the smallest
 * power of four {@code >= n}, with cycle walking (an image at or beyond {@code n} is permuted again
 * until it falls inside), so {@link #at} is a bijection of {@code [0, n)}. The round keys derive from
 * one 64-bit key; the same key gives the same order on every machine.
 */
final class RowOrder {
    private static final int ROUNDS = 4;

    private final long n;
    private final int half;
    private final long mask;
    private final long[] keys = new long[ROUNDS];

    RowOrder(long n, long key) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs n >= 1, got " + n);
        }
        this.n = n;
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
        this.half = Math.max(1, (bits + 1) / 2);
        this.mask = (1L << half) - 1;
        long k = key;
        for (int r = 0; r < ROUNDS; r++) {
            k = PartitionData.mix(k, r, n);
            keys[r] = k;
        }
    }

    /** The image of {@code i} in {@code [0, n)}. */
    long at(long i) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("index " + i + " is outside [0, " + n + ")");
        }
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> half;
        long right = x & mask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (PartitionData.mix(keys[r], right, 0) & mask);
            left = right;
            right = next;
        }
        return (left << half) | right;
    }
}
