#!/usr/bin/env bash
# A standalone Flink 1.20 cluster for a demo, from the same Maven artifacts as the real-cluster ITCases
# (target/flink-lib, filled by `mvn verify` or by
#   mvn -B -q -f src/test/flink-lib/pom.xml dependency:copy-dependencies -Dflink.lib.dir=$PWD/target/flink-lib
# ): one JobManager (session mode) and N TaskManagers, each its own JVM, everything bound to 127.0.0.1,
# state, logs and conf under target/demo-cluster/. The JVM memory flags come from Flink's own
# BashJavaUtils, as bin/jobmanager.sh and bin/taskmanager.sh of the distribution compute them.
#
#   scripts/flink-cluster.sh start [N]     JobManager + N TaskManagers (default 2) in the background
#   scripts/flink-cluster.sh submit -- run --config jobs/invoice-sieve/conf/local.properties ...
#                                          uploads target/invoice-sieve-job.jar over REST and runs it
#   scripts/flink-cluster.sh kill-tm <n>   kill -9 of TaskManager n;  start-tm <n>: start it again
#   scripts/flink-cluster.sh status | stop
#   scripts/flink-cluster.sh run [N]       start, then wait in the foreground until Ctrl-C (for a namespace)
#
# Web UI and REST: http://127.0.0.1:8081 (REST_PORT=...).
#
# Prometheus: PROMETHEUS=1 switches on Flink's Prometheus reporter on ports 9250-9260. Flink 1.20's
# reporter has no host option: it binds the WILDCARD address (every interface of the machine). Do that
# only inside a loopback-only network namespace, as the tests do (src/test/loopback-netns/bin/java):
#
#   unshare --user --map-root-user --net --fork -- sh -c 'ip link set lo up && PROMETHEUS=1 exec scripts/flink-cluster.sh run'
#
# and reach it from inside that namespace (nsenter -t <pid of the unshare child> -U -n --preserve-credentials curl ...).
set -euo pipefail
cd "$(dirname "$0")/.."

LIB=${FLINK_LIB:-$PWD/target/flink-lib}
DIR=${CLUSTER_DIR:-$PWD/target/demo-cluster}
REST_PORT=${REST_PORT:-8081}
JAR=${JOB_JAR:-$PWD/target/invoice-sieve-job.jar}
JAVA=${JAVA:-java}
ADD_OPENS="--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

die() { echo "flink-cluster.sh: $*" >&2; exit 1; }

write_conf() {
  ls "$LIB"/flink-runtime-*.jar >/dev/null 2>&1 || die "$LIB has no Flink jars: run mvn verify once, or the dependency:copy-dependencies line above"
  mkdir -p "$DIR/conf" "$DIR/log" "$DIR/pids" "$DIR/tmp"
  cat > "$DIR/conf/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.bind-host: 127.0.0.1
jobmanager.rpc.port: 6123
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: 2
parallelism.default: 2
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 1600m
taskmanager.memory.managed.size: 256m
io.tmp.dirs: $DIR/tmp
state.checkpoints.dir: file://$DIR/checkpoints
state.savepoints.dir: file://$DIR/savepoints
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 2 s
heartbeat.interval: 2000
heartbeat.timeout: 20000
YAML
  if [ "${PROMETHEUS:-0}" = 1 ]; then
    if ip -o link 2>/dev/null | grep -vq ': lo:'; then
      echo "WARNING: PROMETHEUS=1 outside a loopback-only namespace: the reporter binds 0.0.0.0:9250-9260" >&2
    fi
    cat >> "$DIR/conf/config.yaml" <<YAML
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: 9250-9260
YAML
  fi
  cat > "$DIR/conf/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
PROPS
}

# Flink's BashJavaUtils: the JVM memory flags (line 1) and dynamic properties (line 2) of a process.
resource_params() {
  "$JAVA" -cp "$LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$DIR/conf" 2>/dev/null \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

launch() { # name main-class args...
  local name=$1; shift
  local main=$1; shift
  local jvm=$1; shift
  # shellcheck disable=SC2086
  nohup "$JAVA" $jvm $ADD_OPENS -XX:+UseSerialGC -Djava.io.tmpdir="$DIR/tmp" -Dlog.file="$DIR/log/$name.log" \
      -Dlog4j.configurationFile="file:$DIR/conf/log4j.properties" -cp "$LIB/*" "$main" --configDir "$DIR/conf" "$@" \
      > "$DIR/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$name.pid"
  echo "started $name (pid $!), log $DIR/log/$name.log"
}

start_jm() {
  mapfile -t p < <(resource_params GET_JM_RESOURCE_PARAMS)
  # shellcheck disable=SC2086
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "${p[0]}" --executionMode cluster ${p[1]}
}

start_tm() {
  mapfile -t p < <(resource_params GET_TM_RESOURCE_PARAMS)
  # shellcheck disable=SC2086
  launch "taskmanager-$1" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "${p[0]}" ${p[1]} -D "taskmanager.resource-id=tm-$1"
}

await_rest() {
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$REST_PORT/overview" >/dev/null 2>&1 && { curl -s "http://127.0.0.1:$REST_PORT/overview"; echo; return 0; }
    sleep 1
  done
  die "REST did not answer on 127.0.0.1:$REST_PORT; see $DIR/log"
}

stop_all() {
  for f in "$DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null && echo "stopped $(basename "$f" .pid)"
    rm -f "$f"
  done
}

cmd=${1:-}; shift || true
case "$cmd" in
  start)
    write_conf; start_jm
    for i in $(seq 0 $(( ${1:-2} - 1 ))); do start_tm "$i"; done
    await_rest ;;
  run)
    trap stop_all EXIT INT TERM
    write_conf; start_jm
    for i in $(seq 0 $(( ${1:-2} - 1 ))); do start_tm "$i"; done
    await_rest
    echo "running; Ctrl-C stops the cluster"
    while sleep 3600; do :; done ;;
  submit)
    [ "${1:-}" = "--" ] && shift
    [ -f "$JAR" ] || die "$JAR is missing: mvn -B -q package -DskipTests"
    id=$(curl -fs -X POST -F "jarfile=@$JAR" "http://127.0.0.1:$REST_PORT/jars/upload" | sed 's/.*"filename":"[^"]*\/\([^"]*\)".*/\1/')
    args=$(printf '%s\n' "$@" | python3 -c 'import json,sys; print(json.dumps([l.rstrip("\n") for l in sys.stdin]))')
    curl -fs -X POST -H 'Content-Type: application/json' -d "{\"programArgsList\": $args}" \
      "http://127.0.0.1:$REST_PORT/jars/$id/run"; echo ;;
  kill-tm)
    f="$DIR/pids/taskmanager-${1:?which TaskManager}.pid"
    kill -9 "$(cat "$f")" && rm -f "$f" && echo "killed taskmanager-$1 (kill -9)" ;;
  start-tm)
    start_tm "${1:?which TaskManager}" ;;
  status)
    for f in "$DIR"/pids/*.pid; do
      [ -e "$f" ] || continue
      pid=$(cat "$f"); n=$(basename "$f" .pid)
      if kill -0 "$pid" 2>/dev/null; then echo "$n pid $pid alive"; else echo "$n pid $pid dead"; fi
    done
    curl -fs "http://127.0.0.1:$REST_PORT/jobs/overview" || true; echo ;;
  stop)
    stop_all ;;
  *)
    sed -n '2,30p' "$0"; exit 2 ;;
esac
