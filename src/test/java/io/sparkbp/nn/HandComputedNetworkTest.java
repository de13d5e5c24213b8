package io.sparkbp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Tiny networks with fixed weights whose objective and every gradient entry were computed
 * independently, outside this code base: scalar forward pass and hand-derived backprop formulas in
 * a one-off Python script (plain {@code math}), each gradient entry cross-checked there by
 * complex-step differentiation ({@code Im J(theta + i 1e-30 e_p) / 1e-30}, exact to rounding).
 *
 * <p>Parameter order is the flat layout of {@link NetworkSpec}: W1 (column-major), b1, W2
 * (column-major), b2.
 */
class HandComputedNetworkTest {
    private static final double REL = 1e-12;

    /** [2, 2, 1], sigmoid hidden, logistic output, unweighted, lambda = 0. */
    @Test
    void sigmoidNetworkWithLogisticOutputMatchesHandComputedLossAndGradient() {
        NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 1}, Activation.SIGMOID, OutputKind.LOGISTIC);
        double[] theta = {
            0.5, -0.25, 0.75, 1.0,   // W1: W(0,0), W(1,0), W(0,1), W(1,1)
            0.1, -0.2,               // b1
            1.5, -2.0,               // W2
            0.3                      // b2
        };
        double[] x = {1.0, 2.0, -0.5, 0.25};
        double[] t = {1.0, 0.0};
        Block block = Block.dense(2, 2, 1, x, t, null);

        double expectedJ = 0.6907562555626185;
        double[] expectedGrad = {
            -0.08300813990014361, 0.13400595378717964, -0.05022977276224981, 0.11475201065355284,
            0.05593566854550128, -0.04990592251778808,
            -0.09836082494497111, -0.0732855706680845,
            -0.004585996388133257};
        check(spec, theta, block, 0.0, expectedJ, expectedGrad);
    }

    /** [2, 2, 2], tanh hidden, softmax output, example weights {2, 0.5}, lambda = 0.1. */
    @Test
    void tanhNetworkWithSoftmaxOutputMatchesHandComputedLossAndGradient() {
        NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 2}, Activation.TANH, OutputKind.SOFTMAX);
        double[] theta = {
            0.4, -0.6, -0.3, 0.8,
            0.05, -0.1,
            1.2, -0.7, 0.9, 0.6,
            0.2, -0.4
        };
        double[] x = {0.5, -1.0, 2.0, 0.5};
        double[] t = {0.0, 1.0, 1.0, 0.0};
        Block block = Block.dense(2, 2, 2, x, t, new double[] {2.0, 0.5});

        double expectedJ = 1.4899478400622812;
        double[] expectedGrad = {
            0.40207643156554485, -0.04160213115753893, -0.9468071990548027, 0.019869353171010497,
            0.8525890870802317, 0.05235234378096706,
            0.4132666311513541, -0.3632666311513541, -0.4087641451010251, 0.5587641451010251,
            0.593288977072706, -0.593288977072706};
        check(spec, theta, block, 0.1, expectedJ, expectedGrad);
    }

    /**
     * [2, 2, 2], ReLU hidden, linear output, unweighted, lambda = 0.05. Hidden pre-activations are
     * (0.25, 1.75) for example 0 and (2.75, -0.75) for example 1: unit 1 is off for example 1.
     */
    @Test
    void reluNetworkWithLinearOutputMatchesHandComputedLossAndGradient() {
        NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 2}, Activation.RELU, OutputKind.LINEAR);
        double[] theta = {
            1.0, 0.5, -0.5, 1.0,
            0.25, -0.75,
            0.8, -0.6, 1.1, 0.4,
            -0.2, 0.3
        };
        double[] x = {1.0, 2.0, 2.0, -1.0};
        double[] t = {1.5, -0.5, 0.25, 2.0};
        Block block = Block.dense(2, 2, 2, x, t, null);

        double expectedJ = 4.193781250000001;
        double[] expectedGrad = {
            3.225, 0.5287500000000004, -2.1999999999999997, 1.0575000000000008,
            1.4700000000000002, 0.5037500000000004,
            2.499375, -4.467499999999999, 0.4268750000000004, 1.2012500000000002,
            1.0875000000000004, -0.9999999999999998};
        check(spec, theta, block, 0.05, expectedJ, expectedGrad);
    }

    /** The same sparse-encoded data gives the same hand-computed numbers. */
    @Test
    void sparseEncodingOfTheSigmoidExampleGivesTheSameNumbers() {
        NetworkSpec spec = new NetworkSpec(new int[] {2, 2, 1}, Activation.SIGMOID, OutputKind.LOGISTIC);
        double[] theta = {0.5, -0.25, 0.75, 1.0, 0.1, -0.2, 1.5, -2.0, 0.3};
        Block block = Block.sparse(2, 2, 1, new int[] {0, 2, 4}, new int[] {0, 1, 0, 1},
                new double[] {1.0, 2.0, -0.5, 0.25}, new double[] {1.0, 0.0}, null);
        double[] expectedGrad = {
            -0.08300813990014361, 0.13400595378717964, -0.05022977276224981, 0.11475201065355284,
            0.05593566854550128, -0.04990592251778808,
            -0.09836082494497111, -0.0732855706680845,
            -0.004585996388133257};
        check(spec, theta, block, 0.0, 0.6907562555626185, expectedGrad);
    }

    private static void check(NetworkSpec spec, double[] theta, Block block, double lambda,
                              double expectedJ, double[] expectedGrad) {
        assertEquals(expectedGrad.length, spec.numParams());
        GradientAccumulator acc = TestNets.accumulate(spec, theta, block);
        double[] grad = new double[spec.numParams()];
        double j = Objective.valueAndGradient(spec, theta, lambda, acc, grad);
        TestNets.assertRelClose(expectedJ, j, REL, "J");
        for (int p = 0; p < grad.length; p++) {
            TestNets.assertRelClose(expectedGrad[p], grad[p], REL, "dJ/dtheta[" + p + "]");
        }
        assertEquals(block.rows(), acc.count());
    }
}
