package io.sparkbp.optim;

import java.util.Locale;

/**
 * Stopping on a monitored loss by a {@link StoppingRule}, keeping the weights of the best epoch. After
 * each epoch the trainer reports the monitored loss ({@link #observe}): an epoch improves when its
 * loss is below the best loss so far by more than {@code minDelta}; it then becomes the best epoch and
 * its weights are kept. After {@code patience} epochs in a row without an improvement training stops,
 * once the run has reached the rule's first stopping epoch (its minimum of steps). With {@code
 * patience == 0} nothing is tracked: the run lasts its epochs and ends with its last weights.
 *
 * <p>The state ({@link #bestLoss()}, {@link #bestEpoch()}, {@link #sinceBest()}, {@link #best()}) is
 * what a checkpoint stores; {@link #restore} puts it back, so a resumed run stops where the
 * uninterrupted one would. Invariants, which the checkpoint reader checks: without a best epoch the
 * best loss is {@code +Infinity} and the best epoch 0; with one, {@code sinceBest == epoch - bestEpoch}.
 */
public final class EarlyStopping {
    /** What is monitored: the loss of the validation data, or the training loss of the epoch. */
    public enum Monitor {
        VALIDATION("validation loss"), TRAINING("training loss");

        private final String phrase;

        Monitor(String phrase) {
            this.phrase = phrase;
        }

        /** {@code validation loss} or {@code training loss}, for messages. */
        public String phrase() {
            return phrase;
        }
    }

    private final StoppingRule rule;
    private final int firstStopEpoch;
    private final Monitor monitor;
    private double[] best;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;
    private boolean stopped;

    /**
     * @param rule          patience, minimum improvement and minimum of steps
     * @param stepsPerEpoch the optimizer steps of one epoch, {@code >= 1}, which turn the rule's minimum of
     *                      steps into the first epoch after which the run may stop
     * @param monitor       which loss is observed (only for messages: the caller passes the loss)
     */
    public EarlyStopping(StoppingRule rule, int stepsPerEpoch, Monitor monitor) {
        if (rule == null || monitor == null) {
            throw new IllegalArgumentException("a stopping rule and a monitored loss are required");
        }
        this.rule = rule;
        this.firstStopEpoch = rule.firstStopEpoch(stepsPerEpoch);
        this.monitor = monitor;
    }

    /** Stopping by {@code patience} and {@code minDelta} alone, from the first epoch on. */
    public EarlyStopping(int patience, double minDelta, Monitor monitor) {
        this(new StoppingRule(patience, minDelta, 0), 1, monitor);
    }

    /**
     * Records epoch {@code epoch}'s monitored {@code loss} for the weights {@code theta} (copied when
     * they become the best and stopping is enabled) and returns whether training should stop now. A
     * non-finite loss never improves.
     */
    public boolean observe(int epoch, double loss, double[] theta) {
        if (!rule.enabled()) {
            return false;
        }
        if (loss < bestLoss - rule.minDelta()) {
            bestLoss = loss;
            bestEpoch = epoch;
            sinceBest = 0;
            best = theta.clone();
        } else if (bestEpoch > 0) {
            sinceBest++;
        }
        stopped = due(epoch);
        return stopped;
    }

    /** Whether the last {@link #observe} (or a restored state) says to stop. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * What a checkpoint stores: the best epoch's weights (null before one), its loss ({@code
     * +Infinity} before one), the best epoch (0 before one) and the epochs since it.
     */
    public record State(double[] best, double bestLoss, int bestEpoch, int sinceBest) {
    }

    /** The current state (the best weights not copied). */
    public State state() {
        return new State(best, bestLoss, bestEpoch, sinceBest);
    }

    /** Puts back a checkpoint's state; its {@code best} may be null. */
    public void restore(State s) {
        this.best = s.best() == null ? null : s.best().clone();
        this.bestLoss = s.bestLoss();
        this.bestEpoch = s.bestEpoch();
        this.sinceBest = s.sinceBest();
        this.stopped = rule.enabled() && due(bestEpoch + sinceBest);
    }

    /** After epoch {@code epoch}: a best epoch, {@code patience} epochs since it, and the minimum of steps run. */
    private boolean due(int epoch) {
        return bestEpoch > 0 && sinceBest >= rule.patience() && epoch >= firstStopEpoch;
    }

    /** Whether the model to keep is {@link #best()} rather than the last weights. */
    public boolean keepsBest() {
        return rule.enabled() && best != null;
    }

    /** The weights of the best epoch (not a copy), or null. */
    public double[] best() {
        return best;
    }

    public double bestLoss() {
        return bestLoss;
    }

    /** The best epoch so far, 0 before any epoch improved. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public int sinceBest() {
        return sinceBest;
    }

    public StoppingRule rule() {
        return rule;
    }

    public Monitor monitor() {
        return monitor;
    }

    /**
     * {@code no validation loss improvement for 10 epochs; best epoch 37 kept}, for a run that stopped;
     * when the minimum of steps kept it going past its patience, the epochs it waited and why.
     */
    public String reason() {
        double minDelta = rule.minDelta();
        int waited = Math.max(sinceBest, rule.patience());
        return String.format(Locale.ROOT, "no %s improvement%s for %d epochs%s; best epoch %d kept", monitor.phrase(),
                minDelta > 0 ? " of more than " + shortNumber(minDelta) : "", waited,
                waited > rule.patience() ? " (early stopping waits for " + rule.minSteps() + " steps)" : "", bestEpoch);
    }

    private static String shortNumber(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? s.replaceFirst("\\.?0+e", "e").replace("e-0", "e-") : s.replaceFirst("\\.?0+$", "");
    }
}
