package io.sparkbp.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AutoRulesTest {
    @Test
    void partitionsFollowTheWorkOfAPass() {
        // 15,000 examples of a 5,658-parameter network: 8.5e7 multiply-adds, one partition's worth
        assertEquals(1, AutoRules.trainingPartitions(15_000, 5_658, 2));
        // the MNIST sample, 8,000 x 235,146: about 9 partitions' worth, capped at the 2 loaded
        assertEquals(2, AutoRules.trainingPartitions(8_000, 235_146, 2));
        assertEquals(9, AutoRules.trainingPartitions(8_000, 235_146, 200));
        assertEquals(1, AutoRules.trainingPartitions(0, 100, 4));
    }

    @Test
    void oneTrainingPartitionTakesTheWholeEpochPerRound() {
        assertEquals(235, AutoRules.localSteps(1, 64, 10_000, 235));
        assertEquals(1, AutoRules.localSteps(1, 0, 10_000, 1));
        assertEquals(1, AutoRules.localSteps(4, 64, 10_000, 1));
    }

    @Test
    void severalPartitionsTakeEnoughStepsForTheWorkOfARound() {
        // 64 rows over 2 partitions of a 235,146-parameter network: 7.5e6 multiply-adds a step, 67 for 5e8
        assertEquals(67, AutoRules.localSteps(2, 64, 235_146, 1_000));
        assertEquals(63, AutoRules.localSteps(2, 64, 235_146, 63));
        // a partition's share is at least one row
        assertEquals(500_000, AutoRules.localSteps(500, 64, 1000, 1_000_000));
    }
}
