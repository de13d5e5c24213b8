package io.sparkbp.math;

/**
 * Column-wise helpers around the GEMM calls: broadcasting a bias into every column and summing
 * the columns of a matrix into a vector. Layout: column-major, {@code a[off + col * rows + row]}.
 *
 * <p>The {@code float[]} overloads serve the single-precision kernels. They are twins of the
 * double loops because Java has no generics over primitive arrays, and these are the innermost
 * loops, where a boxed or virtual element accessor would cost more than float saves. Sums that
 * leave a block ({@link #addRowSums(float[], int, int, int, double[], int)}, {@link
 * #addWidened}) are added in double.
 */
public final class Kernels {
    private Kernels() {
    }

    /** Sets every column of the {@code rows x cols} matrix {@code z} to the vector {@code b[bOff..bOff+rows)}. */
    public static void broadcastColumns(double[] b, int bOff, double[] z, int zOff, int rows, int cols) {
        for (int c = 0; c < cols; c++) {
            System.arraycopy(b, bOff, z, zOff + c * rows, rows);
        }
    }

    /** Float twin of {@link #broadcastColumns(double[], int, double[], int, int, int)}. */
    public static void broadcastColumns(float[] b, int bOff, float[] z, int zOff, int rows, int cols) {
        for (int c = 0; c < cols; c++) {
            System.arraycopy(b, bOff, z, zOff + c * rows, rows);
        }
    }

    /** Adds the row sums of the {@code rows x cols} matrix {@code d} (one per row) into {@code g[gOff..gOff+rows)}. */
    public static void addRowSums(double[] d, int dOff, int rows, int cols, double[] g, int gOff) {
        for (int c = 0; c < cols; c++) {
            int base = dOff + c * rows;
            for (int r = 0; r < rows; r++) {
                g[gOff + r] += d[base + r];
            }
        }
    }

    /** As {@link #addRowSums(double[], int, int, int, double[], int)} for a float matrix, each row summed in double. */
    public static void addRowSums(float[] d, int dOff, int rows, int cols, double[] g, int gOff) {
        for (int c = 0; c < cols; c++) {
            int base = dOff + c * rows;
            for (int r = 0; r < rows; r++) {
                g[gOff + r] += d[base + r];
            }
        }
    }

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for {@code i < n}. */
    public static void axpy(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** Float twin of {@link #axpy(int, double, double[], int, double[], int)}. */
    public static void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** {@code y[yOff + i] += alpha * x[xOff + i]} for a float {@code x}, in double. */
    public static void axpy(int n, double alpha, float[] x, int xOff, double[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** {@code dst[dOff + i] = src[sOff + i]} for {@code i < n}, widened to double. */
    public static void widen(float[] src, int sOff, double[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = src[sOff + i];
        }
    }

    /** {@code dst[dOff + i] += src[sOff + i]} for {@code i < n}, in double. */
    public static void addWidened(float[] src, int sOff, double[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /** {@code dst[dOff + i] = (float) src[sOff + i]} for {@code i < n} (round to nearest). */
    public static void narrow(double[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = (float) src[sOff + i];
        }
    }

    /** A float copy of {@code src}. */
    public static float[] toFloat(double[] src) {
        float[] f = new float[src.length];
        narrow(src, 0, f, 0, src.length);
        return f;
    }

    /** Sum of squares of {@code x[off..off+n)}. */
    public static double sumOfSquares(double[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[off + i];
            s += v * v;
        }
        return s;
    }

    /** Numerically stable logistic function {@code 1 / (1 + e^-s)}. */
    public static double sigmoid(double s) {
        if (s >= 0) {
            return 1.0 / (1.0 + Math.exp(-s));
        }
        double e = Math.exp(s);
        return e / (1.0 + e);
    }

    /** {@code log(1 + e^s)} without overflow: {@code max(s, 0) + log1p(e^-|s|)}. */
    public static double softplus(double s) {
        return Math.max(s, 0.0) + Math.log1p(Math.exp(-Math.abs(s)));
    }
}
