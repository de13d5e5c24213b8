package io.sparkbp.nn;

import java.io.Serializable;
import java.util.Map;

/**
 * The evaluation sums one output kind keeps besides the example count, the weight sum and the loss
 * sum of {@link Metrics}, and the metrics they give: {@link Classes} for softmax (the argmax decision),
 * {@link Labels} for logistic outputs (the threshold decision per output), {@link Errors} for linear
 * outputs. {@link OutputKind#sums} picks one. Every sum is a sum of example weights.
 */
interface KindSums extends Serializable {

    /**
     * Adds one example of weight {@code w}: pre-activations {@code s} and targets {@code t} at
     * {@code off}, outputs {@code y} in data units at {@code yOff}, {@code k} values each. Returns
     * {@code w E}, the example's share of the loss sum.
     */
    double add(double[] s, double[] t, int off, double[] y, int yOff, double w);

    /** Adds {@code other}, sums of the same kind and size (with confusion counts if these have them), into these. */
    void merge(KindSums other);

    /** The confusion counts these sums fill, or null (none asked for, or a linear output). */
    Confusion confusion();

    /** Puts the kind's metrics into {@code m}, in their fixed order, for the weight sum {@code weightSum}. */
    void put(Map<String, Double> m, double weightSum);

    /** Softmax: the weight of examples whose largest output is at their target's largest value. */
    final class Classes implements KindSums {
        private static final long serialVersionUID = 1L;

        private final int k;
        private final Confusion confusion;
        private double correct;

        Classes(int k, Confusion confusion) {
            this.k = k;
            this.confusion = confusion;
        }

        @Override
        public double add(double[] s, double[] t, int off, double[] y, int yOff, double w) {
            double loss = w * OutputKind.SOFTMAX.error(s, off, t, off, k);
            int predicted = OutputKind.argmax(y, yOff, k);
            int actual = OutputKind.argmax(t, off, k);
            if (predicted == actual) {
                correct += w;
            }
            if (confusion != null) {
                confusion.addClass(actual, predicted, w);
            }
            return loss;
        }

        @Override
        public void merge(KindSums other) {
            Classes o = (Classes) other;
            if (confusion != null) {
                confusion.merge(o.confusion);
            }
            correct += o.correct;
        }

        @Override
        public Confusion confusion() {
            return confusion;
        }

        @Override
        public void put(Map<String, Double> m, double weightSum) {
            m.put("accuracy", correct / weightSum);
        }
    }

    /**
     * Logistic: the weight of examples with every output on the right side of {@link
     * OutputKind#THRESHOLD}, and of right outputs (weight times their number).
     */
    final class Labels implements KindSums {
        private static final long serialVersionUID = 1L;

        private final int k;
        private final Confusion confusion;
        private double correct;
        private double labelsCorrect;

        Labels(int k, Confusion confusion) {
            this.k = k;
            this.confusion = confusion;
        }

        @Override
        public double add(double[] s, double[] t, int off, double[] y, int yOff, double w) {
            double loss = w * OutputKind.LOGISTIC.error(s, off, t, off, k);
            int right = 0;
            for (int i = 0; i < k; i++) {
                boolean predictedPositive = OutputKind.positive(y[yOff + i], OutputKind.THRESHOLD);
                boolean actualPositive = OutputKind.positive(t[off + i], OutputKind.THRESHOLD);
                if (predictedPositive == actualPositive) {
                    right++;
                }
                if (confusion != null) {
                    confusion.addOutput(i, actualPositive, predictedPositive, w);
                }
            }
            if (confusion != null) {
                confusion.addExample(w);
            }
            labelsCorrect += w * right;
            if (right == k) {
                correct += w;
            }
            return loss;
        }

        @Override
        public void merge(KindSums other) {
            Labels o = (Labels) other;
            if (confusion != null) {
                confusion.merge(o.confusion);
            }
            correct += o.correct;
            labelsCorrect += o.labelsCorrect;
        }

        @Override
        public Confusion confusion() {
            return confusion;
        }

        /** One output: {@code accuracy}; several: {@code subsetAccuracy} and {@code hammingAccuracy}. */
        @Override
        public void put(Map<String, Double> m, double weightSum) {
            if (k == 1) {
                m.put("accuracy", correct / weightSum);
            } else {
                m.put("subsetAccuracy", correct / weightSum);
                m.put("hammingAccuracy", labelsCorrect / (weightSum * k));
            }
        }
    }

    /** Linear: per output the squared errors and the targets' sums and sums of squares, in data units. */
    final class Errors implements KindSums {
        private static final long serialVersionUID = 1L;

        private final int k;
        private final double[] sse;
        private final double[] sumT;
        private final double[] sumT2;

        Errors(int k) {
            this.k = k;
            this.sse = new double[k];
            this.sumT = new double[k];
            this.sumT2 = new double[k];
        }

        /** The squared error {@code E = 1/2 sum_k (y_k - t_k)^2} of the outputs in data units. */
        @Override
        public double add(double[] s, double[] t, int off, double[] y, int yOff, double w) {
            double e = 0;
            for (int i = 0; i < k; i++) {
                double tv = t[off + i];
                double d = y[yOff + i] - tv;
                e += d * d;
                sse[i] += w * d * d;
                sumT[i] += w * tv;
                sumT2[i] += w * tv * tv;
            }
            return w * 0.5 * e;
        }

        @Override
        public void merge(KindSums other) {
            Errors o = (Errors) other;
            for (int i = 0; i < k; i++) {
                sse[i] += o.sse[i];
                sumT[i] += o.sumT[i];
                sumT2[i] += o.sumT2[i];
            }
        }

        @Override
        public Confusion confusion() {
            return null;
        }

        /** {@code rmse} over all outputs and {@code r2}, the mean over outputs of {@code 1 - SSE_k / SST_k}. */
        @Override
        public void put(Map<String, Double> m, double weightSum) {
            double total = 0;
            double r2 = 0;
            double[] perOutput = r2(weightSum);
            for (int i = 0; i < k; i++) {
                total += sse[i];
                r2 += perOutput[i];
            }
            m.put("rmse", Math.sqrt(total / (weightSum * k)));
            m.put("r2", r2 / k);
        }

        double[] rmse(double weightSum) {
            double[] r = new double[k];
            for (int i = 0; i < k; i++) {
                r[i] = Math.sqrt(sse[i] / weightSum);
            }
            return r;
        }

        double[] r2(double weightSum) {
            double[] r = new double[k];
            for (int i = 0; i < k; i++) {
                double sst = sumT2[i] - sumT[i] * sumT[i] / weightSum;
                r[i] = sst > 0 ? 1.0 - sse[i] / sst : Double.NaN;
            }
            return r;
        }
    }
}
