package io.sparkbp.nn;

/**
 * Forward and backward passes over a {@link Block} with level-3 BLAS, on work buffers that are
 * allocated once and reused for every block (they grow only if a larger block arrives). One
 * instance per thread or task; not thread-safe.
 *
 * <p>Notation of the backprop note, per weight layer {@code l} with {@code in} inputs and {@code
 * out} units, for a block of {@code m} examples (all matrices column-major, one column per example):
 * <pre>
 *   a_l = W_l z_{l-1} + b_l                (out x m; z_{-1} = x)
 *   z_l = f(a_l)  for hidden layers;  s = a_{L-1} and y = y(s) for the output layer
 *   delta_{L-1} = w_n (y - t)                                  the output delta, formed in one place
 *   delta_{l-1} = f'(z_{l-1}) * (W_l^T delta_l)                 z (1 - z) for logistic units
 *   dJ/dW_l += delta_l z_{l-1}^T,   dJ/db_l += delta_l 1
 * </pre>
 *
 * <p>Precision follows the weights passed in: {@code double[]} weights run the layers in double
 * (dgemm), {@code float[]} weights in single precision (sgemm; see {@link FloatLayerPass}). Blocks
 * of the other precision are converted slice by slice. In both, {@code s} is taken to double and
 * the output activation {@code y}, the loss and the output delta are computed in double, here, so
 * the stable losses stay stable; the gradient, loss and weight sums are added in double.
 */
public final class BlockGradient {
    private final NetworkSpec spec;
    private DoubleLayerPass wide;    // created on first use
    private FloatLayerPass narrow;   // created on first use
    private double[] s;              // output pre-activations of the last forward pass
    private double[] sScratch = new double[0];
    private double[] y = new double[0];
    private double[] dScratch = new double[0];

    public BlockGradient(NetworkSpec spec, int initialCapacity) {
        this.spec = spec;
        wide().ensureCapacity(Math.max(1, initialCapacity));
    }

    public NetworkSpec spec() {
        return spec;
    }

    private DoubleLayerPass wide() {
        if (wide == null) {
            wide = new DoubleLayerPass(spec);
        }
        return wide;
    }

    private FloatLayerPass narrow() {
        if (narrow == null) {
            narrow = new FloatLayerPass(spec);
        }
        return narrow;
    }

    /**
     * Runs the forward pass of {@code block} at {@code theta}. Afterwards {@link #outputs()} holds
     * {@code y} and {@link #preActivations()} holds {@code s}, each {@code nOut x block.rows()}.
     */
    public void forward(double[] theta, Block block) {
        forward(theta, block, 0, block.rows());
    }

    /**
     * Forward pass over examples {@code [from, to)} of {@code block}; {@link #outputs()} then holds
     * their {@code y} as columns {@code 0 .. to - from - 1}.
     */
    public void forward(double[] theta, Block block, int from, int to) {
        checkShapes(theta.length, block, from, to);
        forward(wide(), theta, block, from, to);
    }

    /** As {@link #forward(double[], Block, int, int)} in single precision, at float weights. */
    public void forward(float[] theta, Block block, int from, int to) {
        checkShapes(theta.length, block, from, to);
        forward(narrow(), theta, block, from, to);
    }

    private <A> void forward(LayerPass<A> pass, A theta, Block block, int from, int to) {
        pass.forward(theta, block, from, to);
        int k = spec.outputs();
        int len = k * (to - from);
        if (y.length < len) {
            y = new double[len];
            sScratch = new double[len];
            dScratch = new double[len];
        }
        s = pass.outputsAsDouble(len, sScratch);
        for (int col = 0; col < len; col += k) {
            spec.output().activate(s, y, col, k);
        }
    }

    /** Output activations {@code y} of the last {@link #forward} call ({@code nOut x rows}, column-major). */
    public double[] outputs() {
        return y;
    }

    /** Output pre-activations {@code s} of the last {@link #forward} call. */
    public double[] preActivations() {
        return s;
    }

    /** Adds the weighted errors of {@code block} at {@code theta} into {@code acc}, without gradients. */
    public void accumulateLoss(double[] theta, Block block, GradientAccumulator acc) {
        forward(theta, block);
        addLosses(block, 0, block.rows(), acc);
    }

    /**
     * Adds the example-weighted gradient sum, loss sum and weight sum of {@code block} at {@code
     * theta} into {@code acc}.
     */
    public void accumulate(double[] theta, Block block, GradientAccumulator acc) {
        accumulate(theta, block, 0, block.rows(), acc);
    }

    /** As {@link #accumulate(double[], Block, GradientAccumulator)}, for examples {@code [from, to)} only. */
    public void accumulate(double[] theta, Block block, int from, int to, GradientAccumulator acc) {
        checkShapes(theta.length, block, from, to);
        accumulate(wide(), theta, block, from, to, acc);
    }

    /** As {@link #accumulate(double[], Block, int, int, GradientAccumulator)} in single precision, at float weights. */
    public void accumulate(float[] theta, Block block, int from, int to, GradientAccumulator acc) {
        checkShapes(theta.length, block, from, to);
        accumulate(narrow(), theta, block, from, to, acc);
    }

    private <A> void accumulate(LayerPass<A> pass, A theta, Block block, int from, int to, GradientAccumulator acc) {
        forward(pass, theta, block, from, to);
        addLosses(block, from, to, acc);
        double[] d = pass.topDeltaAsDouble(dScratch);
        formOutputDelta(block, from, to, d);
        pass.storeTopDelta(d, block, from, to);
        pass.backward(theta, block, from, to, acc.gradSum());
    }

    /**
     * The one place where the output delta is formed, for every output kind and precision:
     * {@code dE/ds = y - t}, scaled by the example weight.
     */
    private void formOutputDelta(Block block, int from, int to, double[] d) {
        int k = spec.outputs();
        double[] t = block.t();
        for (int n = from; n < to; n++) {
            double wn = block.weight(n);
            int col = (n - from) * k;
            int tCol = n * k;
            for (int i = 0; i < k; i++) {
                d[col + i] = wn * (y[col + i] - t[tCol + i]);
            }
        }
    }

    private void addLosses(Block block, int from, int to, GradientAccumulator acc) {
        int k = spec.outputs();
        double[] t = block.t();
        OutputKind kind = spec.output();
        for (int n = from; n < to; n++) {
            double wn = block.weight(n);
            acc.addExample(wn, wn * kind.error(s, (n - from) * k, t, n * k, k));
        }
    }

    private void checkShapes(int params, Block block, int from, int to) {
        if (from < 0 || to > block.rows() || from >= to) {
            throw new IllegalArgumentException("row range [" + from + ", " + to + ") is empty or outside a block of "
                    + block.rows() + " rows");
        }
        if (params != spec.numParams()) {
            throw new IllegalArgumentException("parameter array has " + params + " values, network "
                    + spec + " needs " + spec.numParams());
        }
        if (block.inputs() != spec.inputs() || block.outputs() != spec.outputs()) {
            throw new IllegalArgumentException("block has " + block.inputs() + " inputs and " + block.outputs()
                    + " outputs, network " + spec + " expects " + spec.inputs() + " and " + spec.outputs());
        }
    }
}
