package io.sparkbp.optim;

/** Argument checks and state-encoding helpers shared by the optimizers of this package. */
final class Checks {
    /** Largest integer a double represents exactly; counters beyond it cannot be checkpointed. */
    static final double MAX_EXACT_COUNT = 9007199254740992.0; // 2^53

    private Checks() {
    }

    static int requireNumParams(int numParams) {
        if (numParams < 1) {
            throw new IllegalArgumentException("numParams must be >= 1, got " + numParams);
        }
        return numParams;
    }

    /** Checks the arguments of {@link Optimizer#step} before anything is modified. */
    static void requireStep(int numParams, double[] theta, double[] grad, double learningRate) {
        if (theta == null || grad == null) {
            throw new IllegalArgumentException("theta and grad are required");
        }
        if (theta.length != numParams || grad.length != numParams) {
            throw new IllegalArgumentException("optimizer was built for " + numParams + " parameters, got theta of "
                    + theta.length + " and grad of " + grad.length);
        }
        if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
    }

    /** Checks that {@code state} holds exactly {@code count} arrays. */
    static void requireArrays(double[][] state, int count, String layout) {
        if (state == null || state.length != count) {
            throw new IllegalArgumentException("state must hold " + count + " arrays (" + layout + "), got "
                    + (state == null ? "null" : state.length));
        }
        for (int i = 0; i < state.length; i++) {
            if (state[i] == null) {
                throw new IllegalArgumentException("state array " + i + " of (" + layout + ") is null");
            }
        }
    }

    /** Checks that {@code a} (entry {@code what} of a state) has {@code length} finite values. */
    static void requireVector(double[] a, int length, String what) {
        if (a.length != length) {
            throw new IllegalArgumentException("state " + what + " must have length " + length + ", got " + a.length);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException("state " + what + " has non-finite value " + a[i] + " at " + i);
            }
        }
    }

    /** Decodes a counter stored as a double: a whole number in {@code [0, max]}. */
    static long count(double v, double max, String what) {
        if (!(v >= 0.0 && v <= max) || v != Math.rint(v)) {
            throw new IllegalArgumentException("state " + what + " must be a whole number in [0, " + (long) max
                    + "], got " + v);
        }
        return (long) v;
    }

    /** Encodes a counter as a double, refusing values a double cannot hold exactly. */
    static double encodeCount(long v) {
        if (v > (long) MAX_EXACT_COUNT) {
            throw new IllegalStateException("counter " + v + " exceeds 2^53 and cannot be checkpointed exactly");
        }
        return v;
    }
}
