#!/usr/bin/env bash
# SIP overload with SIPp: one node, agents answering from one SIPp UAS (as in sipp-ramp.sh),
# then customer calls at each rate of OVL_RATES, one fixed-length step each, every message
# traced. Per step: how many INVITEs were answered 200 and how many refused 503 (the front
# door's admission control), the INVITE -> 200 time of the answered calls, the calls that got
# their 200 more than once, SIPp's retransmissions, the node's refusal counter, and the calls
# in set-up sampled from /metrics every 100 ms. Run it once with the default limit and once
# with OVL_MAX_CALLS_IN_SETUP=0 to see the node without admission control.
#
#   bench/sipp-overload.sh [path/to/call-engine.jar]
#
# Environment (defaults in brackets):
#   OVL_RATES ["40 160"]               calls per second, one step each
#   OVL_STEP_SECONDS [15]              each step offers rate x seconds calls
#   OVL_AGENTS [200]                   agents (each takes one call at a time)
#   OVL_MAX_CALLS_IN_SETUP [node's default] the node's CALLENGINE_SIP_MAX_CALLS_IN_SETUP; 0 turns it off
#   OVL_OUT [a new directory under /tmp] where results and logs go (kept)
#   CALLENGINE_JAVA_OPTS               JVM options for the node
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=sipp-overload
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
RATES=${OVL_RATES:-40 160}
STEP_SECONDS=${OVL_STEP_SECONDS:-15}
AGENTS=${OVL_AGENTS:-200}
ce_work_dir "${OVL_OUT:-}"

ce_require java curl jq sipp
trap ce_cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${OVL_MAX_CALLS_IN_SETUP:-}" ]]; then export CALLENGINE_SIP_MAX_CALLS_IN_SETUP=$OVL_MAX_CALLS_IN_SETUP; fi
# All the load comes from 127.0.0.1, as from an SBC in front: no per-source limit or share applies to it.
export CALLENGINE_SIP_TRUSTED_SOURCES=${CALLENGINE_SIP_TRUSTED_SOURCES-127.0.0.1}
ce_start_node "$JAR"
ce_wait_ready 90
ce_create_agents "$AGENTS"
ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
RUN_LIMIT=$(( $(wc -w <<<"$RATES") * (STEP_SECONDS + 200) + 300 ))
(cd "$CE_WORK" && exec timeout "$RUN_LIMIT" sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
  -m 1000000 -timeout "${RUN_LIMIT}s" -nostdin "${CE_SIPP_LOAD_OPTS[@]}" >uas.out 2>&1) &
CE_PIDS+=("$!")
sleep 0.5
ce_register_agents "$AGENTS" "$CE_HOST:$UAS_PORT"
ce_agents_available

# Calls in set-up, every 100 ms while the node runs: "HH:MM:SS.mmm count".
(while kill -0 "$CE_NODE_PID" 2>/dev/null; do
  v=$(curl -s -m 1 "$CE_HTTP/metrics" | awk '/^callengine_sip_calls_in_setup / { print $2 + 0 }')
  [[ -n "$v" ]] && echo "$(date +%H:%M:%S.%3N) $v"
  sleep 0.1
done >"$CE_WORK/in-setup.tsv") &
CE_PIDS+=("$!")

ce_create_queue warmup 10
ce_free_port port
ce_free_port media 4
ce_log "warm-up: 200 calls at 20 calls/s"
(cd "$CE_WORK" && timeout 300 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s warmup -i $CE_HOST -p "$port" -mp "$media" \
  -r 20 -m 200 -d 1000 -timeout 240s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" >warmup.out 2>&1) || true
sleep 3

refusals() { curl -s -m 5 "$CE_HTTP/metrics" | awk '/^callengine_sip_overload_refusals_total / { print $2 + 0 }'; }
# Nearest-rank percentiles of the numbers on stdin: "p50 p90 p99 max" (or "- - - -").
percentiles() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - - -"; exit }
    split("50 90 99", p, " ")
    for (i = 1; i <= 3; i++) { k = int((p[i] * NR + 99) / 100); printf "%s ", v[k] }
    print v[NR]
  }'
}
# From a SIPp -trace_msg file, one line per final answer to an INVITE received: "Call-ID status".
invite_answers() {
  awk '/^-----/ { if (recv && status && invite) print callid, status; recv = 0; status = ""; invite = 0; callid = ""; next }
    /message received/ { recv = 1; next }
    recv && /^SIP\/2.0 [2-6][0-9][0-9] / { status = $2 }
    /^Call-ID:/ { callid = $2 }
    /^CSeq: *[0-9]+ INVITE/ { invite = 1 }
    END { if (recv && status && invite) print callid, status }' "$1"
}

RESULTS=$CE_WORK/results.tsv
printf 'rate\toffered\tanswered\trefused_503\tother_failed\tanswer_p50_ms\tanswer_p90_ms\tanswer_p99_ms\tanswer_max_ms\t200_sent_twice\tsipp_retransmissions\tnode_refusals\tin_setup_p50\tin_setup_p99\tin_setup_max\n' >"$RESULTS"
for rate in $RATES; do
  queue="ovl-r$rate"
  calls=$((rate * STEP_SECONDS))
  step=$CE_WORK/step-$rate
  mkdir -p "$step"
  ce_create_queue "$queue" 10
  ce_free_port port
  ce_free_port media 4
  before=$(refusals); from=$(date +%H:%M:%S.%3N)
  ce_log "step $rate calls/s: $calls calls to $queue"
  rc=0
  (cd "$step" && timeout $((STEP_SECONDS + 180)) sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "$queue" \
    -i $CE_HOST -p "$port" -mp "$media" -r "$rate" -m "$calls" -d 1000 -timeout "$((STEP_SECONDS + 150))s" \
    -nostdin "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 \
    -trace_msg -message_file messages.log >sipp.out 2>&1) || rc=$?
  to=$(date +%H:%M:%S.%3N); after=$(refusals)
  invite_answers "$step/messages.log" >"$step/answers.txt"
  answered=$(awk '$2 == 200 { print $1 }' "$step/answers.txt" | sort -u | wc -l)
  refused=$(awk '$2 == 503 { print $1 }' "$step/answers.txt" | sort -u | wc -l)
  twice=$(awk '$2 == 200 { print $1 }' "$step/answers.txt" | sort | uniq -d | wc -l)
  failed=$(ce_stat "$step/stat.csv" 'FailedCall(C)')
  retrans=$(ce_stat "$step/stat.csv" 'Retransmissions(C)')
  read -r a50 a90 a99 amax < <(cat "$step"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == "answer" { print $2 }' | percentiles)
  read -r s50 _ s99 smax < <(awk -v a="$from" -v b="$to" '$1 >= a && $1 < b { print $2 }' "$CE_WORK/in-setup.tsv" | percentiles)
  node_refusals=$(awk -v a="${before:-0}" -v b="${after:-0}" 'BEGIN { print b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$calls" "$answered" "$refused" \
    "$(( ${failed:-0} - refused ))" "$a50" "$a90" "$a99" "$amax" "$twice" "${retrans:-0}" "$node_refusals" "$s50" "$s99" "$smax" >>"$RESULTS"
  ce_log "step $rate: SIPp exit $rc; $answered answered, $refused refused 503 (node counted $node_refusals); answer p50/p90/p99/max $a50/$a90/$a99/$amax ms; 200 sent twice: $twice; in set-up p50/p99/max $s50/$s99/$smax"
  for _ in $(seq 1 60); do
    [[ $(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN" | jq -r .activeCalls) == 0 ]] && break
    sleep 1
  done
done

echo
column -t -s $'\t' "$RESULTS" 2>/dev/null || cat "$RESULTS"
echo "sipp-overload: results in $CE_WORK"
