package io.sparkbp.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

import java.util.List;
import java.util.Locale;

/** Spark storage levels by the names {@code data.storageLevel} accepts. */
public final class StorageLevels {
    private static final List<String> NAMES = List.of("NONE", "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3", "MEMORY_ONLY",
            "MEMORY_ONLY_2", "MEMORY_ONLY_SER", "MEMORY_ONLY_SER_2", "MEMORY_AND_DISK", "MEMORY_AND_DISK_2",
            "MEMORY_AND_DISK_SER", "MEMORY_AND_DISK_SER_2", "OFF_HEAP");

    private StorageLevels() {
    }

    /** The level named {@code s} (blanks stripped, any case), as {@code StorageLevel.fromString} reads it. */
    public static StorageLevel parse(String s) {
        return StorageLevel.fromString(s == null ? "" : s.strip().toUpperCase(Locale.ROOT));
    }

    /** The name of {@code level}, such as {@code MEMORY_AND_DISK}, or its description if it has none. */
    public static String name(StorageLevel level) {
        for (String n : NAMES) {
            if (StorageLevel.fromString(n).equals(level)) {
                return n;
            }
        }
        return level.description();
    }

    /**
     * The bytes of RDD {@code rddId}'s cached blocks that Spark keeps on local disk (blocks that did not
     * fit in storage memory under a {@code MEMORY_AND_DISK} level, or every block under {@code
     * DISK_ONLY}), from the block manager's storage status; 0 when nothing of it is cached.
     */
    public static long diskBytes(SparkContext sc, int rddId) {
        for (RDDInfo info : sc.getRDDStorageInfo()) {
            if (info.id() == rddId) {
                return info.diskSize();
            }
        }
        return 0;
    }
}
