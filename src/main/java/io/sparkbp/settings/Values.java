package io.sparkbp.settings;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The typed values of the settings of one run, read from their text: a properties file and the
 * command line, or an estimator's params. Each value is parsed once, by its setting's {@link Kind};
 * a value that is not accepted is a {@link SettingException} naming the key, the value and what was
 * expected.
 */
public final class Values {
    private final Function<Setting<?>, String> text;
    private final Predicate<Setting<?>> explicit;
    private final Map<Setting<?>, Object> parsed = new HashMap<>();

    /**
     * @param text     the text of a setting: its given value, or its default
     * @param explicit whether a setting was given (rather than left at its default)
     */
    public Values(Function<Setting<?>, String> text, Predicate<Setting<?>> explicit) {
        this.text = text;
        this.explicit = explicit;
    }

    /** The text of {@code s}, as given or its default. */
    public String text(Setting<?> s) {
        return text.apply(s);
    }

    /** Whether {@code s} was given rather than left at its default. */
    public boolean isExplicit(Setting<?> s) {
        return explicit.test(s);
    }

    /** Whether {@code s} has a non-empty value. */
    public boolean isSet(Setting<?> s) {
        return !text(s).isBlank();
    }

    /** The value of {@code s}, which must be set unless its kind accepts an empty value (no hidden layer). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> s) {
        Object v = parsed.get(s);
        if (v == null) {
            String t = text(s);
            if (t.isBlank() && !s.kind().accepts(t)) {
                throw new SettingException(s, s.key() + " is required (set it in the --conf file or as " + s.key()
                        + "=...)");
            }
            try {
                v = s.kind().parse(t);
            } catch (IllegalArgumentException e) {
                throw new SettingException(s, s.key() + "=" + t + " is invalid; " + e.getMessage());
            }
            parsed.put(s, v);
        }
        return (T) v;
    }

    /** The value of {@code s}, or empty when it is not set. */
    public <T> Optional<T> optional(Setting<T> s) {
        return isSet(s) ? Optional.of(get(s)) : Optional.empty();
    }
}
