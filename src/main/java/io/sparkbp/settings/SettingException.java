package io.sparkbp.settings;

/**
 * A setting whose value is not accepted, or a combination of settings that does not fit: it names
 * the setting, the value and what was expected. The command line turns it into a usage error that
 * names where the value came from (a file and line, or the command line); the estimator reports it
 * as the {@link IllegalArgumentException} it is.
 */
public final class SettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient Setting<?> setting;

    public SettingException(Setting<?> setting, String message) {
        super(message);
        this.setting = setting;
    }

    /** The setting the message is about (for the source of its value). */
    public Setting<?> setting() {
        return setting;
    }
}
