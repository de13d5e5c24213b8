package io.sparkbp.data;

import java.util.Locale;

/** Input text format ({@code data.format}). */
public enum Format {
    /** {@code <label> i:v i:v ...} with 1-based feature indices; see {@link LineParser}. */
    LIBSVM,
    /** A header row, label column(s) and dense feature columns; see {@link LineParser} and {@link CsvSchema}. */
    CSV;

    /** Lower-case name as used in configuration. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code libsvm} or {@code csv} (case-insensitive, surrounding blanks ignored). */
    public static Format parse(String s) {
        String v = s == null ? "" : s.trim();
        for (Format f : values()) {
            if (f.id().equalsIgnoreCase(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown data format '" + s + "': expected libsvm or csv");
    }
}
