#!/usr/bin/env bash
# SIP load ramp with SIPp: registers many agents (one SIPp UAS answers for all of them),
# then offers customer calls at rising rates, one fixed-length step per rate, each step to
# its own queue. Per step it records what SIPp saw (attempted, successful, failed calls;
# the INVITE -> 200 "answer" time, i.e. until the engine has queued the call) and what the
# engine recorded (dispositions; the "connect" time from enqueued to answered by the agent).
# A step is clean when no call failed (SIPp on either side, or a record other than
# COMPLETED), SIPp reached at least 90 % of the target rate and the answer p99 stayed under
# RAMP_MAX_P99_MS. A step whose only failures are INVITEs answered 503 (the engine's
# overload admission, counted from SIPp's unexpected-message log) is "refusing": not clean,
# as those calls were not served. The ramp stops at the first step that is not clean and
# prints the highest clean rate. A short warm-up (not reported) comes first so that the JIT
# has compiled the hot paths.
#
# Per step it also records the node's CPU time per completed call (node CPU ms / calls the
# engine recorded COMPLETED) and, unless RAMP_REFERENCE=0, a reference step right after it:
# SIPp's built-in UAC at the same rate through Kamailio (bench/reference/kamailio-proxy.cfg,
# a stateful record-routing proxy) to SIPp's built-in UAS, for RAMP_REFERENCE_SECONDS, with
# Kamailio's CPU ms per call (all its processes), so that the engine's figure can be read
# against what this machine does at that moment (ratio engine/reference).
#
#   bench/sipp-ramp.sh [path/to/call-engine.jar]
#
# Environment (defaults in brackets):
#   RAMP_RATES ["5 10 20 40 60 80 100 120 140 160 200"]  calls per second, one step each
#   RAMP_STEP_SECONDS [15]                 each step offers rate x seconds calls
#   RAMP_TALK_MS [1000]                    customer hangs up this long after the engine's 200
#   RAMP_AGENTS [200]                      agents (each takes one call at a time)
#   RAMP_MAX_P99_MS [1000]                 answer p99 above this ends the ramp (saturated)
#   RAMP_WARMUP_CALLS [200]                calls at 20 calls/s before the first step
#   RAMP_OUT [a new directory under /tmp]  where results and logs go (kept)
#   RAMP_REFERENCE [1]                     0: no Kamailio reference steps
#   RAMP_REFERENCE_SECONDS [5]             length of each reference step
#   CALLENGINE_JAVA_OPTS                   JVM options for the node started here
# To load a node that is already running on this machine instead of starting one:
#   RAMP_HTTP=http://127.0.0.1:8080 RAMP_SIP_PORT=5060 RAMP_ADMIN_TOKEN=... (its digest
#   challenge must put MD5 first, as the default does, for SIPp before 3.7).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=sipp-ramp
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
RATES=${RAMP_RATES:-5 10 20 40 60 80 100 120 140 160 200}
STEP_SECONDS=${RAMP_STEP_SECONDS:-15}
TALK_MS=${RAMP_TALK_MS:-1000}
AGENTS=${RAMP_AGENTS:-200}
MAX_P99_MS=${RAMP_MAX_P99_MS:-1000}
WARMUP_CALLS=${RAMP_WARMUP_CALLS:-200}
REFERENCE=${RAMP_REFERENCE:-1}
REFERENCE_SECONDS=${RAMP_REFERENCE_SECONDS:-5}
KAMAILIO=${KAMAILIO:-/usr/sbin/kamailio}
ce_work_dir "${RAMP_OUT:-}"

ce_require java curl jq sipp
if [[ "$REFERENCE" == 1 ]]; then
  [[ -x "$KAMAILIO" ]] || ce_die "no Kamailio at $KAMAILIO (Debian package kamailio; or RAMP_REFERENCE=0)"
fi
REF_MAIN_PID=""
# Kamailio's workers are its children: stop it with TERM so that it ends them, before
# ce_cleanup KILLs what is left of the wrapper it was started under.
reference_stop() {
  local pids pid
  [[ -n "$REF_MAIN_PID" ]] || return 0
  pids="$REF_MAIN_PID $(pgrep -P "$REF_MAIN_PID" 2>/dev/null | tr '\n' ' ')"
  kill "$REF_MAIN_PID" 2>/dev/null || true
  for _ in $(seq 1 20); do
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && break; pid=""; done
    [[ -z "$pid" ]] && break
    sleep 0.25
  done
  for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
}
trap 'reference_stop; ce_cleanup' EXIT
trap 'exit 130' INT TERM

if [[ -n "${RAMP_HTTP:-}" ]]; then
  CE_HTTP=$RAMP_HTTP
  CE_SIP_PORT=${RAMP_SIP_PORT:?RAMP_SIP_PORT is needed with RAMP_HTTP}
  CE_ADMIN=${RAMP_ADMIN_TOKEN:?RAMP_ADMIN_TOKEN is needed with RAMP_HTTP}
  CE_NODE_PID=""
  PREFIX="r$(ce_random_token | head -c 6)-"
  ce_log "using the running node at $CE_HTTP, SIP $CE_HOST:$CE_SIP_PORT"
else
  # All the load comes from 127.0.0.1, as from an SBC in front: no per-source limit applies to it.
  export CALLENGINE_SIP_TRUSTED_SOURCES=${CALLENGINE_SIP_TRUSTED_SOURCES-127.0.0.1}
  ce_start_node "$JAR"
  ce_wait_ready 90
  PREFIX=""
fi

ce_log "creating $AGENTS agents"
ce_create_agents "$AGENTS" "$PREFIX"
ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
TOTAL_CALLS=$WARMUP_CALLS
for rate in $RATES; do TOTAL_CALLS=$((TOTAL_CALLS + rate * STEP_SECONDS)); done
STEPS=$(wc -w <<<"$RATES")
RUN_LIMIT=$(( STEPS * (STEP_SECONDS + 240) + 300 ))
(cd "$CE_WORK" && exec timeout "$RUN_LIMIT" sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
  -m "$TOTAL_CALLS" -timeout "${RUN_LIMIT}s" -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
  -trace_stat -stf uas-stat.csv -fd 1 -trace_err -error_file uas-errors.log >uas.out 2>&1) &
UAS_PID=$!
CE_PIDS+=("$UAS_PID")
sleep 0.5
kill -0 "$UAS_PID" 2>/dev/null || ce_die "the agent UAS did not start: $(tail -n 3 "$CE_WORK/uas.out")"
ce_register_agents "$AGENTS" "$CE_HOST:$UAS_PORT"
ce_agents_available
ce_log "$AGENTS agents registered and AVAILABLE; rates: $RATES calls/s, $STEP_SECONDS s per step, talk $TALK_MS ms"

# The reference: Kamailio (stateful proxy) in front of SIPp's built-in UAS, both for the whole run.
if [[ "$REFERENCE" == 1 ]]; then
  ce_free_port REF_PROXY_PORT
  ce_free_port REF_UAS_PORT
  REF_DIR=$CE_WORK/reference
  mkdir -p "$REF_DIR"
  (cd "$REF_DIR" && exec timeout "$RUN_LIMIT" sipp -sn uas -i $CE_HOST -p "$REF_UAS_PORT" -timeout "${RUN_LIMIT}s" -nostdin \
    "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf uas-stat.csv -fd 1 >uas.out 2>&1) &
  CE_PIDS+=("$!")
  (cd "$REF_DIR" && exec timeout "$RUN_LIMIT" "$KAMAILIO" -DD -E -f "$ROOT/bench/reference/kamailio-proxy.cfg" \
    -A "LISTEN=udp:$CE_HOST:$REF_PROXY_PORT" -A "UAS=\"sip:$CE_HOST:$REF_UAS_PORT\"" -P "$REF_DIR/kamailio.pid" \
    -Y "$REF_DIR/runtime" -m 256 -M 16 >kamailio.log 2>&1) &
  CE_PIDS+=("$!")
  for _ in $(seq 1 40); do [[ -s "$REF_DIR/kamailio.pid" ]] && break; sleep 0.25; done
  REF_MAIN_PID=$(cat "$REF_DIR/kamailio.pid" 2>/dev/null || true)
  [[ -n "$REF_MAIN_PID" ]] && kill -0 "$REF_MAIN_PID" 2>/dev/null || ce_die "Kamailio did not start: $(tail -n 5 "$REF_DIR/kamailio.log")"
  ce_log "reference: Kamailio $CE_HOST:$REF_PROXY_PORT (pid $REF_MAIN_PID) -> SIPp UAS $CE_HOST:$REF_UAS_PORT, $REFERENCE_SECONDS s per step"
fi

# Nearest-rank percentiles of the numbers on stdin: prints "p50 p90 p99" (or "- - -").
percentiles() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    split("50 90 99", p, " ")
    for (i = 1; i <= 3; i++) { k = int((p[i] * NR + 99) / 100); if (k < 1) k = 1; printf "%s%s", v[k], (i < 3 ? " " : "\n") }
  }'
}

# Every call record of a queue, paging back in time (the API returns at most 1000 a time).
queue_records() {
  local queue=$1 dir to="" pages=0 count before=0
  dir=$(mktemp -d "$CE_WORK/records.XXXXXX")
  while (( pages < 100 )); do
    pages=$((pages + 1))
    ce_http GET "/api/v1/supervisor/calls?queueId=$queue&limit=1000${to:+&to=$to}" "$CE_ADMIN" >"$dir/page-$pages.json"
    count=$(jq -s 'add | unique_by(.callId) | length' "$dir"/page-*.json)
    (( count > before && $(jq length "$dir/page-$pages.json") == 1000 )) || break
    before=$count
    # "to" is exclusive: go on from just after the oldest record of this page (duplicates are dropped).
    to=$(jq -r "$JQ_MS"' map(.enqueuedAt | ms) | min + 1
      | "\((. / 1000 | floor | todate | sub("Z$"; ""))).\(1000 + . % 1000 | tostring | .[1:])Z"' "$dir/page-$pages.json")
  done
  jq -s 'add | unique_by(.callId)' "$dir"/page-*.json
  rm -rf "$dir"
}

# Busy and total jiffies of the whole machine.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

node_cpu_ticks() {
  [[ -n "${CE_NODE_PID:-}" && -r /proc/$CE_NODE_PID/stat ]] || { echo 0; return; }
  awk '{ print $14 + $15 }' "/proc/$CE_NODE_PID/stat"
}

# utime + stime of Kamailio's main process and its children (the workers it forked).
ref_cpu_ticks() {
  local pid total=0 t
  for pid in $REF_MAIN_PID $(pgrep -P "$REF_MAIN_PID" 2>/dev/null || true); do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

# CPU ms per call: ms_per_call TICKS_BEFORE TICKS_AFTER CALLS.
ms_per_call() {
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$HZ" 'BEGIN { if (n > 0 && b >= a) printf "%.2f", (b - a) * 1000 / hz / n; else print "-" }'
}

# INVITEs answered 503 in a step: distinct Call-IDs SIPp aborted on a 503 (its -trace_err log).
refused_503() {
  { grep -E "received 'SIP/2.0 503 " "$1" 2>/dev/null || true; } | { grep -oE "Call-Id '[^']+'" || true; } | sort -u | wc -l
}

# reference_step RATE: SIPp's built-in UAC through Kamailio at RATE for REFERENCE_SECONDS;
# prints "cpu_ms_per_call achieved_cps failed".
reference_step() {
  local rate=$1 calls dir port before after rc=0 ok failed achieved
  calls=$((rate * REFERENCE_SECONDS))
  dir=$REF_DIR/step-$rate
  mkdir -p "$dir"
  ce_free_port port
  before=$(ref_cpu_ticks)
  (cd "$dir" && timeout $((REFERENCE_SECONDS + 120)) sipp -sn uac "$CE_HOST:$REF_PROXY_PORT" -i $CE_HOST -p "$port" \
    -r "$rate" -m "$calls" -d "$TALK_MS" -timeout "$((REFERENCE_SECONDS + 90))s" -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
    -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -trace_err -error_file errors.log >sipp.out 2>&1) || rc=$?
  after=$(ref_cpu_ticks)
  ok=$(ce_stat "$dir/stat.csv" 'SuccessfulCall(C)'); ok=${ok:-0}
  failed=$(ce_stat "$dir/stat.csv" 'FailedCall(C)'); failed=${failed:-$calls}
  (( rc == 0 || failed > 0 )) || failed=$((calls - ok))
  achieved=$(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' 'NR > 1 && $1 ~ /^[0-9.]+$/ { n++; if (n == 1) f = $1; l = $1 } END { if (n > 1 && l > f) printf "%.1f", (n - 1) * 1000 / (l - f); else print "-" }')
  echo "$(ms_per_call "$before" "$after" "$ok") $achieved $failed"
}

# jq: an ISO-8601 instant ("2026-01-02T03:04:05.678Z") as epoch milliseconds.
JQ_MS='def ms: capture("^(?<s>[^.Z]+)(\\.(?<f>[0-9]+))?Z$") as $c
  | (($c.s + "Z") | fromdateiso8601) * 1000 + ((($c.f // "0") + "000")[0:3] | tonumber);'
RESULTS=$CE_WORK/results.tsv
printf 'rate\tattempted\tsuccessful\tfailed\tcompleted\tnot_completed\tuas_failed\tretransmissions\tanswer_p50_ms\tanswer_p90_ms\tanswer_p99_ms\tconnect_p50_ms\tconnect_p90_ms\tconnect_p99_ms\tachieved_cps\tnode_cpu_cores\tmachine_cpu_pct\tverdict\tnode_cpu_ms_per_call\trefused_503\tref_cpu_ms_per_call\tref_achieved_cps\tref_failed\tcpu_ratio_engine_ref\n' >"$RESULTS"
BEST=""
ZERO_FAILED=""
FIRST_REFUSING=""
HZ=$(getconf CLK_TCK)

if (( WARMUP_CALLS > 0 )); then
  ce_create_queue "ramp-${PREFIX}warmup" 10
  ce_free_port port
  ce_free_port media 4
  ce_log "warm-up: $WARMUP_CALLS calls at 20 calls/s"
  (cd "$CE_WORK" && timeout 300 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "ramp-${PREFIX}warmup" \
    -i $CE_HOST -p "$port" -mp "$media" -r 20 -m "$WARMUP_CALLS" -d "$TALK_MS" -timeout 240s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
    -trace_stat -stf warmup-stat.csv -fd 1 >warmup.out 2>&1) || ce_log "warm-up: SIPp exit $?, $(ce_stat "$CE_WORK/warmup-stat.csv" 'FailedCall(C)') failed"
  sleep 3
fi

for rate in $RATES; do
  queue="ramp-${PREFIX}r$rate"
  calls=$((rate * STEP_SECONDS))
  step=$CE_WORK/step-$rate
  mkdir -p "$step"
  ce_create_queue "$queue" 10
  ce_free_port port
  ce_free_port media 4
  uas_failed_before=$(ce_stat "$CE_WORK/uas-stat.csv" 'FailedCall(C)'); uas_failed_before=${uas_failed_before:-0}
  cpu_before=$(node_cpu_ticks); read -r busy_before total_before < <(machine_ticks); t0=$(date +%s.%N)
  ce_log "step $rate calls/s: $calls calls to $queue"
  rc=0
  (cd "$step" && timeout $((STEP_SECONDS + 150)) sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "$queue" \
    -i $CE_HOST -p "$port" -mp "$media" -r "$rate" -m "$calls" -d "$TALK_MS" -timeout "$((STEP_SECONDS + 120))s" \
    -nostdin "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 \
    -trace_err -error_file errors.log >sipp.out 2>&1) || rc=$?
  cpu_after=$(node_cpu_ticks); read -r busy_after total_after < <(machine_ticks); t1=$(date +%s.%N)
  attempted=$(ce_stat "$step/stat.csv" TotalCallCreated)
  ok=$(ce_stat "$step/stat.csv" 'SuccessfulCall(C)')
  failed=$(ce_stat "$step/stat.csv" 'FailedCall(C)')
  retrans=$(ce_stat "$step/stat.csv" 'Retransmissions(C)')
  attempted=${attempted:-0}; ok=${ok:-0}; failed=${failed:-$calls}
  (( rc == 0 || failed > 0 )) || failed=$((attempted - ok))

  # The engine's view; the read side trails the calls by a moment.
  for _ in $(seq 1 60); do
    records=$(queue_records "$queue")
    ended=$(jq '[.[] | select(.disposition != null)] | length' <<<"$records")
    (( ended >= attempted )) && break
    sleep 1
  done
  printf '%s\n' "$records" >"$step/call-records.json"
  completed=$(jq '[.[] | select(.disposition == "COMPLETED")] | length' <<<"$records")
  not_completed=$((attempted - completed))
  jq -c 'group_by(.disposition) | map({(.[0].disposition // "open"): length}) | add // {}' <<<"$records" >"$step/dispositions.json"
  sleep 1.5 # the UAS statistics file is written once a second
  uas_failed=$(ce_stat "$CE_WORK/uas-stat.csv" 'FailedCall(C)'); uas_failed=$(( ${uas_failed:-0} - uas_failed_before ))

  read -r a50 a90 a99 < <(cat "$step"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == "answer" { print $2 }' | percentiles)
  read -r c50 c90 c99 < <(jq -r "$JQ_MS"' .[] | select(.answeredAt != null and .enqueuedAt != null) | ((.answeredAt | ms) - (.enqueuedAt | ms))' \
    <<<"$records" | percentiles)
  achieved=$(cat "$step"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == "answer" { n++; if (n == 1) f = $1; l = $1 } END { if (n > 1 && l > f) printf "%.1f", (n - 1) * 1000 / (l - f); else print "-" }')
  cores=$(awk -v a="$cpu_before" -v b="$cpu_after" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { if (b > a) printf "%.2f", (b - a) / hz / (t1 - t0); else print "-" }')
  machine=$(awk -v b0="$busy_before" -v b1="$busy_after" -v t0="$total_before" -v t1="$total_after" 'BEGIN { if (t1 > t0) printf "%.0f", 100 * (b1 - b0) / (t1 - t0); else print "-" }')
  cpu_ms=$(ms_per_call "$cpu_before" "$cpu_after" "$completed")
  refused=$(refused_503 "$step/errors.log")
  verdict=clean
  if (( refused > 0 && failed == refused && ok + refused == calls && completed == ok && uas_failed == 0 )); then
    verdict=refusing
  elif (( rc != 0 || failed > 0 || ok != calls || completed != calls || uas_failed > 0 )); then
    verdict=failed
  elif [[ "$achieved" == - ]] || awk -v a="$achieved" -v r="$rate" -v p="$a99" -v m="$MAX_P99_MS" 'BEGIN { exit !(a < 0.9 * r || p > m) }'; then
    verdict=saturated
  fi

  ref_ms=- ref_cps=- ref_failed=- ratio=-
  if [[ "$REFERENCE" == 1 ]]; then
    read -r ref_ms ref_cps ref_failed < <(reference_step "$rate")
    ratio=$(awk -v e="$cpu_ms" -v r="$ref_ms" 'BEGIN { if (e ~ /^[0-9.]+$/ && r ~ /^[0-9.]+$/ && r > 0) printf "%.1f", e / r; else print "-" }')
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$attempted" "$ok" "$failed" "$completed" \
    "$not_completed" "$uas_failed" "${retrans:-0}" "$a50" "$a90" "$a99" "$c50" "$c90" "$c99" "$achieved" "$cores" "$machine" "$verdict" \
    "$cpu_ms" "$refused" "$ref_ms" "$ref_cps" "$ref_failed" "$ratio" >>"$RESULTS"
  ce_log "step $rate: attempted $attempted, successful $ok, failed $failed (SIPp exit $rc), 503 $refused; engine $(cat "$step/dispositions.json"); agent side failed $uas_failed; answer p50/p90/p99 $a50/$a90/$a99 ms; connect $c50/$c90/$c99 ms; achieved $achieved calls/s; node CPU $cores cores, $cpu_ms ms/call, machine $machine %; reference $ref_ms ms/call at $ref_cps calls/s, $ref_failed failed, engine/reference $ratio; $verdict"

  (( failed > 0 || completed != calls || uas_failed > 0 )) || ZERO_FAILED=$rate
  [[ -n "$FIRST_REFUSING" || $refused == 0 ]] || FIRST_REFUSING="$rate $refused $calls"
  if [[ $verdict != clean ]]; then
    ce_log "step $rate is $verdict: stopping the ramp"
    break
  fi
  BEST=$rate
  # Let the previous step drain before the next one starts.
  for _ in $(seq 1 30); do
    [[ $(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN" | jq -r .activeCalls) == 0 ]] && break
    sleep 1
  done
done

echo
column -t -s $'\t' "$RESULTS" 2>/dev/null || cat "$RESULTS"
echo
summary() {
  local label=$1 rate=$2 row
  row=$(awk -F'\t' -v r="$rate" '$1 == r' "$RESULTS")
  IFS=$'\t' read -r _ _ _ _ _ _ _ _ a50 a90 a99 c50 c90 c99 achieved _ _ _ cpu_ms _ ref_ms _ _ ratio <<<"$row"
  echo "sipp-ramp: $label: $rate calls/s (achieved $achieved; $STEP_SECONDS s steps, talk $TALK_MS ms, $AGENTS agents): answer (INVITE->200) p50 $a50 ms, p90 $a90 ms, p99 $a99 ms; agent connect (enqueued->answered) p50 $c50 ms, p90 $c90 ms, p99 $c99 ms; node CPU $cpu_ms ms/call (Kamailio reference $ref_ms ms/call, engine/reference $ratio)"
}
if [[ -n "$ZERO_FAILED" ]]; then summary "highest step with 0 failed calls" "$ZERO_FAILED"; fi
if [[ -n "$FIRST_REFUSING" ]]; then
  read -r r n c <<<"$FIRST_REFUSING"
  echo "sipp-ramp: the engine refused calls (503) from $r calls/s on: $n of $c INVITEs answered 503 in that step (refusing, not clean)"
fi
if [[ -z "$BEST" ]]; then
  echo "sipp-ramp: no step was clean (results in $CE_WORK)"
  exit 1
fi
summary "highest clean step (0 failed, >= 90 % of the rate, answer p99 <= $MAX_P99_MS ms)" "$BEST"
echo "sipp-ramp: results in $CE_WORK"
