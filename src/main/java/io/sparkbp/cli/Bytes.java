package io.sparkbp.cli;

import java.util.Locale;

/** Byte counts for people: {@code 831.3 KiB}. */
public final class Bytes {
    private Bytes() {
    }

    /** {@code bytes} in B, KiB, MiB, GiB or TiB with one decimal. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
