#!/usr/bin/env bash
#
# Example: train on a Hadoop YARN cluster (cluster deploy mode: the driver runs in a YARN container).
#
#   submit-scripts/submit-yarn.sh [key=value ...]        e.g.  train.epochs=100 model.hidden=128
#
# Needs: SPARK_HOME = a Spark 4.0.x (Scala 2.13) distribution with YARN support (for Spark 3.5.x /
# Scala 2.12, set SPARKBP_PROFILE=spark-3.5: the jar built by mvn -Pspark-3.5); HADOOP_CONF_DIR (or
# YARN_CONF_DIR) = the cluster's client configuration; the data on HDFS, e.g.
#   hdfs dfs -mkdir -p /user/$USER/sparkbp/data/digits
#   hdfs dfs -put src/data/digits/train.libsvm src/data/digits/test.libsvm /user/$USER/sparkbp/data/digits/
# The model and the per-epoch metrics land on HDFS (output.model / output.metrics below); what the
# CLI prints (progress, "model written to ...") is in the driver's container log:
#   yarn logs -applicationId <application id printed by spark-submit>
# Copy this file and edit the variables for your own data set and cluster.

set -euo pipefail
SPARKBP_PROG=submit-yarn.sh
SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

sparkbp_require_spark_home
[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] \
  || sparkbp_die "set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the directory with the cluster's yarn-site.xml" 2
sparkbp_ensure_jar            # builds target/sparkbp-*.jar if needed; spark-submit uploads it
sparkbp_loopback_for yarn     # the local 127.0.0.1 default does not apply to a cluster

CONF_FILE="${SPARKBP_CONF_FILE:-$SPARKBP_REPO/conf/digits.properties}"
HDFS_DIR="${SPARKBP_HDFS_DIR:-hdfs:///user/${USER:-$(id -un)}/sparkbp}"

# --deploy-mode cluster: the driver (and so the trainer's model/optimizer state) lives in YARN.
# --files: YARN copies the properties file into the driver's working directory, so the CLI reads it
#   by its base name. The relative data paths in it would point at the container's local disk, so
#   data.* and output.* are overridden with HDFS paths; your key=value arguments come last and win.
# Executors: 4 x (2 cores, 4g heap); the training blocks are cached in executor memory.
# Kryo, a short locality wait (every step is a short task per partition) and no dynamic allocation
# (the job caches its data once and iterates on it) suit iterative training.
exec "$SPARK_HOME/bin/spark-submit" \
  --master yarn \
  --deploy-mode cluster \
  --name sparkbp-digits \
  --queue "${SPARKBP_YARN_QUEUE:-default}" \
  --driver-memory 2g \
  --executor-memory 4g \
  --executor-cores 2 \
  --num-executors 4 \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.locality.wait=100ms \
  --conf spark.dynamicAllocation.enabled=false \
  --conf spark.yarn.maxAppAttempts=1 \
  --files "$CONF_FILE" \
  --class "$SPARKBP_MAIN_CLASS" \
  "$SPARKBP_APP_JAR" \
  train --conf "$(basename "$CONF_FILE")" \
  "data.train=$HDFS_DIR/data/digits/train.libsvm" \
  "data.test=$HDFS_DIR/data/digits/test.libsvm" \
  "output.model=$HDFS_DIR/models/digits.json" \
  "output.metrics=$HDFS_DIR/models/digits-metrics.jsonl" \
  "$@"
