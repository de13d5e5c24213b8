package io.sparkbp.nn;

/**
 * Copies chosen examples of several blocks into one new block, in the order given: how a
 * mini-batch drawn in shuffled order from a partition's blocks becomes one block for the kernels.
 * The result is dense when every chosen example comes from a dense block, else sparse (dense rows
 * are stored by their nonzeros); its inputs keep the blocks' precision, and it has example weights
 * when any chosen example's block has them.
 */
public final class RowGather {
    private RowGather() {
    }

    /**
     * The block of examples {@code row[i]} of {@code blocks[block[i]]}, {@code i < m}. All blocks have
     * the same inputs, outputs and precision.
     */
    public static Block gather(Block[] blocks, int[] block, int[] row, int m) {
        Block first = blocks[block[0]];
        int nOut = first.outputs();
        boolean sparse = false;
        boolean weighted = false;
        for (int i = 0; i < m; i++) {
            Block b = blocks[block[i]];
            sparse |= b.isSparse();
            weighted |= !b.unweighted();
        }
        double[] t = new double[nOut * m];
        double[] w = weighted ? new double[m] : null;
        for (int i = 0; i < m; i++) {
            Block b = blocks[block[i]];
            System.arraycopy(b.t(), row[i] * nOut, t, i * nOut, nOut);
            if (w != null) {
                w[i] = b.weight(row[i]);
            }
        }
        boolean single = first.precision() == Precision.FLOAT32;
        return sparse ? gatherSparse(blocks, block, row, m, single, t, w) : gatherDense(blocks, block, row, m, single, t, w);
    }

    private static Block gatherDense(Block[] blocks, int[] block, int[] row, int m, boolean single, double[] t,
                                     double[] w) {
        Block first = blocks[block[0]];
        int nIn = first.inputs();
        if (single) {
            float[] x = new float[nIn * m];
            for (int i = 0; i < m; i++) {
                System.arraycopy(blocks[block[i]].xFloat(), row[i] * nIn, x, i * nIn, nIn);
            }
            return Block.dense(m, nIn, first.outputs(), x, t, w);
        }
        double[] x = new double[nIn * m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(blocks[block[i]].x(), row[i] * nIn, x, i * nIn, nIn);
        }
        return Block.dense(m, nIn, first.outputs(), x, t, w);
    }

    private static Block gatherSparse(Block[] blocks, int[] block, int[] row, int m, boolean single, double[] t,
                                      double[] w) {
        Block first = blocks[block[0]];
        int nIn = first.inputs();
        int[] colPtr = new int[m + 1];
        for (int i = 0; i < m; i++) {
            colPtr[i + 1] = colPtr[i] + nonzeros(blocks[block[i]], row[i]);
        }
        int[] idx = new int[colPtr[m]];
        double[] vd = single ? null : new double[colPtr[m]];
        float[] vf = single ? new float[colPtr[m]] : null;
        for (int i = 0; i < m; i++) {
            copyRow(blocks[block[i]], row[i], idx, vd, vf, colPtr[i]);
        }
        return single ? Block.sparse(m, nIn, first.outputs(), colPtr, idx, vf, t, w)
                : Block.sparse(m, nIn, first.outputs(), colPtr, idx, vd, t, w);
    }

    private static int nonzeros(Block b, int n) {
        if (b.isSparse()) {
            return b.colPtr()[n + 1] - b.colPtr()[n];
        }
        int count = 0;
        for (int j = 0; j < b.inputs(); j++) {
            if (b.input(n, j) != 0) {
                count++;
            }
        }
        return count;
    }

    /** Writes example {@code n}'s nonzeros from {@code at} on, into {@code vd} or {@code vf} (whichever is not null). */
    private static void copyRow(Block b, int n, int[] idx, double[] vd, float[] vf, int at) {
        if (b.isSparse()) {
            int from = b.colPtr()[n];
            int len = b.colPtr()[n + 1] - from;
            System.arraycopy(b.indices(), from, idx, at, len);
            if (vd != null) {
                System.arraycopy(b.values(), from, vd, at, len);
            } else {
                System.arraycopy(b.valuesFloat(), from, vf, at, len);
            }
            return;
        }
        int p = at;
        for (int j = 0; j < b.inputs(); j++) {
            double v = b.input(n, j);
            if (v != 0) {
                idx[p] = j;
                if (vd != null) {
                    vd[p] = v;
                } else {
                    vf[p] = (float) v;
                }
                p++;
            }
        }
    }
}
