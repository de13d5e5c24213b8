#!/usr/bin/env bash
#
# Example: train on a Spark standalone cluster, driver on this machine (client deploy mode).
#
#   submit-scripts/submit-standalone.sh [key=value ...]   e.g.  train.epochs=100 model.hidden=128
#
# Needs: SPARK_HOME = a Spark 4.0.x (Scala 2.13) distribution (for Spark 3.5.x / Scala 2.12, set
# SPARKBP_PROFILE=spark-3.5: the jar built by mvn -Pspark-3.5). The master defaults to the cluster of
# submit-scripts/local-cluster.sh (spark://127.0.0.1:7077); set SPARKBP_MASTER for another one.
# (Without a Spark distribution, the same run works with the embedded launcher:
#   submit-scripts/sparkbp --master spark://127.0.0.1:7077 --executor-memory 1g train --conf conf/digits.properties)
# The driver ships the application jar to the executors, but the executors read the data
# themselves: data paths must be visible on every worker (hdfs://, or a filesystem mounted at the
# same path everywhere). On one machine absolute local paths work, which is what the relative paths
# of the properties file become. The model and metrics are written by the driver (output.* in the
# properties file, or hdfs:// overrides); the CLI's output appears on this terminal.

set -euo pipefail
SPARKBP_PROG=submit-standalone.sh
SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

sparkbp_require_spark_home
sparkbp_ensure_jar

MASTER="${SPARKBP_MASTER:-spark://127.0.0.1:${SPARKBP_MASTER_PORT:-7077}}"
CONF_FILE="${SPARKBP_CONF_FILE:-$SPARKBP_REPO/conf/digits.properties}"
# The driver binds to 127.0.0.1 only when the master is on this machine; for a remote master the
# executors must reach the driver, so set SPARK_LOCAL_IP to this machine's cluster-facing address
# (or leave it unset and Spark picks one).
sparkbp_loopback_for "$MASTER"

# The relative paths in the properties file resolve against the current directory: start from the
# repository root so that they find src/data/ (and write target/models/).
CONF_FILE="$(cd -P "$(dirname "$CONF_FILE")" && pwd -P)/$(basename "$CONF_FILE")"
cd "$SPARKBP_REPO"
# The driver runs here and logs with conf/log4j2.properties (Spark at WARN, io.sparkbp at INFO).
sparkbp_export_submit_log4j

# Standalone sizing: --total-executor-cores caps the cores the application takes from the cluster;
# each executor gets --executor-cores and --executor-memory (it must fit a worker's memory: the
# local-cluster.sh workers have 1 core and 1g each, hence 1 core x 1g here: 2 executors).
sparkbp_blas_env_opts blas_env
exec "$SPARK_HOME/bin/spark-submit" \
  --master "$MASTER" \
  --deploy-mode client \
  --name sparkbp-digits \
  --driver-memory 2g \
  --executor-memory 1g \
  --executor-cores 1 \
  --total-executor-cores 2 \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.locality.wait=100ms \
  ${blas_env[@]+"${blas_env[@]}"} \
  --class "$SPARKBP_MAIN_CLASS" \
  "$SPARKBP_APP_JAR" \
  train --conf "$CONF_FILE" \
  "$@"
