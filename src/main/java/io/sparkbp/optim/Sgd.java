package io.sparkbp.optim;

/**
 * Stochastic gradient descent with optional momentum, classic or Nesterov.
 *
 * <ul>
 *   <li>{@code mu = 0}: {@code theta -= lr * g}, computed exactly so (bit for bit), and no velocity
 *       is allocated.</li>
 *   <li>Classic momentum (Polyak 1964): {@code v = mu v - lr g; theta += v}.</li>
 *   <li>Nesterov's accelerated gradient in the form that needs only the gradient at the current
 *       point (Bengio, Boulanger-Lewandowski &amp; Pascanu 2012, "Advances in optimizing recurrent
 *       networks"; Sutskever, Martens, Dahl &amp; Hinton 2013, "On the importance of initialization
 *       and momentum in deep learning"): {@code v' = mu v - lr g; theta += -mu v + (1 + mu) v'}.</li>
 * </ul>
 *
 * <p>State layout: {@code {steps}} then the velocity {@code v}, which is empty when {@code mu = 0}.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final boolean nesterov;
    /** Null when {@code momentum == 0}. */
    private final double[] velocity;

    /** SGD with momentum {@code momentum} in {@code [0, 1)}; {@code nesterov} needs momentum > 0. */
    public Sgd(int numParams, double momentum, boolean nesterov) {
        super(OptimizerKind.SGD, numParams);
        OptimizerSettings.checkMomentum(momentum, nesterov);
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.velocity = momentum == 0.0 ? null : new double[numParams];
    }

    /** Plain gradient descent, {@code theta -= lr * g}. */
    public Sgd(int numParams) {
        this(numParams, 0.0, false);
    }

    @Override
    public void step(double[] theta, double[] grad, double learningRate) {
        Checks.requireStep(numParams, theta, grad, learningRate);
        double[] v = velocity;
        if (v == null) {
            for (int i = 0; i < numParams; i++) {
                theta[i] -= learningRate * grad[i];
            }
        } else if (!nesterov) {
            double mu = momentum;
            for (int i = 0; i < numParams; i++) {
                double vi = mu * v[i] - learningRate * grad[i];
                v[i] = vi;
                theta[i] += vi;
            }
        } else {
            double mu = momentum;
            double onePlusMu = 1.0 + mu;
            for (int i = 0; i < numParams; i++) {
                double vOld = v[i];
                double vNew = mu * vOld - learningRate * grad[i];
                v[i] = vNew;
                theta[i] += -mu * vOld + onePlusMu * vNew;
            }
        }
        steps++;
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public double[][] state() {
        return new double[][] {{Checks.encodeCount(steps)}, velocity == null ? new double[0] : velocity.clone()};
    }

    @Override
    public void restoreState(double[][] state) {
        long s = checkedSteps(state, 2, "{steps}, velocity");
        Checks.requireVector(state[1], velocity == null ? 0 : numParams,
                velocity == null ? "velocity (empty: momentum is 0)" : "velocity");
        if (velocity != null) {
            System.arraycopy(state[1], 0, velocity, 0, numParams);
        }
        steps = s;
    }

    @Override
    public String toString() {
        return "sgd(momentum=" + momentum + (nesterov ? ", nesterov" : "") + ")";
    }
}
