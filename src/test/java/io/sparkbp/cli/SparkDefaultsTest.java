package io.sparkbp.cli;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SparkDefaultsTest {
    @Test
    void fillsOnlyWhatTheUserLeftUnset() {
        SparkConf empty = SparkSession.withDefaults(new SparkConf(false), "sparkbp train");
        assertEquals("local[*]", empty.get("spark.master"));
        assertEquals("sparkbp train", empty.get("spark.app.name"));
        assertEquals(64L << 20, empty.getSizeAsBytes("spark.task.maxDirectResultSize"));
        assertFalse(empty.getBoolean("spark.broadcast.compress", true));

        SparkConf user = new SparkConf(false)
                .set("spark.master", "spark://127.0.0.1:7077")
                .set("spark.app.name", "mine")
                .set("spark.task.maxDirectResultSize", "4m")
                .set("spark.broadcast.compress", "true");
        SparkSession.withDefaults(user, "sparkbp train");
        assertEquals("spark://127.0.0.1:7077", user.get("spark.master"));
        assertEquals("mine", user.get("spark.app.name"));
        assertEquals(4L << 20, user.getSizeAsBytes("spark.task.maxDirectResultSize"));
        assertEquals("true", user.get("spark.broadcast.compress"));
    }
}
