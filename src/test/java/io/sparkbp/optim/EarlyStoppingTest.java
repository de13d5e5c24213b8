package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementOfMoreThanMinDeltaAndKeepsTheBestWeights() {
        EarlyStopping s = new EarlyStopping(2, 0.01, EarlyStopping.Monitor.VALIDATION);
        assertFalse(s.observe(1, 1.0, new double[] {1}));
        assertFalse(s.observe(2, 0.5, new double[] {2}));   // improves by 0.5
        assertFalse(s.observe(3, 0.495, new double[] {3})); // by 0.005: not more than minDelta
        assertEquals(2, s.bestEpoch());
        assertTrue(s.observe(4, 0.6, new double[] {4}));     // second epoch without an improvement
        assertTrue(s.stopped() && s.keepsBest());
        assertArrayEquals(new double[] {2}, s.best());
        assertEquals(0.5, s.bestLoss());
        assertEquals(2, s.sinceBest());
        assertEquals("no validation loss improvement of more than 0.01 for 2 epochs; best epoch 2 kept", s.reason());
    }

    @Test
    void anImprovementResetsTheCountAndTheKeptWeightsAreACopy() {
        EarlyStopping s = new EarlyStopping(2, 0, EarlyStopping.Monitor.TRAINING);
        double[] w = {1};
        s.observe(1, 3.0, w);
        s.observe(2, 3.0, w);
        w[0] = 9;
        assertFalse(s.observe(3, 2.0, w));
        w[0] = 7;
        assertArrayEquals(new double[] {9}, s.best());
        assertEquals(0, s.sinceBest());
        assertEquals("no training loss improvement for 2 epochs; best epoch 3 kept", s.reason());
    }

    @Test
    void aNonFiniteLossNeverImproves() {
        EarlyStopping s = new EarlyStopping(1, 0, EarlyStopping.Monitor.VALIDATION);
        assertFalse(s.observe(1, Double.NaN, new double[1]));
        assertEquals(0, s.bestEpoch());
        assertFalse(s.observe(2, 1.0, new double[1]));
        assertTrue(s.observe(3, Double.POSITIVE_INFINITY, new double[1]));
    }

    @Test
    void patienceZeroTracksNothingAndNeverStops() {
        EarlyStopping s = new EarlyStopping(0, 1e-4, EarlyStopping.Monitor.VALIDATION);
        for (int e = 1; e <= 5; e++) {
            assertFalse(s.observe(e, 10 - e, new double[] {e}));
        }
        assertFalse(s.keepsBest());
        assertNull(s.best());
        assertEquals(0, s.bestEpoch());
        assertEquals(Double.POSITIVE_INFINITY, s.bestLoss());
    }

    @Test
    void aRestoredStateStopsWhereTheUninterruptedOneWould() {
        EarlyStopping a = new EarlyStopping(3, 0, EarlyStopping.Monitor.VALIDATION);
        double[] losses = {5, 4, 4.5, 4.2, 4.1, 3.9, 4.0, 4.0};
        int stoppedA = 0;
        for (int e = 1; e <= losses.length && stoppedA == 0; e++) {
            if (a.observe(e, losses[e - 1], new double[] {e})) {
                stoppedA = e;
            }
        }
        EarlyStopping b = new EarlyStopping(3, 0, EarlyStopping.Monitor.VALIDATION);
        for (int e = 1; e <= 4; e++) {
            b.observe(e, losses[e - 1], new double[] {e});
        }
        EarlyStopping c = new EarlyStopping(3, 0, EarlyStopping.Monitor.VALIDATION);
        c.restore(b.state());
        int stoppedC = 0;
        for (int e = 5; e <= losses.length && stoppedC == 0; e++) {
            if (c.observe(e, losses[e - 1], new double[] {e})) {
                stoppedC = e;
            }
        }
        assertEquals(stoppedA, stoppedC);
        assertEquals(a.bestEpoch(), c.bestEpoch());
        assertArrayEquals(a.best(), c.best());
    }

    @Test
    void theMinimumOfStepsKeepsARunGoingPastItsPatienceAndTheBestEpochIsStillKept() {
        // 3 steps per epoch, at least 20 steps: no stop before epoch 7
        EarlyStopping s = new EarlyStopping(new StoppingRule(2, 0, 20), 3, EarlyStopping.Monitor.VALIDATION);
        assertFalse(s.observe(1, 1.0, new double[] {1}));
        for (int e = 2; e <= 6; e++) {
            assertFalse(s.observe(e, 2.0, new double[] {e}), "epoch " + e);
        }
        assertTrue(s.observe(7, 2.0, new double[] {7}));
        assertArrayEquals(new double[] {1}, s.best());
        assertEquals("no validation loss improvement for 6 epochs (early stopping waits for 20 steps); best epoch 1 kept",
                s.reason());
    }

    @Test
    void aRunPastTheMinimumStopsOnItsPatienceAsUsual() {
        EarlyStopping s = new EarlyStopping(new StoppingRule(2, 0, 6), 3, EarlyStopping.Monitor.TRAINING);
        assertFalse(s.observe(1, 3.0, new double[1]));
        assertFalse(s.observe(2, 2.0, new double[1]));
        assertFalse(s.observe(3, 2.0, new double[1]));
        assertTrue(s.observe(4, 2.0, new double[1]));
        assertEquals("no training loss improvement for 2 epochs; best epoch 2 kept", s.reason());
    }

    @Test
    void aRestoredStateBeforeTheMinimumDoesNotCountAsStopped() {
        EarlyStopping s = new EarlyStopping(new StoppingRule(2, 0, 30), 3, EarlyStopping.Monitor.VALIDATION);
        s.restore(new EarlyStopping.State(new double[] {1}, 1.0, 1, 4));      // after epoch 5, minimum reached after epoch 10
        assertFalse(s.stopped());
        s.restore(new EarlyStopping.State(new double[] {1}, 1.0, 1, 9));      // after epoch 10
        assertTrue(s.stopped());
    }

    @Test
    void firstStopEpochRoundsTheMinimumOfStepsUpToWholeEpochs() {
        assertEquals(167, new StoppingRule(10, 0, 500).firstStopEpoch(3));
        assertEquals(5, new StoppingRule(10, 0, 500).firstStopEpoch(100));
        assertEquals(1, new StoppingRule(10, 0, 500).firstStopEpoch(10_000));
        assertEquals(1, new StoppingRule(10, 0, 0).firstStopEpoch(1));
        assertEquals(1, new StoppingRule(10, 0, Integer.MAX_VALUE).firstStopEpoch(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(10, 0, 500).firstStopEpoch(0));
        assertEquals(new StoppingRule(10, 1e-4, 0), new StoppingRule(10, 1e-4, 500).withoutMinSteps());
        assertFalse(StoppingRule.OFF.enabled());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(-1, 0, EarlyStopping.Monitor.VALIDATION));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -1e-3, EarlyStopping.Monitor.VALIDATION));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, Double.NaN, EarlyStopping.Monitor.TRAINING));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new StoppingRule(1, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(null, 1, EarlyStopping.Monitor.TRAINING));
    }
}
