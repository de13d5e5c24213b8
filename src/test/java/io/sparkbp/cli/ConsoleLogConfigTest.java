package io.sparkbp.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.filter.AbstractFilterable;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The console of conf/log4j2.properties (which the scripts hand to every driver) keeps off Spark's
 * per-block warnings of a MEMORY_AND_DISK cache that spills, as designed, and lets every other
 * warning through.
 */
class ConsoleLogConfigTest {
    private static Filter console;

    @BeforeAll
    static void load() throws IOException {
        Path file = Path.of("conf", "log4j2.properties");
        try (InputStream in = Files.newInputStream(file)) {
            Configuration c = new PropertiesConfigurationFactory().getConfiguration(
                    new LoggerContext("ConsoleLogConfigTest"), new ConfigurationSource(in, file.toFile()));
            c.initialize();
            console = ((AbstractFilterable) c.getAppender("console")).getFilter();
        }
        assertNotNull(console, "conf/log4j2.properties: the console appender has no filter");
    }

    private static Filter.Result decide(String logger, String message) {
        return console.filter(Log4jLogEvent.newBuilder().setLoggerName(logger).setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message)).build());
    }

    @Test
    void theWarningsOfASpillingCacheStayOffTheConsole() {
        assertEquals(Filter.Result.DENY, decide("org.apache.spark.storage.memory.MemoryStore",
                "Not enough space to cache rdd_4_1 in memory! (computed 2.3 MiB so far)"));
        assertEquals(Filter.Result.DENY, decide("org.apache.spark.storage.BlockManager",
                "Persisting block rdd_10_32 to disk instead."));
        assertEquals(Filter.Result.DENY, decide("org.apache.spark.storage.memory.MemoryStore",
                "Failed to reserve initial memory threshold of 1024.0 KiB for computing block rdd_4_0 in memory."));
    }

    @Test
    void everyOtherWarningReachesIt() {
        assertEquals(Filter.Result.NEUTRAL, decide("org.apache.spark.storage.BlockManager",
                "Block rdd_4_1 could not be removed as it was not found on disk or in memory"));
        assertEquals(Filter.Result.NEUTRAL, decide("org.apache.spark.storage.BlockManager",
                "Persisting block broadcast_3 to disk instead."));
        assertEquals(Filter.Result.NEUTRAL, decide("org.apache.spark.scheduler.TaskSetManager",
                "Lost task 0.0 in stage 1.0 (TID 1): Not enough space to cache rdd_4_1 in memory!"));
        assertEquals(Filter.Result.NEUTRAL, decide("io.sparkbp.cli.Main", "Not enough space"));
    }
}
