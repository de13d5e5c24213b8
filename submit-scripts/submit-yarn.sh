#!/usr/bin/env bash
#
# Train on a Hadoop YARN cluster, with the data, the model, the metrics and the report on HDFS.
#
#   submit-scripts/submit-yarn.sh [spark-submit options] [key=value ...]
#   e.g.  submit-scripts/submit-yarn.sh --num-executors 8 train.epochs=100 model.hidden=128
#         submit-scripts/submit-yarn.sh --deploy-mode client train.epochs=100
#
# Needs HADOOP_CONF_DIR (or YARN_CONF_DIR): the directory with the cluster's client configuration
# (core-site.xml naming the HDFS, yarn-site.xml naming the ResourceManager), and the data on HDFS:
#   hdfs dfs -mkdir -p /user/$USER/sparkbp/data/digits
#   hdfs dfs -put src/data/digits/train.libsvm src/data/digits/test.libsvm /user/$USER/sparkbp/data/digits/
# Spark: runs submit-scripts/sparkbp, so with SPARK_HOME set that distribution's spark-submit (Spark
# 4.0.x / Scala 2.13 with YARN support; for Spark 3.5.x / Scala 2.12 set SPARKBP_PROFILE=spark-3.5),
# and without it the embedded launcher, which submits from the Maven-resolved jars and ships them to
# the containers (see sparkbp's header: spark.yarn.archive, SPARKBP_YARN_ARCHIVE).
#
# Deploy mode: cluster unless you pass --deploy-mode client.
#   cluster  the driver runs in a YARN container: the properties file travels with --files and is read
#            there by its base name; what the CLI prints (progress, "model written to ...", a data
#            error with file and line) is in the driver's container log:
#              yarn logs -applicationId <id> -log_files stdout,stderr
#            and this script exits 0 when the application SUCCEEDED, else 1 (spark-submit's), with the
#            CLI's exit code in YARN's diagnostics: "User application exited with status 3".
#   client   the driver runs here: the properties file is read here, the CLI prints on this console
#            and this script exits with the CLI's exit code (0 ok, 2 configuration, 3 data, 4 training).
# Either way the data.* and output.* paths of the properties file are replaced by $SPARKBP_HDFS_DIR
# paths (relative paths would name the local disk of whichever machine reads them); your key=value
# arguments come last and win. Your spark-submit options come after the defaults below and win too.
# Environment: SPARKBP_CONF_FILE (default conf/digits.properties), SPARKBP_HDFS_DIR (default
# hdfs:///user/$USER/sparkbp), SPARKBP_YARN_QUEUE (default "default"), and those of sparkbp.
# Copy this file and edit the defaults for your own data set and cluster.

set -euo pipefail
SPARKBP_PROG=submit-yarn.sh
SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] \
  || sparkbp_die "set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the directory with the cluster's yarn-site.xml" 2

# ---- arguments: spark-submit options first, then key=value settings --------------------------
spark_opts=()
settings=()
deploy_mode=cluster
while [ $# -gt 0 ]; do
  case "$1" in
    --verbose|-v|--supervise)
      spark_opts+=("$1"); shift ;;
    --*=*)
      if [ "${1%%=*}" = --deploy-mode ]; then deploy_mode="${1#*=}"; fi
      spark_opts+=("$1"); shift ;;
    -*)
      [ $# -ge 2 ] || sparkbp_die "spark-submit option $1 needs a value" 2
      case "$1 $2" in
        "--deploy-mode "*) deploy_mode="$2" ;;
        "--conf spark.submit.deployMode="*|"-c spark.submit.deployMode="*) deploy_mode="${2#*=}" ;;
      esac
      spark_opts+=("$1" "$2"); shift 2 ;;
    *=*)
      settings+=("$1"); shift ;;
    *)
      sparkbp_die "unexpected argument '$1'; expected spark-submit options (e.g. --num-executors 8), then key=value settings" 2 ;;
  esac
done

CONF_FILE="${SPARKBP_CONF_FILE:-$SPARKBP_REPO/conf/digits.properties}"
[ -f "$CONF_FILE" ] || sparkbp_die "SPARKBP_CONF_FILE=$CONF_FILE does not exist" 2
HDFS_DIR="${SPARKBP_HDFS_DIR:-hdfs:///user/${USER:-$(id -un)}/sparkbp}"
case "$deploy_mode" in
  cluster) conf_files=(--files "$CONF_FILE"); conf_arg="$(basename "$CONF_FILE")" ;;
  client)  conf_files=(); conf_arg="$(cd -P "$(dirname "$CONF_FILE")" && pwd -P)/$(basename "$CONF_FILE")" ;;
  *) sparkbp_die "--deploy-mode $deploy_mode is not a YARN deploy mode; expected cluster or client" 2 ;;
esac

# Defaults for a small cluster: 4 executors x (2 cores, 4g heap); the training blocks are cached in
# executor memory (the trainer logs their size). Kryo, a short locality wait (every step is a short
# task per partition), no dynamic allocation (the job caches its data once and iterates on it) and
# one application attempt (a failed run is reported, not rerun from scratch) suit iterative training.
sparkbp_blas_env_opts blas_env spark.yarn.appMasterEnv.
exec "$SPARKBP_SCRIPTS/sparkbp" \
  --master yarn \
  --deploy-mode "$deploy_mode" \
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
  ${blas_env[@]+"${blas_env[@]}"} \
  ${conf_files[@]+"${conf_files[@]}"} \
  ${spark_opts[@]+"${spark_opts[@]}"} \
  train --conf "$conf_arg" \
  "data.train=$HDFS_DIR/data/digits/train.libsvm" \
  "data.test=$HDFS_DIR/data/digits/test.libsvm" \
  "output.model=$HDFS_DIR/models/digits.json" \
  "output.metrics=$HDFS_DIR/models/digits-metrics.jsonl" \
  "output.report=$HDFS_DIR/models/digits-report.html" \
  ${settings[@]+"${settings[@]}"}
