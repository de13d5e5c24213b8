package io.sparkbp.spark;

import java.util.Map;

/**
 * What one epoch produced: the training loss (mean error over the epoch's steps as they ran, plus
 * the L2 term), the validation and test metrics ({@code null} when absent), throughput and timing.
 *
 * @param epoch  this epoch, from 1
 * @param epochs the most epochs of the run ({@code train.epochs})
 */
public record EpochReport(int epoch, int epochs, double trainLoss, Evaluations evaluations, Timing timing,
                          double learningRate) {

    /** The metrics of the validation and the test data after the epoch, each {@code null} when absent. */
    public record Evaluations(Map<String, Double> validation, Map<String, Double> test) {
    }

    /**
     * The training examples the epoch processed, its wall time, and the run's time at its end.
     *
     * @param elapsedSeconds the seconds since the run started (restored epochs included), at the end of the epoch
     */
    public record Timing(long examples, double seconds, double elapsedSeconds) {
        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : 0;
        }
    }

    public EpochReport {
        if (evaluations == null || timing == null) {
            throw new IllegalArgumentException("the evaluations and the timing are required");
        }
    }

    public Map<String, Double> validation() {
        return evaluations.validation();
    }

    public Map<String, Double> test() {
        return evaluations.test();
    }

    public long examples() {
        return timing.examples();
    }

    public double seconds() {
        return timing.seconds();
    }

    public double elapsedSeconds() {
        return timing.elapsedSeconds();
    }

    public double examplesPerSecond() {
        return timing.examplesPerSecond();
    }
}
