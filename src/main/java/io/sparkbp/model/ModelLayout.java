package io.sparkbp.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The model file's layout, as a Jackson {@link PrettyPrinter}: a container is either laid out on
 * lines (one entry a line, indented by two spaces a level, the closing bracket on its own line) or
 * inline ({@code [1.0, 2.0]}, {@code {"mean": [...], "scale": [...]}}); names are followed by
 * {@code ": "}. Objects go on lines and arrays inline unless {@link #next} says otherwise for the
 * next container; an empty container is always {@code {}} or {@code []}. One instance per document.
 */
final class ModelLayout implements PrettyPrinter {
    /** For each open container: is it laid out on lines? */
    private final Deque<Boolean> onLines = new ArrayDeque<>();
    private Boolean next;

    /** Lays out the next container that starts on lines ({@code true}) or inline. */
    ModelLayout next(boolean lines) {
        next = lines;
        return this;
    }

    private void open(JsonGenerator g, char bracket, boolean lines) throws IOException {
        onLines.push(next != null ? next : lines);
        next = null;
        g.writeRaw(bracket);
    }

    private void close(JsonGenerator g, char bracket, int entries) throws IOException {
        if (onLines.pop() && entries > 0) {
            newLine(g);
        }
        g.writeRaw(bracket);
    }

    private void first(JsonGenerator g) throws IOException {
        if (onLines.peek()) {
            newLine(g);
        }
    }

    private void separator(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        if (onLines.peek()) {
            newLine(g);
        } else {
            g.writeRaw(' ');
        }
    }

    private void newLine(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        g.writeRaw(" ".repeat(2 * onLines.size()));
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        open(g, '{', true);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
        close(g, '}', entries);
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        open(g, '[', false);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
        close(g, ']', values);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        first(g);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        first(g);
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        separator(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        separator(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(": ");
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) {
        // one document, one root value
    }
}
