package io.sparkbp.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress of one pass over a data set's text: a driver thread that every few seconds tells the run's
 * listener how many bytes and rows the tasks have read, of how many bytes, at what rate, and when the
 * pass should end. The tasks count through the {@link Meter}'s accumulators, which reach the driver as
 * each task ends, so a line counts the finished input splits (Hadoop's splits are at most one file
 * block, 32 MiB on a local disk, 128 MiB on HDFS by default). Passes shorter than the period print
 * nothing. Close it (the thread stops) in a {@code finally} or with try-with-resources.
 */
public final class LoadProgress implements AutoCloseable {
    /** Seconds between two progress lines. */
    static final long PERIOD_MILLIS = 5000;

    /** What the tasks of one pass count: bytes of text read (each line and its line break) and rows parsed. */
    public static final class Meter implements Serializable {
        private static final long serialVersionUID = 1L;
        private final LongAccumulator bytes;
        private final LongAccumulator rows;

        Meter(LongAccumulator bytes, LongAccumulator rows) {
            this.bytes = bytes;
            this.rows = rows;
        }

        /** The bytes the finished tasks have read. */
        long bytesRead() {
            return bytes.value();
        }

        /** One line of {@code length} bytes (without its line break) was read. */
        void line(int length) {
            bytes.add(length + 1L);
            rows.add(1);
        }
    }

    private final String what;
    private final long total;
    private final Meter meter;
    private final Consumer<String> out;
    private final LongSupplier clock;
    private final long start;
    private final Thread thread;

    private LoadProgress(String what, long total, Meter meter, Consumer<String> out, LongSupplier clock,
                         long periodMillis) {
        this.what = what;
        this.total = total;
        this.meter = meter;
        this.out = out;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.thread = periodMillis <= 0 ? null : new Thread(() -> run(periodMillis), "sparkbp load progress");
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Starts reporting the reading of {@code what} (such as {@code data.train}), {@code total} bytes
     * of text ({@code -1} when unknown: then no share or ETA), to {@code out} every {@code periodMillis}.
     */
    static LoadProgress start(SparkContext sc, String what, long total, Consumer<String> out, long periodMillis) {
        Meter m = new Meter(sc.longAccumulator("sparkbp bytes read " + what), sc.longAccumulator("sparkbp rows read " + what));
        return start(what, total, out, periodMillis, m);
    }

    /** As {@link #start(SparkContext, String, long, Consumer, long)}, counting with {@code meter}. */
    static LoadProgress start(String what, long total, Consumer<String> out, long periodMillis, Meter meter) {
        return new LoadProgress(what, total, meter, out, System::nanoTime, periodMillis);
    }

    /** As {@link #start}, for tests: counts from {@code meter} and time from {@code nanoClock}, no thread. */
    static LoadProgress manual(String what, long total, Meter meter, Consumer<String> out, LongSupplier nanoClock) {
        return new LoadProgress(what, total, meter, out, nanoClock, 0);
    }

    /** The counters the pass's tasks add to. */
    public Meter meter() {
        return meter;
    }

    private void run(long periodMillis) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(periodMillis);
                report();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints one progress line, unless no split has been read yet. */
    void report() {
        long bytes = meter.bytes.value();
        if (bytes > 0) {
            out.accept(line(bytes, meter.rows.value(), (clock.getAsLong() - start) / 1e9));
        }
    }

    /**
     * {@code reading data.train: 412.0 MiB of 1.8 GiB (22%), 437,500 rows, 41.2 MB/s, ETA 36 s}; without
     * a known total, the bytes, rows and rate only.
     */
    String line(long bytes, long rows, double seconds) {
        double rate = seconds > 0 ? bytes / seconds : 0;
        StringBuilder sb = new StringBuilder("reading ").append(what).append(": ")
                .append(io.sparkbp.report.Figures.bytes(bytes));
        if (total > 0) {
            sb.append(" of ").append(io.sparkbp.report.Figures.bytes(total))
                    .append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * Math.min(bytes, total) / total));
        }
        sb.append(String.format(Locale.ROOT, ", %,d %s, %.1f MB/s", rows, rows == 1 ? "row" : "rows", rate / 1e6));
        if (total > 0 && rate > 0) {
            sb.append(String.format(Locale.ROOT, ", ETA %.0f s", Math.max(0, total - bytes) / rate));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
