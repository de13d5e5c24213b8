package io.sparkbp.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Numbers for people, the same way everywhere in a report (and on the console): losses and other
 * real values to 6 significant digits (what the progress lines print), accuracies as percentages
 * with 2 decimals, counts with thousands separators. Non-finite values are written {@code NaN},
 * {@code Infinity} and {@code -Infinity}, never hidden or turned into 0.
 */
public final class Figures {
    private Figures() {
    }

    /** {@code v} rounded to {@code digits} significant digits, trailing zeros dropped: {@code 0.0823969}, {@code 1.5e-07}. */
    public static String significant(double v, int digits) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
        double a = Math.abs(d.doubleValue());
        if (a >= 1e-4 && a < 1e9) {
            return d.toPlainString();
        }
        // scientific: mantissa with the same significant digits, exponent with a sign and 2+ digits
        int exponent = d.precision() - d.scale() - 1;
        BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
        return mantissa.toPlainString() + "e" + (exponent < 0 ? "-" : "+")
                + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }

    /** A real value to 6 significant digits. */
    public static String number(double v) {
        return significant(v, 6);
    }

    /** A fraction as a percentage with 2 decimals: {@code 0.97772 -> 97.77%}. */
    public static String percent(double fraction) {
        if (!Double.isFinite(fraction)) {
            return nonFinite(fraction);
        }
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    /** {@code 1438 -> 1,438}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code (1, "bad line") -> 1 bad line}, {@code (1438, "bad line") -> 1,438 bad lines}. */
    public static String count(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /** A sum of example weights: an integer when it is one (every weight 1), else 6 significant digits. */
    public static String count(double weighted) {
        if (Double.isFinite(weighted) && weighted == Math.rint(weighted) && Math.abs(weighted) < 1e15) {
            return count((long) weighted);
        }
        return number(weighted);
    }

    /** {@code bytes} in B, KiB, MiB, GiB or TiB with one decimal: {@code 831.3 KiB}. */
    public static String bytes(long bytes) {
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

    /** Wall time: {@code 0.84 s}, {@code 23.8 s}, {@code 4 min 03 s}, {@code 2 h 05 min}. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return nonFinite(seconds);
        }
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.2f s", seconds);
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** A rate: whole numbers with separators from 100 up ({@code 2,210}), 3 significant digits below. */
    public static String rate(double perSecond) {
        if (!Double.isFinite(perSecond)) {
            return nonFinite(perSecond);
        }
        return Math.abs(perSecond) >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond) : significant(perSecond, 3);
    }

    /** A named metric: accuracies as percentages, {@code examples} as a count, the rest as numbers. */
    public static String metric(String name, double v) {
        if (isFraction(name)) {
            return percent(v);
        }
        if (name.equals("examples")) {
            return count(v);
        }
        return number(v);
    }

    /** Whether a metric of this name is a fraction shown as a percentage (the accuracies). */
    static boolean isFraction(String name) {
        return name.toLowerCase(Locale.ROOT).contains("accuracy");
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }
}
