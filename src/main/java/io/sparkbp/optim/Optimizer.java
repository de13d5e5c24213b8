package io.sparkbp.optim;

/**
 * A first-order step optimizer: given the gradient at the current parameters it updates them in
 * place, {@code theta -= learningRate * direction}, where the direction is built from the gradient
 * and the optimizer's own state (velocity, moment estimates). The state can be exported with
 * {@link #state()} and restored with {@link #restoreState(double[][])} so that a run resumed from a
 * checkpoint continues bit for bit as if it had never stopped.
 *
 * <p>Implementations are not thread-safe. Full-batch L-BFGS is not a step optimizer (it needs
 * function values and a line search); it is {@link Lbfgs}.
 */
public abstract sealed class Optimizer permits Sgd, Adam {
    /** The number of parameters the optimizer was built for. */
    protected final int numParams;
    /** The steps made so far. */
    protected long steps;
    private final OptimizerKind kind;

    /** An optimizer {@code kind} for {@code numParams >= 1} parameters. */
    protected Optimizer(OptimizerKind kind, int numParams) {
        Checks.requireNumParams(numParams);
        this.kind = kind;
        this.numParams = numParams;
    }

    /**
     * Updates {@code theta} in place from {@code grad}, the gradient of the objective at {@code
     * theta}, and advances {@link #steps()} by one. Both arrays must have {@link #numParams()}
     * entries and {@code learningRate} must be finite and {@code > 0}; the arguments are checked
     * before anything changes. A non-finite gradient is not checked for: it propagates into theta
     * and the state.
     */
    public abstract void step(double[] theta, double[] grad, double learningRate);

    /**
     * {@link #step} on the gradient {@code sums[i] * scale} (a mini-batch's weighted gradient sums
     * times one over their total weight), formed in {@code scratch}; when {@code single} is not null
     * it receives {@code (float) theta[i]} of the updated weights. The numbers are those of scaling,
     * stepping and narrowing one after the other; an optimizer may fuse them into one pass over the
     * parameters. All arrays have {@link #numParams()} entries.
     */
    public void stepScaled(double[] theta, double[] sums, double scale, double learningRate, float[] single,
                           double[] scratch) {
        Checks.requireStep(numParams(), scratch, sums, learningRate);
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = sums[i] * scale;
        }
        step(theta, scratch, learningRate);
        if (single != null) {
            for (int i = 0; i < theta.length; i++) {
                single[i] = (float) theta[i];
            }
        }
    }

    /** Lower-case name as accepted by {@link #create}: {@code sgd} or {@code adam}. */
    public final String name() {
        return kind.id();
    }

    /** Number of parameters this optimizer was built for. */
    public final int numParams() {
        return numParams;
    }

    /** Number of {@link #step} calls made so far, including those before a restored checkpoint. */
    public final long steps() {
        return steps;
    }

    /**
     * A copy of the complete optimizer state: {@code state()[0]} is {@code {steps}}, the rest are
     * per-parameter vectors whose meaning each implementation documents.
     */
    public abstract double[][] state();

    /**
     * Replaces the state by a copy of {@code state}, as produced by {@link #state()} of an optimizer
     * of the same kind, settings and size.
     *
     * @throws IllegalArgumentException if the number or lengths of the arrays do not match, a
     *                                  counter is not a whole number, or a value is not finite;
     *                                  the state is then unchanged
     */
    public abstract void restoreState(double[][] state);

    /**
     * The step count of {@code state}, checked to be {@code arrays} arrays laid out as {@code layout}
     * with a header {@code {steps}}; for {@link #restoreState}, which checks the rest.
     */
    protected static long checkedSteps(double[][] state, int arrays, String layout) {
        Checks.requireArrays(state, arrays, layout);
        Checks.requireVector(state[0], 1, "header {steps}");
        return Checks.count(state[0][0], Checks.MAX_EXACT_COUNT, "steps");
    }

    /**
     * Creates a step optimizer by name ({@code sgd} or {@code adam}, case-insensitive) for {@code
     * numParams} parameters.
     *
     * @throws IllegalArgumentException for an unknown name, for {@code lbfgs} (see {@link Lbfgs}),
     *                                  or for {@code numParams < 1}
     */
    public static Optimizer create(String name, int numParams, OptimizerSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("optimizer settings are required");
        }
        return create(OptimizerKind.parse(name), numParams, settings);
    }

    /** The step optimizer {@code kind} for {@code numParams} parameters; {@code LBFGS} is refused, as above. */
    public static Optimizer create(OptimizerKind kind, int numParams, OptimizerSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("optimizer settings are required");
        }
        return switch (kind) {
            case SGD -> new Sgd(numParams, settings.momentum(), settings.nesterov());
            case ADAM -> new Adam(numParams, settings.beta1(), settings.beta2(), settings.epsilon());
            case LBFGS -> throw new IllegalArgumentException("optimizer 'lbfgs' is not a step optimizer: full-batch "
                    + "L-BFGS needs function values and a line search and is handled by Lbfgs");
        };
    }
}
