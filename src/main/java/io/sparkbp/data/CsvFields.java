package io.sparkbp.data;

/**
 * Splits one CSV line into fields, recording each field's content range instead of copying it.
 *
 * <p>Fields are separated by commas. Blanks (space, tab) around a field are ignored. A field may be
 * double-quoted; inside quotes a comma is literal and {@code ""} stands for one {@code "}. Quoted
 * fields cannot span lines. An unterminated quote, or text between a closing quote and the next
 * comma, is an error. A {@code "} inside an unquoted field is kept literally.
 */
final class CsvFields {
    private CsvFields() {
    }

    /**
     * Splits {@code s}, storing the content range {@code [starts[f], ends[f])} and whether it holds
     * escaped quotes ({@code escaped[f]}) for the first {@code starts.length} fields.
     *
     * @return the total number of fields (may exceed the capacity; then only the first ones are stored)
     */
    static int split(String s, int[] starts, int[] ends, boolean[] escaped, DataException.Kind kind) {
        int len = s.length();
        int cap = starts.length;
        int n = 0;
        int pos = 0;
        while (true) {
            while (pos < len && isBlank(s.charAt(pos))) {
                pos++;
            }
            int start;
            int end;
            boolean esc = false;
            if (pos < len && s.charAt(pos) == '"') {
                start = pos + 1;
                int q = start;
                while (true) {
                    q = s.indexOf('"', q);
                    if (q < 0) {
                        throw new DataException(kind, "unterminated quoted field", null, s,
                                "a closing '\"' before the end of the line (quoted fields cannot span lines)");
                    }
                    if (q + 1 < len && s.charAt(q + 1) == '"') {
                        esc = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                end = q;
                pos = q + 1;
                while (pos < len && isBlank(s.charAt(pos))) {
                    pos++;
                }
                if (pos < len && s.charAt(pos) != ',') {
                    int stop = s.indexOf(',', pos);
                    throw new DataException(kind, "unexpected text after a quoted field",
                            s.substring(start - 1, stop < 0 ? len : stop), s, "',' or the end of the line after the closing '\"'");
                }
            } else {
                start = pos;
                int comma = s.indexOf(',', pos);
                pos = comma < 0 ? len : comma;
                end = pos;
                while (end > start && isBlank(s.charAt(end - 1))) {
                    end--;
                }
            }
            if (n < cap) {
                starts[n] = start;
                ends[n] = end;
                escaped[n] = esc;
            }
            n++;
            if (pos >= len) {
                return n;
            }
            pos++; // past the comma; a trailing comma yields one more (empty) field
        }
    }

    /** The text of a field ({@code ""} unescaped to {@code "} where needed). */
    static String text(String s, int start, int end, boolean escaped) {
        String t = s.substring(start, end);
        return escaped ? t.replace("\"\"", "\"") : t;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
