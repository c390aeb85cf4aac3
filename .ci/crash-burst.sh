#!/usr/bin/env bash
# Crash in the middle of a burst: starts a node on a file H2 database, sends a burst of INVITEs
# with SIPp (400 at 200/s by default) to a queue nobody staffs, kills the node with SIGKILL 1.5 s
# into the burst (and stops SIPp, so that no retransmitted INVITE starts a new call), starts it
# again on the same data directory and checks over HTTP that within 30 s of the restarted node
# being ready there is a call record for every call in the journal, every one ended, and the
# supervisor sees no call waiting or active, without reading any call by itself. Twice in a row
# (two kills) by default. Runs in about a minute on an idle machine of two cores.
#
#   .ci/crash-burst.sh [path/to/call-engine.jar]
#
# Environment: CRASH_BURST_CALLS (400), CRASH_BURST_RATE (200 calls/s), CRASH_BURST_KILL_AFTER
# (1.5 s), CRASH_BURST_ROUNDS (2), CRASH_BURST_SETTLE (30 s), CRASH_BURST_SIP_PORT (5100),
# CRASH_BURST_HTTP_PORT (8100), CRASH_BURST_KEEP=1 keeps the scratch directory,
# CALLENGINE_JAVA_OPTS (JVM options for the node). Builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=crash-burst
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
CALLS=${CRASH_BURST_CALLS:-400}
RATE=${CRASH_BURST_RATE:-200}
KILL_AFTER=${CRASH_BURST_KILL_AFTER:-1.5}
ROUNDS=${CRASH_BURST_ROUNDS:-2}
SETTLE=${CRASH_BURST_SETTLE:-30}
SIP_PORT=${CRASH_BURST_SIP_PORT:-5100}
HTTP_PORT=${CRASH_BURST_HTTP_PORT:-8100}
QUEUE=support

ce_require java curl jq sipp
[[ -f "$JAR" ]] || ce_die "no jar at $JAR (build it with: mvn -B -DskipTests package)"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/crash-burst.XXXXXX")
CE_KEEP=${CRASH_BURST_KEEP:-0}
ce_trap_finish

# The node keeps its address across restarts: same SIP, HTTP and cluster ports, same data.
CE_SIP_PORT=$SIP_PORT
CE_HTTP_PORT=$HTTP_PORT
CE_HTTP="http://$CE_HOST:$CE_HTTP_PORT"
CE_ADMIN=$(ce_random_token)
ce_free_port CE_CLUSTER_PORT
ce_free_port RTP_BASE 4000
CE_RTP_PORTS="$RTP_BASE-$((RTP_BASE + 3999))"
mkdir -p "$CE_WORK/data"

# start_node RUN: the node in the background, its log in node-RUN.log. The burst stands for a
# trunk's traffic, so its address is trusted (no per-source rate limit).
start_node() {
  local run=$1
  for port in "$CE_SIP_PORT" "$CE_HTTP_PORT"; do
    [[ -z $(ss -Htuan "sport = :$port") ]] || ce_die "port $port is in use"
  done
  ce_log "start $run: SIP $CE_HOST:$CE_SIP_PORT, HTTP $CE_HTTP, cluster $CE_CLUSTER_PORT, data $CE_WORK/data"
  (cd "$CE_WORK" && exec env \
    CALLENGINE_SIP_HOST=$CE_HOST CALLENGINE_SIP_PORT="$CE_SIP_PORT" CALLENGINE_SIP_PUBLIC_HOST=$CE_HOST \
    CALLENGINE_HTTP_HOST=$CE_HOST CALLENGINE_HTTP_PORT="$CE_HTTP_PORT" \
    CALLENGINE_RTP_PORTS="$CE_RTP_PORTS" CALLENGINE_CLUSTER_HOST=$CE_HOST CALLENGINE_CLUSTER_PORT="$CE_CLUSTER_PORT" \
    CALLENGINE_DATA_DIR="$CE_WORK/data" CALLENGINE_ADMIN_TOKEN="$CE_ADMIN" \
    CALLENGINE_SIP_TRUSTED_SOURCES=$CE_HOST \
    java ${CALLENGINE_JAVA_OPTS:-} -jar "$JAR" >"$CE_WORK/node-$run.stdout" 2>"$CE_WORK/node-$run.log") &
  CE_NODE_PID=$!
  CE_PIDS+=("$CE_NODE_PID")
  ln -sf "node-$run.log" "$CE_WORK/node.log"
  ln -sf "node-$run.stdout" "$CE_WORK/node.stdout"
}

# kill_node: SIGKILL, and wait (bounded) until the process and its ports are gone.
kill_node() {
  kill -9 "$CE_NODE_PID" 2>/dev/null || true
  wait "$CE_NODE_PID" 2>/dev/null || true
  local start=$SECONDS
  while [[ -n $(ss -Htuan "sport = :$CE_SIP_PORT or sport = :$CE_HTTP_PORT") ]] && (( SECONDS - start < 20 )); do
    sleep 0.2
  done
}

# burst RUN: SIPp sends the INVITEs; SIGKILL to the node KILL_AFTER s after SIPp started; then
# SIPp is stopped too.
burst() {
  local run=$1 port media pid
  ce_free_port port
  ce_free_port media 4
  ce_log "burst $run: $CALLS INVITEs at $RATE/s, SIGKILL after $KILL_AFTER s"
  (cd "$CE_WORK" && exec timeout 60 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "$QUEUE" \
    -i $CE_HOST -p "$port" -mp "$media" -m "$CALLS" -r "$RATE" -l "$CALLS" -d 60000 -timeout 60s -nostdin \
    "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf "burst-$run-stat.csv" -fd 1 >"burst-$run.out" 2>&1) &
  pid=$!
  CE_PIDS+=("$pid")
  # The crash's moment in the burst is the point of the test: SIPp sends from its first second.
  # A node slowed down by a busy machine may have taken no call yet: then the kill waits (up to
  # 20 s more) for the supervisor to see the first one.
  sleep "$KILL_AFTER"
  local waited=$SECONDS stats live
  while (( SECONDS - waited < 20 )); do
    stats=$(curl -s -m 2 -H "Authorization: Bearer $CE_ADMIN" "$CE_HTTP/api/v1/supervisor/stats" || true)
    live=$(jq -r '(.queuedCalls // 0) + (.activeCalls // 0)' <<<"$stats" 2>/dev/null || true)
    [[ "$live" =~ ^[0-9]+$ ]] && (( live > 0 )) && break
    sleep 0.1
  done
  kill_node
  ce_log "burst $run: node killed"
  # SIGTERM to timeout, which passes it on to SIPp; SIGKILL to both if that is not enough.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  pkill -9 -P "$pid" 2>/dev/null || true
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# journal_calls: how many calls the journal holds (read with H2's shell while no node runs), so
# that the check below waits for the read side to have every call, not only the ones it had so far.
journal_calls() {
  java -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$CE_WORK/data/callengine;DATABASE_TO_UPPER=false" -user sa -password "" \
    -sql "SELECT COUNT(DISTINCT persistence_id) AS n FROM event_journal WHERE persistence_id LIKE 'Call|%'" \
    | awk 'NR == 2 { print $1 }'
}

# check RUN CALLS: within SETTLE s, the read side has a record for each of the CALLS calls, every
# one ended, and the supervisor sees nothing waiting or active. Reads only the list of records and
# the statistics, never a single call.
check() {
  local run=$1 calls=$2 start=$SECONDS records open stats queued active count
  while :; do
    records=$(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE&limit=1000" "$CE_ADMIN")
    count=$(jq 'length' <<<"$records")
    open=$(jq '[.[] | select(.disposition == null)] | length' <<<"$records")
    stats=$(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN")
    queued=$(jq -r .queuedCalls <<<"$stats")
    active=$(jq -r .activeCalls <<<"$stats")
    if [[ "$count" == "$calls" && "$open" == 0 && "$queued" == 0 && "$active" == 0 ]]; then break; fi
    if (( SECONDS - start >= SETTLE )); then
      jq -c '.[] | select(.disposition == null)' <<<"$records" | head -n 5 >&2
      ce_die "run $run: $SETTLE s after the restart, $count of $calls calls recorded, $open of them not ended, supervisor: $queued queued, $active active"
    fi
    sleep 1
  done
  printf '%s\n' "$records" >"$CE_WORK/records-$run.json"
  ce_log "run $run: $((SECONDS - start)) s after ready, all $count call records ended ($(jq -c 'group_by(.disposition) | map({(.[0].disposition): length}) | add // {}' <<<"$records")), supervisor: 0 queued, 0 active"
}

start_node 1
ce_wait_ready 90
ce_http POST /api/v1/admin/queues "$CE_ADMIN" "{\"id\":\"$QUEUE\",\"name\":\"$QUEUE\"}" >/dev/null

CALLS_BEFORE=0
for ((run = 1; run <= ROUNDS; run++)); do
  burst "$run"
  CALLS_NOW=$(journal_calls)
  [[ "$CALLS_NOW" =~ ^[0-9]+$ ]] || ce_die "run $run: the journal could not be read after the kill"
  (( CALLS_NOW > CALLS_BEFORE )) || ce_die "run $run: the burst started no call before the kill"
  ce_log "run $run: the journal holds $((CALLS_NOW - CALLS_BEFORE)) call(s) of this burst, $CALLS_NOW in all"
  start_node "$((run + 1))"
  ce_wait_ready 90
  check "$run" "$CALLS_NOW"
  CALLS_BEFORE=$CALLS_NOW
done

ce_stop_node 60
echo "crash-burst: $ROUNDS kill(s) in a burst, every call record ended after each restart"
