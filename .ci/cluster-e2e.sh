#!/usr/bin/env bash
# End-to-end test of a three-node cluster behind Kamailio, over real SIP with SIPp: a throw-away
# PostgreSQL, three nodes of the jar on loopback (all listing all three as seeds), Kamailio in
# front (cluster-config/kamailio/kamailio.cfg, dispatcher list generated here), a queue and agents
# created over HTTP, agents registering THROUGH Kamailio, customers calling THROUGH Kamailio.
#
#   .ci/cluster-e2e.sh [path/to/call-engine.jar]
#
# 1. Failover: during steady customer traffic the oldest node (the one running the singletons) is
#    killed with SIGKILL. Checked: no caller refused, callers on the surviving nodes connected,
#    exactly one call record per call, the dead node's calls FAILED with a reason containing
#    "node-lost" within 15 s of the node being downed, no agent left busy with a call that is
#    over, new calls accepted by the survivors within 15 s of the downing.
# 2. Rolling restart: the killed node is started again, then each node in turn gets SIGTERM
#    (draining) and is started again, under customer traffic. Checked: no call lost. These
#    customers stay ROLLING_TALK_MS on the line: when the oldest node leaves, the Router singleton
#    moves and offers nobody for about 3 s, which a caller on hold music waits out.
# Prints a timeline (kill, unreachable, downed, singletons back, the dead node's calls ended, first
# new call) and a PASS/FAIL line per check; exits 1 if any check failed.
#
# Environment: CLUSTER_E2E_AGENTS (30), CLUSTER_E2E_RATE (calls/s, 2), CLUSTER_E2E_TALK_MS (3000,
# how long a customer stays on the line after the engine answers), CLUSTER_E2E_ROLLING_TALK_MS
# (8000, the same in the rolling restart), CLUSTER_E2E_KILL_AFTER (10 s
# into the traffic), CLUSTER_E2E_AFTER_DOWN (25: seconds of traffic after the survivors have downed
# the killed node, or after 60 s without a downing), CLUSTER_E2E_KEEP=1 keeps
# the scratch directory, CALLENGINE_JAVA_OPTS (JVM options, default -Xmx512m). Builds nothing.
set -euo pipefail
# kamailio and kamcmd live in /usr/sbin, which a user's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=cluster-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
# Enough agents to serve at once the line that builds up while routing moves (about 10 s of
# calls): a customer stays only TALK_MS after the engine answers, so one who waits longer in line
# hangs up and would count as not connected.
AGENTS=${CLUSTER_E2E_AGENTS:-30}
RATE=${CLUSTER_E2E_RATE:-2}
TALK_MS=${CLUSTER_E2E_TALK_MS:-3000}
ROLLING_TALK_MS=${CLUSTER_E2E_ROLLING_TALK_MS:-8000}
KILL_AFTER=${CLUSTER_E2E_KILL_AFTER:-10}
AFTER_DOWN=${CLUSTER_E2E_AFTER_DOWN:-25}
JAVA_OPTS=${CALLENGINE_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}
QUEUE=support
NODES=(1 2 3)
# The bounds: the whole run, one node's start, one node's stop, the survivors' reaction.
SCRIPT_LIMIT=420
START_LIMIT=120
STOP_LIMIT=60
WINDOW=15
DOWN_LIMIT=60

ce_require java curl jq sipp kamailio kamcmd ss timeout pgrep
[[ -f "$JAR" ]] || ce_die "no jar at $JAR (build it with: mvn -B -q install -DskipTests)"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/cluster-e2e.XXXXXX")
CE_KEEP=${CLUSTER_E2E_KEEP:-0}
ce_trap_finish

# Everything this script started is stopped on exit: nodes (TERM, then KILL), Kamailio, PostgreSQL.
declare -A WRAPPER SIP_PORT HTTP_PORT CLUSTER_PORT RTP_PORTS
KAM_PID=""
PG_DIR="$CE_WORK/pg"
PG_STARTED=0
ce_stop_more() {
  local i
  for i in "${NODES[@]}"; do if [[ -n "${WRAPPER[$i]:-}" ]]; then kill -TERM "${WRAPPER[$i]}" 2>/dev/null || true; fi; done
  for i in "${NODES[@]}"; do if [[ -n "${WRAPPER[$i]:-}" ]]; then stop_wait "$i" 30; fi; done
  if [[ -n "$KAM_PID" ]]; then
    kill -TERM "$KAM_PID" 2>/dev/null || true
    wait_gone "$KAM_PID" 10 || kill -KILL "$KAM_PID" 2>/dev/null || true
  fi
  if (( PG_STARTED )); then "$ROOT/.ci/postgres.sh" stop "$PG_DIR" || true; fi
}
# A hard bound on the whole run, whatever hangs: the trap above cleans up.
(sleep "$SCRIPT_LIMIT"; echo "$CE_NAME: over $SCRIPT_LIMIT s, stopping" >&2; kill -TERM $$) &
CE_PIDS+=("$!")

now_ms() { date +%s%3N; }
hms() { date -d "@$(( $1 / 1000 )).$(printf '%03d' $(( $1 % 1000 )))" +%H:%M:%S.%3N; }
# HH:MM:SS.mmm (today, from a log line) to epoch milliseconds.
log_ms() { echo $(( $(date -d "today $1" +%s%3N) )); }

wait_gone() {
  local pid=$1 limit=$2 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    (( SECONDS - start < limit )) || return 1
    sleep 0.2
  done
}

# ---- Nodes --------------------------------------------------------------------------------------

node_url() { echo "http://$CE_HOST:${HTTP_PORT[$1]}"; }

start_node() {
  local i=$1
  printf '==== %s start\n' "$(date +%H:%M:%S.%3N)" >>"$CE_WORK/node$i.log"
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of JVM options.
  # -k: timeout also arms its KILL when it forwards our SIGTERM; a draining node may take its
  # drain timeout (30 s) and more to stop. No OPTIONS probe: SIPp's agent scenario would take each
  # OPTIONS for a new call (see ce_start_node).
  (cd "$CE_WORK" && exec timeout -s TERM -k 120 "$SCRIPT_LIMIT" env \
    CALLENGINE_SIP_HOST=$CE_HOST CALLENGINE_SIP_PORT="${SIP_PORT[$i]}" CALLENGINE_SIP_PUBLIC_HOST=$CE_HOST \
    CALLENGINE_HTTP_HOST=$CE_HOST CALLENGINE_HTTP_PORT="${HTTP_PORT[$i]}" CALLENGINE_RTP_PORTS="${RTP_PORTS[$i]}" \
    CALLENGINE_CLUSTER_HOST=$CE_HOST CALLENGINE_CLUSTER_PORT="${CLUSTER_PORT[$i]}" CALLENGINE_SEED_NODES="$SEEDS" \
    CALLENGINE_DATA_DIR="$CE_WORK/data$i" CALLENGINE_ADMIN_TOKEN="$CE_ADMIN" \
    CALLENGINE_DB_URL="$DB_URL" CALLENGINE_DB_USER=callengine CALLENGINE_DB_PASSWORD=callengine \
    CALLENGINE_CLUSTER_LOG_LEVEL=INFO CALLENGINE_SIP_TRUSTED_SOURCES=$CE_HOST CALLENGINE_SIP_OPTIONS_INTERVAL=0 \
    java $JAVA_OPTS -jar "$JAR" >>"$CE_WORK/node$i.log" 2>&1) &
  WRAPPER[$i]=$!
  CE_PIDS+=("$!")
}

# The JVM of node i (the child of its timeout wrapper).
node_jvm() { pgrep -P "${WRAPPER[$1]}" java 2>/dev/null | head -n 1 || true; }

node_log_tail() {
  echo "---- last lines of node$1.log ----" >&2
  grep -v '^[[:space:]]*at ' "$CE_WORK/node$1.log" 2>/dev/null | tail -n "${2:-20}" >&2 || true
}

# Waits (bounded) for the node's /health/ready to answer 200.
wait_ready() {
  local i=$1 limit=$2 start=$SECONDS code
  while (( SECONDS - start < limit )); do
    kill -0 "${WRAPPER[$i]}" 2>/dev/null || { node_log_tail "$i"; ce_die "node $i exited during start-up"; }
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$(node_url "$i")/health/ready" || true)
    if [[ "$code" == 200 ]]; then
      ce_log "node $i ready after $((SECONDS - start)) s"
      return 0
    fi
    sleep 0.5
  done
  node_log_tail "$i"
  ce_die "node $i was not ready within $limit s (last /health/ready status: ${code:-none})"
}

members() { curl -s -m 3 -H "Authorization: Bearer $CE_ADMIN" "$(node_url "$1")/api/v1/admin/health" | jq -r '.nodes // 0' 2>/dev/null || echo 0; }

# Waits (bounded) until every listed node counts COUNT cluster members.
wait_members() {
  local count=$1 limit=$2 start=$SECONDS i ok
  shift 2
  while (( SECONDS - start < limit )); do
    ok=1
    for i in "$@"; do [[ $(members "$i") == "$count" ]] || { ok=0; break; }; done
    if (( ok )); then ce_log "nodes $* see $count members"; return 0; fi
    sleep 0.5
  done
  ce_die "nodes $* did not see $count cluster members within $limit s"
}

# SIGTERM through the wrapper (timeout passes it on to the JVM), then a bounded wait.
stop_wait() {
  local i=$1 limit=$2 jvm
  jvm=$(node_jvm "$i")
  if ! wait_gone "${WRAPPER[$i]}" "$limit"; then
    ce_log "node $i did not stop within $limit s; killing it"
    [[ -n "$jvm" ]] && kill -KILL "$jvm" 2>/dev/null || true
    kill -KILL "${WRAPPER[$i]}" 2>/dev/null || true
  fi
  wait "${WRAPPER[$i]}" 2>/dev/null || true
}

# ---- SIPp traffic and its traces ----------------------------------------------------------------

# customers LABEL TALK_MS EXTRA_SIPP_ARGS...: starts a customer SIPp through Kamailio in the
# background, each customer TALK_MS on the line after the engine answers; sets CUSTOMERS_PID (the
# timeout wrapper).
customers() {
  local label=$1 talk_ms=$2 port media
  shift 2
  ce_free_port port
  ce_free_port media 4
  (cd "$CE_WORK" && exec timeout -k 5 320 sipp "$CE_HOST:$KAM_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "$QUEUE" \
    -i $CE_HOST -p "$port" -mp "$media" -r "$RATE" -d "$talk_ms" -l 200 -timeout 300s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" "$@" \
    -trace_stat -stf "$label-stat.csv" -fd 1 -trace_err -error_file "$label-errors.log" \
    -trace_msg -message_file "$label-messages.log" >"$label.out" 2>&1) &
  CUSTOMERS_PID=$!
  CE_PIDS+=("$!")
}

# One line per SIP message of a SIPp -trace_msg file: epoch_ms dir(in|out) first-token cseq-method call-id from-uri
# (first-token is the method of a request or the status of a response).
messages_tsv() {
  awk -v OFS='\t' '
    { sub(/\r$/, "") }
    function flush() { if (first != "") print sprintf("%.0f", ms), dir, first, cseqm, cid, from; first = ""; cseqm = ""; cid = ""; from = "" }
    /^----------------------------------------------- / {
      flush(); dir = ""
      # "----- 2026-12-06 08:46:00.731632": midnight of the date (once per date) plus the time of day.
      if (!($2 in midnight)) { cmd = "date -d " $2 " +%s"; cmd | getline midnight[$2]; close(cmd) }
      split($3, t, /[:.]/)
      ms = (midnight[$2] + t[1] * 3600 + t[2] * 60 + t[3]) * 1000 + int(substr(t[4] "000", 1, 3))
      next
    }
    /message received/ { dir = "in"; next }
    /message sent/ { dir = "out"; next }
    dir != "" && first == "" && NF > 0 { first = ($1 == "SIP/2.0") ? $2 : $1; next }
    tolower($1) == "cseq:" { cseqm = $3 }
    tolower($1) == "call-id:" { cid = $2 }
    tolower($1) == "from:" { if (match($0, /<[^>]*>/)) from = substr($0, RSTART + 1, RLENGTH - 2) }
    END { flush() }' "$1"
}

# Kamailio log lines "[epoch.usec] INVITE from <from> answered by node <ip:port>" as: from ip:port epoch_ms
answered_by() {
  sed -nE 's/^.*\[([0-9]+)\.([0-9]{3})[0-9]*\] INVITE from ([^ ]+) answered by node ([^ ]+)$/\3\t\4\t\1\2/p' "$CE_WORK/kamailio.log"
}

# ---- Checks -------------------------------------------------------------------------------------

# jq: an ISO-8601 instant (with or without fraction) as epoch milliseconds.
JQ_MS='def ms: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) * 1000
  + ((capture("\\.(?<f>[0-9]+)Z$").f // "0") + "00" | .[0:3] | tonumber);'

RESULTS=()
check() {  # check NAME PASS|FAIL DETAIL
  RESULTS+=("$(printf '%-4s %s: %s' "$2" "$1" "$3")")
  ce_log "$2 $1: $3"
}

records() {
  local out
  out=$(curl -s -m 15 -H "Authorization: Bearer $CE_ADMIN" "$(node_url "$1")/api/v1/supervisor/calls?queueId=$QUEUE&limit=1000") || out='[]'
  jq -e 'type == "array"' >/dev/null 2>&1 <<<"$out" && echo "$out" || echo '[]'
}

# run_records NODE SIPP_PORT EXPECTED: the records of one SIPp run (its callers' URIs end in its
# port), once EXPECTED of them have ended or after a bounded wait for the read side.
run_records() {
  local start=$SECONDS recs
  while :; do
    recs=$(records "$1" | jq -c --arg p ":$2" '[.[] | select(.caller | endswith($p))]')
    if (( ($(jq length <<<"$recs") >= $3 && $(jq '[.[] | select(.endedAt == null)] | length' <<<"$recs") == 0) || SECONDS - start >= 30 )); then
      echo "$recs"
      return 0
    fi
    sleep 1
  done
}

# Called once the customers' SIPp has ended, so every call is over: agents still RESERVED, RINGING
# or ON_CALL after a bounded wait for their release are stuck. Lists them with their calls' records.
stuck_agents() {
  local i=$1 limit=$2 start=$SECONDS agents stuck
  while :; do
    agents=$(curl -s -m 10 -H "Authorization: Bearer $CE_ADMIN" "$(node_url "$i")/api/v1/admin/agents" || echo '[]')
    stuck=$(jq -c '[ .[]? | select(.activity == "RESERVED" or .activity == "RINGING" or .activity == "ON_CALL")
        | {id, activity, currentCalls} ]' <<<"$agents" 2>/dev/null || echo '["unreadable"]')
    if [[ "$stuck" == "[]" ]] || (( SECONDS - start >= limit )); then break; fi
    sleep 1
  done
  jq -c --argjson recs "$(records "$i")" 'map(. + {calls: [.currentCalls[]? as $c | $recs[] | select(.callId == $c)
    | {caller, status, disposition}]})' <<<"$stuck" 2>/dev/null || echo "$stuck"
}

# ---- 1. PostgreSQL and three nodes --------------------------------------------------------------

ce_free_port PG_PORT
DB_URL=$("$ROOT/.ci/postgres.sh" start "$PG_DIR" "$PG_PORT" | tail -n 1)
PG_STARTED=1
ce_log "PostgreSQL at $DB_URL"

CE_ADMIN=$(ce_random_token)
SEEDS=""
for i in "${NODES[@]}"; do
  ce_free_port SIP_PORT[$i]
  ce_free_port HTTP_PORT[$i]
  ce_free_port CLUSTER_PORT[$i]
  ce_free_port rtp_base 1000
  RTP_PORTS[$i]="$rtp_base-$((rtp_base + 999))"
  SEEDS+="${SEEDS:+,}pekko://callengine@$CE_HOST:${CLUSTER_PORT[$i]}"
  mkdir -p "$CE_WORK/data$i"
  ce_log "node $i: SIP $CE_HOST:${SIP_PORT[$i]}, HTTP ${HTTP_PORT[$i]}, cluster ${CLUSTER_PORT[$i]}, RTP ${RTP_PORTS[$i]}"
done

# The first seed starts alone and forms the cluster, so it is the oldest member.
start_node 1
wait_ready 1 "$START_LIMIT"
start_node 2
start_node 3
wait_ready 2 "$START_LIMIT"
wait_ready 3 "$START_LIMIT"
wait_members 3 30 1 2 3
CE_HTTP=$(node_url 2)

# The oldest node runs the singletons: the one whose singleton manager became Oldest first.
OLDEST=$(for i in "${NODES[@]}"; do
  t=$(grep -m1 -oE '^[0-9:.]+ .*ClusterSingletonManager state change \[(Start|BecomingOldest) -> Oldest\]' "$CE_WORK/node$i.log" | cut -d' ' -f1 || true)
  if [[ -n "$t" ]]; then echo "$t $i"; fi
done | sort | head -n 1 | cut -d' ' -f2)
if [[ -z "$OLDEST" ]]; then
  OLDEST=1
  ce_log "no singleton hand-over in the logs; taking the first seed (started first) as the oldest"
fi
ce_log "oldest node (singletons): node $OLDEST"
KEY_ROWS=$(PGPASSWORD=callengine psql -h $CE_HOST -p "$PG_PORT" -U callengine -d callengine -qtAc "select count(*) from sip_nonce_key")
ce_log "sip_nonce_key rows: $KEY_ROWS"

# ---- 2. Kamailio in front -----------------------------------------------------------------------

ce_free_port KAM_PORT
mkdir -p "$CE_WORK/kamailio"
{
  echo "# generated by cluster-e2e.sh"
  for i in "${NODES[@]}"; do echo "1 sip:$CE_HOST:${SIP_PORT[$i]}"; done
} >"$CE_WORK/kamailio/dispatcher.list"
KAM_CTL="$CE_WORK/kamailio/ctl"
KAM_DEFINES=(-A "LISTEN_ADDR=$CE_HOST" -A "LISTEN_PORT=$KAM_PORT" -A "DISPATCHER_LIST=\"$CE_WORK/kamailio/dispatcher.list\""
  -A "CONTROL_SOCKET=\"unix:$KAM_CTL\"" -A "LOG_LEVEL=2")
kamailio -c -f "$ROOT/cluster-config/kamailio/kamailio.cfg" "${KAM_DEFINES[@]}" >"$CE_WORK/kamailio-check.log" 2>&1 \
  || { tail -n 20 "$CE_WORK/kamailio-check.log" >&2; ce_die "kamailio.cfg does not pass kamailio -c"; }
(cd "$CE_WORK" && exec timeout -k 5 "$SCRIPT_LIMIT" kamailio -f "$ROOT/cluster-config/kamailio/kamailio.cfg" "${KAM_DEFINES[@]}" \
  -DD -E -m 64 -M 8 -Y "$CE_WORK/kamailio" -P "$CE_WORK/kamailio/kamailio.pid" -w "$CE_WORK/kamailio" \
  >"$CE_WORK/kamailio.log" 2>&1) &
KAM_PID=$!
CE_PIDS+=("$KAM_PID")
ds_active() { timeout 5 kamcmd -s "unix:$KAM_CTL" dispatcher.list 2>/dev/null | grep -c 'FLAGS: A' || true; }
start=$SECONDS
until [[ $(ds_active) == 3 ]]; do
  kill -0 "$KAM_PID" 2>/dev/null || { tail -n 20 "$CE_WORK/kamailio.log" >&2; ce_die "kamailio exited"; }
  (( SECONDS - start < 20 )) || { tail -n 20 "$CE_WORK/kamailio.log" >&2; ce_die "Kamailio did not see 3 active nodes within 20 s"; }
  sleep 0.5
done
ce_log "Kamailio on $CE_HOST:$KAM_PORT, 3 nodes active"

# ---- 3. Queue, agents, their phones (through Kamailio) ------------------------------------------

ce_create_queue "$QUEUE" 10
ce_create_agents "$AGENTS"
ce_log "created queue $QUEUE and $AGENTS agents on node 2"

ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
# Agent legs of the killed node's calls never get their BYE: -recv_timeout frees them.
(cd "$CE_WORK" && exec timeout -k 5 "$SCRIPT_LIMIT" sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" \
  -mp "$UAS_MEDIA_PORT" -recv_timeout 60000 -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
  -trace_stat -stf uas-stat.csv -fd 1 -trace_err -error_file uas-errors.log >uas.out 2>&1) &
UAS_PID=$!
CE_PIDS+=("$UAS_PID")

CE_SIP_PORT=$KAM_PORT   # REGISTER through Kamailio: challenge and answer may reach different nodes.
ce_register_agents "$AGENTS" "$CE_HOST:$UAS_PORT"
ce_agents_available
REGISTER_NODES=$(grep -cE 'REGISTER .* to node ' "$CE_WORK/kamailio.log" || true)
ce_log "$AGENTS agents registered through Kamailio ($REGISTER_NODES REGISTERs dispatched over $(grep -E 'REGISTER .* to node ' "$CE_WORK/kamailio.log" | sed -E 's/.* to node //' | sort -u | tr '\n' ' ')) and AVAILABLE"

# ---- 4. Failover: SIGKILL the oldest node under traffic -----------------------------------------

DEAD=$OLDEST
SURVIVORS=()
for i in "${NODES[@]}"; do [[ $i != "$DEAD" ]] && SURVIVORS+=("$i"); done
CE_HTTP=$(node_url "${SURVIVORS[0]}")

ce_log "failover phase: calls at $RATE/s, $TALK_MS ms on the line, node $DEAD killed after $KILL_AFTER s, calls until $AFTER_DOWN s after the downing"
TRAFFIC_START=$(now_ms)
customers failover "$TALK_MS"
FAILOVER_SIPP=$CUSTOMERS_PID
# The kill comes once KILL_AFTER*RATE calls have reached the cluster (Kamailio logs each dispatch).
dispatched() { local n; n=$(grep -cE '\] INVITE sip:[^ ]+ from [^ ]+ to node ' "$CE_WORK/kamailio.log") || true; echo "${n:-0}"; }
until (( $(dispatched) >= KILL_AFTER * RATE )); do
  kill -0 "$FAILOVER_SIPP" 2>/dev/null || ce_die "the customers' SIPp ended before the kill"
  (( $(now_ms) - TRAFFIC_START < (KILL_AFTER + 30) * 1000 )) || ce_die "the customers placed too few calls"
  sleep 0.2
done
DEAD_JVM=$(node_jvm "$DEAD")
KILL_MS=$(now_ms)
kill -KILL "$DEAD_JVM"
ce_log "killed node $DEAD (pid $DEAD_JVM) with SIGKILL at $(hms "$KILL_MS")"
wait "${WRAPPER[$DEAD]}" 2>/dev/null || true
WRAPPER[$DEAD]=""

# The survivors see it gone: two members left (bounded; the result is checked below).
DOWNED_SEEN_MS=""
start=$SECONDS
while (( SECONDS - start < DOWN_LIMIT )); do
  if [[ $(members "${SURVIVORS[0]}") == 2 && $(members "${SURVIVORS[1]}") == 2 ]]; then DOWNED_SEEN_MS=$(now_ms); break; fi
  sleep 0.5
done
if [[ -n "$DOWNED_SEEN_MS" ]]; then ce_log "survivors count 2 members at $(hms "$DOWNED_SEEN_MS")"; else ce_log "survivors still count 3 members after $DOWN_LIMIT s"; fi
# Calls go on for AFTER_DOWN s after the downing, so that the survivors' recovery is seen; then
# SIGUSR1: SIPp places no new call and ends once its calls are over.
until (( $(now_ms) >= ${DOWNED_SEEN_MS:-0} + AFTER_DOWN * 1000 )); do sleep 0.5; done
sipp_pid=$(pgrep -P "$FAILOVER_SIPP" sipp | head -n 1 || true)
if [[ -n "$sipp_pid" ]]; then kill -USR1 "$sipp_pid" 2>/dev/null || true; fi
wait_gone "$FAILOVER_SIPP" 30 || kill -TERM "$FAILOVER_SIPP" 2>/dev/null || true
rc=0
wait "$FAILOVER_SIPP" || rc=$?
ce_log "failover customers: SIPp exit $rc, $(ce_stat "$CE_WORK/failover-stat.csv" 'SuccessfulCall(C)') successful, $(ce_stat "$CE_WORK/failover-stat.csv" 'FailedCall(C)') failed"

# ---- 5. Failover checks -------------------------------------------------------------------------

messages_tsv "$CE_WORK/failover-messages.log" >"$CE_WORK/failover-messages.tsv"
answered_by >"$CE_WORK/answered-by.tsv"
DEAD_ADDR="$CE_HOST:${SIP_PORT[$DEAD]}"

# What the customers saw. A call is refused when its INVITE got no 200 (a final error, or nothing).
# Kamailio passes a node's 503 on as 500 when no node is left to try (RFC 3261 16.7), and answers
# 503 itself when every node is out: both count, as every 5xx does. A call of the killed node whose
# BYE then fails (408 from Kamailio: no node holds it) is not a refusal: SIPp counts it failed, and
# it is listed apart.
PLACED=$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { print $5 }' "$CE_WORK/failover-messages.tsv" | sort -u | wc -l)
ACCEPTED_IDS=$(awk -F'\t' '$2 == "in" && $3 == "200" && $4 == "INVITE" { print $5 }' "$CE_WORK/failover-messages.tsv" | sort -u)
ACCEPTED=$(grep -c . <<<"$ACCEPTED_IDS" || true)
INVITE_ERRORS=$(awk -F'\t' '$2 == "in" && $4 == "INVITE" && $3 ~ /^[3-6][0-9][0-9]$/ { print $3 }' "$CE_WORK/failover-messages.tsv" | sort | uniq -c | awk '{printf "%s x%s ", $2, $1}')
FIVE_XX=$(awk -F'\t' '$2 == "in" && $4 == "INVITE" && $3 ~ /^5/' "$CE_WORK/failover-messages.tsv" | wc -l)
BYE_FAILED=$(awk -F'\t' '$2 == "in" && $4 == "BYE" && $3 ~ /^[3-6][0-9][0-9]$/ { print $5 }' "$CE_WORK/failover-messages.tsv" | sort -u | wc -l)
SIPP_FAILED=$(ce_stat "$CE_WORK/failover-stat.csv" 'FailedCall(C)')
REFUSED=$((PLACED - ACCEPTED))
REFUSED_BEFORE_KILL=$(awk -F'\t' -v k="$KILL_MS" '$2 == "out" && $3 == "INVITE" && $1 < k { sent[$5] = 1 }
  $2 == "in" && $3 == "200" && $4 == "INVITE" { ok[$5] = 1 } END { n = 0; for (c in sent) if (!(c in ok)) n++; print n }' "$CE_WORK/failover-messages.tsv")
DETAIL="$PLACED calls placed, $ACCEPTED answered 200, $REFUSED refused ($REFUSED_BEFORE_KILL of them placed before the kill); error answers to INVITE: ${INVITE_ERRORS:-none} ($FIVE_XX 5xx); SIPp failed calls ${SIPP_FAILED:-?} (of which $BYE_FAILED with a failed BYE)"
if (( REFUSED == 0 && FIVE_XX == 0 && PLACED > 0 )); then check "no caller refused" PASS "$DETAIL"; else check "no caller refused" FAIL "$DETAIL"; fi

# Records, once the read side has every answered call ended (bounded).
PORT_OF_RUN=$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { print $6; exit }' "$CE_WORK/failover-messages.tsv" | sed -E 's/.*:([0-9]+)$/\1/')
RUN_RECS=$(run_records "${SURVIVORS[0]}" "$PORT_OF_RUN" "$ACCEPTED")
printf '%s\n' "$RUN_RECS" >"$CE_WORK/failover-records.json"
ce_log "call records of this phase: $(jq length <<<"$RUN_RECS"), by disposition $(jq -c 'group_by(.disposition) | map({(.[0].disposition // "open"): length}) | add // {}' <<<"$RUN_RECS")"

# Exactly one record per call: every caller that placed a call, once.
CALLERS=$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { print $6 }' "$CE_WORK/failover-messages.tsv" | sort -u)
DUPES=$(jq -r '[.[].caller] | group_by(.) | map(select(length > 1) | "\(.[0]) x\(length)") | join(", ")' <<<"$RUN_RECS")
MISSING=$(comm -23 <(echo "$CALLERS") <(jq -r '.[].caller' <<<"$RUN_RECS" | sort -u) | grep -c . || true)
DETAIL="$PLACED calls, $(jq length <<<"$RUN_RECS") records, $MISSING calls without a record, duplicates: ${DUPES:-none}"
if (( MISSING == 0 )) && [[ -z "$DUPES" ]] && (( $(jq length <<<"$RUN_RECS") == PLACED )); then check "one record per call" PASS "$DETAIL"; else check "one record per call" FAIL "$DETAIL"; fi

# When routing was back: the singletons (the Router among them) started on a survivor.
first_log() {  # first_log REGEX: "HH:MM:SS.mmm node" of the first survivor line after the kill
  local i t best=""
  for i in "${SURVIVORS[@]}"; do
    t=$(grep -E "$1" "$CE_WORK/node$i.log" | cut -d' ' -f1 | while read -r t; do
      if [[ "$t" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}$ ]] && (( $(log_ms "$t") >= KILL_MS )); then echo "$t"; break; fi
    done || true)
    if [[ -n "$t" && ( -z "$best" || "$t" < "${best% *}" ) ]]; then best="$t node$i"; fi
  done
  echo "$best"
}
SINGLETONS=$(first_log 'Singleton manager starting singleton actor|ClusterSingletonManager state change \[.* -> Oldest\]')
SINGLETONS_MS=""
[[ -n "$SINGLETONS" ]] && SINGLETONS_MS=$(log_ms "${SINGLETONS% *}")

# Callers on the surviving nodes were connected to an agent, but for those who hung up while the
# Router was away: a caller the engine answered just before the kill, and that routing had not
# matched yet, hears the queue for TALK_MS and hangs up before any Router can offer the call.
ON_SURVIVORS=$(awk -F'\t' -v dead="$DEAD_ADDR" '$2 != dead { print $1 }' "$CE_WORK/answered-by.tsv" | sort -u)
HUNG_UP_BEFORE=$(awk -F'\t' -v back="${SINGLETONS_MS:-0}" '$2 == "out" && $3 == "BYE" && $1 < back { print $6 }' "$CE_WORK/failover-messages.tsv" | sort -u)
UNSERVED=$(jq -c --arg callers "$ON_SURVIVORS" --arg early "$HUNG_UP_BEFORE" '
  ($callers | split("\n")) as $c | ($early | split("\n")) as $e
  | [.[] | select(.caller as $x | $c | index($x) != null) | select(.answeredAt == null)
    | {caller, status, disposition, endReason, enqueuedAt, answeredAt, waitSeconds,
       gaveUp: ((.caller as $x | $e | index($x) != null) and .endReason == "customer hung up")}]' <<<"$RUN_RECS")
NOT_CONNECTED=$(jq -c '[.[] | select(.gaveUp | not) | del(.gaveUp)]' <<<"$UNSERVED")
DETAIL="$(grep -c . <<<"$ON_SURVIVORS" || true) calls answered by the survivors, not connected to an agent: $(jq length <<<"$NOT_CONNECTED") (and $(jq '[.[] | select(.gaveUp)] | length' <<<"$UNSERVED") who hung up before routing was back)"
if [[ "$NOT_CONNECTED" == "[]" && -n "$ON_SURVIVORS" ]]; then check "callers on survivors connected" PASS "$DETAIL"; else check "callers on survivors connected" FAIL "$DETAIL $(jq -c '.[:5]' <<<"$NOT_CONNECTED")"; fi

# Every call is over by now (SIPp has ended): so is every record, whichever node held the call.
OPEN=$(jq -c '[.[] | select(.endedAt == null) | {caller, status, agentId, enqueuedAt}]' <<<"$RUN_RECS")
if [[ "$OPEN" == "[]" ]]; then check "every record ended" PASS "$(jq length <<<"$RUN_RECS") records, all ended"; else check "every record ended" FAIL "$(jq length <<<"$OPEN") records still open: $(jq -c '.[:4]' <<<"$OPEN")"; fi

# The timeline, from the survivors' logs (cluster at INFO), Kamailio's and SIPp's.
UNREACHABLE=$(first_log 'UNREACHABLE')
DOWNED=$(first_log 'SBR took decision|is downing|as \[Down\]|Leader is removing .*unreachable')
LEGS_LOST=$(first_log 'lost its SIP legs')
KAM_DOWN=$(sed -nE "s/^.*\[([0-9]+)\.([0-9]{3})[0-9]*\] engine node down: sip:$DEAD_ADDR.*/\1\2/p" "$CE_WORK/kamailio.log" \
  | awk -v k="$KILL_MS" '$1 >= k { print; exit }')
FIRST_ACCEPTED=$(awk -F'\t' -v k="$KILL_MS" '$2 == "out" && $3 == "INVITE" && $1 >= k { sent[$5] = 1 }
  $2 == "in" && $3 == "200" && $4 == "INVITE" && sent[$5] { print $1; exit }' "$CE_WORK/failover-messages.tsv")
FIRST_SERVED=$(jq -r --argjson k "$KILL_MS" "$JQ_MS"'
  [.[] | select(.answeredAt != null and (.enqueuedAt | ms) >= $k) | .answeredAt | ms] | min // empty' <<<"$RUN_RECS")
DOWNED_MS=""
[[ -n "$DOWNED" ]] && DOWNED_MS=$(log_ms "${DOWNED% *}")
[[ -z "$DOWNED_MS" && -n "$DOWNED_SEEN_MS" ]] && DOWNED_MS=$DOWNED_SEEN_MS
since() { if [[ -n "$1" ]]; then awk -v t="$1" -v k="$KILL_MS" 'BEGIN { printf "%+.1f s", (t - k) / 1000 }'; else printf 'not seen'; fi; }
{
  echo "timeline (t=0: SIGKILL of node $DEAD, the oldest)"
  printf '  %-44s %s\n' "kill -9 node $DEAD" "$(hms "$KILL_MS")  +0.0 s"
  printf '  %-44s %s\n' "Kamailio: node $DEAD taken out" "${KAM_DOWN:+$(hms "$KAM_DOWN")  }$(since "$KAM_DOWN")"
  printf '  %-44s %s\n' "survivors: node $DEAD unreachable" "${UNREACHABLE:-} $( [[ -n "$UNREACHABLE" ]] && since "$(log_ms "${UNREACHABLE% *}")" || echo 'not seen')"
  printf '  %-44s %s\n' "survivors: node $DEAD downed" "${DOWNED:-} $( [[ -n "$DOWNED" ]] && since "$(log_ms "${DOWNED% *}")" || echo 'not in the logs')"
  printf '  %-44s %s\n' "survivors: 2 members (admin/health)" "${DOWNED_SEEN_MS:+$(hms "$DOWNED_SEEN_MS")  }$(since "$DOWNED_SEEN_MS")"
  printf '  %-44s %s\n' "singletons back on a survivor" "${SINGLETONS:-} $( [[ -n "$SINGLETONS" ]] && since "$(log_ms "${SINGLETONS% *}")" || echo 'not seen')"
  printf '  %-44s %s\n' "dead node's calls ended FAILED node-lost" "${LEGS_LOST:-} $( [[ -n "$LEGS_LOST" ]] && since "$(log_ms "${LEGS_LOST% *}")" || echo 'not seen')"
  printf '  %-44s %s\n' "first call placed after the kill answered" "${FIRST_ACCEPTED:+$(hms "$FIRST_ACCEPTED")  }$(since "$FIRST_ACCEPTED")"
  printf '  %-44s %s\n' "first call placed after the kill served" "${FIRST_SERVED:+$(hms "$FIRST_SERVED")  }$(since "$FIRST_SERVED")"
} | tee "$CE_WORK/timeline.txt" >&2

# The killed node's calls: answered by it and not over at the kill. FAILED, "node-lost", within
# WINDOW s of the downing.
ON_DEAD=$(awk -F'\t' -v dead="$DEAD_ADDR" '$2 == dead { print $1 }' "$CE_WORK/answered-by.tsv" | sort -u)
DEAD_CALLS=$(jq -c --arg callers "$ON_DEAD" --argjson kill "$KILL_MS" "$JQ_MS"'
  ($callers | split("\n") | map(select(. != ""))) as $c
  | [.[] | select(.caller as $x | $c | index($x) != null) | select(.endedAt == null or (.endedAt | ms) >= $kill)
    | {caller, disposition, endReason, endedAt}]' <<<"$RUN_RECS")
DEAD_OPEN=$(comm -23 <(echo "$ON_DEAD" | grep .) <(jq -r '.[].caller' <<<"$RUN_RECS" | sort -u) | grep -c . || true)
if [[ -z "$DOWNED_MS" ]]; then
  check "dead node's calls FAILED node-lost" FAIL "node $DEAD was never downed; its calls: $(jq -c . <<<"$DEAD_CALLS")"
else
  LATE=$(jq -c --argjson limit $((DOWNED_MS + WINDOW * 1000)) "$JQ_MS"'[.[] | select(.disposition != "FAILED"
    or ((.endReason // "") | contains("node-lost") | not) or .endedAt == null or (.endedAt | ms) > $limit)]' <<<"$DEAD_CALLS")
  DETAIL="$(jq length <<<"$DEAD_CALLS") calls of node $DEAD open at the kill, $DEAD_OPEN without any record; not FAILED/node-lost by $(hms $((DOWNED_MS + WINDOW * 1000))): $(jq length <<<"$LATE") $(jq -c '.[:4]' <<<"$LATE")"
  if [[ "$LATE" == "[]" ]] && (( DEAD_OPEN == 0 )); then check "dead node's calls FAILED node-lost" PASS "$DETAIL"; else check "dead node's calls FAILED node-lost" FAIL "$DETAIL"; fi
fi

# New calls accepted by the survivors within WINDOW s of the downing.
if [[ -z "$DOWNED_MS" ]]; then
  check "new calls accepted after downing" FAIL "node $DEAD was never downed"
else
  FIRST_AFTER_DOWN=$(awk -F'\t' -v d="$DOWNED_MS" '$2 == "out" && $3 == "INVITE" && $1 >= d { sent[$5] = 1 }
    $2 == "in" && $3 == "200" && $4 == "INVITE" && sent[$5] { print $1; exit }' "$CE_WORK/failover-messages.tsv")
  if [[ -n "$FIRST_AFTER_DOWN" ]] && (( FIRST_AFTER_DOWN - DOWNED_MS <= WINDOW * 1000 )); then
    check "new calls accepted after downing" PASS "first call placed after the downing answered $(since "$FIRST_AFTER_DOWN") (downed $(since "$DOWNED_MS"))"
  else
    check "new calls accepted after downing" FAIL "first call placed after the downing answered: $(since "$FIRST_AFTER_DOWN") (downed $(since "$DOWNED_MS"); traffic ended $(since "$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { t = $1 } END { print t }' "$CE_WORK/failover-messages.tsv")"))"
  fi
fi

STUCK=$(stuck_agents "${SURVIVORS[0]}" 15)
if [[ "$STUCK" == "[]" ]]; then check "no agent stuck after failover" PASS "no agent RESERVED/RINGING/ON_CALL once every call is over"; else check "no agent stuck after failover" FAIL "$STUCK"; fi

# ---- 6. Restart the killed node, then a rolling restart with SIGTERM under traffic ---------------

start_node "$DEAD"
wait_ready "$DEAD" "$START_LIMIT"
wait_members 3 30 "${NODES[@]}"
ce_log "rolling restart under traffic at $RATE/s, $ROLLING_TALK_MS ms on the line"
customers rolling "$ROLLING_TALK_MS"
ROLLING_SIPP=$CUSTOMERS_PID
for i in "${NODES[@]}"; do
  CE_HTTP=$(node_url $(( i % 3 + 1 )))
  jvm=$(node_jvm "$i")
  ce_log "SIGTERM to node $i (pid $jvm)"
  kill -TERM "${WRAPPER[$i]}"
  stop_wait "$i" "$STOP_LIMIT"
  ce_log "node $i stopped"
  start_node "$i"
  wait_ready "$i" "$START_LIMIT"
  wait_members 3 30 "${NODES[@]}"
done
# SIGUSR1: SIPp places no new call and ends once its calls are over.
sipp_pid=$(pgrep -P "$ROLLING_SIPP" sipp | head -n 1 || true)
[[ -n "$sipp_pid" ]] && kill -USR1 "$sipp_pid" 2>/dev/null || true
wait_gone "$ROLLING_SIPP" 60 || { kill -TERM "$ROLLING_SIPP" 2>/dev/null || true; }
rc=0
wait "$ROLLING_SIPP" || rc=$?

messages_tsv "$CE_WORK/rolling-messages.log" >"$CE_WORK/rolling-messages.tsv"
R_PLACED=$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { print $5 }' "$CE_WORK/rolling-messages.tsv" | sort -u | wc -l)
R_ACCEPTED=$(awk -F'\t' '$2 == "in" && $3 == "200" && $4 == "INVITE" { print $5 }' "$CE_WORK/rolling-messages.tsv" | sort -u | wc -l)
R_ENDED=$(awk -F'\t' '$2 == "in" && $3 == "200" && $4 == "BYE" { print $5 }' "$CE_WORK/rolling-messages.tsv" | sort -u | wc -l)
R_ERRORS=$(awk -F'\t' '$2 == "in" && $3 ~ /^[3-6][0-9][0-9]$/ { print $4 " " $3 }' "$CE_WORK/rolling-messages.tsv" | sort | uniq -c | awk '{printf "%s %s x%s, ", $2, $3, $1}')
R_PORT=$(awk -F'\t' '$2 == "out" && $3 == "INVITE" { print $6; exit }' "$CE_WORK/rolling-messages.tsv" | sed -E 's/.*:([0-9]+)$/\1/')
R_RECS=$(run_records 1 "$R_PORT" "$R_ACCEPTED")
printf '%s\n' "$R_RECS" >"$CE_WORK/rolling-records.json"
R_COMPLETED=$(jq '[.[] | select(.disposition == "COMPLETED" and .answeredAt != null)] | length' <<<"$R_RECS")
R_DUPES=$(jq -r '[.[].caller] | group_by(.) | map(select(length > 1)) | length' <<<"$R_RECS")
DETAIL="SIPp exit $rc; $R_PLACED calls placed, $R_ACCEPTED answered, $R_ENDED hung up cleanly; error answers: ${R_ERRORS:-none}; records $(jq length <<<"$R_RECS") ($R_COMPLETED COMPLETED with an agent, $R_DUPES callers with several), by disposition $(jq -c 'group_by(.disposition) | map({(.[0].disposition // "open"): length}) | add // {}' <<<"$R_RECS")"
if (( R_PLACED > 0 && R_ACCEPTED == R_PLACED && R_ENDED == R_PLACED && R_COMPLETED == R_PLACED && R_DUPES == 0 )) \
  && (( $(jq length <<<"$R_RECS") == R_PLACED )); then
  check "rolling restart: no call lost" PASS "$DETAIL"
else
  check "rolling restart: no call lost" FAIL "$DETAIL $(jq -c '[.[] | select(.disposition != "COMPLETED")][:4]' <<<"$R_RECS")"
fi
STUCK=$(stuck_agents 1 15)
if [[ "$STUCK" == "[]" ]]; then check "no agent stuck after the rolling restart" PASS "none"; else check "no agent stuck after the rolling restart" FAIL "$STUCK"; fi

# ---- Summary ------------------------------------------------------------------------------------

FAILS=0
echo "cluster-e2e results:" >&2
for r in "${RESULTS[@]}"; do
  echo "  $r" >&2
  if [[ "$r" == FAIL* ]]; then FAILS=$((FAILS + 1)); fi
done
cat "$CE_WORK/timeline.txt" >&2
echo "cluster-e2e: $(( ${#RESULTS[@]} - FAILS )) passed, $FAILS failed" >&2
(( FAILS == 0 ))
