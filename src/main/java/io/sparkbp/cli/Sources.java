package io.sparkbp.cli;

import io.sparkbp.data.Format;
import io.sparkbp.data.Layout;
import io.sparkbp.nn.OutputKind;
import io.sparkbp.spark.DataLoader;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds {@link DataLoader.Source}s from the {@code data.*} keys. */
final class Sources {
    private Sources() {
    }

    /**
     * The source named by {@code pathKey}, for a network with {@code outputs} outputs of {@code kind}.
     * {@code features} overrides {@code data.features} (for a loaded model), or is 0.
     */
    static DataLoader.Source fromConfig(Config c, String pathKey, OutputKind kind, int outputs, int features) {
        String path = c.require(pathKey);
        Format format = c.getParsed(Keys.DATA_FORMAT, Format::parse);
        int nIn = features;
        if (nIn == 0 && c.isSet(Keys.DATA_FEATURES)) {
            nIn = c.getInt(Keys.DATA_FEATURES, 1);
        }
        if (nIn == 0 && format == Format.LIBSVM) {
            throw new UsageException("data.features is required for libsvm data (the number of input features; "
                    + "a file need not contain its last feature index)");
        }
        List<String> labels = new ArrayList<>();
        for (String s : c.get(Keys.DATA_LABEL_COLUMNS).split(",")) {
            if (!s.isBlank()) {
                labels.add(s.strip());
            }
        }
        String policy = c.require(Keys.DATA_ON_BAD_RECORD).strip().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("skip")) {
            throw new UsageException(c.source(Keys.DATA_ON_BAD_RECORD) + ": data.onBadRecord=" + policy
                    + " is invalid; expected fail or skip");
        }
        Layout layout = c.getParsed(Keys.DATA_LAYOUT, Layout::parse);
        StorageLevel level;
        try {
            level = StorageLevel.fromString(c.require(Keys.DATA_STORAGE_LEVEL).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(c.source(Keys.DATA_STORAGE_LEVEL) + ": data.storageLevel="
                    + c.get(Keys.DATA_STORAGE_LEVEL) + " is not a Spark storage level such as MEMORY_AND_DISK");
        }
        String weight = c.get(Keys.DATA_WEIGHT_COLUMN).strip();
        if (!weight.isEmpty() && format != Format.CSV) {
            throw new UsageException(c.source(Keys.DATA_WEIGHT_COLUMN) + ": data.weightColumn=" + weight
                    + " needs data.format=csv (LIBSVM lines carry no example weights)");
        }
        return new DataLoader.Source(path, pathKey, format, nIn, outputs, kind, labels, weight, policy.equals("skip"),
                c.getInt(Keys.DATA_PARTITIONS, 0), c.getInt(Keys.DATA_BLOCK_ROWS, 1), layout, level, null);
    }
}
