package io.sparkbp.data;

import io.sparkbp.math.Named;

/** Input text format ({@code data.format}). */
public enum Format implements Named {
    /** {@code <label> i:v i:v ...} with 1-based feature indices; see {@link LineParser}. */
    LIBSVM,
    /** A header row, label column(s) and dense feature columns; see {@link LineParser} and {@link CsvSchema}. */
    CSV;

    /** Parses {@code libsvm} or {@code csv} (case-insensitive, surrounding blanks ignored). */
    public static Format parse(String s) {
        return Named.parse(Format.class, s, "data format");
    }
}
