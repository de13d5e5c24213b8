package io.sparkbp.data;

import io.sparkbp.math.Kernels;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Packs examples into {@link Block}s of at most {@code blockRows} rows, in arrival order.
 *
 * <p>Use {@link #add} / {@link #flush} directly, or {@link #pack} to turn an iterator of lines or
 * examples into a lazy iterator of blocks (what a Spark {@code mapPartitions} needs). The packer holds
 * references to at most one block's worth of examples; every emitted block gets freshly allocated,
 * exactly sized arrays. Inputs are stored per {@link Layout}: with {@link Layout#AUTO} each block is
 * sparse when fewer than {@link #SPARSE_BELOW} of its {@code nIn x rows} entries are nonzero (dense
 * costs 8 bytes per entry, sparse 12 per nonzero plus 4 per row, and dense BLAS is faster per entry),
 * else dense; a dense block that would not fit in one Java array is made sparse. Weights are stored
 * only when some example in the block has a weight other than 1. Input values are stored in the
 * packer's {@link Precision} (floats for {@code FLOAT32}: 4 bytes per dense entry, 8 per nonzero).
 *
 * <p>Apply a {@link Standardizer} to the examples before packing, so the blocks hold the values the
 * network sees. Not thread-safe: one packer per partition.
 */
public final class BlockPacker {
    /** Default rows per block ({@code data.blockRows}). */
    public static final int DEFAULT_BLOCK_ROWS = 256;

    /** {@link Layout#AUTO} stores a block sparse when its nonzero fraction is below this. */
    public static final double SPARSE_BELOW = 0.25;

    /** Largest Java array length we rely on. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

    private final int nIn;
    private final int nOut;
    private final int blockRows;
    private final Layout layout;
    private final Precision precision;
    private ParsedExample[] pending;
    private int count;
    private long nonzeros;
    private long blocks;

    /**
     * What blocks a packer makes: of {@code inputs} features and {@code outputs} outputs, at most {@code
     * blockRows} rows each, stored as {@code layout} with input values in {@code precision}.
     */
    public record Spec(int inputs, int outputs, int blockRows, Layout layout, Precision precision)
            implements java.io.Serializable {
    }

    /** A packer of the blocks {@code spec} describes; see {@link #BlockPacker(int, int, int, Layout, Precision)}. */
    public BlockPacker(Spec spec) {
        this(spec.inputs(), spec.outputs(), spec.blockRows(), spec.layout(), spec.precision());
    }

    /**
     * @param nIn       number of features
     * @param nOut      number of outputs
     * @param blockRows maximum rows per block (e.g. {@link #DEFAULT_BLOCK_ROWS})
     * @param layout    dense, sparse or auto
     * @throws IllegalArgumentException if a size is below 1, or {@code DENSE} blocks of {@code blockRows x nIn} or the
     *                                  targets would not fit in a Java array
     */
    public BlockPacker(int nIn, int nOut, int blockRows, Layout layout) {
        this(nIn, nOut, blockRows, layout, Precision.FLOAT64);
    }

    /** As {@link #BlockPacker(int, int, int, Layout)}, storing input values in {@code precision}. */
    public BlockPacker(int nIn, int nOut, int blockRows, Layout layout, Precision precision) {
        if (nIn < 1 || nOut < 1 || blockRows < 1 || layout == null || precision == null) {
            throw new IllegalArgumentException("need nIn, nOut, blockRows >= 1 and a layout, got nIn=" + nIn + ", nOut="
                    + nOut + ", blockRows=" + blockRows + ", layout=" + layout + ", precision=" + precision);
        }
        String tooLarge = tooLarge(nIn, nOut, blockRows, layout);
        if (tooLarge != null) {
            throw new IllegalArgumentException(tooLarge);
        }
        this.nIn = nIn;
        this.nOut = nOut;
        this.blockRows = blockRows;
        this.layout = layout;
        this.precision = precision;
        // grown as examples arrive: a partition smaller than blockRows never holds a blockRows-long array
        this.pending = new ParsedExample[Math.min(blockRows, 1024)];
    }

    /**
     * Why blocks of {@code blockRows} rows of {@code nIn} features and {@code nOut} outputs stored as
     * {@code layout} cannot be made (an array of a block would be longer than a Java array can be), or
     * null when they can. For checking settings before any data are read.
     */
    public static String tooLarge(int nIn, int nOut, int blockRows, Layout layout) {
        if (blockRows > MAX_ARRAY || (long) nOut * blockRows > MAX_ARRAY) {
            return String.format(java.util.Locale.ROOT, "blocks of %,d rows x %,d outputs (%,d targets) do not fit in"
                    + " a Java array (at most %,d elements); lower data.blockRows", blockRows, nOut,
                    (long) nOut * blockRows, MAX_ARRAY);
        }
        if (layout == Layout.DENSE && (long) nIn * blockRows > MAX_ARRAY) {
            return String.format(java.util.Locale.ROOT, "dense blocks of %,d rows x %,d features (%,d values) do not"
                    + " fit in a Java array (at most %,d elements); lower data.blockRows or use data.layout=sparse",
                    blockRows, nIn, (long) nIn * blockRows, MAX_ARRAY);
        }
        return null;
    }

    public int blockRows() {
        return blockRows;
    }

    public Layout layout() {
        return layout;
    }

    public Precision precision() {
        return precision;
    }

    /** Examples waiting for the next block. */
    public int pending() {
        return count;
    }

    /** Blocks emitted so far. */
    public long blocksEmitted() {
        return blocks;
    }

    /**
     * Adds an example; returns the finished block when this example fills it, else null.
     *
     * @throws IllegalArgumentException if the example has a feature index {@code >= nIn} or not {@code nOut} targets
     */
    public Block add(ParsedExample e) {
        int[] idx = e.indices();
        if (idx.length > 0 && idx[idx.length - 1] >= nIn) {
            throw new IllegalArgumentException("feature index " + idx[idx.length - 1] + " (0-based) is out of range for "
                    + nIn + " features");
        }
        if (e.targets().length != nOut) {
            throw new IllegalArgumentException("example has " + e.targets().length + " targets, expected " + nOut);
        }
        if (count == pending.length) {
            pending = java.util.Arrays.copyOf(pending, (int) Math.min(blockRows, 2L * pending.length));
        }
        pending[count++] = e;
        nonzeros += idx.length;
        return count == blockRows ? flush() : null;
    }

    /** The block of the pending examples (fewer than {@code blockRows}), or null when none are pending. */
    public Block flush() {
        if (count == 0) {
            return null;
        }
        Block b = build(pending, count, useSparse(layout, nonzeros, count, nIn));
        java.util.Arrays.fill(pending, 0, count, null);
        count = 0;
        nonzeros = 0;
        blocks++;
        return b;
    }

    /** A lazy iterator of the blocks of {@code examples} (null elements are skipped), including the final partial block. */
    public Iterator<Block> pack(Iterator<? extends ParsedExample> examples) {
        return pack(examples, e -> e);
    }

    /**
     * A lazy iterator of the blocks of {@code source} mapped by {@code toExample}; a null result skips the element
     * (e.g. {@code line -> parser.parse(line)} with blank lines, or a bad line counted and skipped). Exceptions from
     * {@code toExample} propagate from {@code hasNext()}.
     */
    public <T> Iterator<Block> pack(Iterator<T> source, Function<? super T, ? extends ParsedExample> toExample) {
        return new Iterator<>() {
            private Block next;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (next == null && !done) {
                    if (source.hasNext()) {
                        ParsedExample e = toExample.apply(source.next());
                        if (e != null) {
                            next = add(e);
                        }
                    } else {
                        done = true;
                        next = flush();
                    }
                }
                return next != null;
            }

            @Override
            public Block next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Block b = next;
                next = null;
                return b;
            }
        };
    }

    /**
     * The examples of {@code blocks} in order, each with arrays of its own (a {@link Standardizer} may
     * rescale them in place): the inverse of packing raw examples in {@link Precision#FLOAT64}, exact
     * because parsers drop explicit zeros, so the zeros of a dense block are the features its examples
     * did not store. For packing cached raw blocks again, standardized, without reading the text again.
     *
     * @throws IllegalArgumentException if a block stores float32 values (their doubles are lost)
     */
    public static Iterator<ParsedExample> unpack(Block[] blocks) {
        for (Block b : blocks) {
            if (b.precision() != Precision.FLOAT64) {
                throw new IllegalArgumentException("cannot unpack a " + b.precision() + " block: its values were rounded");
            }
        }
        return new Iterator<>() {
            private int block;
            private int row;

            @Override
            public boolean hasNext() {
                while (block < blocks.length && row == blocks[block].rows()) {
                    block++;
                    row = 0;
                }
                return block < blocks.length;
            }

            @Override
            public ParsedExample next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return example(blocks[block], row++);
            }
        };
    }

    /** Example {@code r} of the float64 block {@code b}, with copied arrays. */
    private static ParsedExample example(Block b, int r) {
        int nOut = b.outputs();
        double[] t = java.util.Arrays.copyOfRange(b.t(), r * nOut, (r + 1) * nOut);
        if (b.isSparse()) {
            int from = b.colPtr()[r];
            int to = b.colPtr()[r + 1];
            return new ParsedExample(java.util.Arrays.copyOfRange(b.indices(), from, to),
                    java.util.Arrays.copyOfRange(b.values(), from, to), t, b.weight(r), true);
        }
        int nIn = b.inputs();
        double[] x = b.x();
        int base = r * nIn;
        int nnz = 0;
        for (int j = 0; j < nIn; j++) {
            nnz += x[base + j] != 0 ? 1 : 0;
        }
        int[] idx = new int[nnz];
        double[] val = new double[nnz];
        for (int j = 0, p = 0; j < nIn; j++) {
            double v = x[base + j];
            if (v != 0) {
                idx[p] = j;
                val[p++] = v;
            }
        }
        return new ParsedExample(idx, val, t, b.weight(r), true);
    }

    /** Whether a block of {@code rows} examples with {@code nonzeros} stored features is stored sparse under {@code layout}. */
    public static boolean useSparse(Layout layout, long nonzeros, int rows, int nIn) {
        long entries = (long) rows * nIn;
        return switch (layout) {
            case DENSE -> false;
            case SPARSE -> true;
            case AUTO -> nonzeros < SPARSE_BELOW * entries || entries > MAX_ARRAY;
        };
    }

    /** A block of the first {@code n} of {@code rows}, sparse or dense, with exactly sized arrays. */
    private Block build(ParsedExample[] rows, int n, boolean sparse) {
        double[] t = targets(rows, n);
        double[] w = weights(rows, n);
        return sparse ? sparseBlock(rows, n, t, w) : denseBlock(rows, n, t, w);
    }

    /** The targets of the first {@code n} of {@code rows}, row after row. */
    private double[] targets(ParsedExample[] rows, int n) {
        double[] t = new double[n * nOut];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows[r].targets(), 0, t, r * nOut, nOut);
        }
        return t;
    }

    /** The weights of the first {@code n} of {@code rows}, or null when every one is 1. */
    private static double[] weights(ParsedExample[] rows, int n) {
        double[] w = null;
        for (int r = 0; r < n; r++) {
            double weight = rows[r].weight();
            if (weight != 1.0) {
                if (w == null) {
                    w = new double[n];
                    java.util.Arrays.fill(w, 1.0);
                }
                w[r] = weight;
            }
        }
        return w;
    }

    private Block sparseBlock(ParsedExample[] rows, int n, double[] t, double[] w) {
        boolean single = precision == Precision.FLOAT32;
        long nnz = 0;
        for (int r = 0; r < n; r++) {
            nnz += rows[r].nonzeros();
        }
        if (nnz > MAX_ARRAY) {
            throw new IllegalArgumentException("a block of " + n + " rows has " + nnz
                    + " nonzeros, too many for a Java array; lower data.blockRows");
        }
        int[] colPtr = new int[n + 1];
        int[] indices = new int[(int) nnz];
        double[] values = single ? null : new double[(int) nnz];
        float[] valuesF = single ? new float[(int) nnz] : null;
        int p = 0;
        for (int r = 0; r < n; r++) {
            ParsedExample e = rows[r];
            int k = e.nonzeros();
            System.arraycopy(e.indices(), 0, indices, p, k);
            if (single) {
                Kernels.narrow(e.values(), 0, valuesF, p, k);
            } else {
                System.arraycopy(e.values(), 0, values, p, k);
            }
            p += k;
            colPtr[r + 1] = p;
        }
        return single ? Block.sparse(n, nIn, nOut, colPtr, indices, valuesF, t, w)
                : Block.sparse(n, nIn, nOut, colPtr, indices, values, t, w);
    }

    private Block denseBlock(ParsedExample[] rows, int n, double[] t, double[] w) {
        boolean single = precision == Precision.FLOAT32;
        int size = Math.multiplyExact(n, nIn);
        double[] x = single ? null : new double[size];
        float[] xf = single ? new float[size] : null;
        for (int r = 0; r < n; r++) {
            ParsedExample e = rows[r];
            int[] idx = e.indices();
            double[] val = e.values();
            int base = r * nIn;
            for (int q = 0; q < idx.length; q++) {
                if (single) {
                    xf[base + idx[q]] = (float) val[q];
                } else {
                    x[base + idx[q]] = val[q];
                }
            }
        }
        return single ? Block.dense(n, nIn, nOut, xf, t, w) : Block.dense(n, nIn, nOut, x, t, w);
    }
}
