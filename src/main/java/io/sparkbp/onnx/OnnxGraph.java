package io.sparkbp.onnx;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ONNX graph before serialization: one input, nodes in topological order, constant tensors
 * (initializers) and the outputs. Every input and output is a matrix {@code [batch, width]} with the
 * symbolic batch dimension {@link #BATCH}; every value has the graph's element type.
 */
record OnnxGraph(String name, Value input, List<Node> nodes, List<Initializer> initializers, List<Value> outputs) {
    /** The name of the symbolic first dimension of the input and outputs. */
    static final String BATCH = "batch";

    OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        outputs = List.copyOf(outputs);
    }

    /** A graph input or output {@code name} of shape {@code [batch, width]}. */
    record Value(String name, int width) {
    }

    /**
     * A constant tensor of shape {@code dims} whose row-major elements are {@code source[offset ..
     * offset + product(dims))}; the array is shared, not copied, and must not change.
     */
    record Initializer(String name, long[] dims, double[] source, int offset) {
        Initializer {
            dims = dims.clone();
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            if (offset < 0 || offset + n > source.length) {
                throw new IllegalArgumentException("tensor " + name + " " + Arrays.toString(dims) + " at offset "
                        + offset + " does not fit in " + source.length + " values");
            }
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        /** Number of elements. */
        int size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return (int) n;
        }
    }

    /** One operator application: {@code output = opType(inputs...)} with integer attributes. */
    record Node(String opType, List<String> inputs, String output, Map<String, Long> intAttributes) {
        Node {
            inputs = List.copyOf(inputs);
            intAttributes = Collections.unmodifiableMap(new TreeMap<>(intAttributes)); // a fixed order: the same bytes every time
        }

        /** A node without attributes. */
        static Node of(String opType, String output, String... inputs) {
            return new Node(opType, List.of(inputs), output, Map.of());
        }
    }
}
