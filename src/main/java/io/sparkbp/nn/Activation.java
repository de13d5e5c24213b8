package io.sparkbp.nn;

import io.sparkbp.math.Kernels;
import io.sparkbp.math.Named;

/**
 * Hidden-layer activation functions. Each derivative is written in terms of the activation value
 * {@code z = f(a)}, so the backward pass needs only the stored activations; for the logistic unit
 * of the backprop note this is {@code f'(a) = z (1 - z)}. Each has a float twin of its two array
 * loops for the single-precision kernels (Java has no generics over primitive arrays).
 */
public enum Activation implements Named {
    /** Logistic unit {@code z = 1 / (1 + e^-a)}, derivative {@code z (1 - z)}. */
    SIGMOID {
        @Override
        void applyInPlace(double[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                z[i] = Kernels.sigmoid(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(double[] z, double[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                double v = z[i];
                delta[i] *= v * (1.0 - v);
            }
        }

        @Override
        void applyInPlace(float[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                z[i] = (float) Kernels.sigmoid(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(float[] z, float[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                float v = z[i];
                delta[i] *= v * (1.0f - v);
            }
        }
    },
    /** Hyperbolic tangent, derivative {@code 1 - z^2}. */
    TANH {
        @Override
        void applyInPlace(double[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                z[i] = Math.tanh(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(double[] z, double[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                double v = z[i];
                delta[i] *= 1.0 - v * v;
            }
        }

        @Override
        void applyInPlace(float[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                z[i] = (float) Math.tanh(z[i]);
            }
        }

        @Override
        void multiplyByDerivative(float[] z, float[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                float v = z[i];
                delta[i] *= 1.0f - v * v;
            }
        }
    },
    /** Rectified linear unit {@code max(a, 0)}, derivative 1 where {@code z > 0}, else 0; NaN stays NaN. */
    RELU {
        @Override
        void applyInPlace(double[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (z[i] < 0.0) {
                    z[i] = 0.0;
                }
            }
        }

        @Override
        void multiplyByDerivative(double[] z, double[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (z[i] <= 0.0) {
                    delta[i] = 0.0;
                }
            }
        }

        @Override
        void applyInPlace(float[] z, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (z[i] < 0.0f) {
                    z[i] = 0.0f;
                }
            }
        }

        @Override
        void multiplyByDerivative(float[] z, float[] delta, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (z[i] <= 0.0f) {
                    delta[i] = 0.0f;
                }
            }
        }
    };

    /** Replaces pre-activations {@code a} by activations {@code f(a)} in {@code z[off..off+len)}. */
    abstract void applyInPlace(double[] z, int off, int len);

    /** {@code delta[i] *= f'(a_i)}, with the derivative computed from the activation {@code z[i]}. */
    abstract void multiplyByDerivative(double[] z, double[] delta, int off, int len);

    /** Float twin of {@link #applyInPlace(double[], int, int)} (the functions are evaluated in double). */
    abstract void applyInPlace(float[] z, int off, int len);

    /** Float twin of {@link #multiplyByDerivative(double[], double[], int, int)}. */
    abstract void multiplyByDerivative(float[] z, float[] delta, int off, int len);

    /** Parses {@code sigmoid}, {@code tanh} or {@code relu} (case-insensitive). */
    public static Activation parse(String s) {
        return Named.parse(Activation.class, s, "hidden activation");
    }
}
