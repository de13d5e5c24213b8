package io.sparkbp.cli;

import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.PlanException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings from a properties file, overridden by {@code key=value} arguments, checked against the
 * {@link Schema}. Every value remembers where it came from ({@code conf/x.properties:12} or {@code
 * command line}) so an error can name the place. {@link #values()} reads them typed; a bad value
 * ({@link SettingException}) becomes a {@link UsageException} that names its source ({@link #error}).
 */
public final class Config {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();

    /** Reads {@code key=value} lines ({@code #} and {@code !} start comments; {@code :} also separates). */
    public void loadFile(Path file) {
        List<String> lines;
        try {
            lines = decode(file, Files.readAllBytes(file)).lines().toList();
        } catch (NoSuchFileException e) {
            throw new UsageException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> seen = new LinkedHashMap<>();
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
            String key = line.substring(0, eq).strip();
            set(key, line.substring(eq + 1).strip(), where);
            String first = seen.putIfAbsent(key, where);
            if (first != null) {
                throw new UsageException(where + ": key '" + key + "' is set twice, first at " + first
                        + "; keep one of the two lines");
            }
        }
    }

    /**
     * {@code bytes} as UTF-8 text; bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252,
     * say) are refused naming the file, the line and the byte of the first one, rather than read as
     * replacement characters that would end up in a path or a key.
     */
    static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bad || bytes[i + 1] != '\n')) {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new UsageException(String.format(Locale.ROOT, "%s:%d: the configuration file is not valid UTF-8:"
                    + " byte 0x%02X (byte %d of the line) is not part of a UTF-8 character (a file saved as"
                    + " Latin-1 or Windows-1252?); expected UTF-8 text: save the file as UTF-8", file, line,
                    bytes[bad] & 0xFF, bad - lineStart + 1));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * Applies one {@code key=value} command-line override. The commands apply them after the
     * {@code --conf} file, whatever the order of the arguments, so the command line always wins; a key
     * given twice on the command line takes the later value, as spark-submit's {@code --conf} does
     * (the submit scripts put their defaults first and the user's settings after them).
     */
    public void override(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("expected key=value, got '" + arg + "'");
        }
        set(arg.substring(0, eq).strip(), arg.substring(eq + 1).strip(), "command line");
    }

    /** Sets a key, rejecting unknown ones with the closest known key as a hint. */
    public void set(String key, String value, String source) {
        if (Schema.of(key) == null) {
            String hint = Schema.closest(key);
            throw new UsageException(source + ": unknown key '" + key + "'" + oddCharacters(key)
                    + (hint == null ? "; see --help for the list of keys" : "; did you mean '" + hint + "'?"));
        }
        values.put(key, value);
        sources.put(key, source);
    }

    /**
     * Names the invisible or non-ASCII characters of {@code key} by code point (a zero-width space
     * pasted from a web page looks like a correct key), or nothing when it is plain printable ASCII.
     */
    static String oddCharacters(String key) {
        StringBuilder odd = new StringBuilder();
        key.codePoints().filter(c -> c < 0x21 || c > 0x7E).distinct().forEach(c -> {
            odd.append(odd.length() == 0 ? "" : ", ").append(String.format("U+%04X", c));
            String name = Character.getName(c);
            if (name != null) {
                odd.append(" (").append(name.toLowerCase(java.util.Locale.ROOT)).append(')');
            }
        });
        return odd.length() == 0 ? "" : " (it contains the invisible or non-ASCII character(s) " + odd + ")";
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    /** The text of {@code key}: as set, or its default. */
    public String get(String key) {
        String v = values.get(key);
        if (v != null) {
            return v;
        }
        Setting<?> s = Schema.of(key);
        if (s == null) {
            throw new IllegalArgumentException("not a key: " + key);
        }
        return s.defaultValue();
    }

    public boolean isSet(String key) {
        return !get(key).isBlank();
    }

    /** Where {@code key}'s value came from, for messages. */
    public String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    /** The typed values of these settings. */
    public Values values() {
        return new Values(s -> get(s.key()), s -> values.containsKey(s.key()));
    }

    /** {@code e} as a usage error that names where the value of its setting came from. */
    public UsageException error(SettingException e) {
        return new UsageException(source(e.setting().key()) + ": " + e.getMessage());
    }

    /**
     * {@code e} as a usage error that names where the value of the setting it blames came from, or
     * {@code e} itself when it blames no single setting.
     */
    public RuntimeException error(PlanException e) {
        return e.key() == null || Schema.of(e.key()) == null ? e
                : new UsageException(source(e.key()) + ": " + e.getMessage());
    }

    /** Every explicitly set key and value, in the order they were set. */
    public Map<String, String> explicit() {
        return Collections.unmodifiableMap(values);
    }

    /** All keys with their effective values (explicit or default). */
    public Map<String, String> effective() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String k : Schema.all().keySet()) {
            all.put(k, get(k));
        }
        return all;
    }
}
