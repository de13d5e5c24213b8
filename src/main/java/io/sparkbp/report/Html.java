package io.sparkbp.report;

/**
 * A small writer of HTML that is also well-formed XML (XHTML-compatible: every element closed,
 * void elements written as {@code <meta .../>}, no named entities besides the five of XML), so a
 * report can be checked with any XML parser. Text and attribute values always go through {@link
 * #escape}; only constant markup of this package goes through {@link #raw}.
 */
final class Html {
    private final StringBuilder sb = new StringBuilder(1 << 14);

    /**
     * {@code s} safe as element text and as a quoted attribute value: {@code & < > " '} become
     * references, and characters XML forbids (controls other than tab, newline and carriage return,
     * unpaired surrogates, U+FFFE, U+FFFF) become U+FFFD. {@code null} becomes the empty string.
     */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep == null && !allowed(s, i)) {
                rep = "\uFFFD";
            }
            if (rep == null && Character.isHighSurrogate(c)) {
                // a valid pair: copy both halves
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (rep != null) {
                    out.append(rep);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean allowed(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return false; // a low surrogate after a valid high one is skipped by the caller
        }
        return c != '\uFFFE' && c != '\uFFFF';
    }

    /** {@code <tag a="v" ...>}; attributes come in name/value pairs, a null value omits the attribute. */
    Html open(String tag, String... attrs) {
        sb.append('<').append(tag);
        attributes(attrs);
        sb.append('>');
        return this;
    }

    /** A childless element written {@code <tag .../>}: HTML void elements and SVG shapes only. */
    Html leaf(String tag, String... attrs) {
        sb.append('<').append(tag);
        attributes(attrs);
        sb.append("/>");
        return this;
    }

    Html close(String tag) {
        sb.append("</").append(tag).append('>');
        return this;
    }

    /** {@code <tag ...>text</tag>} with the text escaped. */
    Html el(String tag, String text, String... attrs) {
        return open(tag, attrs).text(text).close(tag);
    }

    Html text(String s) {
        sb.append(escape(s));
        return this;
    }

    /** Constant markup written by this package; never user data. */
    Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    Html nl() {
        sb.append('\n');
        return this;
    }

    private void attributes(String[] attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs");
        }
        for (int i = 0; i < attrs.length; i += 2) {
            if (attrs[i + 1] != null) {
                sb.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
            }
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
