#!/usr/bin/env bash
# End-to-end test of a callback over real SIP with SIPp: starts a node on free loopback ports
# whose outbound proxy (CALLENGINE_SIP_OUTBOUND_PROXY) is a SIPp UAS playing the customer's
# phone, creates a queue with a callback offer and one agent (registered with a SIPp UAS, not
# available yet). A SIPp caller waits in the queue, presses the callback key and # (SIP INFO) to
# confirm his own number, and is hung up by the engine; the call keeps its place as a callback.
# The agent then sets itself available: the engine rings the agent's phone, then calls the
# customer through the proxy, bridges them, and the customer hangs up after two seconds. Checks
# SIPp's three sides, the call record (COMPLETED, one callback attempt to the caller's number,
# the agent), the range metrics and the callback counters of /metrics, then stops the node and
# checks its log (INFO only, one end-of-call line).
#
#   .ci/callback-e2e.sh [path/to/call-engine.jar]
#
# Environment: CALLBACK_E2E_KEEP=1 keeps the scratch directory, CALLENGINE_JAVA_OPTS (JVM
# options for the node). Builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=callback-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
QUEUE=support

ce_require java curl jq sipp

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/callback-e2e.XXXXXX")
CE_KEEP=${CALLBACK_E2E_KEEP:-0}
ce_trap_finish

# sipp_side NAME ARGS...: one SIPp process in the background, its messages and errors logged.
sipp_side() {
  local name=$1
  shift
  (cd "$CE_WORK" && exec timeout 120 sipp "$@" -nostdin -trace_msg -message_file "$name-messages.log" \
    -trace_err -error_file "$name-errors.log" >"$name.out" 2>&1) &
  CE_PIDS+=("$!")
  printf -v "${name//-/_}_PID" '%s' "$!"
}

# wait_sipp NAME PID: waits (bounded) for a SIPp side to finish; dies unless it exits 0.
wait_sipp() {
  local name=$1 pid=$2 rc=0
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && ce_die "$name: SIPp still running after 60 s (see $CE_WORK/$name-messages.log)"
  wait "$pid" || rc=$?
  if [[ $rc != 0 ]]; then
    tail -n 30 "$CE_WORK/$name-errors.log" >&2 2>/dev/null || true
    ce_die "$name: SIPp exit $rc (see $CE_WORK/$name-*.log)"
  fi
  ce_log "$name: SIPp exit 0"
}

# 1. The node, its outbound proxy the customer's phone. The phones send no RTP: the first-RTP
# limit (10 s) would end the calls before the test does.
ce_free_port CUSTOMER_PORT
ce_free_port CUSTOMER_MEDIA 4
# A few calls' legs: 200 RTP ports, a block easier to find beside another script than the default 4,000.
ce_free_port rtp_base 200
CE_RTP_PORTS="$rtp_base-$((rtp_base + 199))"
CALLENGINE_SIP_OUTBOUND_PROXY="$CE_HOST:$CUSTOMER_PORT" CALLENGINE_MEDIA_FIRST_RTP_TIMEOUT=60s ce_start_node "$JAR"
ce_wait_ready 90

# 2. A queue that offers callbacks at once (key 9, one attempt) and one agent, registered.
ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
  "{\"id\":\"$QUEUE\",\"name\":\"$QUEUE\",\"ringTimeoutSeconds\":10,\"callback\":{\"key\":\"9\",\"offerAfterSeconds\":0,\"maxAttempts\":1}}" >/dev/null
ce_create_agents 1
read -r AGENT AGENT_TOKEN <"$CE_WORK/agent-tokens"
ce_free_port AGENT_PORT
ce_free_port AGENT_MEDIA 4
sipp_side agent-phone -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$AGENT_PORT" -mp "$AGENT_MEDIA" -m 1 -timeout 100s
ce_register_agents 1 "$CE_HOST:$AGENT_PORT"
ce_log "queue $QUEUE offers callbacks; $AGENT registered, OFFLINE"

# 3. The caller asks for a callback and is hung up; the call waits as a callback, no agent rung.
ce_free_port CALLER_PORT
ce_free_port CALLER_MEDIA 4
sipp_side caller "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/callback-uac.xml" -s "$QUEUE" -i $CE_HOST -p "$CALLER_PORT" \
  -mp "$CALLER_MEDIA" -m 1 -timeout 60s
wait_sipp caller "$caller_PID"
NUMBER="sip:customer1@$CE_HOST:$CALLER_PORT"
CALL='{}'
for _ in $(seq 1 40); do
  CALL=$(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE" "$CE_ADMIN" | jq -c '.[0] // {}')
  [[ $(jq -r '.callbackNumber // ""' <<<"$CALL") == "$NUMBER" && $(jq -r .status <<<"$CALL") == QUEUED ]] && break
  sleep 0.25
done
[[ $(jq -r '.callbackNumber // ""' <<<"$CALL") == "$NUMBER" && $(jq -r .status <<<"$CALL") == QUEUED ]] \
  || ce_die "the caller's call is not a waiting callback to $NUMBER: $CALL"
CALL_ID=$(jq -r .callId <<<"$CALL")
ce_log "call $CALL_ID waits as a callback to $NUMBER"

# 4. The customer's phone listens at the proxy's address; the agent sets itself available.
sipp_side customer-phone -sf "$CE_SIPP_DIR/callback-customer-uas.xml" -i $CE_HOST -p "$CUSTOMER_PORT" -mp "$CUSTOMER_MEDIA" \
  -m 1 -d 2000 -timeout 100s
ce_agents_available
wait_sipp customer-phone "$customer_phone_PID"
wait_sipp agent-phone "$agent_phone_PID"
grep -q "^INVITE $NUMBER SIP/2.0" "$CE_WORK/customer-phone-messages.log" \
  || ce_die "the customer's phone got no INVITE for $NUMBER (see $CE_WORK/customer-phone-messages.log)"
grep -qi "^Route: <sip:$CE_HOST:$CUSTOMER_PORT;lr>" "$CE_WORK/customer-phone-messages.log" \
  || ce_die "the callback INVITE did not name the outbound proxy in its Route (see $CE_WORK/customer-phone-messages.log)"

# 5. The record: answered by the agent after one callback attempt, COMPLETED.
RECORD='{}'
for _ in $(seq 1 40); do
  RECORD=$(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE" "$CE_ADMIN" | jq -c --arg id "$CALL_ID" '.[] | select(.callId == $id)')
  [[ $(jq -r '.disposition // ""' <<<"$RECORD") == COMPLETED ]] && break
  sleep 0.25
done
ce_log "call record: $(jq -c '{disposition, agentId, callbackNumber, callbackAttempts, waitSeconds, talkSeconds}' <<<"$RECORD")"
[[ $(jq -r .disposition <<<"$RECORD") == COMPLETED && $(jq -r .agentId <<<"$RECORD") == "$AGENT" \
  && $(jq -r .callbackAttempts <<<"$RECORD") == 1 && $(jq -r .callbackNumber <<<"$RECORD") == "$NUMBER" \
  && $(jq -r '.answeredAt // ""' <<<"$RECORD") != "" ]] \
  || ce_die "expected the callback COMPLETED by $AGENT after 1 attempt to $NUMBER: $RECORD"
METRICS=$(ce_http GET "/api/v1/supervisor/metrics?queueId=$QUEUE" "$CE_ADMIN")
ce_log "metrics: $(jq -c '{offered, answered, callbacksOffered, callbacksAccepted, callbacksCompleted, callbacksFailed}' <<<"$METRICS")"
[[ $(jq -c '[.callbacksOffered, .callbacksAccepted, .callbacksCompleted, .callbacksFailed]' <<<"$METRICS") == '[1,1,1,0]' ]] \
  || ce_die "expected 1 callback offered, accepted and completed, 0 failed: $METRICS"

# The live counters of /metrics say the same.
counter() {
  curl -s -m 10 "$CE_HTTP/metrics" | sed -nE "s/^callengine_callbacks_$1_total\{queue=\"$QUEUE\"\} ([0-9.]+)$/\1/p"
}
COUNTERS=""
for _ in $(seq 1 40); do
  COUNTERS="$(counter offered) $(counter accepted) $(counter completed) $(counter failed)"
  [[ "$COUNTERS" == "1.0 1.0 1.0 0.0" ]] && break
  sleep 0.25
done
[[ "$COUNTERS" == "1.0 1.0 1.0 0.0" ]] \
  || ce_die "expected callengine_callbacks_{offered,accepted,completed,failed}_total of $QUEUE at 1 1 1 0, got: $COUNTERS"
ce_log "/metrics: callbacks offered, accepted, completed, failed: $COUNTERS"

# 6. A quiet log: INFO only from start to stop, one end-of-call line.
printf '%s\n' "$CALL_ID" >"$CE_WORK/call-ids"
ce_stop_node 60
ce_check_quiet_log "$CE_WORK/call-ids"

echo "callback-e2e: 1 passed, 0 failed"
