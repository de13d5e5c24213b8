package io.sparkbp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.sparkbp.settings.Plans;
import io.sparkbp.settings.SettingException;

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

    @Test
    void aNetworkTooBigForAJavaArrayNamesTheFileLineOfModelHidden() throws IOException {
        Path f = Files.writeString(dir.resolve("big.properties"),
                "model.output=softmax\nmodel.outputs=10\nmodel.hidden=50000,50000\n", StandardCharsets.UTF_8);
        Config c = new Config();
        c.loadFile(f);
        SettingException e = assertThrows(SettingException.class, () -> Plans.network(c.values(), 784, 10));
        String msg = c.error(e).getMessage();
        assertTrue(msg.startsWith(f + ":3: model.hidden: network "), msg);
        assertTrue(msg.contains("parameters; at most"), msg);
    }

    @Test
    void tooFewOutputsForTheKindNameModelOutputsWhereverItWasSet() {
        Config c = new Config();
        c.override("model.output=softmax");
        c.override("model.outputs=1");
        SettingException e = assertThrows(SettingException.class, () -> Plans.network(c.values(), 4, 1));
        String msg = c.error(e).getMessage();
        assertTrue(msg.startsWith("command line: model.outputs: output 'softmax' needs at least 2 outputs"), msg);
    }

    @Test
    void everyListSettingRefusesAnEmptyElementByPosition() {
        for (String[] c : new String[][] {{"model.hidden", "16,", "element 2 of 2 is empty"},
                {"model.hidden", "16,,8", "element 2 of 3 is empty"}, {"model.hidden", ",16", "element 1 of 2 is empty"},
                {"data.labelColumns", "a,,b", "element 2 of 3 is empty"}, {"data.labelColumns", "a,", "element 2 of 2 is empty"}}) {
            Config config = new Config();
            config.override(c[0] + "=" + c[1]);
            SettingException e = assertThrows(SettingException.class,
                    () -> config.values().get(io.sparkbp.settings.Schema.of(c[0])));
            String msg = config.error(e).getMessage();
            assertTrue(msg.startsWith("command line: " + c[0] + "=" + c[1] + " is invalid"), msg);
            assertTrue(msg.contains("(" + c[2] + ")"), msg);
        }
        Config ok = new Config();
        ok.override("model.hidden= 16 , 8 ");
        ok.override("data.labelColumns=a, b");
        assertTrue(java.util.Arrays.equals(new int[] {16, 8}, ok.values().get(io.sparkbp.settings.Schema.MODEL_HIDDEN)));
        assertTrue(ok.values().get(io.sparkbp.settings.Schema.DATA_LABEL_COLUMNS).equals(java.util.List.of("a", "b")));
        Config none = new Config();
        none.override("model.hidden=");
        assertTrue(none.values().get(io.sparkbp.settings.Schema.MODEL_HIDDEN).length == 0);
        assertTrue(none.values().get(io.sparkbp.settings.Schema.DATA_LABEL_COLUMNS).isEmpty());
    }

    @Test
    void anIntegerTooLargeForAnIntIsCalledTooLargeNamingTheMaximum() {
        for (String[] c : new String[][] {{"model.hidden", "99999999999", "(99999999999 is too large"},
                {"model.hidden", "16,99999999999", "(element 2 of 2, 99999999999, is too large"},
                {"train.epochs", "99999999999", "(99999999999 is too large"},
                {"train.localSteps", "99999999999", "(99999999999 is too large"}}) {
            Config config = new Config();
            config.override(c[0] + "=" + c[1]);
            SettingException e = assertThrows(SettingException.class,
                    () -> config.values().get(io.sparkbp.settings.Schema.of(c[0])));
            String msg = config.error(e).getMessage();
            assertTrue(msg.startsWith("command line: " + c[0] + "=" + c[1] + " is invalid; expected "), msg);
            assertTrue(msg.endsWith(c[2] + ": the largest integer is 2,147,483,647)"), msg);
        }
        Config small = new Config();
        small.override("model.hidden=-99999999999");
        SettingException e = assertThrows(SettingException.class,
                () -> small.values().get(io.sparkbp.settings.Schema.MODEL_HIDDEN));
        assertTrue(e.getMessage().endsWith("expected comma-separated positive integers such as 256,128"), e::getMessage);
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedNamingTheLineOfTheFirstBadByte() throws IOException {
        // line 1 is a UTF-8 comment (0xC3 0xA9: e acute in UTF-8); line 3 holds a Latin-1 e acute (0xE9)
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes("# caf".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0xA9});
        bytes.writeBytes(" in UTF-8\ntrain.epochs=3\ndata.train=caf".getBytes(StandardCharsets.US_ASCII));
        bytes.write(0xE9);
        bytes.writeBytes(".libsvm\n".getBytes(StandardCharsets.US_ASCII));
        Path f = Files.write(dir.resolve("latin1.properties"), bytes.toByteArray());
        CliHarness.Result r = CliHarness.run("train", "--conf", f.toString());
        CliHarness.assertOneLine(r, ExitCode.USAGE, "sparkbp: error: " + f + ":3: the configuration file is not"
                + " valid UTF-8: byte 0xE9 (byte 15 of the line) is not part of a UTF-8 character (a file saved as"
                + " Latin-1 or Windows-1252?); expected UTF-8 text: save the file as UTF-8");
        Path key = Files.write(dir.resolve("key.properties"), "train.epochs=3\r\ntr\u00e4in.x=1\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        UsageException e = assertThrows(UsageException.class, () -> new Config().loadFile(key));
        assertTrue(e.getMessage().startsWith(key + ":2: the configuration file is not valid UTF-8: byte 0xE4 (byte"
                + " 3 of the line)"), e::getMessage);
    }
}
