package io.sparkbp.cli;

import io.sparkbp.data.Format;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;
import io.sparkbp.settings.SettingException;
import io.sparkbp.settings.Values;
import io.sparkbp.spark.DataLoader;

import java.util.List;

/** Builds {@link DataLoader.Source}s from the {@code data.*} settings. */
final class Sources {
    private Sources() {
    }

    /**
     * The data of {@code evaluate} or {@code predict} ({@code --data}, read as {@code data.test} is, and
     * named {@code --data} in data errors) for {@code spec}'s inputs and outputs; a bad setting is a
     * usage error naming its source.
     */
    static DataLoader.Source fromCommand(Config c, String data, io.sparkbp.nn.NetworkSpec spec) {
        c.set(Schema.DATA_TEST.key(), data, "--data");
        try {
            if (c.explicit().containsKey(Schema.DATA_FEATURES.key())) {
                int given = c.values().get(Schema.DATA_FEATURES);
                if (given != spec.inputs()) {
                    throw new SettingException(Schema.DATA_FEATURES, "data.features=" + given + " differs from the "
                            + spec.inputs() + " inputs of the model's network " + spec + "; leave data.features out"
                            + " (the model gives it) or use a model trained on data with " + given + " features");
                }
            }
            return fromConfig(c, Schema.DATA_TEST, "--data", spec.output(), spec.outputs(), spec.inputs());
        } catch (SettingException e) {
            throw c.error(e);
        }
    }

    /** {@code loader.resolve(s)}, with a refused setting ({@code data.blockRows}) named where it was set. */
    static DataLoader.Source resolve(Config c, DataLoader loader, DataLoader.Source s) {
        try {
            return loader.resolve(s);
        } catch (io.sparkbp.spark.PlanException e) {
            throw c.error(e);
        }
    }

    /**
     * Refuses every key set for {@code command} (evaluate, predict) that is not in {@code applicable},
     * naming it and where it was set: the network and its training come from the model, so a
     * training setting given to them would be silently ignored.
     */
    static void requireApplicable(Config c, String command, List<Setting<?>> applicable) {
        for (String key : c.explicit().keySet()) {
            if (applicable.stream().noneMatch(s -> s.key().equals(key))) {
                String what = key.startsWith("train.") ? "is a training setting, which " + command + " does not use"
                        : key.startsWith("model.") ? "is a network setting, which " + command + " does not use"
                        : "is not a setting of " + command;
                throw new UsageException(c.source(key) + ": " + key + " " + what
                        + " (the network, its weights and transforms come from --model, the data from"
                        + " --data); keys that apply: " + String.join(", ", applicable.stream().map(Setting::key).toList()));
            }
        }
    }

    /**
     * The source named by {@code path}, for a network with {@code outputs} outputs of {@code kind}.
     * {@code features} overrides {@code data.features} (for a loaded model), or is 0. A bad setting is
     * a {@link SettingException}.
     */
    static DataLoader.Source fromConfig(Config c, Setting<String> path, OutputKind kind, int outputs, int features) {
        return fromConfig(c, path, path.key(), kind, outputs, features);
    }

    /** As {@link #fromConfig(Config, Setting, OutputKind, int, int)}, with messages naming the data {@code key}. */
    private static DataLoader.Source fromConfig(Config c, Setting<String> path, String key, OutputKind kind, int outputs,
                                                int features) {
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
        return new DataLoader.Source(v.get(path), key, new DataLoader.Lines(format, nIn, outputs, kind),
                new DataLoader.CsvColumns(v.optional(Schema.DATA_LABEL_COLUMNS).orElse(List.of()), weight, null),
                new DataLoader.Reading(v.get(Schema.DATA_ON_BAD_RECORD).equals("skip"), v.get(Schema.DATA_PARTITIONS),
                        v.get(Schema.DATA_BLOCK_ROWS), v.get(Schema.DATA_LAYOUT), v.get(Schema.DATA_STORAGE_LEVEL)));
    }
}
