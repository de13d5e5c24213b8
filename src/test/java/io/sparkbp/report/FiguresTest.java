package io.sparkbp.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FiguresTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0.0823969123, 0.0823969",
            "1.298477, 1.29848",
            "1.5, 1.5",
            "100, 100",
            "1234567, 1234570",
            "123456789, 123457000",
            "0.0001, 0.0001",
            "0.0000123456789, 1.23457e-05",
            "1.5e-7, 1.5e-07",
            "-2.5e12, -2.5e+12",
            "999999999.9, 1e+09",
            "0, 0",
            "-0.25, -0.25",
    })
    void numbersHaveSixSignificantDigits(double v, String expected) {
        assertEquals(expected, Figures.number(v));
    }

    @Test
    void nonFiniteValuesAreNamed() {
        assertEquals("NaN", Figures.number(Double.NaN));
        assertEquals("Infinity", Figures.number(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", Figures.percent(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", Figures.metric("accuracy", Double.NaN));
        assertEquals("Infinity", Figures.rate(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Figures.count(Double.NaN));
    }

    @Test
    void accuraciesArePercentagesAndCountsHaveSeparators() {
        assertEquals("97.77%", Figures.metric("accuracy", 0.977716));
        assertEquals("50.00%", Figures.metric("hammingAccuracy", 0.5));
        assertEquals("0.0823969", Figures.metric("loss", 0.0823969));
        assertEquals("1,438", Figures.metric("examples", 1438));
        assertEquals("1,438", Figures.count(1438L));
        assertEquals("2.5", Figures.count(2.5));
        assertEquals("1 bad line", Figures.count(1, "bad line"));
        assertEquals("0 bad lines", Figures.count(0, "bad line"));
        assertEquals("1,438 bad lines", Figures.count(1438, "bad line"));
        assertEquals("2,210", Figures.rate(2209.7));
        assertEquals("42.4", Figures.rate(42.37));
    }

    @Test
    void bytesAndDurationsReadNaturally() {
        assertEquals("1023 B", Figures.bytes(1023));
        assertEquals("831.3 KiB", Figures.bytes(851_251));
        assertEquals("1.5 GiB", Figures.bytes(1_610_612_736L));
        assertEquals("0.84 s", Figures.duration(0.8412));
        assertEquals("23.8 s", Figures.duration(23.81));
        assertEquals("4 min 03 s", Figures.duration(243.2));
        assertEquals("2 h 05 min", Figures.duration(7500));
    }
}
