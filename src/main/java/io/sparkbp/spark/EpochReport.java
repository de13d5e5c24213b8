package io.sparkbp.spark;

import java.util.Map;

/**
 * What one epoch produced: the training loss (mean error over the epoch's steps as they ran, plus
 * the L2 term), the validation and test metrics ({@code null} when absent), throughput and timing.
 */
public record EpochReport(int epoch, int epochs, double trainLoss, Map<String, Double> validation,
                          Map<String, Double> test, long examples, double seconds, double elapsedSeconds,
                          double learningRate) {
    public double examplesPerSecond() {
        return seconds > 0 ? examples / seconds : 0;
    }
}
