package io.sparkbp.ml;

import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.function.Function;

/**
 * Param validators ({@code isValid} functions of Spark's {@code Param}s), serializable because the
 * params are. Each mirrors the check the command line applies to the matching key (see {@code
 * io.sparkbp.cli.Config}'s typed getters), so a value is accepted here exactly when {@code
 * key=value} would be.
 */
final class ParamChecks {
    private ParamChecks() {
    }

    /** A serializable test of one value. */
    @FunctionalInterface
    interface Test<T> extends Serializable {
        boolean ok(T value);
    }

    /** Adapts a {@link Test} to the {@code T => Boolean} Spark expects. */
    static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Test<T> test;

        Check(Test<T> test) {
            this.test = test;
        }

        @Override
        public Object apply(T value) {
            return value != null && test.ok(value);
        }
    }

    /** An integer {@code >= min} (the CLI's {@code getInt(key, min)}). */
    static Check<Object> intAtLeast(int min) {
        return new Check<>(v -> ((Number) v).intValue() >= min);
    }

    /** A finite number {@code > 0} (the CLI's {@code getPositive}). */
    static Check<Object> positive() {
        return new Check<>(v -> {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) && d > 0;
        });
    }

    /** A finite number {@code >= 0} (the CLI's {@code getNonNegative}). */
    static Check<Object> nonNegative() {
        return new Check<>(v -> {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) && d >= 0;
        });
    }

    /** A finite number in {@code [0, 1)} (the CLI's {@code getDouble(key, 0, 1, true)}). */
    static Check<Object> fraction() {
        return new Check<>(v -> {
            double d = ((Number) v).doubleValue();
            return d >= 0 && d < 1;
        });
    }

    /** A number in {@code [0, 1]}. */
    static Check<Object> probability() {
        return new Check<>(v -> {
            double d = ((Number) v).doubleValue();
            return d >= 0 && d <= 1;
        });
    }

    /** Layer widths, each {@code >= 1} (the CLI's {@code getIntList}); empty is allowed. */
    static Check<int[]> widths() {
        return new Check<>(v -> {
            for (int w : v) {
                if (w < 1) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A string that {@code parser} accepts: the parser the CLI uses for the key. */
    static Check<String> parses(SerializableParser parser) {
        return new Check<>(v -> {
            try {
                parser.apply(v);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        });
    }

    /** A serializable parser that throws {@link IllegalArgumentException} for a bad value. */
    @FunctionalInterface
    interface SerializableParser extends Function<String, Object>, Serializable {
    }

    /** Any string (column names; empty means "none" or "do not output"). */
    static Check<String> anyString() {
        return new Check<>(v -> true);
    }
}
