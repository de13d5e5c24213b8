package io.sparkbp.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which CSV columns hold the labels, the optional example weight and the features, derived from the
 * header row.
 *
 * <p>Label columns ({@code data.labelColumns}):
 * <ul>
 *   <li>Given explicitly: every named column must be in the header (exact, case-sensitive match of
 *       the trimmed, unquoted name), named once, and there must be 1 or {@code K} of them.</li>
 *   <li>Default: if the header has columns named {@code label_<i>}, they must be exactly
 *       {@code label_0..label_{K-1}} and are used in that order (one target per column); otherwise the
 *       first column is the single label column.</li>
 * </ul>
 * With one label column the field uses the same label syntax as LIBSVM (class id, 0/1, a real value,
 * comma-separated ids or values; see {@link LineParser}). With {@code K > 1} columns each column holds
 * target {@code k} directly (0/1 for logistic, a one-hot 0/1 vector for softmax, a real value for
 * linear).
 *
 * <p>All remaining columns (except the optional weight column) are features, in header order; the
 * header fixes their count. Column names must be unique only where they are looked up (label and
 * weight columns). Problems are {@link DataException.Kind#SCHEMA schema} errors naming the column.
 */
public final class CsvSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String header;
    private final String[] names;
    private final int[] labelColumns;
    private final int weightColumn;
    private final int[] featureColumns;
    private final int outputs;

    private CsvSchema(String header, String[] names, int[] labelColumns, int weightColumn, int[] featureColumns,
                      int outputs) {
        this.header = header;
        this.names = names;
        this.labelColumns = labelColumns;
        this.weightColumn = weightColumn;
        this.featureColumns = featureColumns;
        this.outputs = outputs;
    }

    /** {@link #fromHeader(String, List, String, int)} without a weight column. */
    public static CsvSchema fromHeader(String headerLine, List<String> labelColumns, int nOut) {
        return fromHeader(headerLine, labelColumns, null, nOut);
    }

    /**
     * The schema of a header row.
     *
     * @param headerLine   the header line as read (a BOM, trailing CR and blanks are removed)
     * @param labelColumns label column names ({@code data.labelColumns}); null or empty for the default
     * @param weightColumn name of an example-weight column, or null/empty for none (weights 1)
     * @param nOut         number of outputs K ({@code model.outputs})
     * @throws DataException (schema) if the header is empty or malformed or a named column is missing,
     *                       ambiguous or duplicated, the label columns are neither 1 nor K, or no feature column is left
     */
    public static CsvSchema fromHeader(String headerLine, List<String> labelColumns, String weightColumn, int nOut) {
        if (nOut < 1) {
            throw new IllegalArgumentException("nOut must be >= 1, got " + nOut);
        }
        String header = LineParser.normalize(headerLine);
        if (header == null) {
            throw DataException.schema("the CSV header is empty", null, headerLine,
                    "a header row of column names (the first line that is neither blank nor a '#' comment)");
        }
        String[] names = columnNames(header);
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int c = 0; c < names.length; c++) {
            byName.computeIfAbsent(names[c], k -> new ArrayList<>()).add(c);
        }
        List<String> wanted = labelColumns == null ? List.of() : labelColumns.stream()
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        int[] labels = wanted.isEmpty() ? defaultLabels(names, byName, header, nOut)
                : configuredLabels(wanted, byName, header, nOut);
        int weight = weightColumn(weightColumn, labels, byName, header);
        int[] features = featureColumns(names.length, labels, weight, header);
        return new CsvSchema(header, names, labels, weight, features, nOut);
    }

    /** The trimmed column names of a normalized header line. */
    private static String[] columnNames(String header) {
        int count = CsvFields.split(header, new int[0], new int[0], new boolean[0], DataException.Kind.SCHEMA);
        int[] st = new int[count];
        int[] en = new int[count];
        boolean[] esc = new boolean[count];
        CsvFields.split(header, st, en, esc, DataException.Kind.SCHEMA);
        String[] names = new String[count];
        for (int c = 0; c < count; c++) {
            names[c] = CsvFields.text(header, st[c], en[c], esc[c]).trim();
        }
        return names;
    }

    /** The label columns named by {@code data.labelColumns}: 1 or {@code nOut} of them, each once. */
    private static int[] configuredLabels(List<String> wanted, Map<String, List<Integer>> byName, String header,
                                          int nOut) {
        String setting = "data.labelColumns=" + String.join(",", wanted);
        if (wanted.size() != 1 && wanted.size() != nOut) {
            throw DataException.schema(wanted.size() + " label columns are configured", String.join(",", wanted), null,
                    "1 label column or one per output (model.outputs=" + nOut + ")");
        }
        int[] labels = new int[wanted.size()];
        for (int i = 0; i < labels.length; i++) {
            String name = wanted.get(i);
            if (wanted.indexOf(name) != i) {
                throw DataException.schema("label column '" + name + "' is configured twice", String.join(",", wanted),
                        null, "each label column once (" + setting + ")");
            }
            labels[i] = lookup(byName, name, "label", header, setting);
        }
        return labels;
    }

    /** Without {@code data.labelColumns}: columns label_0..label_{nOut-1} when present, else the first column. */
    private static int[] defaultLabels(String[] names, Map<String, List<Integer>> byName, String header, int nOut) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (String n : names) {
            if (n.matches("label_[0-9]{1,9}")) {
                ids.add(Integer.parseInt(n.substring(6)));
            }
        }
        if (ids.isEmpty()) {
            return new int[] {0};
        }
        if (ids.first() != 0 || ids.last() != nOut - 1 || ids.size() != nOut) {
            throw DataException.schema("the header has label columns label_" + joinIds(ids)
                    + " but model.outputs=" + nOut, null, header,
                    "label_0..label_" + (nOut - 1) + ", or set data.labelColumns");
        }
        int[] labels = new int[nOut];
        for (int k = 0; k < nOut; k++) {
            labels[k] = lookup(byName, "label_" + k, "label", header, "label_0..label_" + (nOut - 1));
        }
        return labels;
    }

    /** The weight column's index, or -1 for none; it may not be a label column. */
    private static int weightColumn(String weightColumn, int[] labels, Map<String, List<Integer>> byName,
                                    String header) {
        String w = weightColumn == null ? "" : weightColumn.trim();
        if (w.isEmpty()) {
            return -1;
        }
        int weight = lookup(byName, w, "weight", header, "the weight column '" + w + "'");
        for (int l : labels) {
            if (l == weight) {
                throw DataException.schema("column '" + w + "' cannot be both a label and the weight", null, header,
                        "distinct label and weight columns");
            }
        }
        return weight;
    }

    /** Every column that is neither a label nor the weight; at least one. */
    private static int[] featureColumns(int count, int[] labels, int weight, String header) {
        boolean[] used = new boolean[count];
        for (int l : labels) {
            used[l] = true;
        }
        if (weight >= 0) {
            used[weight] = true;
        }
        int nFeatures = 0;
        for (boolean u : used) {
            if (!u) {
                nFeatures++;
            }
        }
        if (nFeatures == 0) {
            throw DataException.schema("the header has no feature columns", null, header,
                    "feature columns after the label column(s)");
        }
        int[] features = new int[nFeatures];
        for (int c = 0, j = 0; c < count; c++) {
            if (!used[c]) {
                features[j++] = c;
            }
        }
        return features;
    }

    private static int lookup(Map<String, List<Integer>> byName, String name, String role, String header,
                              String setting) {
        List<Integer> at = byName.get(name);
        if (at == null) {
            throw DataException.schema(role + " column '" + name + "' is not in the header", null, header,
                    "a column of the header (" + setting + ")");
        }
        if (at.size() > 1) {
            throw DataException.schema(role + " column '" + name + "' appears " + at.size() + " times in the header",
                    null, header, "a unique column name (" + setting + ")");
        }
        return at.get(0);
    }

    private static String joinIds(TreeSet<Integer> ids) {
        if (ids.size() > 1 && ids.last() - ids.first() == ids.size() - 1) {
            return ids.first() + "..label_" + ids.last();
        }
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.length() == 0 ? "" : ",label_").append(id);
        }
        return sb.toString();
    }

    /** The header line as normalized by {@link LineParser#normalize}; a data line equal to it is skipped. */
    public String header() {
        return header;
    }

    /** Number of columns of every line. */
    public int columns() {
        return names.length;
    }

    /** Name of column {@code c} (0-based). */
    public String columnName(int c) {
        return names[c];
    }

    /** Column indices of the labels, in target order. */
    public int[] labelColumns() {
        return labelColumns.clone();
    }

    /** Column index of the weight, or -1 when every weight is 1. */
    public int weightColumn() {
        return weightColumn;
    }

    /** Column indices of the features, in feature order. */
    public int[] featureColumns() {
        return featureColumns.clone();
    }

    /** Number of features, i.e. {@code nIn}. */
    public int features() {
        return featureColumns.length;
    }

    /** Names of the feature columns, in feature order. */
    public List<String> featureNames() {
        List<String> out = new ArrayList<>(featureColumns.length);
        for (int c : featureColumns) {
            out.add(names[c]);
        }
        return out;
    }

    /** Names of the label columns, in target order. */
    public List<String> labelNames() {
        List<String> out = new ArrayList<>(labelColumns.length);
        for (int c : labelColumns) {
            out.add(names[c]);
        }
        return out;
    }

    /** The K this schema was built for. */
    public int outputs() {
        return outputs;
    }

    // Package-private views without copying, for the parser.
    int[] labelColumnsRef() {
        return labelColumns;
    }

    int[] featureColumnsRef() {
        return featureColumns;
    }

    @Override
    public String toString() {
        return "CsvSchema{labels=" + labelNames() + ", weight=" + (weightColumn < 0 ? "none" : names[weightColumn])
                + ", features=" + featureColumns.length + ", columns=" + names.length + "}";
    }
}
