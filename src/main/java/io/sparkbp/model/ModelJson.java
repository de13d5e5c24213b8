package io.sparkbp.model;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model file as jackson-databind binds it, in two passes (see {@link ModelFormat}).
 *
 * <p>Jackson binds objects to these records and refuses unknown keys, duplicate keys and trailing
 * content. Wherever a message must quote the file's own spelling (the number {@code 1e999}, the
 * integer {@code -0}), the value is read by a small deserializer below instead: {@link Raw} keeps a
 * header value's token and text, {@link NumberArray} an array of exact doubles, {@link Extra} a
 * metadata value. These never fail on content; they record what they found, and {@link ModelCheck}
 * turns it into a message that names the field and what was expected.
 */
final class ModelJson {
    private ModelJson() {
    }

    /**
     * Pass 1: the fields that fix the network's shape; the rest is skipped (but parsed). Each field is
     * one top-level key of the file, bound on its own as {@link Body}'s are: a missing key stays null,
     * a JSON null is {@link Raw#NULL}. {@code "inputTransform"} is only read in pass 2.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Header {
        @JsonProperty
        Raw format;
        @JsonProperty
        Raw version;
        @JsonProperty
        Raw layers;
        @JsonProperty
        Raw hiddenActivation;
        @JsonProperty
        Raw output;
        @JsonProperty
        Raw weights;
        @JsonProperty
        Raw outputTransform;
    }

    /** Pass 2: the parameters, the transforms and the extra metadata (in file order). */
    @JsonIgnoreProperties({"format", "version", "layers", "hiddenActivation", "output"})
    static final class Body {
        @JsonProperty
        @JsonSetter(contentNulls = Nulls.FAIL)
        List<LayerFields> weights;
        @JsonProperty
        @JsonSetter(nulls = Nulls.FAIL)
        TransformFields inputTransform;
        @JsonProperty
        @JsonSetter(nulls = Nulls.FAIL)
        TransformFields outputTransform;
        final Map<String, Extra> extra = new LinkedHashMap<>();

        @JsonAnySetter
        void extra(String key, Extra value) {
            extra.put(key, value);
        }
    }

    /**
     * One entry of {@code "weights"}: {@code W} row by row (row {@code o} feeds unit {@code o}), and
     * {@code b}. A class, not a record: on a record component, Jackson refuses a missing {@code W} as a null one.
     */
    static final class LayerFields {
        @JsonProperty("W")
        @JsonSetter(nulls = Nulls.FAIL)
        List<NumberArray> w;
        @JsonProperty
        NumberArray b;
    }

    /** {@code "inputTransform"} or {@code "outputTransform"}. */
    record TransformFields(NumberArray mean, NumberArray scale) {
    }

    /** A reader of one field's value, for which a missing field is null (unlike a JSON {@code null}). */
    abstract static class FieldReader<T> extends StdDeserializer<T> {
        private static final long serialVersionUID = 1L;

        FieldReader(Class<T> type) {
            super(type);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null; // missing, unlike null
        }
    }

    /**
     * A value as the file spells it: its token, the text of a scalar, and of an array the count of
     * its items and the first {@link ModelFormat#MAX_LAYERS} of them (their own items not kept).
     */
    @JsonDeserialize(using = Raw.Reader.class)
    record Raw(JsonToken token, String text, List<Raw> items, long count) {
        static final Raw NULL = new Raw(JsonToken.VALUE_NULL, "null", List.of(), 0);

        /** {@code "an array"}, {@code "the number 1.50"}, ...: the value as messages describe it. */
        String describe() {
            return ModelJson.describe(token, text);
        }

        static final class Reader extends FieldReader<Raw> {
            Reader() {
                super(Raw.class);
            }

            @Override
            public Raw deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.isExpectedStartArrayToken()) {
                    return scalar(p);
                }
                List<Raw> items = new ArrayList<>();
                long count = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), count++) {
                    if (items.size() < ModelFormat.MAX_LAYERS) {
                        items.add(scalar(p));
                    } else {
                        p.skipChildren();
                    }
                }
                return new Raw(JsonToken.START_ARRAY, null, items, count);
            }

            private static Raw scalar(JsonParser p) throws IOException {
                JsonToken t = p.currentToken();
                Raw r = new Raw(t, t.isScalarValue() ? p.getText() : null, List.of(), 0);
                p.skipChildren();
                return r;
            }

            @Override
            public Raw getNullValue(DeserializationContext ctxt) {
                return NULL;
            }
        }
    }

    /**
     * An array of numbers: the values, exactly (integers through {@link Double#parseDouble}, so
     * {@code -0} stays {@code -0.0}); or, in {@code notArray}, what stood in its place; or the first
     * entry that is not a finite number ({@code badIndex}, and {@code bad}: what to say about it).
     */
    @JsonDeserialize(using = NumberArray.Reader.class)
    record NumberArray(double[] values, int count, String notArray, int badIndex, String bad) {
        static final class Reader extends FieldReader<NumberArray> {
            Reader() {
                super(NumberArray.class);
            }

            @Override
            public NumberArray deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.isExpectedStartArrayToken()) {
                    String found = describe(p);
                    p.skipChildren();
                    return new NumberArray(null, 0, found, -1, null);
                }
                double[] values = new double[16];
                int n = 0;
                String bad = null;
                int badIndex = -1;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), n++) {
                    if (bad == null) {
                        double d = exact(p);
                        bad = notFinite(p, d);
                        badIndex = n;
                        if (n == values.length) {
                            values = Arrays.copyOf(values, 2 * n);
                        }
                        values[n] = d;
                    }
                    p.skipChildren(); // an array or object where a number belongs
                }
                return bad == null ? new NumberArray(Arrays.copyOf(values, n), n, null, -1, null)
                        : new NumberArray(null, n, null, badIndex, bad);
            }

            @Override
            public NumberArray getNullValue(DeserializationContext ctxt) {
                return new NumberArray(null, 0, "null", -1, null);
            }
        }
    }

    /**
     * A value of the extra metadata: objects become ordered maps, arrays lists, integers {@code
     * Long} ({@code Double} if longer), floats {@code Double}. A number too large for a double is
     * kept as {@code fault} (at {@code faultPath}) for {@link ModelCheck} to report.
     */
    @JsonDeserialize(using = Extra.Reader.class)
    record Extra(Object value, String faultPath, String fault) {
        static final class Reader extends StdDeserializer<Extra> {
            private static final long serialVersionUID = 1L;

            Reader() {
                super(Extra.class);
            }

            @Override
            public Extra deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String[] fault = new String[2];
                Object value = read(p, p.currentName(), fault);
                return new Extra(value, fault[0], fault[1]);
            }

            @Override
            public Extra getNullValue(DeserializationContext ctxt) {
                return new Extra(null, null, null);
            }

            /** The current value; the first fault found goes to {@code fault} (path, message). */
            private static Object read(JsonParser p, String path, String[] fault) throws IOException {
                switch (p.currentToken()) {
                    case START_OBJECT: {
                        Map<String, Object> m = new LinkedHashMap<>();
                        for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                            p.nextToken();
                            m.put(key, read(p, path + "." + key, fault));
                        }
                        return m;
                    }
                    case START_ARRAY: {
                        List<Object> list = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            list.add(read(p, path + "[" + list.size() + "]", fault));
                        }
                        return list;
                    }
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT: {
                        Long integer = asLong(p);
                        if (integer != null) {
                            return integer;
                        }
                        double d = exact(p);
                        if (fault[0] == null && !Double.isFinite(d)) {
                            fault[0] = path;
                            fault[1] = notFinite(p, d);
                        }
                        return d;
                    }
                    case VALUE_STRING:
                        return p.getText();
                    case VALUE_TRUE:
                    case VALUE_FALSE:
                        return p.getBooleanValue();
                    default:
                        return null; // VALUE_NULL: the parser yields no other token here
                }
            }
        }
    }

    /*
     * Numbers are converted from their text, never through the parser's getDoubleValue() or
     * getNumberType(): jackson-core 2.18.2 (Spark 4.0) keeps the value of an integer beyond long
     * once its type was asked for and returns it as the next float's getDoubleValue(). Parsing the
     * text is what getDoubleValue() does anyway (Double.parseDouble, correctly rounded).
     */

    /** The current token as an exact double (any integer, {@code -0} as {@code -0.0}); NaN when it is no number. */
    private static double exact(JsonParser p) throws IOException {
        return p.currentToken().isNumeric() ? Double.parseDouble(p.getText()) : Double.NaN;
    }

    /** The current integer token as a {@code Long}; null for a float or an integer beyond long. */
    private static Long asLong(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return null;
        }
        try {
            return Long.parseLong(p.getText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Null when {@code d}, read from the current token, is finite; else what to say about the token. */
    private static String notFinite(JsonParser p, double d) throws IOException {
        if (Double.isFinite(d)) {
            return null;
        }
        return p.currentToken().isNumeric() ? "is " + abbreviate(p.getText()) + ", which is too large for a double"
                : "is " + describe(p) + ", expected a number";
    }

    static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return describe(t, t != null && t.isScalarValue() ? p.getText() : null);
    }

    static String describe(JsonToken t, String text) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string \"" + abbreviate(text) + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + abbreviate(text);
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + text;
            case VALUE_NULL -> "null";
            default -> t.toString().toLowerCase(Locale.ROOT);
        };
    }

    static String abbreviate(String s) {
        String one = oneLine(s);
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
