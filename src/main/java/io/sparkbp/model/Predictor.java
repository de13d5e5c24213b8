package io.sparkbp.model;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.Block;
import io.sparkbp.nn.BlockGradient;
import io.sparkbp.nn.NetworkSpec;

/**
 * Inference with a {@link Model}: takes raw feature rows (dense, or sparse as index/value pairs),
 * applies the model's input transform, runs {@link BlockGradient#forward} over blocks of up to
 * {@code blockSize} examples, applies the output transform (linear outputs only) and returns one
 * output vector per example: probabilities for logistic and softmax outputs, values in target units
 * for linear outputs.
 *
 * <p>Sparse rows stay sparse when the input transform only scales (all means zero); when it
 * centers, a zero feature no longer maps to zero and sparse rows are expanded to dense ones.
 * Missing sparse features are 0 before the transform, as in training.
 *
 * <p>Not thread-safe: a predictor reuses one {@link BlockGradient} and its buffers for every call.
 * Use one per thread or Spark task (e.g. create it at the start of {@code mapPartitions} from a
 * broadcast {@link Model}); creating one is cheap next to the model itself, whose parameters are
 * shared, not copied. Independent of Spark.
 */
public final class Predictor {
    /** Examples per forward pass unless chosen otherwise. */
    public static final int DEFAULT_BLOCK_SIZE = 256;
    /** Dense input buffers are kept below this many values (32 MiB) by shrinking the block for wide inputs. */
    private static final int MAX_DENSE_BUFFER = 1 << 22;

    private final Model model;
    private final NetworkSpec spec;
    private final double[] theta;
    private final Transform in;
    private final Transform out;
    private final int nIn;
    private final int nOut;
    private final int blockSize;
    private final int denseBlockSize;
    private final BlockGradient gradient;
    private double[] denseX;       // nIn x denseBlockSize, allocated on first dense use
    private double[] zeroTargets;  // nOut x blockSize; BlockGradient.forward ignores targets

    public Predictor(Model model) {
        this(model, DEFAULT_BLOCK_SIZE);
    }

    /** @param blockSize examples per forward pass ({@code >= 1}) */
    public Predictor(Model model, int blockSize) {
        if (model == null) {
            throw new IllegalArgumentException("model is required");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
        this.model = model;
        this.spec = model.spec();
        this.theta = model.thetaRef();
        this.in = model.inputTransform().orElse(null);
        this.out = model.outputTransform().orElse(null);
        this.nIn = spec.inputs();
        this.nOut = spec.outputs();
        this.blockSize = blockSize;
        this.denseBlockSize = Math.max(1, Math.min(blockSize, MAX_DENSE_BUFFER / nIn));
        this.gradient = new BlockGradient(spec, Math.min(blockSize, 64));
    }

    public Model model() {
        return model;
    }

    /** Number of input features a row must have (dense) or index below (sparse). */
    public int inputs() {
        return nIn;
    }

    /** Length of every output vector. */
    public int outputs() {
        return nOut;
    }

    /** Outputs for one dense row of {@link #inputs()} raw features. */
    public double[] predict(double[] features) {
        return predict(new double[][] {features})[0];
    }

    /** Outputs for dense rows of {@link #inputs()} raw features each; one array of {@link #outputs()} per row. */
    public double[][] predict(double[][] rows) {
        double[][] result = new double[rows.length][];
        for (int start = 0; start < rows.length; start += denseBlockSize) {
            int m = Math.min(denseBlockSize, rows.length - start);
            double[] x = denseBuffer(m);
            for (int r = 0; r < m; r++) {
                double[] row = rows[start + r];
                checkDenseRow(row, start + r);
                loadDense(row, x, r * nIn);
            }
            forward(Block.dense(m, nIn, nOut, x, targets(m), null));
            copyOutputs(m, result, start);
        }
        return result;
    }

    /**
     * Outputs for sparse rows: row {@code r} has the raw values {@code values[r][p]} at feature
     * indices {@code indices[r][p]} (0-based, strictly ascending, below {@link #inputs()}); other
     * features are 0.
     */
    public double[][] predictSparse(int[][] indices, double[][] values) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " index rows but " + values.length + " value rows");
        }
        int n = indices.length;
        for (int r = 0; r < n; r++) {
            checkSparseRow(indices[r], values[r], r);
        }
        double[][] result = new double[n][];
        if (in != null && in.centers()) {
            for (int start = 0; start < n; start += denseBlockSize) {
                int m = Math.min(denseBlockSize, n - start);
                double[] x = denseBuffer(m);
                for (int r = 0; r < m; r++) {
                    loadSparseAsDense(indices[start + r], values[start + r], x, r * nIn);
                }
                forward(Block.dense(m, nIn, nOut, x, targets(m), null));
                copyOutputs(m, result, start);
            }
            return result;
        }
        for (int start = 0; start < n; start += blockSize) {
            int m = Math.min(blockSize, n - start);
            int[] colPtr = new int[m + 1];
            for (int r = 0; r < m; r++) {
                colPtr[r + 1] = Math.addExact(colPtr[r], indices[start + r].length);
            }
            int[] idx = new int[colPtr[m]];
            double[] val = new double[colPtr[m]];
            for (int r = 0; r < m; r++) {
                int[] ri = indices[start + r];
                double[] rv = values[start + r];
                int base = colPtr[r];
                System.arraycopy(ri, 0, idx, base, ri.length);
                for (int p = 0; p < ri.length; p++) {
                    val[base + p] = in == null ? rv[p] : in.apply(ri[p], rv[p]);
                }
            }
            forward(Block.sparse(m, nIn, nOut, colPtr, idx, val, targets(m), null));
            copyOutputs(m, result, start);
        }
        return result;
    }

    /**
     * Outputs for a block of raw (untransformed) examples, as an {@code outputs() x block.rows()}
     * column-major array (example {@code n}'s outputs at {@code [n * outputs(), (n + 1) * outputs())}).
     * The block's targets and weights are ignored.
     */
    public double[] predict(Block block) {
        double[] y = new double[nOut * block.rows()];
        predict(block, y, null);
        return y;
    }

    /**
     * As {@link #predict(Block)}, into {@code y}, and also the output pre-activations {@code s} (the
     * network's outputs before the output activation, i.e. logits for logistic and softmax outputs;
     * for linear outputs standardized values, before the output transform) into {@code s} unless it is
     * null. Both arrays need at least {@code outputs() x block.rows()} values.
     */
    public void predict(Block block, double[] y, double[] s) {
        if (block.inputs() != nIn || block.outputs() != nOut) {
            throw new IllegalArgumentException("block has " + block.inputs() + " inputs and " + block.outputs()
                    + " outputs, the model " + spec + " has " + nIn + " and " + nOut);
        }
        int m = block.rows();
        if (y.length < nOut * m || (s != null && s.length < nOut * m)) {
            throw new IllegalArgumentException("output arrays of " + y.length + (s == null ? "" : " and " + s.length)
                    + " values cannot hold " + nOut + " x " + m + " outputs");
        }
        Block b = block;
        if (in != null) {
            if (block.isSparse() && !in.centers()) {
                int[] ptr = block.colPtr();
                int[] idx = block.indices();
                double[] v = block.values();
                checkSparseIndices(idx, ptr);
                double[] scaled = new double[v.length];
                for (int p = 0; p < v.length; p++) {
                    scaled[p] = in.apply(idx[p], v[p]);
                }
                b = Block.sparse(m, nIn, nOut, ptr, idx, scaled, block.t(), null);
            } else {
                double[] x = new double[Math.multiplyExact(nIn, m)];
                if (block.isSparse()) {
                    int[] ptr = block.colPtr();
                    int[] idx = block.indices();
                    double[] v = block.values();
                    checkSparseIndices(idx, ptr);
                    for (int n = 0; n < m; n++) {
                        int base = n * nIn;
                        for (int j = 0; j < nIn; j++) {
                            x[base + j] = in.apply(j, 0.0);
                        }
                        for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                            x[base + idx[p]] = in.apply(idx[p], v[p]);
                        }
                    }
                } else {
                    double[] raw = block.x();
                    for (int n = 0; n < m; n++) {
                        in.apply(raw, n * nIn, x, n * nIn);
                    }
                }
                b = Block.dense(m, nIn, nOut, x, block.t(), null);
            }
        } else if (block.isSparse()) {
            checkSparseIndices(block.indices(), block.colPtr());
        }
        forward(b);
        System.arraycopy(gradient.outputs(), 0, y, 0, nOut * m);
        if (s != null) {
            System.arraycopy(gradient.preActivations(), 0, s, 0, nOut * m);
        }
        if (out != null) {
            for (int n = 0; n < m; n++) {
                out.invertInPlace(y, n * nOut);
            }
        }
    }

    // ---- internals ----------------------------------------------------------------------------

    private void forward(Block b) {
        gradient.forward(theta, b);
    }

    private double[] denseBuffer(int m) {
        if (m == denseBlockSize) {
            if (denseX == null) {
                denseX = new double[nIn * denseBlockSize];
            }
            return denseX;
        }
        return new double[nIn * m];
    }

    private double[] targets(int m) {
        if (m == blockSize || m == denseBlockSize) {
            if (zeroTargets == null || zeroTargets.length != nOut * m) {
                zeroTargets = new double[nOut * m];
            }
            return zeroTargets;
        }
        return new double[nOut * m];
    }

    private void loadDense(double[] row, double[] x, int off) {
        if (in == null) {
            System.arraycopy(row, 0, x, off, nIn);
        } else {
            in.apply(row, 0, x, off);
        }
    }

    private void loadSparseAsDense(int[] idx, double[] val, double[] x, int off) {
        for (int j = 0; j < nIn; j++) {
            x[off + j] = in.apply(j, 0.0);
        }
        for (int p = 0; p < idx.length; p++) {
            x[off + idx[p]] = in.apply(idx[p], val[p]);
        }
    }

    private void copyOutputs(int m, double[][] result, int start) {
        double[] y = gradient.outputs();
        for (int r = 0; r < m; r++) {
            double[] o = new double[nOut];
            System.arraycopy(y, r * nOut, o, 0, nOut);
            if (out != null) {
                out.invertInPlace(o, 0);
            }
            result[start + r] = o;
        }
    }

    private void checkDenseRow(double[] row, int r) {
        if (row == null || row.length != nIn) {
            throw new IllegalArgumentException("example " + r + " has " + (row == null ? "no" : row.length)
                    + " features, the model " + spec + " expects " + nIn);
        }
    }

    private void checkSparseRow(int[] idx, double[] val, int r) {
        if (idx == null || val == null || idx.length != val.length) {
            throw new IllegalArgumentException("example " + r + " has " + (idx == null ? "no" : idx.length)
                    + " indices but " + (val == null ? "no" : val.length) + " values");
        }
        int prev = -1;
        for (int index : idx) {
            if (index <= prev || index >= nIn) {
                throw new IllegalArgumentException("example " + r + " has feature index " + index
                        + (index >= nIn ? ", the model " + spec + " has only " + nIn + " inputs"
                        : "; indices must be strictly ascending and non-negative"));
            }
            prev = index;
        }
    }

    private void checkSparseIndices(int[] idx, int[] ptr) {
        for (int n = 0; n + 1 < ptr.length; n++) {
            int prev = -1;
            for (int p = ptr[n]; p < ptr[n + 1]; p++) {
                if (idx[p] <= prev || idx[p] >= nIn) {
                    throw new IllegalArgumentException("example " + n + " of the block has feature index " + idx[p]
                            + "; indices must be strictly ascending and below " + nIn);
                }
                prev = idx[p];
            }
        }
    }
}
