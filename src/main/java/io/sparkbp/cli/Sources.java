package io.sparkbp.cli;

import io.sparkbp.data.Format;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.DataLoader;

/** Builds {@link DataLoader.Source}s from the {@code data.*} settings. */
final class Sources {
    private Sources() {
    }

    /**
     * The data of {@code evaluate} or {@code predict} ({@code --data}, read as {@code data.test} is) for
     * {@code spec}'s inputs and outputs; a bad setting is a usage error naming its source.
     */
    static DataLoader.Source fromCommand(Config c, String data, io.sparkbp.nn.NetworkSpec spec) {
        c.set(Schema.DATA_TEST.key(), data, "--data");
        try {
            return fromConfig(c, Schema.DATA_TEST, spec.output(), spec.outputs(), spec.inputs());
        } catch (SettingException e) {
            throw c.error(e);
        }
    }

    /**
     * The source named by {@code path}, for a network with {@code outputs} outputs of {@code kind}.
     * {@code features} overrides {@code data.features} (for a loaded model), or is 0. A bad setting is
     * a {@link SettingException}.
     */
    static DataLoader.Source fromConfig(Config c, Setting<String> path, OutputKind kind, int outputs, int features) {
        Values v = c.values();
        Format format = v.get(Schema.DATA_FORMAT);
        int nIn = features > 0 ? features : v.optional(Schema.DATA_FEATURES).orElse(0);
        if (nIn == 0 && format == Format.LIBSVM) {
            throw new SettingException(Schema.DATA_FEATURES, "data.features is required for libsvm data (the number of"
                    + " input features; a file need not contain its last feature index)");
        }
        String weight = v.optional(Schema.DATA_WEIGHT_COLUMN).orElse("");
        if (!weight.isEmpty() && format != Format.CSV) {
            throw new SettingException(Schema.DATA_WEIGHT_COLUMN, "data.weightColumn=" + weight
                    + " needs data.format=csv (LIBSVM lines carry no example weights)");
        }
        return new DataLoader.Source(v.get(path), path.key(), format, nIn, outputs, kind,
                v.optional(Schema.DATA_LABEL_COLUMNS).orElse(java.util.List.of()), weight, v.get(Schema.DATA_ON_BAD_RECORD).equals("skip"),
                v.get(Schema.DATA_PARTITIONS), v.get(Schema.DATA_BLOCK_ROWS), v.get(Schema.DATA_LAYOUT),
                v.get(Schema.DATA_STORAGE_LEVEL), null);
    }
}
