package io.sparkbp.cli;

import io.sparkbp.settings.Schema;
import io.sparkbp.settings.Setting;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's configuration reference lists every key the command line accepts, with its default. */
class ReadmeKeysTest {
    @Test
    void everyKeyHasARowInTheConfigurationTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        for (Setting<?> k : Schema.all().values()) {
            String row = "| `" + k.key() + "` | " + (k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue() + "`") + " |";
            assertTrue(readme.contains(row), () -> "README.md has no row starting " + row);
        }
    }
}
