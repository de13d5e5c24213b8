package io.sparkbp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration-file mistakes a user cannot see are named: a key set twice, an invisible character in a key. */
class ConfigMessagesTest {
    @TempDir
    Path dir;

    @Test
    void aKeySetTwiceInAPropertiesFileNamesTheKeyAndBothLines() throws IOException {
        Path f = Files.writeString(dir.resolve("twice.properties"),
                "train.epochs=3\n# comment\ntrain.epochs=5\n", StandardCharsets.UTF_8);
        UsageException e = assertThrows(UsageException.class, () -> new Config().loadFile(f));
        assertTrue(e.getMessage().contains("twice.properties:3"), e::getMessage);
        assertTrue(e.getMessage().contains("twice.properties:1"), e::getMessage);
        assertTrue(e.getMessage().contains("'train.epochs'"), e::getMessage);
    }

    @Test
    void aCommandLineOverrideOfAFileKeyIsStillAllowed() throws IOException {
        Path f = Files.writeString(dir.resolve("ok.properties"), "train.epochs=3\n", StandardCharsets.UTF_8);
        Config c = new Config();
        c.loadFile(f);
        c.override("train.epochs=5");
        assertTrue(c.get("train.epochs").equals("5"));
    }

    @Test
    void anInvisibleCharacterInAKeyIsNamedByItsCodePoint() {
        UsageException e = assertThrows(UsageException.class, () -> new Config().override("train.epochs\u200B=3"));
        assertTrue(e.getMessage().contains("U+200B"), e::getMessage);
        UsageException accent = assertThrows(UsageException.class, () -> new Config().override("tr\u00E4in.epochs=3"));
        assertTrue(accent.getMessage().contains("U+00E4"), accent::getMessage);
    }
}
