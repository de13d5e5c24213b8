package io.sparkbp.report;

import org.apache.commons.text.StringEscapeUtils;

import java.util.regex.Pattern;

/**
 * A small writer of HTML that is also well-formed XML (XHTML-compatible: every element closed,
 * void elements written as {@code <meta .../>}, no named entities besides the five of XML), so a
 * report can be checked with any XML parser. Text and attribute values always go through {@link
 * #escape}; only constant markup of this package goes through {@link #raw}.
 */
final class Html {
    /** Every code point XML 1.0 cannot hold (controls, unpaired surrogates, U+FFFE, U+FFFF). */
    private static final Pattern NOT_XML =
            Pattern.compile("[^\\t\\n\\r\\x{20}-\\x{D7FF}\\x{E000}-\\x{FFFD}\\x{10000}-\\x{10FFFF}]");

    private final StringBuilder sb = new StringBuilder(1 << 14);

    /**
     * {@code s} safe as element text and as a quoted attribute value: {@code & < > " '} become
     * references (commons-text's XML 1.0 escaping), and characters XML forbids become U+FFFD
     * rather than vanishing. {@code null} becomes the empty string.
     */
    static String escape(String s) {
        return s == null ? "" : StringEscapeUtils.escapeXml10(NOT_XML.matcher(s).replaceAll("\uFFFD"));
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
