package io.sparkbp.ml;

import io.sparkbp.nn.OutputKind;
import io.sparkbp.settings.Kind;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.Values;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@link Param} objects of one {@link SparkbpEstimator} or {@link SparkbpModel} (Spark wants
 * every param owned by its instance). The training params come from the settings {@link Schema}:
 * one per setting that has a param name, typed by its {@link Kind}, with its meaning as the doc, its
 * default, and its kind's parser as the validator, so a param accepts exactly what {@code key=value}
 * accepts. The columns and the prediction threshold are the estimator's own.
 */
final class ParamDefs implements Serializable {
    private static final long serialVersionUID = 1L;

    // columns and prediction: the estimator's own
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> validationIndicatorCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> rawPredictionCol;
    final DoubleParam threshold;
    final Param<String> handleInvalid;

    /** Param name to the param of each setting that has one, in the schema's order. */
    private final Map<String, Param<?>> settings = new LinkedHashMap<>();
    /** Param name to its setting. */
    private final Map<String, Setting<?>> schema = new LinkedHashMap<>();

    ParamDefs(Params owner) {
        featuresCol = string(owner, "featuresCol", "features column: ml.linalg vectors, dense or sparse");
        labelCol = string(owner, "labelCol", "label column: a number (a class index for softmax, 0/1 for "
                + "logistic, the target for linear), or an array<double>/vector of K values (multi-label 0/1 "
                + "for logistic, K targets for linear)");
        validationIndicatorCol = string(owner, "validationIndicatorCol", "boolean column: rows where it is true "
                + "are the validation set, the others train (empty: see validationFraction)");
        predictionCol = string(owner, "predictionCol", "prediction column (empty: not produced): the class index "
                + "(softmax, binary logistic), a 0/1 vector (multi-label), the value or a vector of values (linear)");
        probabilityCol = string(owner, "probabilityCol", "class probabilities column (classification; empty: "
                + "not produced); [1-p, p] for binary logistic, per-label p for multi-label");
        rawPredictionCol = string(owner, "rawPredictionCol", "raw prediction column (classification; empty: "
                + "not produced): the output pre-activations (logits); [-s, s] for binary logistic");
        threshold = new DoubleParam(owner, "threshold", "logistic outputs: an output is predicted 1 when its "
                + "probability is >= threshold, in [0, 1]", new ParamChecks.Check<>(v -> {
                    double d = ((Number) v).doubleValue();
                    return d >= 0 && d <= 1;
                }));
        handleInvalid = new Param<>(owner, "handleInvalid", "transform: what to do with a row whose features are "
                + "null, of another size than the model's inputs, or not finite: 'error' (fail naming the row, column "
                + "and problem), 'skip' (drop the row) or 'keep' (keep it with NaN outputs); fit refuses such rows "
                + "whatever it says", new ParamChecks.Check<>(v -> Scoring.Invalid.of(String.valueOf(v)) != null));
        owner.setDefault(featuresCol, "features");
        owner.setDefault(labelCol, "label");
        owner.setDefault(validationIndicatorCol, "");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(rawPredictionCol, "rawPrediction");
        owner.setDefault(threshold, OutputKind.THRESHOLD);
        owner.setDefault(handleInvalid, Scoring.Invalid.ERROR.id());
        for (Setting<?> s : Schema.all().values()) {
            if (s.isParam()) {
                Param<?> p = param(owner, s);
                settings.put(s.param(), p);
                schema.put(s.param(), s);
            }
        }
    }

    /** The param of the setting with param name {@code name}. */
    @SuppressWarnings("unchecked")
    <P extends Param<?>> P get(String name) {
        Param<?> p = settings.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no setting has the param " + name);
        }
        return (P) p;
    }

    /** Param name to the command-line key it corresponds to, for every param that has one. */
    Map<String, String> cliKeys() {
        return Collections.unmodifiableMap(schema.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().key(), (a, b) -> a, LinkedHashMap::new)));
    }

    /** The settings of {@code owner}'s current params (as set, or their defaults), typed as {@code train} reads them. */
    Values values(Params owner) {
        return new Values(s -> s.isParam() ? text(owner.getOrDefault(get(s.param()))) : s.defaultValue(),
                s -> s.isParam() && owner.isSet(get(s.param())));
    }

    /** A param value as the text a properties file would hold. */
    static String text(Object value) {
        return value instanceof int[] a ? Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(","))
                : String.valueOf(value);
    }

    /** The param of {@code s}, of the type its kind asks for, with its default set on {@code owner}. */
    private static Param<?> param(Params owner, Setting<?> s) {
        String doc = s.meaning() + " (command line: " + s.key() + ")";
        Kind<?> kind = s.kind();
        String d = s.defaultValue();
        String key = s.key();
        switch (kind.paramType()) {
            case INT -> {
                IntParam p = new IntParam(owner, s.param(), doc, check(key));
                owner.setDefault(p, Integer.parseInt(d));
                return p;
            }
            case LONG -> {
                LongParam p = new LongParam(owner, s.param(), doc, check(key));
                owner.setDefault(p, Long.parseLong(d));
                return p;
            }
            case DOUBLE -> {
                DoubleParam p = new DoubleParam(owner, s.param(), doc, check(key));
                owner.setDefault(p, Double.parseDouble(d));
                return p;
            }
            case BOOLEAN -> {
                BooleanParam p = new BooleanParam(owner, s.param(), doc);
                owner.setDefault(p, Boolean.parseBoolean(d));
                return p;
            }
            case INT_ARRAY -> {
                IntArrayParam p = new IntArrayParam(owner, s.param(), doc, new ParamChecks.Check<>(
                        v -> Schema.of(key).kind().accepts(text(v))));
                owner.setDefault(p, (int[]) kind.parse(d));
                return p;
            }
            default -> {
                Param<String> p = new Param<>(owner, s.param(), doc, new ParamChecks.Check<>(
                        v -> v.isEmpty() && Schema.of(key).defaultValue().isEmpty() || Schema.of(key).kind().accepts(v)));
                owner.setDefault(p, d);
                return p;
            }
        }
    }

    /** A validator by the parser of the setting of {@code key} (looked up when it runs: params are serialized). */
    private static ParamChecks.Check<Object> check(String key) {
        return new ParamChecks.Check<>(v -> Schema.of(key).kind().accepts(text(v)));
    }

    private static Param<String> string(Params owner, String name, String doc) {
        return new Param<>(owner, name, doc, new ParamChecks.Check<>(v -> true));
    }
}
