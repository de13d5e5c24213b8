package io.sparkbp.spark;

import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress lines of loading: bytes of the total, rows, rate and ETA, and nothing before the first split. */
class LoadProgressTest {
    private final LongAccumulator bytes = new LongAccumulator();
    private final LongAccumulator rows = new LongAccumulator();
    private final LoadProgress.Meter meter = new LoadProgress.Meter(bytes, rows);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> lines = new ArrayList<>();

    @Test
    void aLineSaysHowMuchOfTheTotalWasReadAtWhatRateAndWhenItEnds() {
        LoadProgress p = LoadProgress.manual("data.train", 100_000_000L, meter, lines::add, nanos::get);
        p.report();
        assertTrue(lines.isEmpty(), "nothing read yet, nothing printed: " + lines);
        for (int i = 0; i < 1000; i++) {
            meter.line(24_999);
        }
        nanos.addAndGet(2_500_000_000L);
        p.report();
        assertEquals(List.of("reading data.train: 23.8 MiB of 95.4 MiB (25%), 1,000 rows, 10.0 MB/s, ETA 8 s"), lines);
    }

    @Test
    void withoutAKnownTotalThereIsNoShareAndNoEta() {
        LoadProgress p = LoadProgress.manual("data.test", -1, meter, lines::add, nanos::get);
        meter.line(2_999_999);
        nanos.addAndGet(1_000_000_000L);
        p.report();
        assertEquals(List.of("reading data.test: 2.9 MiB, 1 row, 3.0 MB/s"), lines);
    }

    @Test
    void theThreadPrintsEveryPeriodAndStopsWhenClosed() throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        LoadProgress p = LoadProgress.start("data.train", 10, seen::add, 20, meter);
        meter.line(4);
        Thread.sleep(200);
        p.close();
        int printed = seen.size();
        assertTrue(printed >= 2, "lines while loading: " + seen);
        Thread.sleep(100);
        assertEquals(printed, seen.size(), "no line after close");
        assertTrue(seen.get(0).startsWith("reading data.train: 5 B of 10 B (50%), 1 row, "), seen.get(0));
    }
}
