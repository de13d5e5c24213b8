package io.sparkbp.data;

import io.sparkbp.math.Kernels;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.Precision;

import java.util.Iterator;
import java.util.function.Function;

/**
 * Packs examples into {@link Block}s of at most {@code blockRows} rows, in arrival order.
 *
 * <p>Use {@link #add} / {@link #flush} directly, or {@link #pack} to turn an iterator of lines or
 * examples into a lazy iterator of blocks (what a Spark {@code mapPartitions} needs), or {@link
 * #add(ExampleRow)} rows that are reused for the next example. The packer copies the pending examples
 * (at most one block's worth) into buffers of its own, reused from block to block; every emitted block
 * gets freshly allocated, exactly sized arrays. Inputs are stored per {@link Layout}: with {@link Layout#AUTO} each block is
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
    /** The pending examples: features {@code [rowEnd[r], rowEnd[r + 1])} of {@code pendingIdx}/{@code pendingVal} are row {@code r}'s. */
    private int[] pendingIdx;
    private double[] pendingVal;
    private int[] rowEnd;
    private double[] pendingT;
    private double[] pendingW;
    private boolean weighted;
    private int count;
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
        // grown as examples arrive: a partition smaller than blockRows never holds blockRows-long arrays
        int rows = Math.min(blockRows, 64);
        this.rowEnd = new int[rows + 1];
        this.pendingT = new double[rows * nOut];
        this.pendingW = new double[rows];
        this.pendingIdx = new int[(int) Math.min((long) rows * nIn, 1 << 12)];
        this.pendingVal = new double[pendingIdx.length];
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
        return add(idx, e.values(), idx.length, e.targets(), e.weight());
    }

    /** Adds a copy of the example {@code row} holds, as {@link #add(ParsedExample)} adds the same example. */
    public Block add(ExampleRow row) {
        return add(row.indices, row.values, row.nonzeros, row.targets, row.weight);
    }

    /** Adds the example of the first {@code n} features {@code idx}/{@code val}, targets {@code t} and {@code weight}. */
    private Block add(int[] idx, double[] val, int n, double[] t, double weight) {
        if (n > 0 && idx[n - 1] >= nIn) {
            throw new IllegalArgumentException("feature index " + idx[n - 1] + " (0-based) is out of range for "
                    + nIn + " features");
        }
        if (t.length != nOut) {
            throw new IllegalArgumentException("example has " + t.length + " targets, expected " + nOut);
        }
        int from = rowEnd[count];
        reserve(count + 1, (long) from + n);
        System.arraycopy(idx, 0, pendingIdx, from, n);
        System.arraycopy(val, 0, pendingVal, from, n);
        System.arraycopy(t, 0, pendingT, count * nOut, nOut);
        pendingW[count] = weight;
        weighted |= weight != 1.0;
        rowEnd[++count] = from + n;
        return count == blockRows ? flush() : null;
    }

    /** Room for {@code rows} pending rows holding {@code nonzeros} features in all. */
    private void reserve(int rows, long nonzeros) {
        if (nonzeros > MAX_ARRAY) {
            throw new IllegalArgumentException("a block of " + rows + " rows has " + nonzeros
                    + " nonzeros, too many for a Java array; lower data.blockRows");
        }
        if (rows > pendingW.length) {
            int size = (int) Math.min(blockRows, 2L * pendingW.length);
            rowEnd = java.util.Arrays.copyOf(rowEnd, size + 1);
            pendingT = java.util.Arrays.copyOf(pendingT, size * nOut);
            pendingW = java.util.Arrays.copyOf(pendingW, size);
        }
        if (nonzeros > pendingIdx.length) {
            int size = (int) Math.min(MAX_ARRAY, Math.max(nonzeros, 2L * pendingIdx.length));
            pendingIdx = java.util.Arrays.copyOf(pendingIdx, size);
            pendingVal = java.util.Arrays.copyOf(pendingVal, size);
        }
    }

    /** The block of the pending examples (fewer than {@code blockRows}), or null when none are pending. */
    public Block flush() {
        if (count == 0) {
            return null;
        }
        int n = count;
        double[] t = java.util.Arrays.copyOf(pendingT, n * nOut);
        double[] w = weighted ? java.util.Arrays.copyOf(pendingW, n) : null;
        Block b = useSparse(layout, rowEnd[n], n, nIn) ? sparseBlock(n, t, w) : denseBlock(n, t, w);
        count = 0;
        weighted = false;
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
        return new Lookahead<>() {
            @Override
            protected Block fetch() {
                while (source.hasNext()) {
                    ParsedExample e = toExample.apply(source.next());
                    Block b = e == null ? null : add(e);
                    if (b != null) {
                        return b;
                    }
                }
                return flush();
            }
        };
    }

    /**
     * Example {@code r} of the float64 block {@code b} into {@code row} (of the block's shape); returns {@code
     * row}: the inverse of packing raw examples in {@link Precision#FLOAT64}, exact because parsers drop
     * explicit zeros, so the zeros of a dense block are the features its examples did not store. For packing
     * cached raw blocks again, standardized, without reading the text again.
     *
     * @throws IllegalArgumentException if the block stores float32 values (their doubles are lost) or its shape
     *                                  is not the row's
     */
    public static ExampleRow unpack(Block b, int r, ExampleRow row) {
        if (b.precision() != Precision.FLOAT64 || b.inputs() != row.inputs() || b.outputs() != row.outputs()) {
            throw new IllegalArgumentException("cannot unpack a " + b.precision() + " block of " + b.inputs() + "/"
                    + b.outputs() + " columns into a row of " + row.inputs() + "/" + row.outputs());
        }
        int nOut = b.outputs();
        System.arraycopy(b.t(), r * nOut, row.targets, 0, nOut);
        row.weight = b.weight(r);
        if (b.isSparse()) {
            int from = b.colPtr()[r];
            int k = b.colPtr()[r + 1] - from;
            row.reserve(k);
            System.arraycopy(b.indices(), from, row.indices, 0, k);
            System.arraycopy(b.values(), from, row.values, 0, k);
            row.nonzeros = k;
            return row;
        }
        int nIn = b.inputs();
        double[] x = b.x();
        row.reserve(nIn);
        int p = 0;
        for (int j = 0, base = r * nIn; j < nIn; j++) {
            double v = x[base + j];
            if (v != 0) {
                row.indices[p] = j;
                row.values[p++] = v;
            }
        }
        row.nonzeros = p;
        return row;
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

    /** The sparse block of the {@code n} pending rows, with targets {@code t} and weights {@code w}. */
    private Block sparseBlock(int n, double[] t, double[] w) {
        int nnz = rowEnd[n];
        int[] colPtr = java.util.Arrays.copyOf(rowEnd, n + 1);
        int[] indices = java.util.Arrays.copyOf(pendingIdx, nnz);
        if (precision == Precision.FLOAT32) {
            float[] values = new float[nnz];
            Kernels.narrow(pendingVal, 0, values, 0, nnz);
            return Block.sparse(n, nIn, nOut, colPtr, indices, values, t, w);
        }
        return Block.sparse(n, nIn, nOut, colPtr, indices, java.util.Arrays.copyOf(pendingVal, nnz), t, w);
    }

    /** The dense block of the {@code n} pending rows, with targets {@code t} and weights {@code w}. */
    private Block denseBlock(int n, double[] t, double[] w) {
        int size = Math.multiplyExact(n, nIn);
        if (precision == Precision.FLOAT32) {
            float[] x = new float[size];
            for (int r = 0; r < n; r++) {
                for (int p = rowEnd[r], base = r * nIn; p < rowEnd[r + 1]; p++) {
                    x[base + pendingIdx[p]] = (float) pendingVal[p];
                }
            }
            return Block.dense(n, nIn, nOut, x, t, w);
        }
        double[] x = new double[size];
        for (int r = 0; r < n; r++) {
            for (int p = rowEnd[r], base = r * nIn; p < rowEnd[r + 1]; p++) {
                x[base + pendingIdx[p]] = pendingVal[p];
            }
        }
        return Block.dense(n, nIn, nOut, x, t, w);
    }
}
