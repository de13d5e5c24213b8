package io.sparkbp.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.sparkbp.data.Transform;
import io.sparkbp.math.Named;
import io.sparkbp.model.ModelJson.Body;
import io.sparkbp.model.ModelJson.Extra;
import io.sparkbp.model.ModelJson.Header;
import io.sparkbp.model.ModelJson.LayerFields;
import io.sparkbp.model.ModelJson.NumberArray;
import io.sparkbp.model.ModelJson.Raw;
import io.sparkbp.model.ModelJson.TransformFields;
import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a bound model file ({@link ModelJson}) and builds the {@link Model}; every fault becomes a
 * {@link ModelFormatException} of one sentence naming the file and the field. The header is checked
 * field by field in a fixed order (format first: another format may differ in anything, then the
 * version, for the same reason); then the weights layer by layer, the transforms and the metadata.
 */
final class ModelCheck {
    private final String name;

    ModelCheck(String name) {
        this.name = name;
    }

    // ---- pass 1 -------------------------------------------------------------------------------

    /** The network the header describes; {@code length} and {@code unit} ("bytes") measure the file. */
    NetworkSpec header(Header h, long length, String unit) {
        checkFormatAndVersion(h);
        int[] layers = layers(h.layers);
        Activation hidden = oneOf("hiddenActivation", h.hiddenActivation, Activation.class);
        OutputKind output = oneOf("output", h.output, OutputKind.class);
        int nOut = layers[layers.length - 1];
        if (nOut < output.minOutputs()) {
            throw field("output", "is \"" + output.id() + "\", which needs at least " + output.minOutputs()
                    + " output units, but field \"layers\" ends in " + nOut);
        }
        NetworkSpec spec;
        try {
            spec = new NetworkSpec(layers, hidden, output);
        } catch (IllegalArgumentException e) {
            throw field("layers", "is invalid: " + e.getMessage());
        }
        if (h.weights == null) {
            throw field("weights", "is missing");
        }
        if (h.weights.token() != JsonToken.START_ARRAY) {
            throw field("weights", "is " + h.weights.describe() + ", expected " + expected(List.of("weights"), spec));
        }
        if (h.outputTransform != null && output != OutputKind.LINEAR) {
            throw field("outputTransform", "is only allowed with \"output\": \"linear\", not \"" + output.id() + "\"");
        }
        // Every number takes at least one character and one separator: refuse to allocate the
        // parameter array for a file that cannot possibly hold it.
        if (length < 2L * spec.numParams()) {
            throw fail("has only " + length + " " + unit + ", too few to hold the " + spec.numParams()
                    + " parameters that field \"layers\" " + Arrays.toString(layers) + " describes");
        }
        long entries = h.weights.count();
        if (entries != spec.numWeightLayers()) {
            throw field("weights", "has " + (entries == 1 ? "1 entry" : entries + " entries") + ", expected "
                    + spec.numWeightLayers() + " (one per weight layer of layers " + Arrays.toString(layers) + ")");
        }
        return spec;
    }

    private void checkFormatAndVersion(Header h) {
        Raw format = h.format;
        if (format == null) {
            throw fail("is not a sparkbp model file: field \"format\" is missing (expected \"" + ModelFormat.FORMAT
                    + "\")");
        }
        if (format.token() != JsonToken.VALUE_STRING || !ModelFormat.FORMAT.equals(format.text())) {
            throw fail("is not a sparkbp model file: field \"format\" is " + format.describe()
                    + ", expected \"" + ModelFormat.FORMAT + "\"");
        }
        Raw version = h.version;
        String supported = "(supported versions: " + ModelFormat.SUPPORTED_VERSIONS.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")";
        if (version == null) {
            throw field("version", "is missing " + supported);
        }
        if (version.token() != JsonToken.VALUE_NUMBER_INT) {
            throw field("version", "is " + version.describe() + ", expected an integer " + supported);
        }
        if (ModelFormat.SUPPORTED_VERSIONS.stream().noneMatch(v -> v.toString().equals(version.text()))) {
            throw field("version", "is " + version.text() + ", which this sparkbp cannot read " + supported);
        }
    }

    private int[] layers(Raw r) {
        if (r == null) {
            throw field("layers", "is missing");
        }
        if (r.token() != JsonToken.START_ARRAY) {
            throw field("layers", "is " + r.describe() + ", expected an array of positive integers");
        }
        if (r.count() > ModelFormat.MAX_LAYERS) {
            throw field("layers", "has more than " + ModelFormat.MAX_LAYERS + " entries");
        }
        if (r.count() < 2) {
            throw field("layers", "has " + r.count() + (r.count() == 1 ? " entry" : " entries")
                    + ", expected at least 2 (the input and output sizes)");
        }
        int[] layers = new int[r.items().size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layerSize(r.items().get(i), "layers[" + i + "]");
        }
        long params = 0;
        for (int l = 0; l + 1 < layers.length && params <= NetworkSpec.MAX_PARAMS; l++) {
            params += (long) layers[l] * layers[l + 1] + layers[l + 1]; // < 2^62 each, at most 10^4 terms: no overflow
        }
        if (params > NetworkSpec.MAX_PARAMS) {
            throw field("layers", Arrays.toString(layers) + " describes more than " + NetworkSpec.MAX_PARAMS
                    + " parameters, the most a model can have");
        }
        return layers;
    }

    private int layerSize(Raw r, String path) {
        if (r.token() != JsonToken.VALUE_NUMBER_INT) {
            throw field(path, "is " + r.describe() + ", expected a positive integer");
        }
        long v;
        try {
            v = Long.parseLong(r.text());
        } catch (NumberFormatException e) {
            v = r.text().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (v < 1) {
            throw field(path, "is " + r.text() + ", expected a positive integer (every layer needs at least 1 unit)");
        }
        if (v > Integer.MAX_VALUE) {
            throw field(path, "is " + r.text() + ", larger than the largest possible layer (" + Integer.MAX_VALUE
                    + " units)");
        }
        return (int) v;
    }

    private <E extends Enum<E> & Named> E oneOf(String path, Raw r, Class<E> type) {
        E[] values = type.getEnumConstants();
        String expected = Arrays.stream(values).map(e -> "\"" + e.id() + "\"").collect(Collectors.joining(", "));
        if (r == null) {
            throw field(path, "is missing (expected one of " + expected + ")");
        }
        for (E e : values) {
            if (r.token() == JsonToken.VALUE_STRING && e.id().equalsIgnoreCase(r.text().trim())) {
                return e;
            }
        }
        throw field(path, "is " + r.describe() + ", expected one of " + expected);
    }

    // ---- pass 2 -------------------------------------------------------------------------------

    /** The model the body holds, for the network {@code spec} that pass 1 read. */
    Model body(Body body, NetworkSpec spec) {
        if (body.weights == null || body.weights.size() != spec.numWeightLayers()) {
            throw fail("changed while being read");
        }
        double[] theta = new double[spec.numParams()];
        for (int l = 0; l < spec.numWeightLayers(); l++) {
            layer(body.weights.get(l), spec, l, theta);
        }
        Transform in = transform(body.inputTransform, "inputTransform", spec.inputs(), "one per input");
        Transform out = transform(body.outputTransform, "outputTransform", spec.outputs(), "one per output");
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Extra> e : body.extra.entrySet()) {
            Extra x = e.getValue();
            if (x.fault() != null) {
                throw field(x.faultPath(), x.fault());
            }
            extra.put(e.getKey(), x.value());
        }
        try {
            return new Model(spec, theta, in, out, extra, false);
        } catch (IllegalArgumentException e) {
            throw fail("is invalid: " + e.getMessage()); // not expected: everything was checked above
        }
    }

    /** Copies layer {@code l} into {@code theta}: {@code W(o, i)} to {@code theta[weightOffset(l) + i * out + o]}. */
    private void layer(LayerFields f, NetworkSpec spec, int l, double[] theta) {
        String path = "weights[" + l + "]";
        int in = spec.width(l);
        int out = spec.width(l + 1);
        String wShape = wShape(spec, l);
        if (f.w != null) {
            for (int o = 0; o < f.w.size(); o++) {
                if (o >= out) {
                    throw field(path + ".W", "has " + f.w.size() + " rows, expected " + out + " " + wShape);
                }
                double[] row = numbers(f.w.get(o), path + ".W[" + o + "]", in, wShape);
                for (int i = 0; i < in; i++) {
                    theta[spec.weightOffset(l) + i * out + o] = row[i];
                }
            }
            if (f.w.size() < out) {
                throw field(path + ".W", "has " + plural(f.w.size(), "row") + ", expected " + out + " " + wShape);
            }
        }
        if (f.b != null) {
            double[] b = numbers(f.b, path + ".b", out, "(" + maps(spec, l) + ")");
            System.arraycopy(b, 0, theta, spec.biasOffset(l), out);
        }
        if (f.w == null) {
            throw field(path + ".W", "is missing");
        }
        if (f.b == null) {
            throw field(path + ".b", "is missing");
        }
    }

    private Transform transform(TransformFields f, String path, int n, String why) {
        if (f == null) {
            return null;
        }
        double[] mean = f.mean() == null ? null : numbers(f.mean(), path + ".mean", n, "(" + why + ")");
        double[] scale = f.scale() == null ? null : numbers(f.scale(), path + ".scale", n, "(" + why + ")");
        if (mean == null) {
            throw field(path + ".mean", "is missing");
        }
        if (scale == null) {
            throw field(path + ".scale", "is missing");
        }
        for (int j = 0; j < n; j++) {
            if (!(scale[j] > 0.0)) {
                throw field(path + ".scale[" + j + "]", "is " + scale[j] + ", expected a positive number");
            }
        }
        return new Transform(mean, scale);
    }

    /** The {@code n} finite numbers of {@code a}, or the fault: not an array, an entry that is no number, the count. */
    private double[] numbers(NumberArray a, String path, int n, String why) {
        if (a.notArray() != null) {
            throw field(path, "is " + a.notArray() + ", expected an array of " + n + " numbers " + why);
        }
        if (a.bad() != null && a.badIndex() < n) {
            throw field(path + "[" + a.badIndex() + "]", a.bad());
        }
        if (a.count() != n) {
            throw field(path, "has " + plural(a.count(), "value") + ", expected " + n + " " + why);
        }
        return a.values();
    }

    // ---- what Jackson refuses -----------------------------------------------------------------

    /**
     * The fault Jackson found while binding, with the parser {@code p} still on the offending
     * token: a key that is not part of the format, a value of the wrong kind where a record or a
     * list is bound, or (with an empty path) content after the top-level object.
     */
    ModelFormatException bindingFault(MismatchedInputException e, JsonParser p, NetworkSpec spec) throws IOException {
        List<Object> path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? (Object) r.getFieldName() : (Object) r.getIndex())
                .collect(Collectors.toList());
        if (path.isEmpty()) {
            return fail("has unexpected content after the top-level object at line "
                    + p.currentTokenLocation().getLineNr() + ", column " + p.currentTokenLocation().getColumnNr());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String holds = u.getReferringClass() == LayerFields.class ? "a layer object holds only \"W\" and \"b\""
                    : "a transform holds only \"mean\" and \"scale\"";
            return field(pathText(path), "is not part of format version " + ModelFormat.VERSION + " (" + holds + ")");
        }
        return field(pathText(path), "is " + ModelJson.describe(p) + ", expected " + expected(path, spec));
    }

    /** What belongs at {@code path}, where Jackson binds a list or a record. */
    private static String expected(List<Object> path, NetworkSpec spec) {
        if (path.size() == 1 && path.get(0).equals("weights")) {
            return "an array of " + spec.numWeightLayers() + " layer objects";
        }
        if (path.size() == 2 && path.get(0).equals("weights")) {
            return "an object with \"W\" and \"b\"";
        }
        if (path.size() == 3 && path.get(2).equals("W")) {
            return "an array of arrays " + wShape(spec, (Integer) path.get(1));
        }
        return "an object with \"mean\" and \"scale\""; // inputTransform, outputTransform
    }

    private static String pathText(List<Object> path) {
        StringBuilder sb = new StringBuilder();
        for (Object step : path) {
            sb.append(step instanceof Integer ? "[" + step + "]" : (sb.length() == 0 ? "" : ".") + step);
        }
        return sb.toString();
    }

    // ---- messages -----------------------------------------------------------------------------

    ModelFormatException fail(String rest) {
        return fail(rest, null);
    }

    ModelFormatException fail(String rest, Throwable cause) {
        return new ModelFormatException("model file '" + name + "' " + rest, cause);
    }

    private ModelFormatException field(String path, String rest) {
        return new ModelFormatException("model file '" + name + "': field \"" + path + "\" " + rest);
    }

    private static String maps(NetworkSpec spec, int l) {
        return "layer " + l + " maps " + plural(spec.width(l), "input") + " to " + plural(spec.width(l + 1), "unit");
    }

    private static String wShape(NetworkSpec spec, int l) {
        return "(" + maps(spec, l) + ", so W has " + plural(spec.width(l + 1), "row") + " of " + spec.width(l) + ")";
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
