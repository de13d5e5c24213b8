package io.sparkbp.optim;

import java.util.Arrays;

/**
 * Full-batch limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Algorithms
 * 7.4 and 7.5; Liu &amp; Nocedal 1989): the search direction {@code d = -H g} comes from the two-loop
 * recursion over the last {@code m} pairs {@code s = x' - x, y = g' - g}, with initial matrix
 * {@code H0 = (s.y / y.y) I} from the newest pair, and the step from a strong Wolfe {@link
 * LineSearch}. A pair is stored only when {@code s.y > 1e-10 |s| |y|} (a cautious update in the
 * spirit of Li &amp; Fukushima 2001), which keeps {@code H} positive definite.
 *
 * <p>Every objective evaluation is one expensive distributed pass, so evaluations are kept few:
 * the value and gradient at the current point are cached between {@link #iterate} calls, the
 * first step (and any step without curvature history) has length 1 ({@code alpha = 1 / |g|} along
 * {@code -g}), and later steps start at {@code alpha = 1}, which the line search usually accepts:
 * a typical iteration costs one evaluation. Update convention as elsewhere:
 * {@code theta -= alpha * H g}.
 *
 * <p>State layout for checkpoints ({@link #state()}): {@code {iterations, evaluations, status
 * ordinal, history size h, value, has point (0/1)}}, the current point, its gradient (both empty
 * before the first evaluation), then {@code s} of the {@code h} pairs oldest first, then their
 * {@code y}. Not thread-safe.
 */
public final class Lbfgs {
    /** Pair-acceptance threshold of the cautious update: keep a pair when {@code s.y > EPS |s| |y|}. */
    static final double CURVATURE_EPS = 1e-10;

    /** The objective as one evaluation, e.g. one distributed pass over the data. */
    @FunctionalInterface
    public interface DiffFunction {
        /**
         * Writes the gradient at {@code x} into {@code gradOut} and returns the value at {@code x}.
         * Must not modify {@code x}. May return a non-finite value where the function is undefined
         * or overflows; the line search then shrinks the step.
         */
        double valueAndGradient(double[] x, double[] gradOut);
    }

    /** Why {@link #iterate} stopped moving, or {@code RUNNING}. */
    public enum Status {
        /** Not converged. */
        RUNNING,
        /** {@code ||grad||_2 <= gradientTolerance}. */
        SMALL_GRADIENT,
        /** The last iteration decreased the objective by at most the relative tolerance. */
        SMALL_DECREASE,
        /** Not even a steepest-descent step decreases the objective: no progress is possible in floating point. */
        NO_PROGRESS
    }

    private final int n;
    private final LbfgsSettings settings;
    private final CurvatureHistory history;

    private final double[] x;
    private double[] g;
    private double value = Double.NaN;
    private boolean hasPoint;

    private final double[] d;
    private final double[] xTrial;
    private final double[] gTrial;
    private double[] gBest;

    private long iterations;
    private int evaluations;
    private Status status = Status.RUNNING;

    public Lbfgs(int numParams, LbfgsSettings settings) {
        this.n = Checks.requireNumParams(numParams);
        if (settings == null) {
            throw new IllegalArgumentException("L-BFGS settings are required");
        }
        this.settings = settings;
        this.history = new CurvatureHistory(n, settings.memory());
        this.x = new double[n];
        this.g = new double[n];
        this.d = new double[n];
        this.xTrial = new double[n];
        this.gTrial = new double[n];
        this.gBest = new double[n];
    }

    /** L-BFGS with {@link LbfgsSettings#DEFAULTS}. */
    public Lbfgs(int numParams) {
        this(numParams, LbfgsSettings.DEFAULTS);
    }

    /**
     * L-BFGS with memory {@code memory} and one {@code tolerance} for both convergence tests (the
     * gradient norm and the relative decrease); other settings as in {@link LbfgsSettings#DEFAULTS}.
     */
    public Lbfgs(int numParams, int memory, double tolerance) {
        this(numParams, LbfgsSettings.DEFAULTS.withMemory(memory).withTolerances(tolerance, tolerance));
    }

    /**
     * One L-BFGS iteration from {@code theta}: direction, line search, curvature update. Updates
     * {@code theta} in place to the accepted point and returns the objective value there.
     *
     * <p>If {@code theta} is the point the previous call ended at (or the restored point), the
     * cached value and gradient are used; otherwise (first call, or the caller moved theta) the
     * function is evaluated at {@code theta} first, keeping the curvature history. Once {@link
     * #converged()}, further calls at the same point return the value without evaluating. If the
     * line search finds no acceptable step, the history is dropped and theta is left unchanged,
     * so the next call tries a steepest-descent step.
     *
     * @throws IllegalArgumentException if {@code theta} has the wrong length, or the value or
     *                                  gradient at {@code theta} is not finite
     */
    public double iterate(double[] theta, DiffFunction f) {
        if (theta == null || theta.length != n) {
            throw new IllegalArgumentException("L-BFGS was built for " + n + " parameters, got theta of "
                    + (theta == null ? "null" : theta.length));
        }
        if (f == null) {
            throw new IllegalArgumentException("the objective function is required");
        }
        if (!hasPoint || !Arrays.equals(theta, x)) {
            evaluateAt(theta, f);
        }
        if (status != Status.RUNNING) {
            return value;
        }
        boolean steepest = history.size() == 0;
        history.direction(g, d);
        double dphi0 = CurvatureHistory.dot(g, d);
        if (!(dphi0 < 0.0)) {
            // rounding made -Hg useless: restart from steepest descent
            history.clear();
            steepest = true;
            history.direction(g, d);
            dphi0 = CurvatureHistory.dot(g, d);
            if (!(dphi0 < 0.0)) {
                status = Status.NO_PROGRESS; // |g|^2 underflows: nothing left to do in floating point
                return value;
            }
        }
        double alpha0 = steepest ? 1.0 / Math.sqrt(-dphi0) : 1.0;
        LineSearch.Result r = LineSearch.strongWolfe(f, new LineSearch.Line(x, d, value, dphi0), alpha0,
                settings.maxLineSearchEvaluations(), new LineSearch.Work(xTrial, gTrial, gBest));
        evaluations += r.evaluations();
        iterations++;
        if (!r.accepted()) {
            if (steepest) {
                status = Status.NO_PROGRESS;
            } else {
                history.clear();
            }
            return value;
        }
        double alpha = r.alpha();
        double[] sNew = history.sSpare();
        double[] yNew = history.ySpare();
        for (int i = 0; i < n; i++) {
            double xi = x[i] + alpha * d[i];
            sNew[i] = xi - x[i];
            yNew[i] = gBest[i] - g[i];
            x[i] = xi;
        }
        history.pushSpareIfCurved(CURVATURE_EPS);
        double[] t = g;
        g = gBest;
        gBest = t;
        double old = value;
        value = r.value();
        System.arraycopy(x, 0, theta, 0, n);
        updateStatus(true, old);
        return value;
    }

    private void evaluateAt(double[] theta, DiffFunction f) {
        System.arraycopy(theta, 0, x, 0, n);
        System.arraycopy(theta, 0, xTrial, 0, n);
        double v = f.valueAndGradient(xTrial, g);
        evaluations++;
        if (!Double.isFinite(v) || !Double.isFinite(CurvatureHistory.dot(g, g))) {
            hasPoint = false;
            throw new IllegalArgumentException("the objective or its gradient is not finite at the current point "
                    + "(value " + v + "); L-BFGS needs a finite starting point");
        }
        value = v;
        hasPoint = true;
        updateStatus(false, Double.NaN);
    }

    private void updateStatus(boolean afterStep, double previousValue) {
        if (Math.sqrt(CurvatureHistory.dot(g, g)) <= settings.gradientTolerance()) {
            status = Status.SMALL_GRADIENT;
        } else if (afterStep && previousValue - value
                <= settings.relativeTolerance() * Math.max(1.0, Math.max(Math.abs(previousValue), Math.abs(value)))) {
            status = Status.SMALL_DECREASE;
        } else {
            status = Status.RUNNING;
        }
    }

    /** Number of objective evaluations so far, over all calls (and before a restored checkpoint). */
    public int evaluations() {
        return evaluations;
    }

    /** Number of {@link #iterate} calls that ran a line search. */
    public long iterations() {
        return iterations;
    }

    /** True once the gradient or the relative-decrease test holds, or no progress is possible. */
    public boolean converged() {
        return status != Status.RUNNING;
    }

    public Status status() {
        return status;
    }

    /** Objective value at the current point, NaN before the first evaluation. */
    public double value() {
        return value;
    }

    /** A copy of the gradient at the current point, or null before the first evaluation. */
    public double[] gradient() {
        return hasPoint ? g.clone() : null;
    }

    /** Number of curvature pairs currently held, at most {@code settings().memory()}. */
    public int historySize() {
        return history.size();
    }

    public int numParams() {
        return n;
    }

    public LbfgsSettings settings() {
        return settings;
    }

    /** A copy of the complete state, laid out as described in the class comment. */
    public double[][] state() {
        int h = history.size();
        double[][] out = new double[3 + 2 * h][];
        out[0] = new double[] {Checks.encodeCount(iterations), evaluations, status.ordinal(), h, value,
            hasPoint ? 1 : 0};
        out[1] = hasPoint ? x.clone() : new double[0];
        out[2] = hasPoint ? g.clone() : new double[0];
        history.export(out, 3);
        return out;
    }

    /**
     * Replaces the state by a copy of {@code state} from {@link #state()} of an L-BFGS over the same
     * number of parameters whose memory is at most this one's. Continuing from the restored point
     * gives bit for bit the iterates of the uninterrupted run (with the same memory).
     *
     * @throws IllegalArgumentException if the layout, lengths or values are inconsistent; the
     *                                  state is then unchanged
     */
    public void restoreState(double[][] state) {
        if (state == null || state.length < 3 || state[0] == null || state[0].length != 6) {
            throw new IllegalArgumentException("L-BFGS state must start with a header of 6 values "
                    + "{iterations, evaluations, status, history size, value, has point}");
        }
        double[] h = state[0];
        long its = Checks.count(h[0], Checks.MAX_EXACT_COUNT, "iterations");
        int evals = (int) Checks.count(h[1], Integer.MAX_VALUE, "evaluations");
        int st = (int) Checks.count(h[2], Status.values().length - 1, "status");
        int hs = (int) Checks.count(h[3], history.memory(), "history size (memory is " + history.memory() + ")");
        boolean point = Checks.count(h[5], 1, "has point") == 1;
        Checks.requireArrays(state, 3 + 2 * hs, "header, x, g, " + hs + " s vectors, " + hs + " y vectors");
        if (!point && (hs > 0 || st != 0 || !Double.isNaN(h[4]))) {
            throw new IllegalArgumentException("state without a point must have no history, status RUNNING and "
                    + "value NaN");
        }
        if (point && !Double.isFinite(h[4])) {
            throw new IllegalArgumentException("state value must be finite, got " + h[4]);
        }
        Checks.requireVector(state[1], point ? n : 0, "point x");
        Checks.requireVector(state[2], point ? n : 0, "gradient g");
        history.restore(state, 3, hs); // validates before changing anything
        iterations = its;
        evaluations = evals;
        status = Status.values()[st];
        value = h[4];
        hasPoint = point;
        if (point) {
            System.arraycopy(state[1], 0, x, 0, n);
            System.arraycopy(state[2], 0, g, 0, n);
        }
    }
}
