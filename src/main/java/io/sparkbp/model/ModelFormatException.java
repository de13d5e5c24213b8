package io.sparkbp.model;

/**
 * A model file (or JSON text) that is not a valid sparkbp model: not JSON, another format, an
 * unsupported version, or fields of the wrong type, size or value. The message is one sentence
 * naming the file and the field, for example {@code model file 'm.json': field "weights[1].W" has
 * 3 rows, expected 4 (layer 1 maps 5 inputs to 4 units)}; it is meant to be shown to the user as is.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
