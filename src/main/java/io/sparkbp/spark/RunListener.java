package io.sparkbp.spark;

/** What a {@link TrainingRun} tells its front end as it goes: progress lines, epochs, the rate search. */
public interface RunListener extends DistributedTrainer.Listener {
    /** One line about the run (data loaded, network, resuming, why it stopped). */
    void message(String line);
}
