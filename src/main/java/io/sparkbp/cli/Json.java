package io.sparkbp.cli;

import java.util.Map;

/** Minimal JSON text for flat metric objects; non-finite numbers become {@code null}. */
final class Json {
    private Json() {
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String object(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Double> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":").append(number(e.getValue()));
        }
        return sb.append('}').toString();
    }
}
