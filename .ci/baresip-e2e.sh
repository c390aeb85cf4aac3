#!/usr/bin/env bash
# End-to-end test with a real softphone as the agent: starts a node on free loopback
# ports, creates a queue and the agent bob, runs baresip headless as bob's phone
# (registers with digest auth, answers automatically, sends a sine tone and records what
# it hears to WAV files), makes bob AVAILABLE, places one customer call with SIPp that
# plays G.711 audio, then checks SIPp's counts, the engine's call record, baresip's log
# and that the audio baresip received is not silence.
#
#   .ci/baresip-e2e.sh [path/to/call-engine.jar]
#
# The node runs with its default digest challenge (MD5 alone), which Debian 12's baresip
# (it gives up on a 401 with any other algorithm) must answer without any setting.
# Environment: BARESIP_E2E_MIN_RMS (0.01: the RMS
# amplitude, 0..1, that the received audio must exceed), BARESIP_E2E_KEEP=1 keeps the
# scratch directory, CALLENGINE_JAVA_OPTS (JVM options for the node). Builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=baresip-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
MIN_RMS=${BARESIP_E2E_MIN_RMS:-0.01}
RTP_PCAP=/usr/share/sip-tester/g711a.pcap
BARESIP_MODULES=/usr/lib/baresip/modules
QUEUE=support
AGENT=bob

ce_require java curl jq sipp baresip sox
[[ -f "$RTP_PCAP" ]] || ce_die "no $RTP_PCAP (it comes with the Debian package sip-tester)"
for module in g711 ausine sndfile menu account; do
  [[ -f "$BARESIP_MODULES/$module.so" ]] || ce_die "baresip module $module.so is missing from $BARESIP_MODULES"
done
BARESIP_VERSION=$(timeout 10 baresip -h </dev/null 2>&1 | sed -nE 's/^baresip v([0-9][0-9.]*).*/\1/p' | head -n 1 || true)

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/baresip-e2e.XXXXXX")
BARESIP_PID=""
BARESIP_LOG="$CE_WORK/baresip.log"

# baresip's log without colours, carriage-return status lines and blank lines.
baresip_log() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$BARESIP_LOG" 2>/dev/null | tr '\r' '\n' | grep -v -e '^[[:space:]]*$' -e 'audio=.*bit/s' || true
}

baresip_log_tail() {
  echo "---- last lines of $BARESIP_LOG ----" >&2
  baresip_log | tail -n "${1:-40}" >&2
  echo "----" >&2
}

# Stops baresip while the node still answers (it un-REGISTERs on TERM), KILL after 5 s.
stop_baresip() {
  [[ -n "$BARESIP_PID" ]] || return 0
  if kill -0 "$BARESIP_PID" 2>/dev/null; then
    kill "$BARESIP_PID" 2>/dev/null || true
    for _ in $(seq 1 10); do kill -0 "$BARESIP_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$BARESIP_PID" 2>/dev/null || true
  fi
  wait "$BARESIP_PID" 2>/dev/null || true
  BARESIP_PID=""
}

fail() {
  ce_node_log_tail 30
  baresip_log_tail 40
  ce_die "$*"
}

CE_KEEP=${BARESIP_E2E_KEEP:-0}
ce_stop_more() { stop_baresip; }
ce_trap_finish

# 1. The node, a queue and the agent.
ce_start_node "$JAR"
ce_wait_ready 60
ce_create_queue "$QUEUE" 20
PASSWORD="pw-$AGENT-$(ce_random_token | head -c 12)"
ce_http POST /api/v1/admin/agents "$CE_ADMIN" \
  "{\"id\":\"$AGENT\",\"sipUri\":\"sip:$AGENT@$CE_HOST\",\"displayName\":\"Bob\",\"password\":\"$PASSWORD\",\"maxConcurrentCalls\":1}" >/dev/null
ce_log "created queue $QUEUE and agent $AGENT (baresip ${BARESIP_VERSION:-?}, the node's default digest challenges)"

# 2. baresip as bob's phone: loopback only, no sound card, no video, no UI.
#    Source: a 440 Hz sine (ausine, 48 kHz stereo). Player: none needed; the sndfile
#    filter writes the decoded incoming audio of each call to <snd_path>/dump-*-dec.wav.
ce_free_port BARESIP_SIP_PORT
ce_free_port BARESIP_RTP_BASE 20
BARESIP_DIR="$CE_WORK/baresip"
RECORD_DIR="$CE_WORK/recordings"
mkdir -p "$BARESIP_DIR" "$RECORD_DIR"
cat >"$BARESIP_DIR/config" <<EOF
poll_method		epoll
sip_listen		$CE_HOST:$BARESIP_SIP_PORT
net_interface		$CE_HOST
dns_server		$CE_HOST:53
call_local_timeout	30
call_max_calls		4
audio_player		aubridge,$AGENT
audio_source		ausine,440
audio_alert		aubridge,$AGENT-alert
ausrc_srate		48000
ausrc_channels		2
audio_level		no
ausrc_format		s16
auplay_format		s16
auenc_format		s16
audec_format		s16
rtp_ports		$BARESIP_RTP_BASE-$((BARESIP_RTP_BASE + 19))
rtcp_mux		no
jitter_buffer_delay	5-10
rtp_stats		no
module_path		$BARESIP_MODULES
module			g711.so
module			ausine.so
module			aubridge.so
module			sndfile.so
module_tmp		account.so
module_app		menu.so
statmode_default	off
snd_path		$RECORD_DIR
EOF
printf '<sip:%s@%s:%s;transport=udp>;auth_pass=%s;answermode=auto;regint=600;audio_codecs=pcma,pcmu;mwi=no;pubint=0;call_transfer=no\n' \
  "$AGENT" "$CE_HOST" "$CE_SIP_PORT" "$PASSWORD" >"$BARESIP_DIR/accounts"
: >"$BARESIP_DIR/contacts"

ce_log "starting baresip: SIP $CE_HOST:$BARESIP_SIP_PORT, RTP $BARESIP_RTP_BASE-$((BARESIP_RTP_BASE + 19)), config $BARESIP_DIR"
# -s traces SIP messages into the log; -t bounds its life.
(cd "$CE_WORK" && exec baresip -f "$BARESIP_DIR" -s -t 240 </dev/null >"$BARESIP_LOG" 2>&1) &
BARESIP_PID=$!

# 3. Wait (bounded) until the engine has bob's registration, then make bob AVAILABLE.
registered=false
start=$SECONDS
while (( SECONDS - start < 20 )); do
  kill -0 "$BARESIP_PID" 2>/dev/null || fail "baresip exited during start-up"
  registered=$(ce_http GET "/api/v1/agents/$AGENT" "$CE_ADMIN" | jq -r .registered)
  [[ "$registered" == true ]] && break
  sleep 0.5
done
if [[ "$registered" != true ]]; then
  if baresip_log | grep -q 'Register: Function not implemented'; then
    fail "baresip ${BARESIP_VERSION:-?} cannot answer the digest challenge the engine offers first"
  fi
  fail "the engine does not report $AGENT registered 20 s after baresip started"
fi
ce_log "$AGENT registered from baresip after $((SECONDS - start)) s"
agent=$(ce_http PUT "/api/v1/agents/$AGENT/status" "$CE_ADMIN" '{"presence":"AVAILABLE"}')
[[ $(jq -r .presence <<<"$agent") == AVAILABLE ]] || fail "$AGENT is not AVAILABLE: $agent"

# 4. One customer call with G.711 audio from SIPp's capture.
ce_free_port UAC_PORT
ce_free_port UAC_MEDIA_PORT 4
ce_log "customer: 1 call with customer-uac-rtp.xml"
rc=0
(cd "$CE_WORK" && timeout 120 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac-rtp.xml" -s "$QUEUE" \
  -i $CE_HOST -p "$UAC_PORT" -mp "$UAC_MEDIA_PORT" -m 1 -l 1 -timeout 90s -nostdin \
  -trace_stat -stf customer-stat.csv -fd 1 -trace_err -error_file customer-errors.log \
  -trace_msg -message_file customer-messages.log >customer.out 2>&1) || rc=$?
ok=$(ce_stat "$CE_WORK/customer-stat.csv" 'SuccessfulCall(C)')
failed=$(ce_stat "$CE_WORK/customer-stat.csv" 'FailedCall(C)')
ce_log "customer: SIPp exit $rc, ${ok:-0} successful, ${failed:-?} failed"
if [[ $rc != 0 || "${ok:-0}" != 1 || "${failed:-1}" != 0 ]]; then
  tail -n 30 "$CE_WORK/customer-errors.log" >&2 2>/dev/null || true
  fail "customer: SIPp exit $rc, ${ok:-0} of 1 call successful, ${failed:-?} failed (see $CE_WORK/customer-*.log)"
fi

# 5. The engine's call record: COMPLETED, answered by bob (the read side may lag a little).
RECORDS='[]'
for _ in $(seq 1 40); do
  RECORDS=$(ce_http GET "/api/v1/supervisor/calls?queueId=$QUEUE" "$CE_ADMIN")
  [[ $(jq '[.[] | select(.disposition != null)] | length' <<<"$RECORDS") -ge 1 ]] && break
  sleep 0.5
done
printf '%s\n' "$RECORDS" >"$CE_WORK/call-records.json"
ce_log "call record: $(jq -c '.[0] // {} | {callId, agentId, disposition, waitSeconds, talkSeconds}' <<<"$RECORDS")"
if [[ $(jq 'length' <<<"$RECORDS") != 1 ]] \
  || [[ $(jq -r '.[0].disposition' <<<"$RECORDS") != COMPLETED ]] \
  || [[ $(jq -r '.[0].agentId' <<<"$RECORDS") != "$AGENT" ]] \
  || [[ $(jq -r '.[0].answeredAt' <<<"$RECORDS") == null ]]; then
  fail "expected one COMPLETED call record answered by $AGENT; got $(jq -c . <<<"$RECORDS" | head -c 1000)"
fi

# 6. baresip answered, and what it heard from the customer (through the engine) is audio.
for _ in $(seq 1 20); do
  baresip_log | grep -q 'Call with .* terminated' && break
  sleep 0.5
done
BLOG=$(baresip_log)
grep -qiE 'answering (incoming )?call' <<<"$BLOG" || fail "baresip's log shows no auto-answer"
grep -q "Call established: sip:$QUEUE@" <<<"$BLOG" || fail "baresip's log shows no established call from $QUEUE"
grep -q 'Call with .* terminated' <<<"$BLOG" || fail "baresip's log shows no end of the call"
ce_log "baresip: $(grep -m1 'Call with .* terminated' <<<"$BLOG")"
DEC_WAV=$(find "$RECORD_DIR" -name 'dump-*-dec.wav' | head -n 1)
[[ -n "$DEC_WAV" && -s "$DEC_WAV" ]] || fail "baresip recorded no incoming audio in $RECORD_DIR"
STAT=$(sox "$DEC_WAV" -n stat 2>&1) || fail "sox cannot read $DEC_WAV: $STAT"
LENGTH=$(awk -F: '/^Length \(seconds\)/ { gsub(/ /, "", $2); print $2 }' <<<"$STAT")
RMS=$(awk -F: '/^RMS +amplitude/ { gsub(/ /, "", $2); print $2 }' <<<"$STAT")
ce_log "baresip heard ${LENGTH:-?} s of audio, RMS amplitude ${RMS:-?}"
# The customer plays about 7 s of speech; without RTP through the engine the file is empty.
awk -v l="${LENGTH:-0}" 'BEGIN { exit !(l + 0 >= 3) }' \
  || fail "baresip received ${LENGTH:-0} s of audio, expected about 7 s of the customer's speech ($DEC_WAV)"
awk -v r="${RMS:-0}" -v m="$MIN_RMS" 'BEGIN { exit !(r + 0 > m + 0) }' \
  || fail "the audio baresip received is silent (RMS ${RMS:-?} <= $MIN_RMS in $DEC_WAV)"

echo "baresip-e2e: 1 passed, 0 failed"
