package io.sparkbp.ml;

import io.sparkbp.nn.OutputKind;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Schema checks and the output columns. Column problems are {@link IllegalArgumentException}s, as
 * in MLlib, naming the column, the param that names it, its type and the expected type.
 */
final class Columns {
    private Columns() {
    }

    /** How the label column holds the targets. */
    enum LabelShape {
        /** A number (any numeric type, read as a double). */
        SCALAR,
        /** An {@code array<numeric>}. */
        ARRAY,
        /** An {@code ml.linalg} vector. */
        VECTOR
    }

    static List<String> fieldNames(StructType schema) {
        return Arrays.asList(schema.fieldNames());
    }

    /** The field {@code name} of {@code schema}, named by param {@code param}. */
    static StructField field(StructType schema, String name, String param) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("column '" + name + "' (" + param + ") does not exist; the columns are "
                + Arrays.toString(schema.fieldNames()));
    }

    /** The features column, which must hold {@code ml.linalg} vectors. */
    static StructField vectorField(StructType schema, String name, String param) {
        StructField f = field(schema, name, param);
        DataType t = f.dataType();
        if (t instanceof VectorUDT) {
            return f;
        }
        if (t.getClass().getName().equals("org.apache.spark.mllib.linalg.VectorUDT")) {
            throw new IllegalArgumentException("column '" + name + "' (" + param + ") holds old spark.mllib vectors; "
                    + "convert it with MLUtils.convertVectorColumnsToML, or build it with VectorAssembler");
        }
        throw new IllegalArgumentException("column '" + name + "' (" + param + ") is of type " + t.simpleString()
                + "; expected a vector (org.apache.spark.ml.linalg.Vector), e.g. from VectorAssembler");
    }

    /** The shape of the label column for output {@code kind}. */
    static LabelShape labelShape(StructType schema, String name, OutputKind kind) {
        DataType t = field(schema, name, "labelCol").dataType();
        LabelShape shape;
        if (t instanceof NumericType) {
            shape = LabelShape.SCALAR;
        } else if (t instanceof VectorUDT) {
            shape = LabelShape.VECTOR;
        } else if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
            shape = LabelShape.ARRAY;
        } else {
            throw new IllegalArgumentException("label column '" + name + "' (labelCol) is of type " + t.simpleString()
                    + "; expected a number, or for logistic and linear outputs an array of numbers or a vector"
                    + (t == DataTypes.StringType ? " (index string labels with StringIndexer)" : ""));
        }
        if (kind == OutputKind.SOFTMAX && shape != LabelShape.SCALAR) {
            throw new IllegalArgumentException("label column '" + name + "' (labelCol) is of type " + t.simpleString()
                    + "; softmax output needs a class index 0..K-1 (a number, e.g. from StringIndexer); "
                    + "for several independent 0/1 labels use output=logistic");
        }
        return shape;
    }

    static void requireNumeric(StructType schema, String name, String param) {
        DataType t = field(schema, name, param).dataType();
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException("column '" + name + "' (" + param + ") is of type " + t.simpleString()
                    + "; expected a number");
        }
    }

    static void requireBoolean(StructType schema, String name, String param) {
        DataType t = field(schema, name, param).dataType();
        if (!(t instanceof BooleanType)) {
            throw new IllegalArgumentException("column '" + name + "' (" + param + ") is of type " + t.simpleString()
                    + "; expected boolean");
        }
    }

    /**
     * What a model adds to each row: names of the raw prediction, probability and prediction columns
     * (empty: not produced), the output kind, the number of outputs {@code k} ({@code -1} when not
     * known yet, as for an estimator's schema) and whether the prediction is a vector.
     */
    record Outputs(String raw, String probability, String prediction, OutputKind kind, int k, boolean vectorPrediction)
            implements java.io.Serializable {
        boolean classification() {
            return kind != OutputKind.LINEAR;
        }

        /** Length of the raw prediction and probability vectors: 2 for binary logistic output. */
        int scores() {
            return kind == OutputKind.LOGISTIC && k == 1 ? 2 : k;
        }

        boolean hasRaw() {
            return classification() && !raw.isEmpty();
        }

        boolean hasProbability() {
            return classification() && !probability.isEmpty();
        }

        boolean hasPrediction() {
            return !prediction.isEmpty();
        }

        /** {@code schema} with the output columns appended, after checking that they do not exist yet. */
        StructType appendTo(StructType schema) {
            StructType out = schema;
            if (hasRaw()) {
                out = out.add(vector(out, raw, "rawPredictionCol", scores()));
            }
            if (hasProbability()) {
                out = out.add(vector(out, probability, "probabilityCol", scores()));
            }
            if (hasPrediction()) {
                if (vectorPrediction) {
                    out = out.add(vector(out, prediction, "predictionCol", k));
                } else {
                    absent(out, prediction, "predictionCol");
                    Metadata meta = classification() && k > 0
                            ? NominalAttribute.defaultAttr().withName(prediction).withNumValues(scores()).toMetadata()
                            : Metadata.empty();
                    out = out.add(new StructField(prediction, DataTypes.DoubleType, false, meta));
                }
            }
            return out;
        }

        private static StructField vector(StructType schema, String name, String param, int size) {
            absent(schema, name, param);
            StructField f = size > 0 ? new AttributeGroup(name, size).toStructField()
                    : new AttributeGroup(name).toStructField();
            return new StructField(name, new VectorUDT(), false, f.metadata());
        }

        private static void absent(StructType schema, String name, String param) {
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("output column '" + name + "' (" + param + ") already exists; "
                        + "set " + param + " to another name, or to \"\" to leave it out");
            }
        }
    }
}
