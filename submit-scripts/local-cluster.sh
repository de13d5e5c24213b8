#!/usr/bin/env bash
#
# local-cluster.sh start [N] | stop | status
#
# A real Spark standalone cluster on this machine, bound to 127.0.0.1: one Master and N Workers
# (default 2), each a separate JVM, assembled from Maven artifacts (no Spark download needed):
#
#   target/spark-home/jars/                       Spark's runtime jars (mvn dependency:copy-dependencies)
#   target/spark-home/launcher/target/scala-2.13/ marker the Worker's launcher needs to find the jars
#   target/local-cluster/{master,worker-I}.{pid,log}, target/local-cluster/work/worker-I/ (executor logs)
# With SPARKBP_PROFILE=spark-3.5 the cluster runs Spark 3.5 / Scala 2.12 instead, from target/spark-3.5/
# (scala-2.12 marker); use the same SPARKBP_PROFILE for start, status, stop and for submitting.
#
# Submit to it from the same machine, e.g.
#   submit-scripts/sparkbp --master spark://127.0.0.1:7077 --executor-memory 1g train --conf conf/digits.properties
# The driver ships the application jar to the executors; data and model paths must be readable by
# the executors too: on one machine, absolute local paths work (the trainer makes relative ones absolute).
#
# Environment (defaults in brackets):
#   SPARKBP_MASTER_PORT [7077]   SPARKBP_MASTER_WEBUI_PORT [8080]   SPARKBP_WORKER_WEBUI_PORT [8081; worker I uses +I-1]
#   SPARKBP_WORKER_CORES [1]     SPARKBP_WORKER_MEMORY [1g]         SPARK_DAEMON_MEMORY [512m, heap of Master/Worker]
#   SPARKBP_CLUSTER_TIMEOUT [60, seconds to wait for each daemon]
# Exit codes: 0 ok; status: 0 all running, 1 partly running, 3 not running; 2 usage; 1 failures.

set -euo pipefail

SPARKBP_PROG=local-cluster.sh
self="${BASH_SOURCE[0]}"
while [ -L "$self" ]; do
  link="$(readlink "$self")"
  case "$link" in /*) self="$link" ;; *) self="$(dirname "$self")/$link" ;; esac
done
SPARKBP_SCRIPTS="$(cd -P "$(dirname "$self")" && pwd -P)"
# shellcheck source=submit-scripts/common.sh
. "$SPARKBP_SCRIPTS/common.sh"

MASTER_PORT="${SPARKBP_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${SPARKBP_MASTER_WEBUI_PORT:-8080}"
WORKER_WEBUI_PORT="${SPARKBP_WORKER_WEBUI_PORT:-8081}"
WORKER_CORES="${SPARKBP_WORKER_CORES:-1}"
WORKER_MEMORY="${SPARKBP_WORKER_MEMORY:-1g}"
DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-512m}"
TIMEOUT="${SPARKBP_CLUSTER_TIMEOUT:-60}"
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"

CLUSTER_SPARK_HOME="$SPARKBP_TARGET/spark-home"
STATE="$SPARKBP_TARGET/local-cluster"
MASTER_CLASS=org.apache.spark.deploy.master.Master
WORKER_CLASS=org.apache.spark.deploy.worker.Worker

usage() {
  echo "usage: $SPARKBP_PROG start [N] | stop | status   (N workers, default 2)"
}

# ---- process helpers ----------------------------------------------------------------------------

# is_ours PID CLASS: PID is alive and is the JVM running CLASS from our SPARK_HOME.
is_ours() {
  local args
  args="$(ps -ww -p "$1" -o args= 2>/dev/null)" || return 1
  case "$args" in *"$2"*) ;; *) return 1 ;; esac
  case "$args" in *"$CLUSTER_SPARK_HOME/jars"*) return 0 ;; *) return 1 ;; esac
}

# pid_of NAME: the PID recorded in NAME.pid, if that process is still ours; empty otherwise.
pid_of() {
  local file="$STATE/$1.pid" class pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  case "$1" in master) class="$MASTER_CLASS" ;; *) class="$WORKER_CLASS" ;; esac
  case "$pid" in ''|*[!0-9]*) return 0 ;; esac
  if is_ours "$pid" "$class"; then echo "$pid"; fi
}

# stop_pid PID LABEL: SIGTERM, wait up to 20 s, then SIGKILL; fails if the process survives.
stop_pid() {
  local pid="$1" label="$2" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || { echo "stopped $label (pid $pid)"; return 0; }
    sleep 0.5
  done
  echo "$label (pid $pid) ignored SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
  if kill -0 "$pid" 2>/dev/null; then
    sparkbp_log "error: $label (pid $pid) is still running"
    return 1
  fi
  echo "killed $label (pid $pid)"
}

worker_names() {
  local f
  for f in "$STATE"/worker-*.pid; do
    [ -e "$f" ] || continue
    f="${f##*/}"
    echo "${f%.pid}"
  done | sort -t- -k2 -n
}

# Executors (CoarseGrainedExecutorBackend) whose working directory is under our work dir: the
# Workers stop them on shutdown; this finds any that outlived their Worker (Linux /proc only).
leftover_executors() {
  [ -d /proc/self ] || return 0
  local d pid cwd
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    cwd="$(readlink "$d/cwd" 2>/dev/null)" || continue
    case "$cwd" in "$STATE/work/"*) ;; *) continue ;; esac
    case "$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)" in *CoarseGrainedExecutorBackend*) echo "$pid" ;; esac
  done
}

# wait_for_log NAME PID TEXT: wait until NAME.log contains TEXT; fail if PID dies or on timeout.
wait_for_log() {
  local name="$1" pid="$2" text="$3" log="$STATE/$1.log" i
  for ((i = 0; i < TIMEOUT * 2; i++)); do
    if grep -q -- "$text" "$log" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      sparkbp_log "error: $name (pid $pid) exited during startup; last lines of $log:"
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  sparkbp_log "error: $name (pid $pid) did not log '$text' within ${TIMEOUT}s; last lines of $log:"
  tail -n 30 "$log" >&2 || true
  return 1
}

# Points at a cluster started with the other SPARKBP_PROFILE, whose state lives in the other build directory.
other_profile_hint() {
  local dir profile
  for profile in "" spark-3.5; do
    [ "$profile" != "$SPARKBP_PROFILE" ] || continue
    dir="$SPARKBP_REPO/target${profile:+/$profile}/local-cluster"
    if ls "$dir"/*.pid >/dev/null 2>&1; then
      echo "note: $dir has cluster state; for that cluster run with SPARKBP_PROFILE=${profile:-<unset>}"
    fi
  done
}

# ---- the Spark home assembled from Maven artifacts ----------------------------------------------

spark_home_stale() {
  [ -f "$CLUSTER_SPARK_HOME/.complete" ] || return 0
  [ -n "$(find "$SPARKBP_REPO/pom.xml" -newer "$CLUSTER_SPARK_HOME/.complete" -print)" ]
}

build_spark_home_if_stale() {
  spark_home_stale || return 0
  sparkbp_log "assembling $CLUSTER_SPARK_HOME from Maven artifacts ..."
  local tmp="$CLUSTER_SPARK_HOME/jars.tmp"
  rm -rf "$tmp" "$CLUSTER_SPARK_HOME/.complete"
  mkdir -p "$CLUSTER_SPARK_HOME"
  # includeScope=compile: the compile + provided dependencies, i.e. Spark core, SQL, MLlib, Hadoop
  # client and their runtime jars; test-scope jars stay out.
  sparkbp_mvn dependency:copy-dependencies -DincludeScope=compile "-DoutputDirectory=$tmp" || return 1
  ls "$tmp"/spark-core_*.jar >/dev/null 2>&1 || { sparkbp_log "error: no spark-core jar in $tmp"; return 1; }
  rm -rf "$CLUSTER_SPARK_HOME/jars"
  mv "$tmp" "$CLUSTER_SPARK_HOME/jars"
  # Spark's launcher (used by the Worker to build executor command lines) looks for this directory
  # to find the Scala version, else fails with "Cannot find any build directories".
  mkdir -p "$CLUSTER_SPARK_HOME/launcher/target/scala-$SPARKBP_SCALA_BINARY"
  touch "$CLUSTER_SPARK_HOME/.complete"
}

ensure_spark_home() {
  if spark_home_stale; then
    sparkbp_require_mvn
    sparkbp_locked build_spark_home_if_stale || sparkbp_die "assembling $CLUSTER_SPARK_HOME failed (Maven's output is above)"
  fi
}

# ---- commands -----------------------------------------------------------------------------------

# start_daemon NAME CLASS ARGS...: starts a JVM in the background, records its PID.
start_daemon() {
  local name="$1" class="$2"
  shift 2
  nohup "$SPARKBP_JAVA" "${SPARK_MODULE_OPTS[@]}" "-Xmx$DAEMON_MEMORY" \
    -cp "$CLUSTER_SPARK_HOME/jars/*" "$class" "$@" >"$STATE/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

cmd_start() {
  local n="$1" i pid running=""
  case "$n" in ''|*[!0-9]*|0) usage >&2; sparkbp_die "N must be a positive number of workers, got '$n'" 2 ;; esac
  mkdir -p "$STATE"
  running="$(pid_of master)"
  for i in $(worker_names); do running="$running$(pid_of "$i")"; done
  [ -z "$running" ] || sparkbp_die "the cluster is already running ($SPARKBP_PROG status; $SPARKBP_PROG stop)"
  rm -f "$STATE"/master.pid "$STATE"/worker-*.pid

  sparkbp_require_java
  ensure_spark_home

  export SPARK_HOME="$CLUSTER_SPARK_HOME"   # the Workers launch executors from $SPARK_HOME/jars
  export SPARK_SCALA_VERSION="$SPARKBP_SCALA_BINARY"
  export SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
  unset SPARK_CONF_DIR

  start_daemon master "$MASTER_CLASS" --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_WEBUI_PORT"
  pid="$(cat "$STATE/master.pid")"
  if ! wait_for_log master "$pid" "I have been elected leader"; then
    cmd_stop >&2 || true
    exit 1
  fi
  echo "master running (pid $pid): $MASTER_URL, web UI http://127.0.0.1:$MASTER_WEBUI_PORT"

  for ((i = 1; i <= n; i++)); do
    mkdir -p "$STATE/work/worker-$i"
    start_daemon "worker-$i" "$WORKER_CLASS" --host 127.0.0.1 --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" \
      --webui-port "$((WORKER_WEBUI_PORT + i - 1))" --work-dir "$STATE/work/worker-$i" "$MASTER_URL"
  done
  for ((i = 1; i <= n; i++)); do
    pid="$(cat "$STATE/worker-$i.pid")"
    if ! wait_for_log "worker-$i" "$pid" "Successfully registered with master"; then
      cmd_stop >&2 || true
      exit 1
    fi
    echo "worker-$i running (pid $pid): $WORKER_CORES core(s), $WORKER_MEMORY, web UI http://127.0.0.1:$((WORKER_WEBUI_PORT + i - 1))"
  done
  echo "submit with: ${SPARKBP_PROFILE_PREFIX}$SPARKBP_SCRIPTS/sparkbp --master $MASTER_URL train --conf conf/digits.properties"
  echo "logs: $STATE; stop with: ${SPARKBP_PROFILE_PREFIX}$0 stop"
}

cmd_stop() {
  local name pid failed=0 found=0
  for name in $(worker_names) master; do
    [ -f "$STATE/$name.pid" ] || continue
    found=1
    pid="$(pid_of "$name")"
    if [ -n "$pid" ]; then
      stop_pid "$pid" "$name" || failed=1
    else
      echo "$name was not running"
    fi
    [ "$failed" = 1 ] || rm -f "$STATE/$name.pid"
  done
  for pid in $(leftover_executors); do
    stop_pid "$pid" "leftover executor" || failed=1
  done
  if [ "$found" = 0 ]; then
    echo "no cluster state in $STATE: nothing to stop"
    other_profile_hint
  fi
  return "$failed"
}

cmd_status() {
  local name pid up=0 down=0 url="http://127.0.0.1:$MASTER_WEBUI_PORT/json/"
  for name in master $(worker_names); do
    pid="$(pid_of "$name")"
    if [ -n "$pid" ]; then
      echo "$name: running (pid $pid)"
      up=$((up + 1))
    elif [ -f "$STATE/$name.pid" ]; then
      echo "$name: not running (stale $STATE/$name.pid)"
      down=$((down + 1))
    else
      echo "$name: not running"
      down=$((down + 1))
    fi
  done
  if [ -n "$(pid_of master)" ] && command -v curl >/dev/null 2>&1; then
    local alive
    alive="$(curl -fsS --max-time 5 "$url" 2>/dev/null | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p')" || true
    [ -z "$alive" ] || echo "master $MASTER_URL reports $alive alive worker(s) ($url)"
  fi
  if [ "$up" -eq 0 ]; then other_profile_hint; return 3; fi
  if [ "$down" -gt 0 ]; then return 1; fi
  return 0
}

case "${1:-}" in
  start) [ $# -le 2 ] || { usage >&2; exit 2; }; cmd_start "${2:-2}" ;;
  stop) [ $# -eq 1 ] || { usage >&2; exit 2; }; cmd_stop ;;
  status) [ $# -eq 1 ] || { usage >&2; exit 2; }; cmd_status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
