package io.sparkbp.data;

import io.sparkbp.nn.OutputKind;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Parses one text line of a LIBSVM or CSV data set into a {@link ParsedExample}. Immutable and
 * thread-safe (every call allocates its own buffers); serializable so Spark can ship it to executors.
 *
 * <p>{@link #parse(String)} returns null for a line to skip, an example for a good line, and throws a
 * {@link DataException} (without location; see {@link DataException#at}) for a bad line.
 *
 * <h2>Both formats</h2>
 * <ul>
 *   <li>A UTF-8 byte-order mark ({@code U+FEFF}) at the start of a line is removed, as is trailing
 *       whitespace including a Windows {@code \r}.</li>
 *   <li>Skipped (null): blank lines, and comment lines whose first non-blank character is {@code #}.
 *       (So an all-zero LIBSVM example with an empty multi-label field, which would be a blank line, cannot
 *       be written.)</li>
 *   <li>Numbers: decimal {@code [+-]? digits[.digits] | .digits} with an optional exponent. Errors:
 *       anything else (hex, {@code 1.5f}, {@code 1,5}, words), {@code NaN}, {@code Infinity}/{@code inf}
 *       in any case, and literals that overflow a double.</li>
 *   <li>Feature values equal to 0 are dropped from the sparse result.</li>
 * </ul>
 *
 * <h2>LIBSVM</h2>
 * {@code <label> i:v i:v ...}, tokens separated by any run of spaces and/or tabs; leading blanks are
 * allowed. Indices are 1-based integers in {@code 1..nIn} (index 0, negative or larger than nIn is an
 * error); unsorted indices are accepted and sorted; a repeated index is an error (even with value 0).
 * A token starting with {@code #} ends the line (svmlight-style trailing comment). The label is the
 * first token unless that token contains {@code :}, in which case the label field is empty.
 *
 * <h2>Labels (LIBSVM label field; CSV single label column)</h2>
 * <ul>
 *   <li>softmax: one class id {@code 0..K-1}; an integer value ({@code 3}, {@code 3.0} and {@code 3e0} are
 *       fine, {@code 3.5} is not). Target: one-hot.</li>
 *   <li>logistic, K=1 (binary): exactly 0 or 1 numerically ({@code 0}, {@code 1}, {@code 0.0}, {@code 1.0},
 *       {@code +1}); {@code -1} and everything else is an error, as is an empty label.</li>
 *   <li>logistic, K&gt;1 (multi-label): comma-separated 0-based ids of the positive outputs, each an
 *       integer in {@code 0..K-1}, each at most once; an empty field means no positive output.</li>
 *   <li>linear: exactly K comma-separated finite reals ({@code 1.5} for K=1, {@code 1.5,2.0} for K=2).</li>
 * </ul>
 * An empty label is an error except for multi-label.
 *
 * <h2>CSV</h2>
 * Columns per {@link CsvSchema}; fields split by {@link CsvFields} rules (commas, blanks around fields
 * ignored, simple double-quoted fields). A line equal to the (normalized) header is skipped, so every
 * file of a multi-file data set may repeat the header. Every line must have exactly the header's
 * number of columns. Feature fields must be numbers (an empty field is an error: missing values are
 * not supported). The optional weight column must be a finite number {@code >= 0}.
 */
public final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Format format;
    private final int nIn;
    private final int nOut;
    private final OutputKind kind;
    private final CsvSchema schema;

    /**
     * @param format LIBSVM or CSV
     * @param nIn    number of features ({@code data.features}); for CSV it must equal {@code schema.features()}
     * @param nOut   number of outputs K ({@code model.outputs})
     * @param kind   output kind, which decides how labels are read
     * @param schema the CSV schema (required for CSV, must be null for LIBSVM)
     * @throws IllegalArgumentException for inconsistent arguments
     * @throws DataException            (schema) when the CSV header's feature count differs from {@code nIn}
     */
    public LineParser(Format format, int nIn, int nOut, OutputKind kind, CsvSchema schema) {
        if (format == null || kind == null) {
            throw new IllegalArgumentException("format and output kind are required");
        }
        if (nIn < 1) {
            throw new IllegalArgumentException("the number of features must be >= 1, got " + nIn);
        }
        if (nOut < kind.minOutputs()) {
            throw new IllegalArgumentException("output '" + kind.id() + "' needs at least " + kind.minOutputs()
                    + " outputs, got " + nOut);
        }
        if (format == Format.CSV) {
            if (schema == null) {
                throw new IllegalArgumentException("CSV parsing needs a CsvSchema");
            }
            if (schema.outputs() != nOut) {
                throw new IllegalArgumentException("the CSV schema was built for " + schema.outputs()
                        + " outputs, the parser for " + nOut);
            }
            if (schema.features() != nIn) {
                throw DataException.schema("the CSV header has " + schema.features() + " feature columns", null,
                        schema.header(), nIn + " (data.features=" + nIn + ")");
            }
        } else if (schema != null) {
            throw new IllegalArgumentException("a CsvSchema is only for CSV data");
        }
        this.format = format;
        this.nIn = nIn;
        this.nOut = nOut;
        this.kind = kind;
        this.schema = schema;
    }

    /** A LIBSVM parser. */
    public static LineParser libsvm(int nIn, int nOut, OutputKind kind) {
        return new LineParser(Format.LIBSVM, nIn, nOut, kind, null);
    }

    /** A CSV parser with {@code nIn = schema.features()}. */
    public static LineParser csv(CsvSchema schema, OutputKind kind) {
        return new LineParser(Format.CSV, schema.features(), schema.outputs(), kind, schema);
    }

    public Format format() {
        return format;
    }

    public int inputs() {
        return nIn;
    }

    public int outputs() {
        return nOut;
    }

    public OutputKind kind() {
        return kind;
    }

    /** The CSV schema, or null for LIBSVM. */
    public CsvSchema schema() {
        return schema;
    }

    /**
     * The line without a leading byte-order mark and trailing whitespace (including {@code \r}), or null
     * when it is blank or a comment (first non-blank character {@code #}). Leading blanks are kept. Use it
     * to find a CSV header: the first line for which this is not null.
     */
    public static String normalize(String line) {
        if (line == null) {
            return null;
        }
        int start = 0;
        int end = line.length();
        if (end > 0 && line.charAt(0) == '\uFEFF') {
            start = 1;
        }
        while (end > start && isSpace(line.charAt(end - 1))) {
            end--;
        }
        int first = start;
        while (first < end && isSpace(line.charAt(first))) {
            first++;
        }
        if (first == end || line.charAt(first) == '#') {
            return null;
        }
        return start == 0 && end == line.length() ? line : line.substring(start, end);
    }

    /**
     * Parses one line.
     *
     * @return the example, or null for a line to skip (blank, comment, CSV header)
     * @throws DataException (record) for a bad line, without location
     */
    public ParsedExample parse(String line) {
        String s = normalize(line);
        if (s == null) {
            return null;
        }
        return format == Format.LIBSVM ? parseLibsvm(s) : parseCsv(s);
    }

    /**
     * The example of the first {@code length} bytes of {@code utf8} (a line in UTF-8, e.g. a Hadoop {@code
     * Text}) when it is a plain LIBSVM line: ASCII, a plain decimal softmax or binary label, and strictly
     * ascending {@code index:value} features with plain decimal values. That example equals, bit for bit,
     * what {@link #parse(String)} returns for the decoded line. Null for every other line (CSV, blank,
     * comments, non-ASCII, unsorted indices, other labels, anything that may be an error): decode it and
     * call {@link #parse(String)}, which decides, with the exact error message.
     */
    public ParsedExample parsePlain(byte[] utf8, int length) {
        if (format != Format.LIBSVM) {
            return null;
        }
        ExampleRow row = new ExampleRow(nIn, nOut);
        return parsePlain(utf8, length, row) ? row.toExample() : null;
    }

    /**
     * As {@link #parsePlain(byte[], int)}, into {@code row} (of this parser's {@code nIn} and {@code nOut}):
     * true when the line is plain and {@code row} now holds its example, bit for bit; false for every other
     * line ({@code row} then holds garbage), which {@link #parse(String)} decides. Makes no objects.
     */
    public boolean parsePlain(byte[] utf8, int length, ExampleRow row) {
        if (format != Format.LIBSVM || row.inputs() != nIn || row.outputs() != nOut) {
            return false;
        }
        int end = trimmedEnd(utf8, length);
        int labelEnd = labelEnd(utf8, end);
        if (labelEnd < 0) {
            return false;
        }
        int count = colons(utf8, labelEnd, end);
        if (count > nIn) {
            return false; // indices that ascend strictly in 1..nIn are at most nIn
        }
        Arrays.fill(row.targets, 0.0);
        if (!fastLabel(utf8, labelStart(utf8, end), labelEnd, row.targets)) {
            return false;
        }
        row.reserve(count);
        int nonzeros = fastFeatures(utf8, labelEnd, end, row.indices, row.values, count);
        row.nonzeros = Math.max(nonzeros, 0);
        row.weight = 1.0;
        return nonzeros >= 0;
    }

    /** The end of the first {@code len} bytes of {@code b} without trailing whitespace. */
    private static int trimmedEnd(byte[] b, int len) {
        int end = len;
        while (end > 0 && isSpace(b[end - 1])) {
            end--;
        }
        return end;
    }

    /** Where the label of the line {@code b[0, end)} starts: after its leading whitespace. */
    private static int labelStart(byte[] b, int end) {
        int pos = 0;
        while (pos < end && isSpace(b[pos])) {
            pos++;
        }
        return pos;
    }

    /** Where the label of the line {@code b[0, end)} ends, or -1 when it holds a colon or a non-ASCII byte. */
    private static int labelEnd(byte[] b, int end) {
        int labelEnd = labelStart(b, end);
        while (labelEnd < end && !isSpace(b[labelEnd])) {
            if (b[labelEnd] == ':' || b[labelEnd] < 0) {
                return -1;
            }
            labelEnd++;
        }
        return labelEnd;
    }

    /** The colons of {@code b[from, end)}: one per feature token of a plain line. */
    private static int colons(byte[] b, int from, int end) {
        int count = 0;
        for (int p = from; p < end; p++) {
            if (b[p] == ':') {
                count++;
            }
        }
        return count;
    }

    /**
     * Reads the {@code index:value} tokens of {@code b[from, end)}, which must be {@code tokens} (as many
     * as the line has colons; {@code idx}/{@code val} have room for them), keeping only nonzero values in
     * ascending index order; returns how many were kept, or -1 when the line is not plain (then the general
     * path decides).
     */
    private int fastFeatures(byte[] b, int from, int end, int[] idx, double[] val, int tokens) {
        int kept = 0;
        int read = 0;
        int last = -1;
        int p = from;
        while (true) {
            while (p < end && isSpace(b[p])) {
                p++;
            }
            if (p == end) {
                return read == tokens ? kept : -1;
            }
            long j = 0;
            int q = p;
            while (q < end && b[q] >= '0' && b[q] <= '9' && j <= nIn) {
                j = j * 10 + (b[q++] - '0');
            }
            if (q == p || q == end || b[q] != ':' || j < 1 || j > nIn || j - 1 <= last || read == tokens) {
                return -1;
            }
            int e = q + 1;
            while (e < end && !isSpace(b[e])) {
                e++;
            }
            double v = Numbers.parseAscii(b, q + 1, e);
            if (v != v) {
                return -1;
            }
            last = (int) j - 1;
            read++;
            if (v != 0) {
                idx[kept] = last;
                val[kept++] = v;
            }
            p = e;
        }
    }

    /**
     * Writes the targets of a plain softmax or binary label {@code b[from, to)} into {@code t} (zeros);
     * false when the label is not plain, for the general path.
     */
    private boolean fastLabel(byte[] b, int from, int to, double[] t) {
        boolean binary = kind == OutputKind.LOGISTIC && nOut == 1;
        if (from == to || (kind != OutputKind.SOFTMAX && !binary)) {
            return false;
        }
        double v = Numbers.parseAscii(b, from, to); // NaN (not a plain number) is no label of either kind
        return kind.encodeLabel(v, t, nOut);
    }

    /** Space, tab, LF, VT, FF or CR; one comparison for the digits and punctuation that make up most of a line. */
    private static boolean isSpace(byte c) {
        return c <= ' ' && (c == ' ' || (c >= '\t' && c <= '\r'));
    }

    // ---------------------------------------------------------------- LIBSVM

    private ParsedExample parseLibsvm(String s) {
        int pos = skipSpace(s, 0);
        int end = tokenEnd(s, pos);
        double[] targets;
        int firstColon = s.indexOf(':', pos);
        if (firstColon < 0 || firstColon >= end) {
            targets = parseLabel(s, pos, end, s);
            pos = skipSpace(s, end);
        } else {
            targets = parseLabel(s, pos, pos, s);
        }
        int count = 0;
        for (int p = pos; p < s.length() && s.charAt(p) != '#'; p = skipSpace(s, tokenEnd(s, p))) {
            count++;
        }
        int[] idx = new int[count];
        double[] val = new double[count];
        if (!parseFeatures(s, pos, idx, val)) {
            sortPairs(idx, val);
            for (int t = 1; t < count; t++) {
                if (idx[t] == idx[t - 1]) {
                    throw duplicateIndex(s, pos, idx[t]);
                }
            }
        }
        return nonzeros(idx, val, targets);
    }

    /**
     * Reads the {@code idx.length} {@code index:value} tokens of line {@code s} from {@code pos} into
     * {@code idx} (0-based) and {@code val}, in line order; returns whether the indices ascend strictly.
     */
    private boolean parseFeatures(String s, int pos, int[] idx, double[] val) {
        boolean ascending = true;
        for (int t = 0, p = pos; t < idx.length; t++) {
            int e = tokenEnd(s, p);
            int colon = s.indexOf(':', p);
            if (colon < 0 || colon >= e) {
                throw DataException.record("feature is missing ':'", s.substring(p, e), s,
                        "index:value pairs like 3:0.5 after the label");
            }
            int j = parseIndex(s, p, colon, e);
            try {
                val[t] = Numbers.parse(s, colon + 1, e);
            } catch (Numbers.Bad bad) {
                throw badFeatureValue(bad, s.substring(p, e), s);
            }
            idx[t] = j;
            if (t > 0 && j <= idx[t - 1]) {
                ascending = false;
            }
            p = skipSpace(s, e);
        }
        return ascending;
    }

    /** The example of the features {@code idx}/{@code val} without their zero values, and {@code targets}. */
    private static ParsedExample nonzeros(int[] idx, double[] val, double[] targets) {
        int nonzeros = 0;
        for (double v : val) {
            if (v != 0) {
                nonzeros++;
            }
        }
        if (nonzeros == val.length) {
            return new ParsedExample(idx, val, targets, 1.0, true);
        }
        int[] nIdx = new int[nonzeros];
        double[] nVal = new double[nonzeros];
        for (int t = 0, q = 0; t < val.length; t++) {
            if (val[t] != 0) {
                nIdx[q] = idx[t];
                nVal[q++] = val[t];
            }
        }
        return new ParsedExample(nIdx, nVal, targets, 1.0, true);
    }

    /** 0-based index of the 1-based index text {@code s[from, colon)} of token {@code s[from, end)}. */
    private int parseIndex(String s, int from, int colon, int end) {
        if (colon == from) {
            throw DataException.record("missing feature index", s.substring(from, end), s, indexExpectation());
        }
        // an optional sign, then decimal digits (leading zeros allowed): the integers that Spark's own
        // LIBSVM reader and libsvm's strtol accept, so 01:3 and +1:3 both name feature 1
        boolean negative = s.charAt(from) == '-';
        int q = negative || s.charAt(from) == '+' ? from + 1 : from;
        if (q == colon) {
            throw DataException.record("feature index is not an integer", s.substring(from, end), s, indexExpectation());
        }
        long v = 0;
        for (; q < colon; q++) {
            char c = s.charAt(q);
            if (c < '0' || c > '9') {
                throw DataException.record("feature index is not an integer", s.substring(from, end), s,
                        indexExpectation());
            }
            v = Math.min(v * 10 + (c - '0'), 1L << 40); // saturate: anything that large is out of range anyway
        }
        if (negative || v < 1 || v > nIn) {
            throw DataException.record("feature index " + s.substring(from, colon) + " is out of range",
                    s.substring(from, end), s, indexExpectation());
        }
        return (int) v - 1;
    }

    private String indexExpectation() {
        return "indices 1.." + nIn + " (data.features=" + nIn + ")";
    }

    /** What a number beyond the double range ({@link Numbers.Bad#OUT_OF_RANGE}) should have been. */
    private static final String DOUBLE_RANGE = "a number of magnitude at most " + Double.MAX_VALUE;

    private static DataException badFeatureValue(Numbers.Bad bad, String token, String line) {
        if (bad == Numbers.Bad.EMPTY) {
            return DataException.record("missing feature value", token, line, "index:value pairs like 3:0.5");
        }
        if (bad == Numbers.Bad.NOT_FINITE) {
            return DataException.record("feature value is not finite", token, line,
                    "a finite number (NaN and Infinity are not allowed)");
        }
        if (bad == Numbers.Bad.OUT_OF_RANGE) {
            return DataException.record("feature value is out of the double range", token, line, DOUBLE_RANGE);
        }
        return DataException.record("non-numeric feature value", token, line, "index:value with a decimal number as value");
    }

    /** The error for the second token with 0-based index {@code j} (error path only: rescans the line). */
    private DataException duplicateIndex(String s, int pos, int j) {
        String target = Integer.toString(j + 1);
        String first = null;
        for (int p = pos; p < s.length() && s.charAt(p) != '#'; p = skipSpace(s, tokenEnd(s, p))) {
            int e = tokenEnd(s, p);
            int colon = s.indexOf(':', p);
            String index = s.substring(p, colon);
            // Leading zeros ("05") name the same index; compare numerically.
            if (index.replaceFirst("^0+(?=.)", "").equals(target)) {
                if (first != null) {
                    return DataException.record("duplicate feature index " + (j + 1), s.substring(p, e), s,
                            "each index at most once per line (first seen in '" + first + "')");
                }
                first = s.substring(p, e);
            }
        }
        return DataException.record("duplicate feature index " + (j + 1), null, s, "each index at most once per line");
    }

    /** Sorts {@code idx} ascending, permuting {@code val} alongside (stable for equal indices). */
    private static void sortPairs(int[] idx, double[] val) {
        int n = idx.length;
        long[] keys = new long[n];
        for (int t = 0; t < n; t++) {
            keys[t] = ((long) idx[t] << 32) | t;
        }
        Arrays.sort(keys);
        double[] v = val.clone();
        for (int t = 0; t < n; t++) {
            int from = (int) keys[t];
            idx[t] = (int) (keys[t] >>> 32);
            val[t] = v[from];
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\u000B';
    }

    private static int skipSpace(String s, int p) {
        while (p < s.length() && isSpace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int tokenEnd(String s, int p) {
        while (p < s.length() && !isSpace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    // ---------------------------------------------------------------- labels

    /**
     * Targets from the label field {@code s[from, to)} ({@code from == to}: empty field) of {@code line},
     * per the class comment.
     */
    private double[] parseLabel(String s, int from, int to, String line) {
        double[] t = new double[nOut];
        String field = s.substring(from, to);
        switch (kind) {
            case SOFTMAX -> parseClassId(s, from, to, line, t);
            case LOGISTIC -> {
                if (nOut == 1) {
                    parseBinaryLabel(s, from, to, line, t);
                } else {
                    parseMultiLabel(s, from, to, field, line, t);
                }
            }
            case LINEAR -> parseRealTargets(s, from, to, field, line, t);
            default -> throw new IllegalStateException("unknown output kind " + kind);
        }
        return t;
    }

    /** A softmax label: checked here, with a message for each way it can fail, then encoded by the kind. */
    private void parseClassId(String s, int from, int to, String line, double[] t) {
        String expected = "a class id 0.." + (nOut - 1) + " (model.outputs=" + nOut + ")";
        if (from == to) {
            throw DataException.record("missing class label", null, line, expected);
        }
        String field = s.substring(from, to);
        double v;
        try {
            v = Numbers.parse(s, from, to);
        } catch (Numbers.Bad bad) {
            throw DataException.record(bad == Numbers.Bad.OUT_OF_RANGE ? "class label " + field + " is out of the"
                    + " double range" : "class label is not a number", field, line, expected);
        }
        if (v != Math.rint(v)) {
            throw DataException.record("class label is not an integer", field, line, expected);
        }
        if (v < 0 || v >= nOut) {
            throw DataException.record("class label " + field + " is out of range", field, line, expected);
        }
        kind.encodeLabel(v, t, nOut);
    }

    /** A binary logistic label, 0 or 1 (anything else, a word included, fails alike), encoded by the kind. */
    private void parseBinaryLabel(String s, int from, int to, String line, double[] t) {
        String expected = "0 or 1 (binary logistic output, model.outputs=1)";
        if (from == to) {
            throw DataException.record("missing binary label", null, line, expected);
        }
        double v;
        try {
            v = Numbers.parse(s, from, to);
        } catch (Numbers.Bad bad) {
            v = Double.NaN;
        }
        if (!kind.encodeLabel(v, t, nOut)) {
            throw DataException.record("binary label is not 0 or 1", s.substring(from, to), line, expected);
        }
    }

    private void parseMultiLabel(String s, int from, int to, String field, String line, double[] t) {
        String expected = "comma-separated label ids 0.." + (nOut - 1) + " (model.outputs=" + nOut
                + "), or an empty label field for none";
        if (from == to) {
            return;
        }
        int a = from;
        while (true) {
            int comma = s.indexOf(',', a);
            int b = comma < 0 || comma >= to ? to : comma;
            String id = s.substring(a, b);
            if (a == b) {
                throw DataException.record("empty label id", field, line, expected);
            }
            double v;
            try {
                v = Numbers.parse(s, a, b);
            } catch (Numbers.Bad bad) {
                throw DataException.record("label id '" + id + "' is " + (bad == Numbers.Bad.OUT_OF_RANGE
                        ? "out of the double range" : "not a number"), field, line, expected);
            }
            if (v != Math.rint(v)) {
                throw DataException.record("label id '" + id + "' is not an integer", field, line, expected);
            }
            if (v < 0 || v >= nOut) {
                throw DataException.record("label id " + id + " is out of range", field, line, expected);
            }
            if (t[(int) v] != 0) {
                throw DataException.record("duplicate label id " + id, field, line, expected);
            }
            t[(int) v] = 1.0;
            if (b == to) {
                return;
            }
            a = b + 1;
        }
    }

    private void parseRealTargets(String s, int from, int to, String field, String line, double[] t) {
        String expected = nOut == 1 ? "a finite real target value (model.outputs=1)"
                : nOut + " comma-separated finite target values (model.outputs=" + nOut + ")";
        if (from == to) {
            throw DataException.record("missing target value", null, line, expected);
        }
        int count = 1;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == ',') {
                count++;
            }
        }
        if (count != nOut) {
            throw DataException.record("wrong number of target values: got " + count, field, line, expected);
        }
        int a = from;
        for (int k = 0; k < nOut; k++) {
            int comma = s.indexOf(',', a);
            int b = comma < 0 || comma >= to ? to : comma;
            try {
                t[k] = Numbers.parse(s, a, b);
            } catch (Numbers.Bad bad) {
                String v = s.substring(a, b);
                throw DataException.record(bad == Numbers.Bad.NOT_FINITE ? "target value '" + v + "' is not finite"
                        : bad == Numbers.Bad.OUT_OF_RANGE ? "target value '" + v + "' is out of the double range"
                        : bad == Numbers.Bad.EMPTY ? "empty target value" : "target value '" + v + "' is not a number",
                        field, line, expected);
            }
            a = b + 1;
        }
    }

    // ---------------------------------------------------------------- CSV

    private ParsedExample parseCsv(String s) {
        if (s.equals(schema.header())) {
            return null;
        }
        int cols = schema.columns();
        int[] st = new int[cols];
        int[] en = new int[cols];
        boolean[] esc = new boolean[cols];
        int n = CsvFields.split(s, st, en, esc, DataException.Kind.RECORD);
        if (n != cols) {
            throw DataException.record("wrong number of columns: got " + n, null, s,
                    cols + " columns as in the header (" + describeColumns() + ")");
        }
        int[] fc = schema.featureColumnsRef();
        double[] x = new double[nIn];
        int nonzeros = 0;
        for (int j = 0; j < nIn; j++) {
            int c = fc[j];
            double v = csvNumber(s, st[c], en[c], esc[c], "column '" + schema.columnName(c) + "'");
            x[j] = v;
            if (v != 0) {
                nonzeros++;
            }
        }
        int[] lc = schema.labelColumnsRef();
        double[] targets;
        if (lc.length == 1) {
            int c = lc[0];
            if (esc[c]) {
                String text = CsvFields.text(s, st[c], en[c], true);
                targets = parseLabel(text, 0, text.length(), s);
            } else {
                targets = parseLabel(s, st[c], en[c], s);
            }
        } else {
            targets = csvTargetColumns(s, st, en, esc, lc);
        }
        double weight = 1.0;
        int wc = schema.weightColumn();
        if (wc >= 0) {
            String where = "weight column '" + schema.columnName(wc) + "'";
            weight = csvNumber(s, st[wc], en[wc], esc[wc], where);
            if (weight < 0) {
                throw DataException.record("negative weight in " + where, CsvFields.text(s, st[wc], en[wc], esc[wc]), s,
                        "a finite weight >= 0");
            }
        }
        int[] idx = new int[nonzeros];
        double[] val = new double[nonzeros];
        for (int j = 0, p = 0; j < nIn; j++) {
            if (x[j] != 0) {
                idx[p] = j;
                val[p++] = x[j];
            }
        }
        return new ParsedExample(idx, val, targets, weight, true);
    }

    private String describeColumns() {
        int labels = schema.labelColumnsRef().length;
        return labels + (labels == 1 ? " label, " : " labels, ") + (schema.weightColumn() >= 0 ? "1 weight, " : "")
                + nIn + " features";
    }

    private static double csvNumber(String s, int from, int to, boolean escaped, String where) {
        try {
            if (escaped) {
                String text = CsvFields.text(s, from, to, true);
                return Numbers.parse(text, 0, text.length());
            }
            return Numbers.parse(s, from, to);
        } catch (Numbers.Bad bad) {
            if (bad == Numbers.Bad.EMPTY) {
                throw DataException.record("empty value in " + where, null, s,
                        "a finite number (missing values are not supported)");
            }
            String text = CsvFields.text(s, from, to, escaped);
            if (bad == Numbers.Bad.NOT_FINITE) {
                throw DataException.record("value is not finite in " + where, text, s,
                        "a finite number (NaN and Infinity are not allowed)");
            }
            if (bad == Numbers.Bad.OUT_OF_RANGE) {
                throw DataException.record("value is out of the double range in " + where, text, s, DOUBLE_RANGE);
            }
            throw DataException.record("non-numeric value in " + where, text, s, "a finite decimal number");
        }
    }

    /** One target per label column ({@code lc.length == nOut > 1}). */
    private double[] csvTargetColumns(String s, int[] st, int[] en, boolean[] esc, int[] lc) {
        double[] t = new double[nOut];
        String names = schema.columnName(lc[0]) + (nOut > 2 ? ".." : ",") + schema.columnName(lc[nOut - 1]);
        int ones = 0;
        for (int k = 0; k < nOut; k++) {
            int c = lc[k];
            String where = "label column '" + schema.columnName(c) + "'";
            double v = csvNumber(s, st[c], en[c], esc[c], where);
            if (!kind.acceptsTarget(v)) {
                throw DataException.record(where + " is not 0 or 1", CsvFields.text(s, st[c], en[c], esc[c]), s,
                        kind == OutputKind.SOFTMAX ? "a one-hot 0/1 vector in " + names
                                : "0 or 1 in each of " + names);
            }
            if (v == 1) {
                ones++;
            }
            t[k] = v == 0 ? 0.0 : v;
        }
        if (kind == OutputKind.SOFTMAX && ones != 1) {
            throw DataException.record("one-hot label columns hold " + ones + " ones", null, s,
                    "exactly one 1 in " + names + " (softmax)");
        }
        return t;
    }
}
