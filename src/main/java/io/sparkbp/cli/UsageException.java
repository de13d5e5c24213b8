package io.sparkbp.cli;

/** A usage or configuration error: a bad key, value or argument. The CLI exits with code 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
