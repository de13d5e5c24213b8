package io.sparkbp.spark;

import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;

/**
 * Coalesces consecutive parent partitions: with {@code n} parents and {@code k} groups, parent
 * {@code j} goes to group {@code floor(j k / n)}. Spark's default coalescer groups cached partitions
 * by the executors that hold them, which depends on where tasks happened to run; this grouping
 * depends on the partition count alone, so the examples of a coalesced partition, and their order,
 * are the same in every run. Serializable for the Scala that Spark was built with
 * ({@link SerializableCoalescer}).
 */
final class RangeCoalescer implements SerializableCoalescer {
    private static final long serialVersionUID = 1L;

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] parts = parent.partitions();
        int k = Math.max(1, Math.min(maxPartitions, parts.length));
        PartitionGroup[] groups = new PartitionGroup[k];
        for (int g = 0; g < k; g++) {
            groups[g] = new PartitionGroup(scala.Option.empty());
        }
        for (int j = 0; j < parts.length; j++) {
            groups[(int) ((long) j * k / parts.length)].partitions().$plus$eq(parts[j]);
        }
        return groups;
    }
}
