package io.sparkbp.cli;

import io.sparkbp.spark.EpochReport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line's training loss stays readable whatever its size. */
class ProgressLineTest {
    @Test
    void usualLossesKeepSixDecimals() {
        assertEquals("0.123457", Progress.loss(0.1234567));
        assertEquals("2.302585", Progress.loss(2.302585093));
        assertEquals("0.000000", Progress.loss(0.0));
        assertEquals("NaN", Progress.loss(Double.NaN));
    }

    @Test
    void hugeAndTinyLossesPrintInGForm() {
        assertEquals("1.23457e+25", Progress.loss(1.2345678e25));
        assertEquals("3.00000e-09", Progress.loss(3e-9));
        assertEquals("1.00000e+06", Progress.loss(1e6));
    }

    @Test
    void theProgressLineUsesIt() {
        EpochReport r = new EpochReport(3, 10, 4.5e30, new EpochReport.Evaluations(null, null),
                new EpochReport.Timing(100, 1.0, 3.0), 0.01);
        String line = Progress.line(r);
        assertTrue(line.startsWith("epoch  3/10  loss 4.50000e+30  "), line);
    }
}
