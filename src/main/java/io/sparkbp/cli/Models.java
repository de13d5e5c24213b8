package io.sparkbp.cli;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import io.sparkbp.model.ModelFormatException;
import org.apache.hadoop.conf.Configuration;

import java.io.FileNotFoundException;
import java.io.IOException;

/** Loading model files with I/O failures turned into one-sentence errors. */
final class Models {
    private Models() {
    }

    static Model load(String uri, Configuration conf) {
        try {
            return ModelFormat.load(uri, conf);
        } catch (FileNotFoundException e) {
            throw new UsageException("model file " + uri + " does not exist");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read model file " + uri + ": " + e.getMessage());
        }
    }
}
