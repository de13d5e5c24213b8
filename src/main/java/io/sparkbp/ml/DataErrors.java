package io.sparkbp.ml;

import io.sparkbp.data.DataException;

/**
 * Spark reports a bad row found by a task as a failed job ({@code SparkException: Job aborted due
 * to stage failure ...}) whose cause is the task's exception; the user is better served by that
 * exception itself, which names the column, the row and the value.
 */
final class DataErrors {
    private DataErrors() {
    }

    /**
     * The {@link DataException} in {@code e}'s cause chain, with {@code e} attached as suppressed, or
     * null. Use as {@code catch (Exception e) { DataException d = find(e); if (d != null) throw d; throw e; }}
     * (Spark's {@code SparkException} is checked, but Scala methods do not declare it).
     */
    static DataException find(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataException d) {
                if (d != e) {
                    d.addSuppressed(e);
                }
                return d;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
