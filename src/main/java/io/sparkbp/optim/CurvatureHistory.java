package io.sparkbp.optim;

/**
 * The last {@code m} curvature pairs {@code (s, y)} of {@link Lbfgs}, oldest first in a ring, and
 * the two-loop recursion over them (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Algorithm
 * 7.4). Vectors for a new pair are written into {@link #sSpare()} / {@link #ySpare()} first, so a
 * rejected pair never disturbs the stored ones.
 */
final class CurvatureHistory {
    private final int n;
    private final double[][] s;
    private final double[][] y;
    private final double[] sy;
    private final double[] yy;
    private final double[] alphas;
    private double[] sSpare;
    private double[] ySpare;
    private int start;
    private int size;

    CurvatureHistory(int n, int memory) {
        this.n = n;
        this.s = new double[memory][];
        this.y = new double[memory][];
        this.sy = new double[memory];
        this.yy = new double[memory];
        this.alphas = new double[memory];
        this.sSpare = new double[n];
        this.ySpare = new double[n];
    }

    int memory() {
        return s.length;
    }

    int size() {
        return size;
    }

    double[] sSpare() {
        return sSpare;
    }

    double[] ySpare() {
        return ySpare;
    }

    void clear() {
        start = 0;
        size = 0;
    }

    /**
     * Stores the pair held in the spare buffers when {@code s.y > eps |s| |y|} (the cautious
     * update), evicting the oldest pair when full; otherwise leaves the history unchanged.
     *
     * @return whether the pair was stored
     */
    boolean pushSpareIfCurved(double eps) {
        double sDotY = dot(sSpare, ySpare);
        double yDotY = dot(ySpare, ySpare);
        if (!(sDotY > eps * Math.sqrt(dot(sSpare, sSpare)) * Math.sqrt(yDotY))) {
            return false;
        }
        int k;
        if (size < s.length) {
            k = (start + size) % s.length;
            size++;
        } else {
            k = start;
            start = (start + 1) % s.length;
        }
        double[] oldS = s[k];
        double[] oldY = y[k];
        s[k] = sSpare;
        y[k] = ySpare;
        sy[k] = sDotY;
        yy[k] = yDotY;
        sSpare = oldS != null ? oldS : new double[n];
        ySpare = oldY != null ? oldY : new double[n];
        return true;
    }

    /** Writes {@code d = -H g} with {@code H0 = (s.y / y.y) I} from the newest pair ({@code I} if none). */
    void direction(double[] g, double[] d) {
        System.arraycopy(g, 0, d, 0, n);
        int m = s.length;
        for (int j = size - 1; j >= 0; j--) {
            int k = (start + j) % m;
            double a = dot(s[k], d) / sy[k];
            alphas[j] = a;
            axpy(-a, y[k], d);
        }
        if (size > 0) {
            int newest = (start + size - 1) % m;
            double gamma = sy[newest] / yy[newest];
            for (int i = 0; i < n; i++) {
                d[i] *= gamma;
            }
        }
        for (int j = 0; j < size; j++) {
            int k = (start + j) % m;
            double b = dot(y[k], d) / sy[k];
            axpy(alphas[j] - b, s[k], d);
        }
        for (int i = 0; i < n; i++) {
            d[i] = -d[i];
        }
    }

    /** Copies of the stored {@code s} (oldest first) then {@code y} vectors into {@code out[from..]}. */
    void export(double[][] out, int from) {
        for (int j = 0; j < size; j++) {
            int k = (start + j) % s.length;
            out[from + j] = s[k].clone();
            out[from + size + j] = y[k].clone();
        }
    }

    /**
     * Validates {@code h} pairs laid out as by {@link #export} and replaces the history by copies.
     *
     * @throws IllegalArgumentException on a wrong length, a non-finite value or {@code s.y <= 0};
     *                                  the history is then unchanged
     */
    void restore(double[][] in, int from, int h) {
        if (h > s.length) {
            throw new IllegalArgumentException("state holds " + h + " pairs but the memory is " + s.length);
        }
        double[] sDotY = new double[h];
        double[] yDotY = new double[h];
        for (int j = 0; j < h; j++) {
            Checks.requireVector(in[from + j], n, "s[" + j + "]");
            Checks.requireVector(in[from + h + j], n, "y[" + j + "]");
            sDotY[j] = dot(in[from + j], in[from + h + j]);
            yDotY[j] = dot(in[from + h + j], in[from + h + j]);
            if (!(sDotY[j] > 0.0)) {
                throw new IllegalArgumentException("state pair " + j + " has s.y = " + sDotY[j] + "; must be > 0");
            }
        }
        start = 0;
        size = h;
        for (int j = 0; j < h; j++) {
            s[j] = in[from + j].clone();
            y[j] = in[from + h + j].clone();
            sy[j] = sDotY[j];
            yy[j] = yDotY[j];
        }
    }

    static double dot(double[] a, double[] b) {
        double r = 0.0;
        for (int i = 0; i < a.length; i++) {
            r += a[i] * b[i];
        }
        return r;
    }

    static void axpy(double a, double[] xs, double[] ys) {
        for (int i = 0; i < ys.length; i++) {
            ys[i] += a * xs[i];
        }
    }
}
