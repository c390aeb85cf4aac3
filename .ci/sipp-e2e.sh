#!/usr/bin/env bash
# End-to-end test of the runnable jar over real SIP with SIPp: starts a node on free
# loopback ports with a fresh data directory, creates a queue and agents over HTTP,
# registers the agents' phones with SIPp (digest auth), makes them AVAILABLE, places
# customer calls with SIPp and checks both SIPp's counts and the engine's call records; then
# stops the node with SIGTERM and checks its log: INFO only from start to stop, one end-of-call
# line per call, nothing on stdout.
#
#   .ci/sipp-e2e.sh [path/to/call-engine.jar]
#
# Environment: SIPP_E2E_AGENTS (5), SIPP_E2E_CALLS (20), SIPP_E2E_RATE (calls/s, 1),
# SIPP_E2E_TALK_MS (2000), SIPP_E2E_RTP_CALLS (3: extra calls that send G.711 RTP from
# SIPp's g711a.pcap), SIPP_E2E_KEEP=1 keeps the scratch directory, CALLENGINE_JAVA_OPTS
# (JVM options for the node). Builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=sipp-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
AGENTS=${SIPP_E2E_AGENTS:-5}
CALLS=${SIPP_E2E_CALLS:-20}
RATE=${SIPP_E2E_RATE:-1}
TALK_MS=${SIPP_E2E_TALK_MS:-2000}
RTP_CALLS=${SIPP_E2E_RTP_CALLS:-3}
RTP_PCAP=/usr/share/sip-tester/g711a.pcap
QUEUE=support

ce_require java curl jq sipp
[[ -f "$RTP_PCAP" ]] || RTP_CALLS=0
TOTAL=$((CALLS + RTP_CALLS))

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipp-e2e.XXXXXX")
CE_KEEP=${SIPP_E2E_KEEP:-0}
ce_trap_finish

# 1. The node.
ce_start_node "$JAR"
ce_wait_ready 60

# 2. A queue and its agents.
ce_create_queue "$QUEUE" 10
ce_create_agents "$AGENTS"
ce_log "created queue $QUEUE and $AGENTS agents"

# 3. One SIPp UAS answers for every agent: all REGISTER Contacts point at it.
ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
(cd "$CE_WORK" && exec timeout 600 sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
  -m "$TOTAL" -timeout 300s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
  -trace_stat -stf uas-stat.csv -fd 1 -trace_err -error_file uas-errors.log -trace_msg -message_file uas-messages.log \
  >uas.out 2>&1) &
UAS_PID=$!
CE_PIDS+=("$UAS_PID")
sleep 0.5
kill -0 "$UAS_PID" 2>/dev/null || { tail -n 5 "$CE_WORK/uas.out" >&2; ce_die "the agent UAS did not start"; }

ce_register_agents "$AGENTS" "$CE_HOST:$UAS_PORT"
ce_agents_available
ce_log "$AGENTS agents registered and AVAILABLE"

# 4. Customers call the queue.
run_customers() {
  local scenario=$1 calls=$2 label=$3 rc=0 port media ok failed
  shift 3
  ce_free_port port
  ce_free_port media 4
  ce_log "$label: $calls calls with $(basename "$scenario")"
  (cd "$CE_WORK" && timeout 300 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$scenario" -s "$QUEUE" -i $CE_HOST -p "$port" -mp "$media" \
    -m "$calls" -l "$AGENTS" -timeout 180s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" "$@" \
    -trace_stat -stf "$label-stat.csv" -fd 1 -trace_err -error_file "$label-errors.log" \
    -trace_msg -message_file "$label-messages.log" >"$label.out" 2>&1) || rc=$?
  ok=$(ce_stat "$CE_WORK/$label-stat.csv" 'SuccessfulCall(C)')
  failed=$(ce_stat "$CE_WORK/$label-stat.csv" 'FailedCall(C)')
  ce_log "$label: SIPp exit $rc, ${ok:-0} successful, ${failed:-?} failed"
  if [[ $rc != 0 || "${ok:-0}" != "$calls" || "${failed:-1}" != 0 ]]; then
    tail -n 30 "$CE_WORK/$label-errors.log" >&2 2>/dev/null || true
    ce_die "$label: SIPp exit $rc, ${ok:-0} of $calls calls successful, ${failed:-?} failed (see $CE_WORK/$label-*.log)"
  fi
}
run_customers "$CE_SIPP_DIR/customer-uac.xml" "$CALLS" customers -r "$RATE" -d "$TALK_MS"
if (( RTP_CALLS > 0 )); then
  run_customers "$CE_SIPP_DIR/customer-uac-rtp.xml" "$RTP_CALLS" customers-rtp -r 1 -rp 2000
fi

# 5. The agents' side saw every call through.
for _ in $(seq 1 60); do kill -0 "$UAS_PID" 2>/dev/null || break; sleep 0.5; done
UAS_RC=0
if kill -0 "$UAS_PID" 2>/dev/null; then
  UAS_RC=timeout
else
  wait "$UAS_PID" || UAS_RC=$?
fi
UAS_OK=$(ce_stat "$CE_WORK/uas-stat.csv" 'SuccessfulCall(C)')
UAS_FAILED=$(ce_stat "$CE_WORK/uas-stat.csv" 'FailedCall(C)')
ce_log "agent UAS: exit $UAS_RC, ${UAS_OK:-0} successful, ${UAS_FAILED:-?} failed"
if [[ "$UAS_RC" != 0 || "${UAS_OK:-0}" != "$TOTAL" ]]; then
  tail -n 30 "$CE_WORK/uas-errors.log" >&2 2>/dev/null || true
  ce_die "agent UAS: exit $UAS_RC, ${UAS_OK:-0} of $TOTAL calls answered and hung up cleanly"
fi

# 6. The engine's call records: every call COMPLETED (the read side may lag a little).
RECORDS='[]'
for _ in $(seq 1 60); do
  RECORDS=$(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE" "$CE_ADMIN")
  ENDED=$(jq '[.[] | select(.disposition != null)] | length' <<<"$RECORDS")
  (( ENDED >= TOTAL )) && break
  sleep 0.5
done
printf '%s\n' "$RECORDS" >"$CE_WORK/call-records.json"
RECORD_COUNT=$(jq 'length' <<<"$RECORDS")
COMPLETED=$(jq '[.[] | select(.disposition == "COMPLETED")] | length' <<<"$RECORDS")
WITH_AGENT=$(jq '[.[] | select(.disposition == "COMPLETED" and (.agentId // "") != "" and .answeredAt != null)] | length' <<<"$RECORDS")
ce_log "call records: $RECORD_COUNT, COMPLETED $COMPLETED, answered by an agent $WITH_AGENT; by disposition: $(jq -c 'group_by(.disposition) | map({(.[0].disposition // "none"): length}) | add // {}' <<<"$RECORDS")"
STATS=$(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN")
ce_log "supervisor stats: $(jq -c . <<<"$STATS")"

FAILED=$((TOTAL - WITH_AGENT))
if [[ "$RECORD_COUNT" != "$TOTAL" || "$COMPLETED" != "$TOTAL" || "$WITH_AGENT" != "$TOTAL" ]]; then
  jq -c '.[] | select(.disposition != "COMPLETED")' <<<"$RECORDS" | head -n 10 >&2
  ce_die "expected $TOTAL COMPLETED call records answered by an agent; got $RECORD_COUNT records, $COMPLETED COMPLETED, $WITH_AGENT with an agent"
fi
if [[ $(jq -r .activeCalls <<<"$STATS") != 0 ]]; then
  ce_die "calls still active after every call ended: $STATS"
fi

# 7. A quiet log: SIGTERM stops the node; its start, the calls and the stop logged no warning or
# error, one end-of-call line per call, and nothing went to stdout.
jq -r '.[].callId' <<<"$RECORDS" >"$CE_WORK/call-ids"
ce_stop_node 60
ce_check_quiet_log "$CE_WORK/call-ids"

echo "sipp-e2e: $WITH_AGENT passed, $FAILED failed"
