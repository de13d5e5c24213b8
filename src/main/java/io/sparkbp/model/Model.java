package io.sparkbp.model;

import io.sparkbp.data.Transform;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A trained network: its {@link NetworkSpec}, the flat parameter array {@code theta} in the layout
 * of {@code NetworkSpec}, an optional input transform (one coordinate per input), an optional
 * output transform (one per output, linear output only) and ordered free-form metadata ("extra",
 * e.g. {@code config}, {@code metrics}, {@code trainedAt}) that the model file carries after the
 * required fields.
 *
 * <p>Immutable and validated on construction: arrays are copied in and out, every parameter must
 * be finite, transforms must match the layer sizes. Extra values are deep-copied into unmodifiable
 * collections and must be JSON-like: {@code null}, {@link String} (any {@link CharSequence}),
 * {@link Boolean}, integral numbers ({@code Byte/Short/Integer/Long}, stored as {@link Long}),
 * finite floating-point numbers ({@code Float/Double}, stored as {@link Double}), {@link Map} with
 * string keys (order kept), {@link Collection}, {@code Object[]}, {@code double[]}, {@code int[]}
 * and {@code long[]} (stored as lists). Extra keys may not be one of {@link #RESERVED_KEYS}.
 *
 * <p>{@link #equals} compares everything bit for bit (so {@code -0.0 != 0.0}).
 *
 * <p>Serializable for shipping to Spark executors (a broadcast variable or a closure): the
 * serialized form is a plain proxy whose fields go back through this validating constructor.
 * Model <em>files</em> never use Java serialization; see {@link ModelFormat}.
 */
public final class Model implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Top-level field names of the model file; extra metadata may not use them. */
    public static final Set<String> RESERVED_KEYS = Set.of("format", "version", "layers", "hiddenActivation",
            "output", "weights", "inputTransform", "outputTransform");

    private final transient NetworkSpec spec;
    private final transient double[] theta;
    private final transient Transform inputTransform;
    private final transient Transform outputTransform;
    private final transient Map<String, Object> extra;

    /** A model without transforms or metadata. */
    public Model(NetworkSpec spec, double[] theta) {
        this(spec, theta, null, null, null);
    }

    /**
     * @param spec            network shape
     * @param theta           {@code spec.numParams()} finite parameters (copied)
     * @param inputTransform  {@code null} or a transform of {@code spec.inputs()} coordinates
     * @param outputTransform {@code null} or a transform of {@code spec.outputs()} coordinates; linear output only
     * @param extra           {@code null} or ordered metadata (deep-copied; see the class comment)
     * @throws IllegalArgumentException when any of the above does not hold
     */
    public Model(NetworkSpec spec, double[] theta, Transform inputTransform, Transform outputTransform,
                 Map<String, ?> extra) {
        this(spec, theta, inputTransform, outputTransform, extra, true);
    }

    /** As the public constructor; with {@code copyTheta == false} the model takes ownership of {@code theta}. */
    Model(NetworkSpec spec, double[] theta, Transform inputTransform, Transform outputTransform,
          Map<String, ?> extra, boolean copyTheta) {
        if (spec == null || theta == null) {
            throw new IllegalArgumentException("network spec and parameters are required");
        }
        if (theta.length != spec.numParams()) {
            throw new IllegalArgumentException("parameter array has " + theta.length + " values, network " + spec
                    + " needs " + spec.numParams());
        }
        double[] copy = copyTheta ? theta.clone() : theta;
        for (int p = 0; p < copy.length; p++) {
            if (!Double.isFinite(copy[p])) {
                throw new IllegalArgumentException("parameter " + p + " is " + copy[p] + "; parameters must be finite");
            }
        }
        if (inputTransform != null && inputTransform.size() != spec.inputs()) {
            throw new IllegalArgumentException("input transform has " + inputTransform.size()
                    + " coordinates, network " + spec + " has " + spec.inputs() + " inputs");
        }
        if (outputTransform != null) {
            if (spec.output() != OutputKind.LINEAR) {
                throw new IllegalArgumentException("an output transform is only allowed for linear output, not "
                        + spec.output().id());
            }
            if (outputTransform.size() != spec.outputs()) {
                throw new IllegalArgumentException("output transform has " + outputTransform.size()
                        + " coordinates, network " + spec + " has " + spec.outputs() + " outputs");
            }
        }
        this.spec = spec;
        this.theta = copy;
        this.inputTransform = inputTransform;
        this.outputTransform = outputTransform;
        this.extra = copyExtra(extra);
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Copy of the flat parameter array. */
    public double[] theta() {
        return theta.clone();
    }

    /** The parameter array itself, for this package's readers (never modified, never handed out). */
    double[] thetaRef() {
        return theta;
    }

    /** Number of parameters. */
    public int numParams() {
        return theta.length;
    }

    /** Weight {@code W(o, i)} of weight layer {@code l}: from input {@code i} to unit {@code o}. */
    public double weight(int l, int o, int i) {
        int in = spec.width(l);
        int out = spec.width(l + 1);
        if (o < 0 || o >= out || i < 0 || i >= in) {
            throw new IndexOutOfBoundsException("W(" + o + ", " + i + ") outside layer " + l + " (" + out + " x " + in + ")");
        }
        return theta[spec.weightOffset(l) + i * out + o];
    }

    /** Bias {@code b(o)} of weight layer {@code l}. */
    public double bias(int l, int o) {
        int out = spec.width(l + 1);
        if (o < 0 || o >= out) {
            throw new IndexOutOfBoundsException("b(" + o + ") outside layer " + l + " (" + out + " units)");
        }
        return theta[spec.biasOffset(l) + o];
    }

    public Optional<Transform> inputTransform() {
        return Optional.ofNullable(inputTransform);
    }

    public Optional<Transform> outputTransform() {
        return Optional.ofNullable(outputTransform);
    }

    /** Unmodifiable, ordered metadata; empty when there is none. */
    public Map<String, Object> extra() {
        return extra;
    }

    /** This model with its metadata replaced by {@code newExtra}. */
    public Model withExtra(Map<String, ?> newExtra) {
        return new Model(spec, theta, inputTransform, outputTransform, newExtra);
    }

    /** This model with its transforms replaced (either may be {@code null}). */
    public Model withTransforms(Transform newInput, Transform newOutput) {
        return new Model(spec, theta, newInput, newOutput, extra);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Model m && spec.equals(m.spec) && Arrays.equals(theta, m.theta)
                && Objects.equals(inputTransform, m.inputTransform) && Objects.equals(outputTransform, m.outputTransform)
                && extra.equals(m.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, Arrays.hashCode(theta), inputTransform, outputTransform, extra);
    }

    @Override
    public String toString() {
        return "Model[" + spec + ", " + theta.length + " parameters"
                + (inputTransform != null ? ", input transform" : "")
                + (outputTransform != null ? ", output transform" : "")
                + (extra.isEmpty() ? "" : ", extra " + extra.keySet()) + "]";
    }

    // ---- extra metadata ---------------------------------------------------------------------

    private static Map<String, Object> copyExtra(Map<String, ?> extra) {
        if (extra == null || extra.isEmpty()) {
            return Collections.emptyMap();
        }
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                throw new IllegalArgumentException("extra metadata keys must not be null");
            }
            if (RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("extra metadata key '" + key
                        + "' is a field of the model file itself; reserved keys are " + RESERVED_KEYS);
            }
            copy.put(key, copyValue(e.getValue(), key, 0));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static final int MAX_DEPTH = 1000;

    private static Object copyValue(Object v, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("extra metadata '" + path + "' is nested more than " + MAX_DEPTH + " deep");
        }
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long) {
            return v;
        }
        if (v instanceof CharSequence s) {
            return s.toString();
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("extra metadata '" + path + "' is " + d
                        + "; JSON cannot hold non-finite numbers");
            }
            return d;
        }
        if (v instanceof Map<?, ?> m) {
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("extra metadata '" + path + "' has a non-string key "
                            + e.getKey());
                }
                copy.put(key, copyValue(e.getValue(), path + "." + key, depth + 1));
            }
            return Collections.unmodifiableMap(copy);
        }
        List<Object> list = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            for (Object o : c) {
                list.add(copyValue(o, path + "[" + list.size() + "]", depth + 1));
            }
        } else if (v instanceof Object[] a) {
            for (Object o : a) {
                list.add(copyValue(o, path + "[" + list.size() + "]", depth + 1));
            }
        } else if (v instanceof double[] a) {
            for (double d : a) {
                list.add(copyValue(d, path + "[" + list.size() + "]", depth + 1));
            }
        } else if (v instanceof int[] a) {
            for (int i : a) {
                list.add((long) i);
            }
        } else if (v instanceof long[] a) {
            for (long l : a) {
                list.add(l);
            }
        } else {
            throw new IllegalArgumentException("extra metadata '" + path + "' is a " + v.getClass().getName()
                    + "; only strings, booleans, numbers, maps, lists and null can be stored in a model file");
        }
        return Collections.unmodifiableList(list);
    }

    // ---- Java serialization (Spark broadcast), through a validating proxy --------------------

    private Object writeReplace() {
        return new SerializedForm(this);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("Model is deserialized through its proxy only");
    }

    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int[] layers;
        private final String hidden;
        private final String output;
        private final double[] theta;
        private final Transform inputTransform;
        private final Transform outputTransform;
        private final LinkedHashMap<String, Object> extra;

        SerializedForm(Model m) {
            this.layers = m.spec.layers();
            this.hidden = m.spec.hidden().id();
            this.output = m.spec.output().id();
            this.theta = m.theta;
            this.inputTransform = m.inputTransform;
            this.outputTransform = m.outputTransform;
            this.extra = new LinkedHashMap<>(m.extra);
        }

        private Object readResolve() throws InvalidObjectException {
            try {
                return new Model(new NetworkSpec(layers, io.sparkbp.nn.Activation.parse(hidden), OutputKind.parse(output)),
                        theta, inputTransform, outputTransform, extra);
            } catch (RuntimeException e) {
                InvalidObjectException ioe = new InvalidObjectException("invalid serialized model: " + e.getMessage());
                ioe.initCause(e);
                throw ioe;
            }
        }
    }
}
