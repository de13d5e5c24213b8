package io.sparkbp.ml;

import io.sparkbp.model.Model;
import io.sparkbp.model.ModelFormat;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Saving and loading a {@link SparkbpModel}: a directory with Spark's usual {@code metadata} (class,
 * uid, Spark version, params and defaults as JSON, written and read by Spark's own {@code
 * DefaultParamsWriter}/{@code DefaultParamsReader}, so that {@code PipelineModel} and {@code
 * CrossValidatorModel} persistence find the class and its params) and {@value SparkbpModel#MODEL_FILE},
 * the model file of the command line ({@link ModelFormat}).
 *
 * <p>Spark's metadata helpers are {@code private[ml]} in Scala (public to Java). Their {@code
 * SparkContext} overloads are the ones both Spark 3.5 and 4.x have; 4.x deprecates them in favour of
 * {@code SparkSession} overloads that 3.5 lacks.
 */
final class ModelIo {
    private ModelIo() {
    }

    static final class Writer extends MLWriter {
        private final SparkbpModel instance;

        Writer(SparkbpModel instance) {
            this.instance = instance;
        }

        @Override
        @SuppressWarnings("deprecation")
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
            String file = new Path(path, SparkbpModel.MODEL_FILE).toString();
            try {
                ModelFormat.save(instance.network(), file, sc().hadoopConfiguration(), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write model file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    static final class Reader extends MLReader<SparkbpModel> {
        @Override
        @SuppressWarnings("deprecation")
        public SparkbpModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                    SparkbpModel.class.getName());
            String file = new Path(path, SparkbpModel.MODEL_FILE).toString();
            Model network;
            try {
                network = ModelFormat.load(file, sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model file " + file + ": " + e.getMessage(), e);
            }
            SparkbpModel model = new SparkbpModel(metadata.uid(), network, List.of());
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
