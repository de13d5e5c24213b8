package io.sparkbp.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HadoopFilesTest {
    @TempDir
    Path dir;

    final Configuration conf = new Configuration();

    /** Sorted names in {@code d}, hidden ones included. */
    static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private String uri(String name) {
        return dir.resolve(name).toUri().toString();
    }

    @Test
    void writesBytesAndCreatesParentDirectories() throws Exception {
        String u = uri("a/b/out.txt");
        HadoopFiles.write(u, conf, false, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello", Files.readString(dir.resolve("a/b/out.txt")));
        assertEquals(List.of("out.txt"), list(dir.resolve("a/b")));
    }

    @Test
    void overwriteFalseRefusesAnExistingFileAndLeavesItUntouched() throws Exception {
        Path f = dir.resolve("out.txt");
        Files.writeString(f, "old");
        AtomicBoolean called = new AtomicBoolean();
        for (String u : new String[] {uri("out.txt"), f.toString()}) {
            var e = assertThrows(FileAlreadyExistsException.class,
                    () -> HadoopFiles.write(u, conf, false, out -> called.set(true)));
            assertEquals("output file '" + u + "' already exists; set output.overwrite=true to replace it", e.getMessage());
            var e2 = assertThrows(FileAlreadyExistsException.class, () -> HadoopFiles.checkWritable(u, conf, false));
            assertEquals(e.getMessage(), e2.getMessage());
        }
        assertFalse(called.get(), "nothing is written when the target exists");
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("out.txt"), list(dir));
        HadoopFiles.checkWritable(uri("out.txt"), conf, true);
        HadoopFiles.checkWritable(uri("other.txt"), conf, false);
    }

    @Test
    void overwriteTrueReplacesTheFile() throws Exception {
        Path f = dir.resolve("out.txt");
        Files.writeString(f, "old content that is longer");
        HadoopFiles.writeString(uri("out.txt"), conf, true, "new");
        assertEquals("new", Files.readString(f));
        assertEquals(List.of("out.txt"), list(dir));
    }

    @Test
    void failureLeavesNoTemporaryFileAndNoTarget() throws Exception {
        IOException boom = new IOException("boom");
        var thrown = assertThrows(IOException.class, () -> HadoopFiles.write(uri("out.txt"), conf, false, out -> {
            out.write(new byte[100_000]);
            assertTrue(list(dir).stream().anyMatch(n -> n.startsWith(".out.txt" + HadoopFiles.TEMP_MARKER)),
                    "writes go to a hidden temporary file first");
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(List.of(), list(dir));

        RuntimeException bang = new IllegalStateException("bang");
        assertSame(bang, assertThrows(IllegalStateException.class,
                () -> HadoopFiles.write(uri("out.txt"), conf, false, out -> {
                    out.write(1);
                    throw bang;
                })));
        assertEquals(List.of(), list(dir));
    }

    @Test
    void failureWhileReplacingKeepsTheOldFile() throws Exception {
        Path f = dir.resolve("out.txt");
        Files.writeString(f, "old");
        assertThrows(UncheckedIOException.class, () -> HadoopFiles.write(uri("out.txt"), conf, true, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new UncheckedIOException(new IOException("disk full"));
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("out.txt"), list(dir));
    }

    @Test
    void refusesDirectoriesEvenWithOverwrite() throws Exception {
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("d/keep"), "x");
        for (boolean overwrite : new boolean[] {false, true}) {
            var e = assertThrows(IOException.class, () -> HadoopFiles.writeString(uri("d"), conf, overwrite, "y"));
            assertEquals("output path '" + uri("d") + "' is a directory; give the path of a file to write", e.getMessage());
        }
        assertEquals(List.of("keep"), list(dir.resolve("d")));
        assertEquals(List.of("d"), list(dir));
    }

    @Test
    void replacingAFileWrittenWithChecksumsRemovesTheStaleChecksum() throws Exception {
        // Hadoop's local file system writes a .crc side file and verifies it on read; a replaced
        // file must not be checked against the old checksum.
        LocalFileSystem local = FileSystem.getLocal(conf);
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri("out.txt"));
        try (FSDataOutputStream out = local.create(p, true)) {
            out.write("old checksummed content".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(list(dir).contains(".out.txt.crc"));
        HadoopFiles.writeString(uri("out.txt"), conf, true, "new");
        assertEquals(List.of("out.txt"), list(dir));
        try (InputStream in = local.open(p)) {
            assertEquals("new", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void manyWritesLeaveOnlyTheirTargets() throws Exception {
        for (int i = 0; i < 20; i++) {
            HadoopFiles.writeString(uri("f" + (i % 4) + ".json"), conf, true, "v" + i);
        }
        assertEquals(List.of("f0.json", "f1.json", "f2.json", "f3.json"), list(dir));
        assertEquals("v19", Files.readString(dir.resolve("f3.json")));
    }
}
