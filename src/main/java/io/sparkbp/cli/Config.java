package io.sparkbp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings from a properties file, overridden by {@code key=value} arguments, checked against
 * {@link Keys}. Every value remembers where it came from ({@code conf/x.properties:12} or {@code
 * command line}) so an error can name the place; typed getters fail with a {@link UsageException}
 * that names the key, the value and what was expected.
 */
public final class Config {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    /** Reads {@code key=value} lines ({@code #} and {@code !} start comments; {@code :} also separates). */
    public void loadFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = separator(line);
            String where = file + ":" + (i + 1);
            if (eq < 0) {
                throw new UsageException(where + ": expected key=value, got '" + line + "'");
            }
            set(line.substring(0, eq).strip(), line.substring(eq + 1).strip(), where);
        }
    }

    /** Applies one {@code key=value} command-line override. */
    public void override(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("expected key=value, got '" + arg + "'");
        }
        set(arg.substring(0, eq).strip(), arg.substring(eq + 1).strip(), "command line");
    }

    /** Sets a key, rejecting unknown ones with the closest known key as a hint. */
    public void set(String key, String value, String source) {
        if (!Keys.isKnown(key)) {
            String hint = closest(key);
            throw new UsageException(source + ": unknown key '" + key + "'"
                    + (hint == null ? "; see --help for the list of keys" : "; did you mean '" + hint + "'?"));
        }
        values.put(key, value);
        sources.put(key, source);
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    /** The value of {@code key}, or its default from {@link Keys}. */
    public String get(String key) {
        String v = values.get(key);
        if (v != null) {
            return v;
        }
        Keys.Key k = Keys.all().get(key);
        if (k == null) {
            throw new IllegalArgumentException("not a key: " + key);
        }
        return k.defaultValue();
    }

    public boolean isSet(String key) {
        return !get(key).isEmpty();
    }

    /** Where {@code key}'s value came from, for messages. */
    public String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    private UsageException bad(String key, String expected) {
        return new UsageException(source(key) + ": " + key + "=" + get(key) + " is invalid; expected " + expected);
    }

    public String require(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            throw new UsageException(key + " is required (set it in the --conf file or as " + key + "=...)");
        }
        return v;
    }

    public int getInt(String key, int min) {
        try {
            int v = Integer.parseInt(require(key));
            if (v < min) {
                throw bad(key, "an integer >= " + min);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(key, "an integer >= " + min);
        }
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(require(key));
        } catch (NumberFormatException e) {
            throw bad(key, "an integer");
        }
    }

    /** A finite double in {@code [min, max]} (or {@code [min, max)} when {@code maxExclusive}). */
    public double getDouble(String key, double min, double max, boolean maxExclusive) {
        String expected = "a number in [" + min + ", " + max + (maxExclusive ? ")" : "]");
        try {
            double v = Double.parseDouble(require(key));
            if (!Double.isFinite(v) || v < min || v > max || (maxExclusive && v == max)) {
                throw bad(key, expected);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(key, expected);
        }
    }

    /** A finite double {@code > 0}. */
    public double getPositive(String key) {
        try {
            double v = Double.parseDouble(require(key));
            if (!Double.isFinite(v) || v <= 0) {
                throw bad(key, "a finite number > 0");
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(key, "a finite number > 0");
        }
    }

    /** A finite double {@code >= 0}. */
    public double getNonNegative(String key) {
        try {
            double v = Double.parseDouble(require(key));
            if (!Double.isFinite(v) || v < 0) {
                throw bad(key, "a finite number >= 0");
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(key, "a finite number >= 0");
        }
    }

    public boolean getBoolean(String key) {
        String v = require(key).toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw bad(key, "true or false");
    }

    /** Comma-separated positive integers; empty gives an empty array. */
    public int[] getIntList(String key) {
        String v = get(key).strip();
        if (v.isEmpty()) {
            return new int[0];
        }
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw bad(key, "comma-separated positive integers such as 256,128");
            }
            if (out[i] < 1) {
                throw bad(key, "comma-separated positive integers such as 256,128");
            }
        }
        return out;
    }

    /** Parses with {@code parser}, turning its IllegalArgumentException into a UsageException naming the key. */
    public <T> T getParsed(String key, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(get(key));
        } catch (IllegalArgumentException e) {
            throw new UsageException(source(key) + ": " + key + ": " + e.getMessage());
        }
    }

    /** Every explicitly set key and value, in the order they were set. */
    public Map<String, String> explicit() {
        return Collections.unmodifiableMap(values);
    }

    /** All keys with their effective values (explicit or default). */
    public Map<String, String> effective() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String k : Keys.all().keySet()) {
            all.put(k, get(k));
        }
        return all;
    }

    private static String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : Keys.all().keySet()) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Keys that were set but are listed as {@code ignored}, for a warning. */
    public List<String> setAmong(String... keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (values.containsKey(k)) {
                out.add(k);
            }
        }
        return out;
    }
}
