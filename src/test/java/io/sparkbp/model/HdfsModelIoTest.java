package io.sparkbp.model;

import io.sparkbp.nn.Activation;
import io.sparkbp.nn.NetworkSpec;
import io.sparkbp.nn.OutputKind;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving and loading on a real HDFS (an in-process MiniDFSCluster), whose rename never replaces a file. */
class HdfsModelIoTest {
    @TempDir
    static java.nio.file.Path base;

    static MiniDFSCluster cluster;
    static Configuration conf;
    static FileSystem fs;
    static String root;

    @BeforeAll
    static void startCluster() throws IOException {
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        root = fs.getUri().toString(); // hdfs://localhost:port
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    static List<String> list(String dir) throws IOException {
        return Arrays.stream(fs.listStatus(new Path(dir))).map(FileStatus::getPath).map(Path::getName).sorted()
                .collect(Collectors.toList());
    }

    static Model model(long seed) {
        NetworkSpec spec = new NetworkSpec(new int[] {4, 6, 3}, Activation.TANH, OutputKind.SOFTMAX);
        return new Model(spec, ModelFormatTest.nastyDoubles(spec.numParams(), seed), null, null,
                Map.of("trainedAt", "seed " + seed));
    }

    @Test
    void savesLoadsAndReplacesModelsAtomically() throws Exception {
        String uri = root + "/models/m.json";
        Model first = model(1);
        ModelFormat.save(first, uri, conf, false);
        assertEquals(first, ModelFormat.load(uri, conf));
        assertEquals(List.of("m.json"), list(root + "/models"));

        var e = assertThrows(FileAlreadyExistsException.class, () -> ModelFormat.save(model(2), uri, conf, false));
        assertEquals("output file '" + uri + "' already exists; set output.overwrite=true to replace it", e.getMessage());
        assertEquals(first, ModelFormat.load(uri, conf));

        Model second = model(3);
        ModelFormat.save(second, uri, conf, true);
        assertEquals(second, ModelFormat.load(uri, conf));
        assertEquals(List.of("m.json"), list(root + "/models"));

        IOException boom = new IOException("boom");
        assertSame(boom, assertThrows(IOException.class, () -> HadoopFiles.write(uri, conf, true, out -> {
            out.write("{\"format\"".getBytes(StandardCharsets.UTF_8));
            throw boom;
        })));
        assertEquals(second, ModelFormat.load(uri, conf));
        assertEquals(List.of("m.json"), list(root + "/models"));

        String missing = root + "/models/none.json";
        assertEquals("model file '" + missing + "' does not exist",
                assertThrows(FileNotFoundException.class, () -> ModelFormat.load(missing, conf)).getMessage());
    }

    @Test
    void relativePathsResolveOnTheDefaultFileSystem() throws Exception {
        Configuration c = new Configuration(conf);
        c.set("fs.defaultFS", root);
        Model m = model(4);
        ModelFormat.save(m, "rel/model.json", c, false);
        Path home = fs.getHomeDirectory();
        assertTrue(fs.exists(new Path(home, "rel/model.json")));
        assertEquals(m, ModelFormat.load("rel/model.json", c));
        assertEquals(m, ModelFormat.load(new Path(home, "rel/model.json").toString(), c));
        assertEquals(List.of("model.json"), list(new Path(home, "rel").toString()));
    }
}
