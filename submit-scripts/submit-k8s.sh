#!/usr/bin/env bash
#
# Example: train on Kubernetes (cluster deploy mode: Spark starts a driver pod, which starts the
# executor pods).
#
#   submit-scripts/submit-k8s.sh [key=value ...]         e.g.  train.epochs=100 model.hidden=128
#
# Needs: SPARK_HOME = a Spark 4.0.x (Scala 2.13) distribution (for Spark 3.5.x / Scala 2.12, set
# SPARKBP_PROFILE=spark-3.5 and build the image from apache/spark:3.5.x-scala2.12-java17-ubuntu with
# target/spark-3.5/sparkbp-0.1.0-SNAPSHOT-spark3.5.jar); kubectl access to the cluster; a
# namespace and a service account the driver may use to create pods, e.g.
#   kubectl create namespace sparkbp
#   kubectl -n sparkbp create serviceaccount spark
#   kubectl -n sparkbp create rolebinding spark-edit --clusterrole=edit --serviceaccount=sparkbp:spark
# and a container image with Spark, the application jar and the configurations, e.g. this Dockerfile
# (after `mvn -B -DskipTests package`; the base image must match Spark 4.0.1, Scala 2.13, Java 17):
#   FROM apache/spark:4.0.1-scala2.13-java17-ubuntu
#   COPY target/sparkbp-0.1.0-SNAPSHOT.jar /opt/sparkbp/sparkbp.jar
#   COPY conf/ /opt/sparkbp/conf/
# The data must be readable from the pods: HDFS here (s3a:// also works if the image has hadoop-aws).
# The model and metrics land on HDFS (output.* below); the CLI's output is in the driver pod's log:
#   kubectl -n sparkbp logs -l spark-role=driver,spark-app-name=sparkbp-digits
# Copy this file and edit the variables for your own data set and cluster.

set -euo pipefail
SPARKBP_PROG=submit-k8s.sh
SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

sparkbp_require_spark_home
[ -n "${SPARKBP_K8S_MASTER:-}" ] \
  || sparkbp_die "set SPARKBP_K8S_MASTER to the API server, e.g. k8s://https://10.0.0.1:6443 (kubectl cluster-info)" 2

K8S_MASTER="$SPARKBP_K8S_MASTER"
NAMESPACE="${SPARKBP_K8S_NAMESPACE:-sparkbp}"
IMAGE="${SPARKBP_K8S_IMAGE:-registry.example.com/sparkbp:0.1.0}"
SERVICE_ACCOUNT="${SPARKBP_K8S_SERVICE_ACCOUNT:-spark}"
HDFS_DIR="${SPARKBP_HDFS_DIR:-hdfs://namenode:8020/user/sparkbp}"
sparkbp_loopback_for "$K8S_MASTER"   # the local 127.0.0.1 default does not apply to a cluster

# local:///... is a path inside the image: the jar and the --conf file are read from there, so
# nothing is uploaded. The data.* and output.* overrides replace the relative paths of the
# properties file; your key=value arguments come last and win.
# 3 executor pods x (2 cores, 4g heap); the driver pod gets 2g; the training blocks are cached in
# executor memory. spark.kubernetes.executor.deleteOnTermination=false would keep executor pods
# (and their logs) after the run.
sparkbp_blas_env_opts blas_env spark.kubernetes.driverEnv.
exec "$SPARK_HOME/bin/spark-submit" \
  --master "$K8S_MASTER" \
  --deploy-mode cluster \
  --name sparkbp-digits \
  --conf "spark.kubernetes.namespace=$NAMESPACE" \
  --conf "spark.kubernetes.container.image=$IMAGE" \
  --conf spark.kubernetes.container.image.pullPolicy=IfNotPresent \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=$SERVICE_ACCOUNT" \
  --driver-memory 2g \
  --executor-memory 4g \
  --executor-cores 2 \
  --conf spark.executor.instances=3 \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.locality.wait=100ms \
  ${blas_env[@]+"${blas_env[@]}"} \
  --class "$SPARKBP_MAIN_CLASS" \
  local:///opt/sparkbp/sparkbp.jar \
  train --conf /opt/sparkbp/conf/digits.properties \
  "data.train=$HDFS_DIR/data/digits/train.libsvm" \
  "data.test=$HDFS_DIR/data/digits/test.libsvm" \
  "output.model=$HDFS_DIR/models/digits.json" \
  "output.metrics=$HDFS_DIR/models/digits-metrics.jsonl" \
  "$@"
