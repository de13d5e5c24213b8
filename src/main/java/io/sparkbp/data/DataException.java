package io.sparkbp.data;

/**
 * A problem with the input data: a bad line (a {@linkplain Kind#RECORD record error}) or a header
 * that does not fit the configuration (a {@linkplain Kind#SCHEMA schema error}). The CLI exits with
 * code {@value #EXIT_CODE}.
 *
 * <p>The exception carries what was wrong ({@link #problem()}), the offending text ({@link
 * #token()}, and the whole line, both truncated), and what was expected ({@link #expected()}).
 * Parsers throw it without a location, because Hadoop hands out byte offsets rather than line
 * numbers; whoever knows the file and line calls {@link #at(String, long)} to get a located copy.
 * {@link #getMessage()} reads like
 *
 * <pre>
 * train.libsvm line 17: feature index 65 is out of range in '65:3'; expected indices 1..64 (data.features=64)
 * </pre>
 *
 * i.e. {@code [<file> line <n>: ]<problem>[ in '<token or line>'][; expected <expected>]}.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Process exit code for data errors. */
    public static final int EXIT_CODE = 3;

    /** Longest line text kept (longer lines end in {@code ...}). */
    public static final int MAX_LINE_CHARS = 200;

    /** Longest token text kept (longer tokens end in {@code ...}). */
    public static final int MAX_TOKEN_CHARS = 100;

    /** What kind of data problem this is. */
    public enum Kind {
        /** One bad line; with {@code data.onBadRecord=skip} it may be skipped and counted. */
        RECORD,
        /** The data as a whole does not fit the configuration (e.g. a CSV header lacks a label column); never skippable. */
        SCHEMA
    }

    private final Kind kind;
    private final String problem;
    private final String token;
    private final String lineText;
    private final String expected;
    private final String file;
    private final long lineNumber;

    /**
     * @param kind     record or schema error
     * @param problem  what was wrong, e.g. {@code feature index 65 is out of range}
     * @param token    the offending token, or null to point at the whole line
     * @param lineText the whole offending line (or header), or null
     * @param expected what was expected, e.g. {@code indices 1..64 (data.features=64)}, or null
     */
    public DataException(Kind kind, String problem, String token, String lineText, String expected) {
        super(format(problem, truncate(token, MAX_TOKEN_CHARS), truncate(lineText, MAX_LINE_CHARS), expected, null, 0));
        if (kind == null || problem == null) {
            throw new IllegalArgumentException("a data error needs a kind and a problem");
        }
        this.kind = kind;
        this.problem = problem;
        this.token = truncate(token, MAX_TOKEN_CHARS);
        this.lineText = truncate(lineText, MAX_LINE_CHARS);
        this.expected = expected;
        this.file = null;
        this.lineNumber = 0;
    }

    /** {@code unlocated} at {@code lineNumber} ({@code >= 0}) of {@code file} ({@link #at}). */
    private DataException(DataException unlocated, String file, long lineNumber) {
        super(format(unlocated.problem, unlocated.token, unlocated.lineText, unlocated.expected, file, lineNumber));
        this.kind = unlocated.kind;
        this.problem = unlocated.problem;
        this.token = unlocated.token;
        this.lineText = unlocated.lineText;
        this.expected = unlocated.expected;
        this.file = file;
        this.lineNumber = lineNumber;
    }

    /** A bad line. */
    public static DataException record(String problem, String token, String lineText, String expected) {
        return new DataException(Kind.RECORD, problem, token, lineText, expected);
    }

    /** Data that does not fit the configuration as a whole. */
    public static DataException schema(String problem, String token, String lineText, String expected) {
        return new DataException(Kind.SCHEMA, problem, token, lineText, expected);
    }

    /**
     * A copy of this error located at {@code line} (1-based; {@code <= 0} for unknown) of {@code file}
     * (any name the user recognizes, e.g. the path or its last component; null for unknown). The copy
     * keeps this exception's stack trace.
     */
    public DataException at(String file, long line) {
        DataException located = new DataException(this, file, Math.max(0, line));
        located.setStackTrace(getStackTrace());
        return located;
    }

    public Kind kind() {
        return kind;
    }

    /** True for a single bad line (which {@code data.onBadRecord=skip} may skip). */
    public boolean isRecordError() {
        return kind == Kind.RECORD;
    }

    /** What was wrong, without location, token or expectation. */
    public String problem() {
        return problem;
    }

    /** The offending token (truncated), or null when the whole line is at fault. */
    public String token() {
        return token;
    }

    /** The offending line (truncated to {@value #MAX_LINE_CHARS} characters), or null. */
    public String lineText() {
        return lineText;
    }

    /** What was expected, or null. */
    public String expected() {
        return expected;
    }

    /** The file set by {@link #at}, or null. */
    public String file() {
        return file;
    }

    /** The 1-based line number set by {@link #at}, or 0 when unknown. */
    public long lineNumber() {
        return lineNumber;
    }

    /** True once {@link #at} gave this error a file or line. */
    public boolean hasLocation() {
        return file != null || lineNumber > 0;
    }

    /** {@value #EXIT_CODE}. */
    public int exitCode() {
        return EXIT_CODE;
    }

    private static String format(String problem, String token, String lineText, String expected,
                                 String file, long lineNumber) {
        StringBuilder sb = new StringBuilder();
        if (file != null && lineNumber > 0) {
            sb.append(file).append(" line ").append(lineNumber).append(": ");
        } else if (file != null) {
            sb.append(file).append(": ");
        } else if (lineNumber > 0) {
            sb.append("line ").append(lineNumber).append(": ");
        }
        sb.append(problem);
        String shown = token != null ? token : lineText;
        if (shown != null) {
            sb.append(" in '").append(shown).append('\'');
        }
        if (expected != null) {
            sb.append("; expected ").append(expected);
        }
        return sb.toString();
    }

    /** {@code s} cut to {@code max} characters plus {@code ...} (never splitting a surrogate pair). */
    static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "...";
    }
}
