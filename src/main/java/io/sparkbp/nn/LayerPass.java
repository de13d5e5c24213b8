package io.sparkbp.nn;

/**
 * The precision-specific half of {@link BlockGradient}: the work buffers of the weight layers and
 * the forward pass up to the output pre-activations {@code s} and the backward pass down from the
 * output delta, written once for both precisions over a few primitive operations that {@link
 * DoubleLayerPass} and {@link FloatLayerPass} implement. {@code A} is {@code double[]} or {@code
 * float[]}. The output layer's activation, loss and delta are not here: {@link BlockGradient}
 * computes them in double for both precisions, in one place.
 *
 * <p>Per weight layer {@code l} ({@code in = width[l]}, {@code out = width[l + 1]}), for {@code m}
 * examples: {@code z[l]} holds {@code f(W_l z_{l-1} + b_l)} ({@code out x m}; the output layer's
 * holds {@code s}) and {@code delta[l]} the error derivatives at the pre-activations. The weight
 * gradients {@code delta_l z_{l-1}^T} and bias gradients {@code delta_l 1} are added into a
 * caller-owned double gradient sum; a float pass computes each block's weight gradient in float
 * and adds it in double, so sums across blocks and partitions are double in both precisions.
 */
abstract class LayerPass<A> {
    final NetworkSpec spec;
    final int numLayers;
    final int[] width;
    final A[] z;
    final A[] delta;
    private int capacity;
    /** Dense inputs of the current slice, in this precision: example n's column starts at {@code inOff + (n - from) * nIn}. */
    A in;
    int inOff;
    /** Sparse values of the current slice, in this precision: nonzero {@code p} is {@code vals[p - valBase]}. */
    A vals;
    int valBase;

    LayerPass(NetworkSpec spec, A[] z, A[] delta) {
        this.spec = spec;
        this.numLayers = spec.numWeightLayers();
        this.width = spec.layers();
        this.z = z;
        this.delta = delta;
    }

    // ---- primitives, one implementation per precision

    abstract A alloc(int n);

    /** {@code C = op(A) op(B) + (accumulate ? C : 0)}, column-major as in {@link io.sparkbp.math.Blas}. */
    abstract void gemm(boolean transA, boolean transB, int m, int n, int k, A a, int aOff, int lda,
                       A b, int bOff, int ldb, boolean accumulate, A c, int cOff, int ldc);

    abstract void broadcastColumns(A b, int bOff, A z, int rows, int cols);

    abstract void activate(Activation f, A z, int len);

    abstract void multiplyByDerivative(Activation f, A z, A delta, int len);

    /** Adds the row sums of the {@code rows x cols} matrix {@code d} into {@code g[gOff..gOff+rows)}, in double. */
    abstract void addRowSums(A d, int rows, int cols, double[] g, int gOff);

    /** {@code g[gOff..] += d x^T} for {@code d} ({@code out x m}) and {@code x} ({@code in x m}), in double. */
    abstract void addWeightGradient(A d, A x, int xOff, int out, int in, int m, double[] g, int gOff);

    /** {@code y[yOff..yOff+n) += vals[p - valBase] * x[xOff..xOff+n)}. */
    abstract void addScaled(int p, A x, int xOff, A y, int yOff, int n);

    /** {@code g[gOff..gOff+n) += vals[p - valBase] * x[xOff..xOff+n)}, in double. */
    abstract void addScaledToSum(int p, A x, int xOff, double[] g, int gOff, int n);

    /** The block's stored input values ({@code x} or the sparse values) if they are in this precision, else null. */
    abstract A storedInputs(Block block);

    /** Converts {@code n} stored input values of a block of the other precision, from {@code off}, into reused scratch. */
    abstract A convertInputs(Block block, int off, int n);

    /** The output pre-activations of the last forward pass as doubles ({@code n} values; {@code scratch} if a copy is needed). */
    abstract double[] outputsAsDouble(int n, double[] scratch);

    /** Where the caller forms the output delta in double: {@code delta[L-1]} itself, or {@code scratch}. */
    abstract double[] topDeltaAsDouble(double[] scratch);

    /**
     * Copies the output delta formed in {@code d} for examples {@code [from, to)} of {@code block} into
     * {@code delta[L-1]} if they differ (the deltas carry the examples' weights as a factor).
     */
    abstract void storeTopDelta(double[] d, Block block, int from, int to);

    // ---- the passes, written once

    /** Points {@link #in}/{@link #vals} at the inputs of examples {@code [from, to)}, converted if the block has the other precision. */
    void bindInputs(Block block, int from, int to) {
        boolean sparse = block.isSparse();
        int off = sparse ? block.colPtr()[from] : from * block.inputs();
        A values = storedInputs(block);
        if (values == null) {
            // e.g. float32 blocks at double weights (evaluation): convert just this slice
            int n = sparse ? block.colPtr()[to] - off : (to - from) * block.inputs();
            values = convertInputs(block, off, n);
            valBase = off;
            off = 0;
        } else {
            valBase = 0;
        }
        in = sparse ? null : values;
        inOff = sparse ? 0 : off;
        vals = sparse ? values : null;
    }

    void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        for (int l = 0; l < numLayers; l++) {
            z[l] = alloc(Math.multiplyExact(width[l + 1], rows));
            delta[l] = alloc(Math.multiplyExact(width[l + 1], rows));
        }
        capacity = rows;
    }

    /** Forward pass over examples {@code [from, to)}; afterwards {@code z[numLayers - 1]} holds {@code s}. */
    void forward(A theta, Block block, int from, int to) {
        int m = to - from;
        ensureCapacity(m);
        bindInputs(block, from, to);
        for (int l = 0; l < numLayers; l++) {
            int nIn = width[l];
            int out = width[l + 1];
            A a = z[l];
            broadcastColumns(theta, spec.biasOffset(l), a, out, m);
            int wOff = spec.weightOffset(l);
            if (l == 0 && block.isSparse()) {
                sparseTimes(theta, wOff, out, block, from, to, a);
            } else {
                gemm(false, false, out, m, nIn, theta, wOff, out, l == 0 ? in : z[l - 1], l == 0 ? inOff : 0, nIn,
                        true, a, 0, out);
            }
            if (l < numLayers - 1) {
                activate(spec.hidden(), a, out * m);
            }
        }
    }

    /**
     * Backward pass of the last {@link #forward} from the output delta in {@code delta[numLayers - 1]},
     * adding the slice's gradient sum into {@code g}.
     */
    void backward(A theta, Block block, int from, int to, double[] g) {
        int m = to - from;
        for (int l = numLayers - 1; l >= 0; l--) {
            int nIn = width[l];
            int out = width[l + 1];
            int wOff = spec.weightOffset(l);
            A d = delta[l];
            if (l == 0 && block.isSparse()) {
                sparseOuterProduct(d, out, block, from, to, g, wOff);
            } else {
                addWeightGradient(d, l == 0 ? in : z[l - 1], l == 0 ? inOff : 0, out, nIn, m, g, wOff);
            }
            addRowSums(d, out, m, g, spec.biasOffset(l));
            if (l > 0) {
                A below = delta[l - 1];
                gemm(true, false, nIn, m, out, theta, wOff, out, d, 0, out, false, below, 0, nIn);
                multiplyByDerivative(spec.hidden(), z[l - 1], below, nIn * m);
            }
        }
    }

    /** {@code a += W x} for sparse {@code x}: each nonzero adds a scaled column of {@code W}. */
    private void sparseTimes(A theta, int wOff, int out, Block block, int from, int to, A a) {
        int[] ptr = block.colPtr();
        int[] idx = block.indices();
        for (int n = from; n < to; n++) {
            int col = (n - from) * out;
            for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                addScaled(p, theta, wOff + idx[p] * out, a, col, out);
            }
        }
    }

    /** {@code G += delta x^T} for sparse {@code x}: each nonzero adds a scaled delta column to a column of G. */
    private void sparseOuterProduct(A d, int out, Block block, int from, int to, double[] g, int wOff) {
        int[] ptr = block.colPtr();
        int[] idx = block.indices();
        for (int n = from; n < to; n++) {
            int col = (n - from) * out;
            for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                addScaledToSum(p, d, col, g, wOff + idx[p] * out, out);
            }
        }
    }
}
