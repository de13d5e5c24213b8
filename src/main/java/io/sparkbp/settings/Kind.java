package io.sparkbp.settings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.function.Function;

/**
 * What a setting accepts, and how its text becomes a typed value: the one parser behind a
 * properties file, a {@code key=value} argument and an estimator param. {@link #parse} throws an
 * {@link IllegalArgumentException} for text it does not accept; {@link #expected} says what it
 * accepts, for messages. {@link #paramType} is the type of the estimator param that carries it.
 *
 * @param <T> the type of the parsed value
 */
public final class Kind<T> {
    /** The Spark param type a setting of this kind gets in the estimator. */
    public enum ParamType { INT, LONG, DOUBLE, BOOLEAN, INT_ARRAY, STRING }

    private final Function<String, T> parser;
    private final String expected;
    private final ParamType paramType;

    private Kind(Function<String, T> parser, String expected, ParamType paramType) {
        this.parser = parser;
        this.expected = expected;
        this.paramType = paramType;
    }

    /** The value of {@code text} (surrounding blanks ignored). */
    public T parse(String text) {
        T v;
        try {
            v = parser.apply(text == null ? "" : text.strip());
        } catch (Detailed e) {
            throw new IllegalArgumentException("expected " + expected + " (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected " + expected, e);
        }
        if (v == null) {
            throw new IllegalArgumentException("expected " + expected);
        }
        return v;
    }

    /** Whether {@link #parse} accepts {@code text}. */
    public boolean accepts(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What the kind accepts, as in "expected an integer >= 1". */
    public String expected() {
        return expected;
    }

    public ParamType paramType() {
        return paramType;
    }

    /** An integer {@code >= min}. */
    public static Kind<Integer> integer(int min) {
        return new Kind<>(s -> {
            int v = parseInt(s, null);
            return v >= min ? v : null;
        }, "an integer >= " + min, ParamType.INT);
    }

    /** Any 64-bit integer. */
    public static Kind<Long> longInteger() {
        return new Kind<>(Long::parseLong, "an integer", ParamType.LONG);
    }

    /** A finite number that {@code ok} accepts, described by {@code expected}. */
    public static Kind<Double> number(String expected, DoublePredicate ok) {
        return new Kind<>(s -> {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) && ok.test(v) ? v : null;
        }, expected, ParamType.DOUBLE);
    }

    /** A finite number {@code > 0}. */
    public static Kind<Double> positive() {
        return number("a finite number > 0", v -> v > 0);
    }

    /** A finite number {@code >= 0}. */
    public static Kind<Double> nonNegative() {
        return number("a finite number >= 0", v -> v >= 0);
    }

    /** A number in {@code [0, 1)}. */
    public static Kind<Double> fraction() {
        return number("a number in [0.0, 1.0)", v -> v >= 0 && v < 1);
    }

    /** {@code true} or {@code false}, in any case. */
    public static Kind<Boolean> bool() {
        return new Kind<>(s -> s.equalsIgnoreCase("true") ? Boolean.TRUE : s.equalsIgnoreCase("false") ? Boolean.FALSE
                : null, "true or false", ParamType.BOOLEAN);
    }

    /** Comma-separated positive integers such as {@code 256,128}; empty is no layer. */
    public static Kind<int[]> widths() {
        return new Kind<>(s -> {
            java.util.List<String> parts = elements(s);
            int[] w = new int[parts.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = parseInt(parts.get(i), w.length == 1 ? null : "element " + (i + 1) + " of " + w.length);
            }
            return Arrays.stream(w).allMatch(x -> x >= 1) ? w : null;
        }, "comma-separated positive integers such as 256,128", ParamType.INT_ARRAY);
    }

    /**
     * The int {@code s}; an integer above {@link Integer#MAX_VALUE} ({@code 99999999999}) is refused as
     * too large, naming the maximum, rather than as no integer at all. {@code which} names the list
     * element, or is null.
     */
    private static int parseInt(String s, String which) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            if (s.matches("\\+?[0-9]+")) {
                throw new Detailed((which == null ? s : which + ", " + s + ",") + " is too large: the largest"
                        + String.format(Locale.ROOT, " integer is %,d", Integer.MAX_VALUE));
            }
            throw e;
        }
    }

    /**
     * The comma-separated elements of {@code s}, stripped; an empty {@code s} is no element. The one
     * rule for every list setting: an empty element ({@code 16,} or {@code 16,,8}) is an error that
     * names its position, never silently dropped.
     */
    static java.util.List<String> elements(String s) {
        if (s.isEmpty()) {
            return java.util.List.of();
        }
        String[] parts = s.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].strip();
            if (parts[i].isEmpty()) {
                throw new Detailed("element " + (i + 1) + " of " + parts.length + " is empty");
            }
        }
        return java.util.List.of(parts);
    }

    /** Text refused for a reason the message adds to what is expected: an empty list element, a number too large. */
    private static final class Detailed extends IllegalArgumentException {
        Detailed(String message) {
            super(message);
        }
    }

    /** One of {@code choices} (any case), as its lower-case spelling. */
    public static Kind<String> choice(String... choices) {
        String expected = choices.length == 2 ? choices[0] + " or " + choices[1]
                : String.join(", ", Arrays.copyOf(choices, choices.length - 1)) + " or " + choices[choices.length - 1];
        return new Kind<>(s -> {
            String v = s.toLowerCase(Locale.ROOT);
            return Arrays.asList(choices).contains(v) ? v : null;
        }, expected, ParamType.STRING);
    }

    /** Text that {@code parser} turns into a value (throwing for anything else). */
    public static <E> Kind<E> parsed(Function<String, E> parser, String expected) {
        return new Kind<>(parser, expected, ParamType.STRING);
    }

    /** Any text that is not blank (a path, a column name); a blank value is no value. */
    public static Kind<String> text() {
        return new Kind<>(s -> s.isEmpty() ? null : s, "a value", ParamType.STRING);
    }

    /** Comma-separated names; empty is none (the same list rule as {@link #widths}). */
    public static Kind<java.util.List<String>> names() {
        return new Kind<>(Kind::elements, "comma-separated names", ParamType.STRING);
    }

    /**
     * {@code auto} (empty value), or a value of {@code kind}; a refusal keeps {@code kind}'s detail, such as
     * "99999999999 is too large".
     */
    public static <E> Kind<Optional<E>> orAuto(Kind<E> kind) {
        return new Kind<>(s -> {
            if (s.equalsIgnoreCase("auto")) {
                return Optional.empty();
            }
            E v = kind.parser.apply(s);
            return v == null ? null : Optional.of(v);
        }, kind.expected + " or auto", ParamType.STRING);
    }
}
