package io.sparkbp.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params shared by {@link SparkbpEstimator} and {@link SparkbpModel} (what a Scala trait such as
 * MLlib's {@code MultilayerPerceptronParams} does): one accessor per {@link Param}, which is how Spark
 * finds them ({@code params()}, {@code explainParams()}, {@code copy()}, persistence,
 * {@code ParamGridBuilder}), and one getter per param. The estimator has a setter for every param; the
 * model for those that apply at prediction time: the features and output columns, {@code threshold},
 * {@code blockRows} and {@code handleInvalid}. The model's other params tell how it was trained.
 *
 * <p>Training params are named after the last part of their command-line key and have its default;
 * {@code explainParams()} lists every param with its doc, its key and its current value.
 */
public interface SparkbpParams extends Params {
    /** The param objects of this instance. */
    ParamDefs paramDefs();

    default Param<String> featuresCol() {
        return paramDefs().featuresCol;
    }

    default String getFeaturesCol() {
        return $(featuresCol());
    }

    default Param<String> labelCol() {
        return paramDefs().labelCol;
    }

    default String getLabelCol() {
        return $(labelCol());
    }

    default Param<String> weightCol() {
        return paramDefs().get("weightCol");
    }

    default String getWeightCol() {
        return $(weightCol());
    }

    default Param<String> validationIndicatorCol() {
        return paramDefs().validationIndicatorCol;
    }

    default String getValidationIndicatorCol() {
        return $(validationIndicatorCol());
    }

    default Param<String> predictionCol() {
        return paramDefs().predictionCol;
    }

    default String getPredictionCol() {
        return $(predictionCol());
    }

    default Param<String> probabilityCol() {
        return paramDefs().probabilityCol;
    }

    default String getProbabilityCol() {
        return $(probabilityCol());
    }

    default Param<String> rawPredictionCol() {
        return paramDefs().rawPredictionCol;
    }

    default String getRawPredictionCol() {
        return $(rawPredictionCol());
    }

    default IntArrayParam hidden() {
        return paramDefs().get("hidden");
    }

    /** A copy of the hidden layer widths. */
    default int[] getHidden() {
        return $(hidden()).clone();
    }

    default Param<String> activation() {
        return paramDefs().get("activation");
    }

    default String getActivation() {
        return $(activation());
    }

    default Param<String> output() {
        return paramDefs().get("output");
    }

    default String getOutput() {
        return $(output());
    }

    default Param<String> optimizer() {
        return paramDefs().get("optimizer");
    }

    default String getOptimizer() {
        return $(optimizer());
    }

    default Param<String> learningRate() {
        return paramDefs().get("learningRate");
    }

    /** The learning rate as set: a number, or {@code auto}. */
    default String getLearningRate() {
        return $(learningRate());
    }

    default DoubleParam momentum() {
        return paramDefs().get("momentum");
    }

    default double getMomentum() {
        return (Double) $(momentum());
    }

    default BooleanParam nesterov() {
        return paramDefs().get("nesterov");
    }

    default boolean getNesterov() {
        return (Boolean) $(nesterov());
    }

    default Param<String> schedule() {
        return paramDefs().get("schedule");
    }

    default String getSchedule() {
        return $(schedule());
    }

    default DoubleParam decay() {
        return paramDefs().get("decay");
    }

    default double getDecay() {
        return (Double) $(decay());
    }

    default IntParam decayEvery() {
        return paramDefs().get("decayEvery");
    }

    default int getDecayEvery() {
        return (Integer) $(decayEvery());
    }

    default IntParam batchSize() {
        return paramDefs().get("batchSize");
    }

    default int getBatchSize() {
        return (Integer) $(batchSize());
    }

    default Param<String> localSteps() {
        return paramDefs().get("localSteps");
    }

    /** The local steps as set: an integer, or {@code auto}. */
    default String getLocalSteps() {
        return $(localSteps());
    }

    default IntParam epochs() {
        return paramDefs().get("epochs");
    }

    default int getEpochs() {
        return (Integer) $(epochs());
    }

    default DoubleParam l2() {
        return paramDefs().get("l2");
    }

    default double getL2() {
        return (Double) $(l2());
    }

    default LongParam seed() {
        return paramDefs().get("seed");
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    default BooleanParam standardize() {
        return paramDefs().get("standardize");
    }

    default boolean getStandardize() {
        return (Boolean) $(standardize());
    }

    default DoubleParam minDelta() {
        return paramDefs().get("minDelta");
    }

    default double getMinDelta() {
        return (Double) $(minDelta());
    }

    default IntParam minSteps() {
        return paramDefs().get("minSteps");
    }

    default int getMinSteps() {
        return (Integer) $(minSteps());
    }

    default Param<String> classWeight() {
        return paramDefs().get("classWeight");
    }

    default String getClassWeight() {
        return $(classWeight());
    }

    default IntParam patience() {
        return paramDefs().get("patience");
    }

    default int getPatience() {
        return (Integer) $(patience());
    }

    default IntParam aggregationDepth() {
        return paramDefs().get("aggregationDepth");
    }

    default int getAggregationDepth() {
        return (Integer) $(aggregationDepth());
    }

    default Param<String> precision() {
        return paramDefs().get("precision");
    }

    default String getPrecision() {
        return $(precision());
    }

    default Param<String> validationFraction() {
        return paramDefs().get("validationFraction");
    }

    /** The validation fraction as set: a number, or {@code auto}. */
    default String getValidationFraction() {
        return $(validationFraction());
    }

    default IntParam blockRows() {
        return paramDefs().get("blockRows");
    }

    default int getBlockRows() {
        return (Integer) $(blockRows());
    }

    default Param<String> layout() {
        return paramDefs().get("layout");
    }

    default String getLayout() {
        return $(layout());
    }

    default Param<String> storageLevel() {
        return paramDefs().get("storageLevel");
    }

    default String getStorageLevel() {
        return $(storageLevel());
    }

    default DoubleParam threshold() {
        return paramDefs().threshold;
    }

    default double getThreshold() {
        return (Double) $(threshold());
    }

    default Param<String> handleInvalid() {
        return paramDefs().handleInvalid;
    }

    default String getHandleInvalid() {
        return $(handleInvalid());
    }
}
