package io.sparkbp.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.sparkbp.model.HadoopFilesTest.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FileBatch}: several files in place together, or none, and the old ones kept on failure. */
class FileBatchTest {
    @TempDir
    Path dir;

    final Configuration conf = new Configuration();

    FileBatchTest() {
        conf.set("fs." + FailingFileSystem.SCHEME + ".impl", FailingFileSystem.class.getName());
        conf.setBoolean("fs." + FailingFileSystem.SCHEME + ".impl.disable.cache", true);
    }

    private static HadoopFiles.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private String failing(String name) {
        return FailingFileSystem.SCHEME + ":" + dir.resolve(name).toAbsolutePath();
    }

    @Test
    void nothingIsVisibleBeforeTheCommitAndEverythingAfterIt() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "old b");
        try (FileBatch batch = new FileBatch(conf, true)) {
            batch.add(dir.resolve("a.txt").toString(), text("new a"));
            batch.add(dir.resolve("b.txt").toString(), text("new b"));
            batch.add(dir.resolve("sub/c.txt").toString(), text("new c"));
            assertFalse(Files.exists(dir.resolve("a.txt")));
            assertEquals("old b", Files.readString(dir.resolve("b.txt")));
            batch.commit();
        }
        assertEquals("new a", Files.readString(dir.resolve("a.txt")));
        assertEquals("new b", Files.readString(dir.resolve("b.txt")));
        assertEquals("new c", Files.readString(dir.resolve("sub/c.txt")));
        assertEquals(List.of("a.txt", "b.txt", "sub"), list(dir));
        assertEquals(List.of("c.txt"), list(dir.resolve("sub")));
    }

    @Test
    void aFullDiskLeavesNothingOfTheBatchNotEvenItsDirectories() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "old b");
        try (FileBatch batch = new FileBatch(conf, true)) {
            batch.add(dir.resolve("new/deeper/a.txt").toString(), text("new a"));
            batch.add(dir.resolve("b.txt").toString(), text("new b"));
            FSError e = assertThrows(FSError.class, () -> batch.add(failing("full.txt"), text("x")));
            assertTrue(e.getCause().getMessage().contains("No space left"));
        }
        assertEquals(List.of("b.txt"), list(dir));
        assertEquals("old b", Files.readString(dir.resolve("b.txt")));
    }

    @Test
    void aFailedRenamePutsTheReplacedFilesBack() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "old a");
        Files.writeString(dir.resolve("stuck.txt"), "old stuck");
        try (FileBatch batch = new FileBatch(conf, true)) {
            batch.add(dir.resolve("a.txt").toString(), text("new a"));
            batch.add(failing("stuck.txt"), text("new stuck"));
            IOException e = assertThrows(IOException.class, batch::commit);
            assertTrue(e.getMessage().contains("stuck.txt"), e.getMessage());
        }
        assertEquals("old a", Files.readString(dir.resolve("a.txt")));
        assertEquals("old stuck", Files.readString(dir.resolve("stuck.txt")));
        assertEquals(List.of("a.txt", "stuck.txt"), list(dir));
    }

    @Test
    void anExistingFileIsRefusedWithoutOverwriteBeforeAnythingIsWritten() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "old a");
        try (FileBatch batch = new FileBatch(conf, false)) {
            assertThrows(FileAlreadyExistsException.class, () -> batch.add(dir.resolve("a.txt").toString(), text("x")));
        }
        assertEquals(List.of("a.txt"), list(dir));
        assertEquals("old a", Files.readString(dir.resolve("a.txt")));
    }
}
