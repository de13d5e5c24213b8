package io.sparkbp.settings;

/**
 * One setting: its key in properties files and on the command line ({@code train.learningRate}),
 * the estimator param that carries it ({@code learningRate}; null for the command line's own
 * settings such as paths), its default text ({@code ""} for none), what it accepts and what it means.
 *
 * @param <T> the type of its value
 */
public record Setting<T>(String key, String param, Kind<T> kind, String defaultValue, String meaning) {
    public Setting {
        if (key == null || kind == null || defaultValue == null || meaning == null) {
            throw new IllegalArgumentException("a setting needs a key, a kind, a default and a meaning");
        }
    }

    /** Whether the estimator has a param for it. */
    public boolean isParam() {
        return param != null;
    }

    @Override
    public String toString() {
        return key;
    }
}
