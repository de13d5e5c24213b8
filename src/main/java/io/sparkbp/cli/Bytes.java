package io.sparkbp.cli;

import io.sparkbp.report.Figures;

/** Byte counts for people: {@code 831.3 KiB}. */
public final class Bytes {
    private Bytes() {
    }

    /** {@code bytes} in B, KiB, MiB, GiB or TiB with one decimal (as the reports show them). */
    public static String human(long bytes) {
        return Figures.bytes(bytes);
    }
}
