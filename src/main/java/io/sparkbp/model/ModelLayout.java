package io.sparkbp.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.util.Instantiatable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

/**
 * The model file's layout, as a Jackson {@link PrettyPrinter}. A container is laid out either on
 * lines (one entry a line, indented by two spaces a level, the closing bracket on its own line)
 * or inline ({@code [1.0, 2.0]}); names are followed by {@code ": "}. Objects go on lines, except a
 * {@link TransformLine}; arrays go inline, except a list that holds a map, a list or an array (the
 * weights, the rows of {@code W}, such metadata). An empty container is {@code {}} or {@code []}.
 */
final class ModelLayout implements PrettyPrinter, Instantiatable<ModelLayout> {
    /** A transform as written: {@code {"mean": [...], "scale": [...]}} on one line. */
    record TransformLine(double[] mean, double[] scale) {
    }

    /** For each open container: is it laid out on lines? */
    private final Deque<Boolean> onLines = new ArrayDeque<>();

    @Override
    public ModelLayout createInstance() {
        return new ModelLayout(); // one per document: the printer keeps state
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        onLines.push(!(g.getOutputContext().getCurrentValue() instanceof TransformLine));
        g.writeRaw('{');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        onLines.push(g.getOutputContext().getCurrentValue() instanceof Collection<?> c
                && c.stream().anyMatch(x -> x instanceof Map || x instanceof Collection || x instanceof double[]));
        g.writeRaw('[');
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
        close(g, '}', entries);
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
        close(g, ']', values);
    }

    private void close(JsonGenerator g, char bracket, int entries) throws IOException {
        if (onLines.pop() && entries > 0) {
            newLine(g);
        }
        g.writeRaw(bracket);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        beforeArrayValues(g);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        if (onLines.peek()) {
            newLine(g);
        }
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        writeArrayValueSeparator(g);
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
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
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(": ");
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) {
        // one document, one root value
    }
}
