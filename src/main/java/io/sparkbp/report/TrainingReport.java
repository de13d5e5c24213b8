package io.sparkbp.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training report shows, as plain data (no Spark types): the run's history per epoch,
 * which epoch the saved model comes from, the data sets, the settings and the environment. {@link
 * #html()} renders it as one self-contained HTML page.
 *
 * @param heading      what the run produced (e.g. the model path) and when the report was written
 * @param setup        the environment, the data sets and the settings the run had
 * @param history      the epochs and which one the saved model comes from
 * @param finalMetrics rows of the final-metrics table, e.g. "test (saved model)" to its metrics, in order
 * @param notes        sentences worth a reader's attention (resumed run, skipped lines, early stop)
 */
public record TrainingReport(Heading heading, Setup setup, History history,
                             Map<String, Map<String, Double>> finalMetrics, List<String> notes) {

    /** One finished epoch, as the trainer reported it; {@code validation}/{@code test} may be null. */
    public record Epoch(int epoch, double trainLoss, Map<String, Double> validation, Map<String, Double> test,
                        Throughput throughput, double learningRate) {
        public Epoch {
            validation = validation == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(validation));
            test = test == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(test));
        }

        public long examples() {
            return throughput.examples();
        }

        public double seconds() {
            return throughput.seconds();
        }

        public double elapsedSeconds() {
            return throughput.elapsedSeconds();
        }

        /** Training examples processed per second of the epoch's wall time (0 for a zero time). */
        public double examplesPerSecond() {
            return throughput.examplesPerSecond();
        }
    }

    /**
     * The training examples an epoch processed, its wall time and the run's time at its end.
     *
     * @param elapsedSeconds the seconds since the run started, at the end of the epoch
     */
    public record Throughput(long examples, double seconds, double elapsedSeconds) {
        /** Training examples processed per second of the epoch's wall time (0 for a zero time). */
        public double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : 0;
        }
    }

    /**
     * What the run had to work with.
     *
     * @param about           network, optimizer, BLAS, Spark and Java versions and the like, in display order
     * @param data            the data sets, training first
     * @param standardization one sentence on how inputs (and targets) were standardized
     * @param settings        the effective configuration, every key
     */
    public record Setup(Map<String, String> about, List<DataSet> data, String standardization,
                        List<Setting> settings) {
        public Setup {
            about = Collections.unmodifiableMap(new LinkedHashMap<>(about));
            data = List.copyOf(data);
            settings = List.copyOf(settings);
        }
    }

    /**
     * The run's epochs and which of them the saved model comes from.
     *
     * @param epochs           one entry per finished epoch, in order (epochs restored from a checkpoint included)
     * @param modelEpoch       the epoch whose weights were saved (the best one with early stopping, else the last)
     * @param modelIsBest      whether {@code modelEpoch} was chosen by validation loss (early stopping is on)
     * @param stoppedEarly     whether early stopping ended the run before {@code train.epochs}
     * @param standardizedLoss whether the training loss is measured on standardized targets (linear outputs),
     *                         unlike the validation and test losses, which are in the data's units
     */
    public record History(List<Epoch> epochs, int modelEpoch, boolean modelIsBest, boolean stoppedEarly,
                          boolean standardizedLoss) {
        public History {
            epochs = List.copyOf(epochs);
            for (int i = 1; i < epochs.size(); i++) {
                if (epochs.get(i).epoch() <= epochs.get(i - 1).epoch()) {
                    throw new IllegalArgumentException("epochs must be increasing, got " + epochs.get(i - 1).epoch()
                            + " then " + epochs.get(i).epoch());
                }
            }
            if (!epochs.isEmpty() && (modelEpoch < 1 || modelEpoch > epochs.get(epochs.size() - 1).epoch())) {
                throw new IllegalArgumentException("modelEpoch must be one of the epochs, got " + modelEpoch);
            }
        }

        /** The epoch with the lowest validation loss (the first of equals), or 0 without validation. */
        public int lowestValidationLossEpoch() {
            int best = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            for (Epoch e : epochs) {
                Double loss = e.validation() == null ? null : e.validation().get("loss");
                if (loss != null && loss < bestLoss) {
                    bestLoss = loss;
                    best = e.epoch();
                }
            }
            return best;
        }

        /** Metric names of the validation and test maps besides {@code examples} and {@code loss}, in first-seen order. */
        List<String> metricNames() {
            List<String> names = new ArrayList<>();
            for (Epoch e : epochs) {
                for (Map<String, Double> m : Arrays.asList(e.validation(), e.test())) {
                    if (m != null) {
                        for (String k : m.keySet()) {
                            if (!k.equals("examples") && !k.equals("loss") && !names.contains(k)) {
                                names.add(k);
                            }
                        }
                    }
                }
            }
            return names;
        }
    }

    /** One data set: where it came from and what was cached; {@code partitions} or {@code bytes} < 0 when unknown. */
    public record DataSet(String name, String path, long examples, int partitions, long bytes, long skipped) {
    }

    /** One configuration key, its effective value, where the value came from, and whether it was set explicitly. */
    public record Setting(String key, String value, String source, boolean explicit) {
    }

    public TrainingReport {
        if (heading == null || setup == null || history == null) {
            throw new IllegalArgumentException("a heading, a setup and a history are required");
        }
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        finalMetrics.forEach((k, v) -> rows.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        finalMetrics = Collections.unmodifiableMap(rows);
        notes = List.copyOf(notes);
    }

    /** The report as a self-contained HTML page. */
    public String html() {
        return TrainingPage.render(this);
    }
}
