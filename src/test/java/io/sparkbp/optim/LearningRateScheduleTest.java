package io.sparkbp.optim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {
    @Test
    void constantScheduleNeverChanges() {
        LearningRateSchedule s = LearningRateSchedule.parse("constant", 0.1, 0.5, 3);
        for (int e = 0; e < 100; e += 7) {
            assertEquals(0.1, s.rate(e), 0.0);
        }
        assertEquals(0.1, LearningRateSchedule.constant(0.1).rate(50), 0.0);
        assertEquals(LearningRateSchedule.Kind.CONSTANT, s.kind());
    }

    @Test
    void stepScheduleMultipliesByGammaEveryStepEpochs() {
        LearningRateSchedule s = LearningRateSchedule.parse("step", 0.8, 0.5, 3);
        assertEquals(0.8, s.rate(0), 0.0);
        assertEquals(0.8, s.rate(2), 0.0);
        assertEquals(0.4, s.rate(3), 0.0);
        assertEquals(0.4, s.rate(5), 0.0);
        assertEquals(0.2, s.rate(6), 0.0);
        assertEquals(0.8 / 1024, s.rate(30), 0.0);
    }

    @Test
    void exponentialScheduleIsBaseTimesGammaToTheEpoch() {
        LearningRateSchedule s = LearningRateSchedule.parse("Exponential", 0.1, 0.9, 1);
        assertEquals(0.1, s.rate(0), 0.0);
        assertEquals(0.09, s.rate(1), 1e-16);
        assertEquals(0.1 * Math.pow(0.9, 10), s.rate(10), 0.0);
    }

    @Test
    void inverseScheduleIsBaseOverOnePlusGammaEpoch() {
        LearningRateSchedule s = LearningRateSchedule.parse(" inverse ", 1.0, 0.5, 1);
        assertEquals(1.0, s.rate(0), 0.0);
        assertEquals(1.0 / 1.5, s.rate(1), 0.0);
        assertEquals(1.0 / 6.0, s.rate(10), 1e-16);
        assertEquals(0.3, LearningRateSchedule.parse("inverse", 0.3, 0.0, 1).rate(1000), 0.0);
    }

    @Test
    void aDecayedRateStaysPositive() {
        LearningRateSchedule s = LearningRateSchedule.parse("exponential", 1e-3, 0.01, 1);
        assertTrue(s.rate(1000) > 0.0);
        assertEquals(Double.MIN_NORMAL, s.rate(1000), 0.0);
    }

    @Test
    void unknownKindsAndBadValuesAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.parse("cosine", 0.1, 0.5, 1));
        assertEquals("unknown learning-rate schedule 'cosine': expected constant, step, exponential or inverse",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(null, 0.1, 0.5, 1));
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("constant", 0.0, 0.5, 1));
        assertEquals("learningRate must be > 0 and finite, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.parse("constant", Double.POSITIVE_INFINITY, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("constant", 0.1, Double.NaN, 1));
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step", 0.1, 1.5, 1));
        assertEquals("gamma of the step schedule must be in (0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step", 0.1, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("exponential", 0.1, -0.5, 1));
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("inverse", 0.1, -0.5, 1));
        assertEquals("gamma of the inverse schedule must be >= 0, got -0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step", 0.1, 0.5, 0));
        assertEquals("stepEpochs must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(null, 0.1, 0.5, 1));
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0.1).rate(-1));
        assertEquals("epoch must be >= 0, got -1", e.getMessage());
    }

    @Test
    void scheduleSurvivesJavaSerialization() throws Exception {
        LearningRateSchedule s = LearningRateSchedule.parse("step", 0.5, 0.1, 4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(s, in.readObject());
        }
    }
}
