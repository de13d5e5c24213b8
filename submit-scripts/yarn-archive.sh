#!/usr/bin/env bash
#
# Builds (when missing or stale) the archive of Spark's jars that the embedded launcher ships to YARN
# containers, and prints its path: target/spark-yarn-archive.zip (target/spark-3.5/... with
# SPARKBP_PROFILE=spark-3.5). Upload it once and point SPARKBP_YARN_ARCHIVE at it, so that YARN
# caches it on every node instead of receiving it with each application:
#
#   hdfs dfs -mkdir -p /apps/sparkbp
#   hdfs dfs -put -f "$(submit-scripts/yarn-archive.sh)" /apps/sparkbp/spark-yarn-archive-4.0.zip
#   export SPARKBP_YARN_ARCHIVE=hdfs:///apps/sparkbp/spark-yarn-archive-4.0.zip
#
# Rebuild and upload it again after pom.xml changes the Spark version (the archive's jars must be
# the submitting side's). With SPARK_HOME set, spark-submit uses its distribution's jars instead.

set -euo pipefail
SPARKBP_PROG=yarn-archive.sh
SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

[ $# -eq 0 ] || sparkbp_die "yarn-archive.sh takes no arguments (got '$1')" 2
sparkbp_require_java
sparkbp_ensure_classpath
sparkbp_ensure_yarn_archive
printf '%s\n' "$SPARKBP_YARN_ARCHIVE_FILE"
