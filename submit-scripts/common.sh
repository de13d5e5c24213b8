# shellcheck shell=bash
#
# Shared definitions for the scripts in submit-scripts/. Sourced, never executed:
#
#   . "$SPARKBP_SCRIPTS/common.sh"      (the caller sets SPARKBP_SCRIPTS to its own directory)
#
# Defines the repository layout, Spark's Java 17 module options (the one copy used by every JVM
# these scripts start), and helpers that build the application jar and cache the Maven classpath.
# Everything Maven prints goes to stderr, so a command's stdout stays clean (evaluate prints JSON).

if [ -z "${SPARKBP_SCRIPTS:-}" ]; then
  echo "common.sh: set SPARKBP_SCRIPTS before sourcing" >&2
  return 1 2>/dev/null || exit 1
fi

SPARKBP_REPO="$(cd -P "$SPARKBP_SCRIPTS/.." && pwd -P)"
SPARKBP_MAIN_CLASS="io.sparkbp.cli.Main"

# Which Spark the scripts build for and run on, chosen by SPARKBP_PROFILE (keep in sync with pom.xml):
#   unset or empty  Spark 4.0.x / Scala 2.13, the default build: mvn ...,             into target/
#   spark-3.5       Spark 3.5.x / Scala 2.12, the Maven profile: mvn -Pspark-3.5 ...,  into target/spark-3.5/
# Every Maven call below (building the jar, resolving the classpath) uses that profile, so the jar,
# the embedded Spark's classpath and local-cluster.sh's Spark home always belong to the same build.
SPARKBP_PROFILE="${SPARKBP_PROFILE:-}"
case "$SPARKBP_PROFILE" in
  '')
    SPARKBP_TARGET="$SPARKBP_REPO/target"
    SPARKBP_JAR_NAME="sparkbp-0.1.0-SNAPSHOT.jar"
    SPARKBP_SPARK_LINE=4.0 SPARKBP_SCALA_BINARY=2.13
    SPARKBP_MVN_PROFILE_ARGS=() ;;
  spark-3.5)
    SPARKBP_TARGET="$SPARKBP_REPO/target/spark-3.5"
    SPARKBP_JAR_NAME="sparkbp-0.1.0-SNAPSHOT-spark3.5.jar"
    SPARKBP_SPARK_LINE=3.5 SPARKBP_SCALA_BINARY=2.12
    SPARKBP_MVN_PROFILE_ARGS=(-Pspark-3.5) ;;
  *)
    printf '%s: error: SPARKBP_PROFILE=%s is unknown; expected spark-3.5 (Spark 3.5.x / Scala 2.12), or unset for Spark 4.0.x / Scala 2.13\n' \
      "${SPARKBP_PROG:-sparkbp}" "$SPARKBP_PROFILE" >&2
    exit 2 ;;
esac
# The jar `mvn package` builds: <build directory>/<artifactId>-<version>[-spark3.5].jar.
# Set SPARKBP_JAR to use a prebuilt jar elsewhere; then no build is attempted.
SPARKBP_DEFAULT_JAR="$SPARKBP_TARGET/$SPARKBP_JAR_NAME"
# For messages: how to rerun a command with the same build, e.g. "SPARKBP_PROFILE=spark-3.5 " (empty by default).
SPARKBP_PROFILE_PREFIX="${SPARKBP_PROFILE:+SPARKBP_PROFILE=$SPARKBP_PROFILE }"
SPARKBP_CLASSPATH_FILE="$SPARKBP_TARGET/classpath.txt"
# log4j2 configuration for drivers started by these scripts (Spark and Hadoop at WARN, io.sparkbp at INFO).
SPARKBP_LOG4J="${SPARKBP_LOG4J:-$SPARKBP_REPO/conf/log4j2.properties}"

# Bind Spark to the loopback interface unless the caller chose an address. On a real cluster in
# client deploy mode, set SPARK_LOCAL_IP to an address the executors can reach.
# The hostname the driver advertises follows (else Spark may advertise "localhost", which can resolve to ::1).
SPARKBP_LOCAL_IP_DEFAULTED=false
if [ -z "${SPARK_LOCAL_IP:-}" ]; then
  SPARKBP_LOCAL_IP_DEFAULTED=true
  export SPARK_LOCAL_IP=127.0.0.1
  export SPARK_LOCAL_HOSTNAME="${SPARK_LOCAL_HOSTNAME:-127.0.0.1}"
fi

# One native BLAS thread per Spark task unless you chose otherwise. Spark runs one task per core,
# and OpenBLAS (what dev.ludovic.netlib loads when libopenblas is installed) otherwise starts a thread
# per core inside every call, so concurrent tasks oversubscribe the cores. Spark sets OMP_NUM_THREADS
# to spark.task.cpus for the executors it launches (SPARK-41188), but not for a driver JVM, which is
# where the tasks of local[*] run. The Java BLAS fallback is single-threaded and unaffected.
if [ -z "${OPENBLAS_NUM_THREADS:-}" ] && [ -z "${OMP_NUM_THREADS:-}" ]; then
  export OPENBLAS_NUM_THREADS=1
fi

# The OpenBLAS settings of this shell (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS, ...) as spark-submit
# options that give the same values to the executors and to a driver that runs in a cluster container
# (YARN's application master, a Kubernetes driver pod). Cluster managers start containers with a
# clean environment, and OpenBLAS picks its kernels by CPU detection unless OPENBLAS_CORETYPE says
# otherwise: without this, executors can run other kernels than the submitting machine, and a model
# is then no longer bit-identical to the same run on local[*]. Usage: sparkbp_blas_env_opts ARRAY
# [DRIVER_PREFIX], e.g. sparkbp_blas_env_opts opts spark.yarn.appMasterEnv. (no prefix: client mode).
sparkbp_blas_env_opts() {
  local -n out="$1"
  local name
  out=()
  for name in $(compgen -e | grep '^OPENBLAS_' || true); do
    out+=(--conf "spark.executorEnv.$name=${!name}")
    if [ -n "${2:-}" ]; then out+=(--conf "$2$name=${!name}"); fi
  done
}

# The garbage collector of a JVM that runs Spark in local mode (driver and executor in one JVM, a batch
# job): the throughput collector. Loading copies every cached block out of the young generation, which
# G1 (the JVM's default) does at a much higher cost: bench.sh large, 2 GB heap, 2 vCPUs, two pairs of
# runs, ingest 3-110% faster pair by pair (4x: 39-82%, 16x: 11-39%), epochs unchanged (see README, Large data).
# sparkbp_local_gc_opts VAR OPTIONS...: VAR becomes (-XX:+UseParallelGC), or () when OPTIONS,
# $JAVA_TOOL_OPTIONS or $JDK_JAVA_OPTIONS already choose a collector (-XX:+Use...GC): two would
# stop the JVM ("Conflicting collector combinations").
sparkbp_local_gc_opts() {
  local -n gc_out="$1"
  shift
  gc_out=()
  case " $* ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " in
    *-XX:+Use*GC*) ;;
    *) gc_out=(-XX:+UseParallelGC) ;;
  esac
}

# Spark's Java 17 module options: the same list as the spark.module.opts property in pom.xml
# (org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions()). Needed by every JVM that
# runs Spark classes and is started by hand (java -cp ...); spark-submit adds them itself.
SPARK_MODULE_OPTS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)

# sparkbp_loopback_for MASTER: keeps the 127.0.0.1 default above only for masters on this machine
# (local[...], spark://127.0.0.1:..., spark://localhost:...). For any other master (a remote
# standalone master, yarn, k8s://...) a driver bound to loopback could not be reached by the
# executors, so the default is dropped and Spark picks this machine's address; an explicitly set
# SPARK_LOCAL_IP is always kept.
sparkbp_loopback_for() {
  "$SPARKBP_LOCAL_IP_DEFAULTED" || return 0
  case "$1" in
    local|local\[*|local-cluster\[*|spark://127.0.0.1:*|spark://localhost:*) return 0 ;;
  esac
  unset SPARK_LOCAL_IP SPARK_LOCAL_HOSTNAME
  SPARKBP_LOCAL_IP_DEFAULTED=false
}

sparkbp_log() { printf '%s: %s\n' "${SPARKBP_PROG:-sparkbp}" "$*" >&2; }

# sparkbp_die MESSAGE [EXIT_CODE]: exit codes follow the CLI's: 2 usage/configuration, 1 otherwise.
sparkbp_die() { printf '%s: error: %s\n' "${SPARKBP_PROG:-sparkbp}" "$1" >&2; exit "${2:-1}"; }

# Sets SPARKBP_JAVA to $JAVA_HOME/bin/java or the java on PATH; dies if there is none or it is older than 17.
sparkbp_require_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    SPARKBP_JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    SPARKBP_JAVA="$(command -v java)"
  else
    sparkbp_die "java not found: install a JDK 17 (or newer) and put it on PATH or set JAVA_HOME"
  fi
  local version major
  version="$("$SPARKBP_JAVA" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)"
  major="${version%%.*}"
  if [ "$major" = "1" ]; then major=8; fi   # 1.8.0_x
  case "$major" in
    ''|*[!0-9]*) sparkbp_log "warning: cannot tell the version of $SPARKBP_JAVA; sparkbp needs Java 17+" ;;
    *) [ "$major" -ge 17 ] || sparkbp_die "$SPARKBP_JAVA is Java $version; sparkbp needs Java 17 or newer (set JAVA_HOME)" ;;
  esac
}

sparkbp_require_mvn() {
  command -v mvn >/dev/null 2>&1 \
    || sparkbp_die "mvn not found: install Maven 3.8+ and put it on PATH (needed to build the jar and resolve Spark's jars)"
}

# Runs Maven in the repository with all its output on stderr. Some Maven 3.8 packages print ANSI
# reset codes even in batch mode; they are stripped. (The calling scripts set -o pipefail, so the
# status is Maven's.)
sparkbp_mvn() {
  sparkbp_require_mvn
  local rc=0
  (cd "$SPARKBP_REPO" && mvn -B -q -Dstyle.color=never ${SPARKBP_MVN_PROFILE_ARGS[@]+"${SPARKBP_MVN_PROFILE_ARGS[@]}"} "$@") 2>&1 \
    | sed "s/$(printf '\033')\\[[0-9;]*m//g" >&2 || rc=$?
  return "$rc"
}

# Runs "$@" while holding target/.sparkbp.lock (when flock exists), so that two scripts started at
# the same time do not build into target/ at once.
sparkbp_locked() {
  mkdir -p "$SPARKBP_TARGET"
  if command -v flock >/dev/null 2>&1; then
    ( flock 9 && "$@" ) 9>"$SPARKBP_TARGET/.sparkbp.lock"
  else
    "$@"
  fi
}

# True when the jar is missing or a file under src/main, or pom.xml, is newer than it.
sparkbp_jar_stale() {
  [ -f "$SPARKBP_DEFAULT_JAR" ] || return 0
  [ -d "$SPARKBP_REPO/src/main" ] || return 1
  [ -n "$(find "$SPARKBP_REPO/src/main" "$SPARKBP_REPO/pom.xml" -newer "$SPARKBP_DEFAULT_JAR" -print 2>/dev/null | head -n 1)" ]
}

sparkbp_build_jar_if_stale() {
  sparkbp_jar_stale || return 0
  sparkbp_log "building $SPARKBP_DEFAULT_JAR (mvn ${SPARKBP_MVN_PROFILE_ARGS[*]+${SPARKBP_MVN_PROFILE_ARGS[*]} }package, tests skipped) ..."
  sparkbp_mvn -Dmaven.test.skip=true package || return 1
  [ -f "$SPARKBP_DEFAULT_JAR" ] || { sparkbp_log "error: the build did not produce $SPARKBP_DEFAULT_JAR"; return 1; }
  # The jar plugin may leave an up-to-date jar untouched; mark it current so the next run does not rebuild.
  touch "$SPARKBP_DEFAULT_JAR"
}

# Sets SPARKBP_APP_JAR: $SPARKBP_JAR if set, else $SPARKBP_DEFAULT_JAR, built first when missing or stale.
sparkbp_ensure_jar() {
  if [ -n "${SPARKBP_JAR:-}" ]; then
    [ -f "$SPARKBP_JAR" ] || sparkbp_die "SPARKBP_JAR=$SPARKBP_JAR does not exist" 2
    SPARKBP_APP_JAR="$(cd -P "$(dirname "$SPARKBP_JAR")" && pwd -P)/$(basename "$SPARKBP_JAR")"
    return 0
  fi
  if sparkbp_jar_stale; then
    sparkbp_require_java
    sparkbp_require_mvn
    sparkbp_locked sparkbp_build_jar_if_stale || sparkbp_die "building the jar failed (Maven's output is above)"
  fi
  SPARKBP_APP_JAR="$SPARKBP_DEFAULT_JAR"
}

sparkbp_classpath_stale() {
  [ -s "$SPARKBP_CLASSPATH_FILE" ] || return 0
  [ -n "$(find "$SPARKBP_REPO/pom.xml" -newer "$SPARKBP_CLASSPATH_FILE" -print 2>/dev/null)" ]
}

# sparkbp_resolve_classpath FILE SCOPE: writes Maven's dependency classpath of SCOPE into FILE,
# atomically (a temporary file renamed into place), so a failed build leaves no half-written cache.
sparkbp_resolve_classpath() {
  local file="$1" scope="$2" tmp="$1.tmp.$$"
  if sparkbp_mvn dependency:build-classpath "-Dmdep.outputFile=$tmp" "-DincludeScope=$scope" && [ -s "$tmp" ]; then
    mv -f "$tmp" "$file"
  else
    rm -f "$tmp"
    return 1
  fi
}

sparkbp_build_classpath_if_stale() {
  sparkbp_classpath_stale || return 0
  sparkbp_log "resolving the Spark/Hadoop classpath into $SPARKBP_CLASSPATH_FILE ..."
  # includeScope=compile selects compile + provided (Spark, Hadoop) and leaves test jars out.
  sparkbp_resolve_classpath "$SPARKBP_CLASSPATH_FILE" compile
}

# Sets SPARKBP_CLASSPATH: the compile+provided dependency jars (Spark, Hadoop, ...), cached in
# $SPARKBP_TARGET/classpath.txt and regenerated when pom.xml is newer.
sparkbp_ensure_classpath() {
  if sparkbp_classpath_stale; then
    sparkbp_require_mvn
    sparkbp_locked sparkbp_build_classpath_if_stale || sparkbp_die "resolving the dependency classpath failed (Maven's output is above)"
  fi
  SPARKBP_CLASSPATH="$(cat "$SPARKBP_CLASSPATH_FILE")"
}

# For spark-submit of a Spark distribution: adds -Dlog4j2.configurationFile=$SPARKBP_LOG4J to
# SPARK_SUBMIT_OPTS, which spark-submit puts on the command line of the JVM it starts (the driver,
# in client deploy mode), unless SPARK_SUBMIT_OPTS already names a log4j2 configuration.
# --driver-java-options come later on that command line and win.
sparkbp_export_submit_log4j() {
  case "${SPARK_SUBMIT_OPTS:-}" in *log4j2.configurationFile*) return 0 ;; esac
  # double quotes: Spark's launcher parses this string like a shell would, so paths may have spaces
  export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:+$SPARK_SUBMIT_OPTS }\"-Dlog4j2.configurationFile=$SPARKBP_LOG4J\""
}

# Dies unless SPARK_HOME points at a Spark distribution with bin/spark-submit. Warns when its
# jars/spark-core_<scala>-<version>.jar says it is not the Spark line the jar is built for
# (SPARKBP_PROFILE above): such a combination is untested and Scala 2.12/2.13 are not binary compatible.
sparkbp_require_spark_home() {
  local want="Spark $SPARKBP_SPARK_LINE.x (Scala $SPARKBP_SCALA_BINARY)"
  [ -n "${SPARK_HOME:-}" ] \
    || sparkbp_die "SPARK_HOME is not set: point it at a $want distribution" 2
  [ -x "$SPARK_HOME/bin/spark-submit" ] \
    || sparkbp_die "SPARK_HOME=$SPARK_HOME has no executable bin/spark-submit" 2
  local core scala version hint
  core="$(cd "$SPARK_HOME/jars" 2>/dev/null && ls spark-core_*.jar 2>/dev/null | head -n 1)" || true
  [ -n "$core" ] || return 0   # another layout: nothing to compare
  scala="${core#spark-core_}"; scala="${scala%%-*}"
  version="${core#spark-core_"$scala"-}"; version="${version%.jar}"
  case "$version" in "$SPARKBP_SPARK_LINE".*) [ "$scala" != "$SPARKBP_SCALA_BINARY" ] || return 0 ;; esac
  case "$scala:$version" in
    2.12:3.5.*) hint="set SPARKBP_PROFILE=spark-3.5 to build and submit the Spark 3.5 jar" ;;
    2.13:4.0.*) hint="unset SPARKBP_PROFILE to build and submit the Spark 4.0 jar" ;;
    *) hint="supported: Spark 4.0.x (Scala 2.13) and, with SPARKBP_PROFILE=spark-3.5, Spark 3.5.x (Scala 2.12)" ;;
  esac
  sparkbp_log "warning: SPARK_HOME=$SPARK_HOME is Spark $version for Scala $scala ($core), but the sparkbp build in use (SPARKBP_PROFILE=${SPARKBP_PROFILE:-<unset>}) is for $want; $hint"
}

# ---- YARN: Spark's jars for the containers -----------------------------------------------------
# A YARN container starts with nothing but the files YARN localizes for it, so the
# ApplicationMaster and the executors need Spark's jars shipped to them: spark.yarn.archive (one
# archive with the jars at its root) or spark.yarn.jars. A Spark distribution's spark-submit zips
# $SPARK_HOME/jars by itself when neither is set; the embedded launcher has no such directory and
# ships this archive instead: every jar of $SPARKBP_CLASSPATH_FILE (Spark with spark-yarn, Hadoop's
# client, their dependencies), stored uncompressed (jars are compressed already), rebuilt when the
# classpath cache is newer. Upload it to HDFS once and set SPARKBP_YARN_ARCHIVE to that URI so that
# YARN caches it on each node instead of receiving it with every application.
SPARKBP_YARN_ARCHIVE_FILE="$SPARKBP_TARGET/spark-yarn-archive.zip"

sparkbp_yarn_archive_stale() {
  [ -s "$SPARKBP_YARN_ARCHIVE_FILE" ] || return 0
  [ -n "$(find "$SPARKBP_CLASSPATH_FILE" -newer "$SPARKBP_YARN_ARCHIVE_FILE" -print 2>/dev/null)" ]
}

# The JDK's jar tool next to $SPARKBP_JAVA (following symlinks such as /usr/bin/java), else the one on PATH.
sparkbp_jar_tool() {
  local bin
  bin="$(dirname "$(readlink -f "$SPARKBP_JAVA" 2>/dev/null || printf '%s' "$SPARKBP_JAVA")")"
  if [ -x "$bin/jar" ]; then
    printf '%s\n' "$bin/jar"
  elif command -v jar >/dev/null 2>&1; then
    command -v jar
  else
    sparkbp_die "the JDK's jar tool was found neither next to $SPARKBP_JAVA nor on PATH (a JDK 17, not a JRE, is needed to build the YARN archive)"
  fi
}

sparkbp_build_yarn_archive_if_stale() {
  sparkbp_yarn_archive_stale || return 0
  local tool tmp="$SPARKBP_YARN_ARCHIVE_FILE.tmp.$$" entry entries args=()
  tool="$(sparkbp_jar_tool)"
  IFS=: read -r -a entries <<<"$SPARKBP_CLASSPATH"
  for entry in "${entries[@]}"; do
    case "$entry" in *.jar) args+=(-C "$(dirname "$entry")" "$(basename "$entry")") ;; esac
  done
  [ ${#args[@]} -gt 0 ] || { sparkbp_log "error: $SPARKBP_CLASSPATH_FILE lists no jars"; return 1; }
  sparkbp_log "building $SPARKBP_YARN_ARCHIVE_FILE (Spark's jars for the YARN containers, $((${#args[@]} / 3)) jars) ..."
  if "$tool" --create --no-manifest --no-compress --file "$tmp" "${args[@]}"; then
    mv -f "$tmp" "$SPARKBP_YARN_ARCHIVE_FILE"
  else
    rm -f "$tmp"
    return 1
  fi
}

# Sets SPARKBP_YARN_ARCHIVE_FILE up to date (needs sparkbp_require_java and sparkbp_ensure_classpath first).
sparkbp_ensure_yarn_archive() {
  if sparkbp_yarn_archive_stale; then
    sparkbp_locked sparkbp_build_yarn_archive_if_stale || sparkbp_die "building the YARN archive $SPARKBP_YARN_ARCHIVE_FILE failed"
  fi
}
