#!/usr/bin/env bash
# Fairness under attack, end to end with SIPp on loopback: one source (127.0.0.2) floods the node
# while registered agents and legitimate callers on another (127.0.0.1) go on as usual.
#
#   phase 1: an INVITE flood at FLOOD_INVITE_RATE/s (500) for FLOOD_INVITE_SECONDS (20): calls that
#            are answered send no RTP and never hang up; LEGIT_CALLS_1 (30) customer calls meanwhile.
#   phase 2: a REGISTER flood at FLOOD_REGISTER_RATE/s (5000) for FLOOD_REGISTER_SECONDS (10), a new
#            user name each time; the agents re-register and LEGIT_CALLS_2 (20) customer calls meanwhile.
#
# Passes when at least 99 % of the legitimate calls were served (answered and hung up cleanly,
# SIPp's successful calls), the agents' re-registration succeeded, the node refused the flood
# per source (rate-limit counters, one SECURITY log line per source and method) and the RTP ports
# of the silent flood calls came back within the first-RTP limit.
#
#   .ci/flood-fairness.sh [path/to/call-engine.jar]
#
# Ports: SIP, HTTP, cluster and SIPp on 5090-5097; RTP 41600-41899 (the node) and 41900-41999 (SIPp).
# FLOOD_KEEP=1 keeps the scratch directory. Builds nothing; stops everything it starts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=flood-fairness
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
AGENTS=5
QUEUE=support
FLOODER=127.0.0.2
FLOOD_INVITE_RATE=${FLOOD_INVITE_RATE:-500}
FLOOD_INVITE_SECONDS=${FLOOD_INVITE_SECONDS:-20}
FLOOD_REGISTER_RATE=${FLOOD_REGISTER_RATE:-5000}
FLOOD_REGISTER_SECONDS=${FLOOD_REGISTER_SECONDS:-10}
LEGIT_CALLS_1=${LEGIT_CALLS_1:-30}
LEGIT_CALLS_2=${LEGIT_CALLS_2:-20}
TALK_MS=2000

ce_require java curl jq sipp ss
CE_SIP_PORT=5090 CE_HTTP_PORT=5091 CE_CLUSTER_PORT=5092
UAS_PORT=5093 REGISTER_PORT=5094 LEGIT_PORT=5095 FLOOD_INVITE_PORT=5096 FLOOD_REGISTER_PORT=5097
CE_RTP_PORTS=41600-41899
UAS_MEDIA=41900 LEGIT_MEDIA=41920 FLOOD_MEDIA=41940
# The SIP ports and SIPp's media ports must be free; the node skips RTP ports that something
# else holds (its range lies in the kernel's ephemeral range, where any socket may land).
busy=$(ss -Htuan | awk '{print $5}' | sed -E 's/.*:([0-9]+)$/\1/' \
  | awk '($1 >= 5090 && $1 <= 5097) || ($1 >= 41900 && $1 <= 41999 && ($1 % 20) < 4)' | sort -u | tr '\n' ' ')
[[ -z "$busy" ]] || ce_die "ports in use that this test needs: $busy"

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/flood-fairness.XXXXXX")
CE_KEEP=${FLOOD_KEEP:-0}
ce_trap_finish

metric() { # metric 'series{labels}': its value in /metrics, 0 when absent
  curl -s -m 5 "$CE_HTTP/metrics" | awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }' | head -n 1
}

# The node with the default limits (INVITE 10/s burst 30, REGISTER 20/s burst 60 per source,
# first RTP within 10 s); nothing trusted.
ce_start_node "$JAR"
ce_wait_ready 90
ce_create_queue "$QUEUE" 10
ce_create_agents "$AGENTS"

# The agents' phones: one SIPp UAS answers every agent call, flood calls included.
(cd "$CE_WORK" && exec timeout 300 sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA" \
  -timeout 240s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf uas-stat.csv -fd 1 \
  -trace_err -error_file uas-errors.log >uas.out 2>&1) &
CE_PIDS+=("$!")

register_agents() { # register_agents LABEL: every agent REGISTERs (digest) from 127.0.0.1; prints how many succeeded
  local label=$1 rc=0
  (cd "$CE_WORK" && timeout 90 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/agent-register.xml" \
    -i $CE_HOST -p "$REGISTER_PORT" -mp 41980 -inf agents.csv -key contact "$CE_HOST:$UAS_PORT" -key expires 3600 \
    -m "$AGENTS" -r 10 -l 10 -timeout 60s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
    -trace_stat -stf "$label-stat.csv" -fd 1 -trace_err -error_file "$label-errors.log" >"$label.out" 2>&1) || rc=$?
  ce_log "$label: SIPp exit $rc"
  ce_stat "$CE_WORK/$label-stat.csv" 'SuccessfulCall(C)'
}
ok=$(register_agents register)
[[ "${ok:-0}" == "$AGENTS" ]] || ce_die "agent registration: ${ok:-0} of $AGENTS"
ce_agents_available
ce_log "$AGENTS agents registered and AVAILABLE"

legit_calls() { # legit_calls LABEL CALLS RATE: customer calls from 127.0.0.1 in the background; sets LEGIT_PID
  (cd "$CE_WORK" && exec timeout 150 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s "$QUEUE" \
    -i $CE_HOST -p "$LEGIT_PORT" -mp "$LEGIT_MEDIA" -m "$2" -r "$3" -rp 1000 -d "$TALK_MS" -l 100 -timeout 120s -nostdin \
    "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf "$1-stat.csv" -fd 1 -trace_err -error_file "$1-errors.log" >"$1.out" 2>&1) &
  LEGIT_PID=$!
  CE_PIDS+=("$LEGIT_PID")
}

wait_for() { # wait_for PID LIMIT: waits (bounded) for a background SIPp; sets WAIT_RC to its exit status or "timeout"
  local pid=$1 limit=$2 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null && (( SECONDS - start < limit )); do sleep 0.5; done
  WAIT_RC=0
  if kill -0 "$pid" 2>/dev/null; then WAIT_RC=timeout; kill "$pid" 2>/dev/null || true; return; fi
  wait "$pid" || WAIT_RC=$?
}

# Phase 1: the INVITE flood and legitimate calls at the same time.
FLOOD_INVITES=$((FLOOD_INVITE_RATE * FLOOD_INVITE_SECONDS))
ce_log "phase 1: $FLOOD_INVITES INVITEs at $FLOOD_INVITE_RATE/s from $FLOODER; $LEGIT_CALLS_1 calls from $CE_HOST"
(cd "$CE_WORK" && exec timeout 150 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/flood-invite.xml" -s "$QUEUE" \
  -i $FLOODER -p "$FLOOD_INVITE_PORT" -mp "$FLOOD_MEDIA" -m "$FLOOD_INVITES" -r "$FLOOD_INVITE_RATE" -rp 1000 \
  -l "$FLOOD_INVITES" -timeout 100s -recv_timeout 40000 -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
  -trace_stat -stf flood-invite-stat.csv -fd 1 >flood-invite.out 2>&1) &
FLOOD_PID=$!
FLOOD_START=$SECONDS
CE_PIDS+=("$FLOOD_PID")
legit_calls legit-1 "$LEGIT_CALLS_1" "$(( (LEGIT_CALLS_1 + FLOOD_INVITE_SECONDS - 1) / FLOOD_INVITE_SECONDS ))"
wait_for "$LEGIT_PID" 150; rc1=$WAIT_RC
ok1=$(ce_stat "$CE_WORK/legit-1-stat.csv" 'SuccessfulCall(C)')
ce_log "phase 1 legitimate calls: SIPp exit $rc1, ${ok1:-0} of $LEGIT_CALLS_1 served"

# The flood's answered calls are silent: the first-RTP limit ends them and frees their ports.
while kill -0 "$FLOOD_PID" 2>/dev/null && (( SECONDS - FLOOD_START < FLOOD_INVITE_SECONDS + 2 )); do sleep 0.5; done
ports_peak=$(metric callengine_sip_rtp_ports_in_use)
start=$SECONDS
until (( $(metric callengine_sip_rtp_ports_in_use | cut -d. -f1) == 0 )) || (( SECONDS - start > 40 )); do sleep 1; done
ports_left=$(metric callengine_sip_rtp_ports_in_use | cut -d. -f1)
ce_log "RTP ports in use after phase 1: $ports_peak, $((SECONDS - start)) s later $ports_left"
if (( ports_left > 0 )); then
  ce_log "calls not ended yet: $(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE" "$CE_ADMIN" \
    | jq -c '[.[] | select(.disposition == null) | {caller, status, agentId, enqueuedAt, answeredAt}] | .[:10]')"
fi
# The flood has been sent by now; its unanswered INVITEs (lost in a full socket buffer) would keep
# SIPp retransmitting for another half minute: stop it.
wait_for "$FLOOD_PID" 5; rcf=$WAIT_RC
flood_refused=$(metric 'callengine_sip_security_rate_limited_total{method="INVITE"}')
flood_share=$(metric callengine_sip_overload_refusals_total)
flood_ended=$(grep -c 'no RTP from the caller in the' "$CE_WORK/node.log" || true)
[[ "$rcf" == timeout ]] && rcf="stopped by this script" || rcf="exit $rcf"
ce_log "INVITE flood: SIPp $rcf; $FLOOD_INVITES sent, ${flood_refused%.*} refused for the source's rate (503), ${flood_share%.*} for the node's calls in set-up (503), $flood_ended answered and then ended by the first-RTP limit"

# Phase 2: the REGISTER flood; the agents re-register and legitimate calls go on meanwhile.
FLOOD_REGISTERS=$((FLOOD_REGISTER_RATE * FLOOD_REGISTER_SECONDS))
ce_log "phase 2: $FLOOD_REGISTERS REGISTERs at $FLOOD_REGISTER_RATE/s from $FLOODER; agents re-register; $LEGIT_CALLS_2 calls from $CE_HOST"
(cd "$CE_WORK" && exec timeout 90 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/flood-register.xml" \
  -i $FLOODER -p "$FLOOD_REGISTER_PORT" -mp 41960 -m "$FLOOD_REGISTERS" -r "$FLOOD_REGISTER_RATE" -rp 1000 -l "$FLOOD_REGISTERS" \
  -timeout 60s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf flood-register-stat.csv -fd 1 >flood-register.out 2>&1) &
FLOOD_PID=$!
CE_PIDS+=("$FLOOD_PID")
legit_calls legit-2 "$LEGIT_CALLS_2" "$(( (LEGIT_CALLS_2 + FLOOD_REGISTER_SECONDS - 1) / FLOOD_REGISTER_SECONDS ))"
reregistered=$(register_agents reregister)
wait_for "$LEGIT_PID" 150; rc2=$WAIT_RC
ok2=$(ce_stat "$CE_WORK/legit-2-stat.csv" 'SuccessfulCall(C)')
ce_log "phase 2 legitimate calls: SIPp exit $rc2, ${ok2:-0} of $LEGIT_CALLS_2 served; agents re-registered: ${reregistered:-0} of $AGENTS"
wait_for "$FLOOD_PID" 60; rcr=$WAIT_RC
register_refused=$(metric 'callengine_sip_security_rate_limited_total{method="REGISTER"}')
ce_log "REGISTER flood: SIPp exit $rcr; $FLOOD_REGISTERS sent, ${register_refused%.*} dropped for the source's rate"

# The verdict.
attempted=$((LEGIT_CALLS_1 + LEGIT_CALLS_2))
served=$(( ${ok1:-0} + ${ok2:-0} ))
rate_lines=$(grep -c 'SECURITY rate-limit source=127.0.0.2 ' "$CE_WORK/node.log" || true)
legit_lines=$(grep -c 'SECURITY .* source=127.0.0.1 ' "$CE_WORK/node.log" || true)
ce_log "legitimate calls served: $served of $attempted; SECURITY rate-limit lines for $FLOODER: $rate_lines; SECURITY lines for $CE_HOST: $legit_lines"
failures=()
(( served * 100 >= attempted * 99 )) || failures+=("only $served of $attempted legitimate calls served (99 % needed)")
[[ "${reregistered:-0}" == "$AGENTS" ]] || failures+=("only ${reregistered:-0} of $AGENTS agents re-registered during the REGISTER flood")
(( ${flood_refused%.*} > FLOOD_INVITES / 2 )) || failures+=("the INVITE flood was not limited: ${flood_refused%.*} refused of $FLOOD_INVITES")
(( ${register_refused%.*} > FLOOD_REGISTERS / 2 )) || failures+=("the REGISTER flood was not limited: ${register_refused%.*} dropped of $FLOOD_REGISTERS")
(( ports_left == 0 )) || failures+=("$ports_left RTP ports still held 40 s after the INVITE flood")
[[ "$rate_lines" -ge 2 && "$rate_lines" -le 6 ]] || failures+=("expected a few SECURITY rate-limit lines for $FLOODER (one per method and minute), got $rate_lines")
[[ "$legit_lines" == 0 ]] || failures+=("the legitimate source was limited or locked: $legit_lines SECURITY lines")
if (( ${#failures[@]} > 0 )); then
  for f in "${failures[@]}"; do echo "flood-fairness: $f" >&2; done
  tail -n 20 "$CE_WORK/legit-1-errors.log" "$CE_WORK/legit-2-errors.log" >&2 2>/dev/null || true
  ce_die "${#failures[@]} check(s) failed"
fi
echo "flood-fairness: $served passed, $((attempted - served)) failed"
