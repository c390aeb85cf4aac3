#!/usr/bin/env bash
# Concurrent calls on one node, signalling only: how much heap and CPU an idle registered
# agent and an idle connected call cost. Starts one node with default JVM settings (no -Xmx),
# then measures in three states, each after a full GC (jcmd GC.run; heap used = the sum of
# jstat's used columns) and over CC_MEASURE_SECONDS of the node's CPU (utime + stime):
#   0. node up, nothing provisioned;
#   1. CC_AGENTS agents registered (one SIPp UAS answers for all, maxConcurrentCalls
#      CC_AGENT_MAX_CALLS each) and AVAILABLE, no calls;
#   2. CC_CALLS customer calls (SIPp, no RTP) to one queue, each answered by an agent and
#      held connected for the rest of the run: both legs bridged, so no hold music flows
#      (a caller waiting in line would hear it, 50 packets/s, and not be idle).
# Reports heap and CPU per idle agent ((1) - (0)) / agents and per idle call ((2) - (1)) / calls.
# The calls stay up until the measurement is done; then everything is stopped.
#
# Each bridged call holds 4 UDP ports of the node (RTP + RTCP for each leg) and as many file
# descriptors, so the RTP range and the open-file limit cap the calls: the script widens both
# (CC_RTP_PORTS, CC_NOFILE) and refuses to start when they cannot carry CC_CALLS.
#
#   bench/concurrent-calls.sh [path/to/call-engine.jar]
#
# Environment (defaults in brackets):
#   CC_CALLS [10000]              calls up at once
#   CC_RATE [50]                  calls per second while they are set up
#   CC_AGENTS [200]               agents registered (each may hold CC_AGENT_MAX_CALLS calls)
#   CC_AGENT_MAX_CALLS [100]      the agents' maxConcurrentCalls (the API's maximum is 100)
#   CC_MEASURE_SECONDS [30]       CPU measuring window in each state
#   CC_RTP_PORTS [12000-59999]    the node's RTP range (overlaps the kernel's ephemeral range;
#                                 the node skips a port that is taken and binds the next one)
#   CC_NOFILE [200000]            open-file limit set for the node (ulimit -n; raising the hard
#                                 limit needs root)
#   CC_OUT [a new directory under /tmp]  where results and logs go (kept)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=concurrent-calls
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
CALLS=${CC_CALLS:-10000}
RATE=${CC_RATE:-50}
AGENTS=${CC_AGENTS:-200}
AGENT_MAX_CALLS=${CC_AGENT_MAX_CALLS:-100}
MEASURE_SECONDS=${CC_MEASURE_SECONDS:-30}
RTP_PORTS=${CC_RTP_PORTS:-12000-59999}
NOFILE=${CC_NOFILE:-200000}
ce_work_dir "${CC_OUT:-}"

ce_require java jcmd jstat curl jq sipp
trap ce_cleanup EXIT
trap 'exit 130' INT TERM

(( AGENTS * AGENT_MAX_CALLS >= CALLS )) \
  || ce_die "$AGENTS agents x $AGENT_MAX_CALLS calls cannot hold $CALLS calls (raise CC_AGENTS)"

# What caps the calls: 4 RTP/RTCP ports and 4 file descriptors a bridged call, plus the
# node's own (jars, sockets, database: about 25 on an idle node; 400 leaves room).
rtp_first=${RTP_PORTS%-*}; rtp_last=${RTP_PORTS#*-}
rtp_calls=$(( (rtp_last - rtp_first + 1) / 4 ))
ulimit -n "$NOFILE" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
nofile=$(ulimit -n)
fd_calls=$(( (nofile - 400) / 4 ))
ce_log "caps: RTP range $RTP_PORTS carries $rtp_calls bridged calls; open-file limit $nofile carries $fd_calls"
(( CALLS <= rtp_calls )) || ce_die "the RTP range $RTP_PORTS carries only $rtp_calls bridged calls (4 ports each); widen CC_RTP_PORTS"
(( CALLS <= fd_calls )) || ce_die "the open-file limit $nofile carries only $fd_calls bridged calls (4 sockets each); raise CC_NOFILE (root can raise the hard limit)"

# The node with the wide RTP range, default JVM settings and a no-RTP limit longer than the run
# (the customers send no RTP; a connected call would otherwise end after 30 s, and any call 10 s
# after its answer by the first-RTP limit); all calls come from 127.0.0.1, trusted as an SBC would be.
HOLD_MS=$(( (CALLS / RATE * 2 + 3 * MEASURE_SECONDS + 240) * 1000 ))
CE_RTP_PORTS=$RTP_PORTS
CALLENGINE_MEDIA_NO_RTP_TIMEOUT="$(( HOLD_MS / 1000 + 600 ))s" CALLENGINE_MEDIA_FIRST_RTP_TIMEOUT="$(( HOLD_MS / 1000 + 600 ))s" \
  CALLENGINE_SIP_TRUSTED_SOURCES=127.0.0.1 CALLENGINE_JAVA_OPTS="" ce_start_node "$JAR"
ce_wait_ready 120
HZ=$(getconf CLK_TCK)

# Heap used after a full GC, in KiB (S0U + S1U + EU + OU of jstat -gc: any collector).
heap_kib() {
  jcmd "$CE_NODE_PID" GC.run >/dev/null
  jstat -gc "$CE_NODE_PID" | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%.0f\n", $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"] }'
}

node_ticks() { awk '{ print $14 + $15 }' "/proc/$CE_NODE_PID/stat"; }

# "tid ticks name" for every thread of the node (name: its comm, digits dropped, so that pools group).
thread_ticks() {
  local f
  for f in /proc/"$CE_NODE_PID"/task/*/stat; do
    # comm is in parentheses and may hold spaces: fields counted from after the last ')'.
    sed -E 's/^([0-9]+) \((.*)\) (.*)$/\1\t\2\t\3/' "$f" 2>/dev/null \
      | awk -F'\t' '{ split($3, r, " "); name = $2; gsub(/[0-9]+/, "#", name); print $1 "\t" r[12] + r[13] "\t" name }'
  done
}

# measure LABEL: prints "heap_kib cpu_ms_per_s threads fds" of the node now.
measure() {
  local label=$1 heap t0 t1 c0 c1 cpu threads fds
  heap=$(heap_kib)
  thread_ticks >"$CE_WORK/threads.before"
  c0=$(node_ticks); t0=$(date +%s.%N)
  sleep "$MEASURE_SECONDS"
  c1=$(node_ticks); t1=$(date +%s.%N)
  thread_ticks >"$CE_WORK/threads.after"
  # CPU ms/s by thread group over the window, busiest first.
  awk -F'\t' -v hz="$HZ" -v s="$MEASURE_SECONDS" 'NR == FNR { before[$1] = $2; next }
    { cpu[$3] += $2 - before[$1] } END { for (n in cpu) if (cpu[n] > 0) printf "%.1f\t%s\n", cpu[n] * 1000 / hz / s, n }' \
    "$CE_WORK/threads.before" "$CE_WORK/threads.after" | sort -rn >"$CE_WORK/threads-$(tr -c 'a-z0-9\n' - <<<"${label,,}" | head -c 40).tsv"
  cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) * 1000 / hz / (t1 - t0) }')
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$CE_NODE_PID/status")
  fds=$(find "/proc/$CE_NODE_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  ce_log "$label: heap used $heap KiB after full GC, node CPU $cpu ms/s, $threads threads, $fds open files; busiest threads (ms/s): $(ls -t "$CE_WORK"/threads-*.tsv | head -1 | xargs head -n 4 | tr '\t\n' ' ;')"
  echo "$heap $cpu $threads $fds"
}

# Lets the node settle after start-up (the JIT, the first projections) before the baseline.
sleep 10
read -r heap0 cpu0 thr0 fd0 < <(measure "0. idle node")

# Agents: created over HTTP four at a time; files as ce_create_agents writes them.
ce_log "creating $AGENTS agents (maxConcurrentCalls $AGENT_MAX_CALLS)"
create_agent() {
  local i=$1 id password token
  id=$(printf 'agent%05d' "$i")
  password="pw-$id-$(ce_random_token | head -c 12)"
  ce_http POST /api/v1/admin/agents "$CE_ADMIN" \
    "{\"id\":\"$id\",\"sipUri\":\"sip:$id@$CE_HOST\",\"displayName\":\"Agent $i\",\"password\":\"$password\",\"maxConcurrentCalls\":$AGENT_MAX_CALLS}" >/dev/null
  token=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" "{\"role\":\"agent\",\"agentId\":\"$id\"}" | jq -r .token)
  printf '%s;[authentication username=%s password=%s]\n' "$id" "$id" "$password" >>"$CE_WORK/agents.$((i % 4))"
  printf '%s %s\n' "$id" "$token" >>"$CE_WORK/tokens.$((i % 4))"
}
for shard in 0 1 2 3; do
  ( for ((i = 1 + shard; i <= AGENTS; i += 4)); do create_agent "$i"; done ) &
  CE_PIDS+=("$!")
done
wait "${CE_PIDS[@]:1}" || ce_die "creating agents failed"
CE_PIDS=("$CE_NODE_PID")
{ printf 'SEQUENTIAL\n'; cat "$CE_WORK"/agents.[0-3]; } >"$CE_WORK/agents.csv"
cat "$CE_WORK"/tokens.[0-3] >"$CE_WORK/agent-tokens"
(( $(wc -l <"$CE_WORK/agent-tokens") == AGENTS )) || ce_die "only $(wc -l <"$CE_WORK/agent-tokens") of $AGENTS agents were created"

ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
RUN_LIMIT=$(( HOLD_MS / 1000 + CALLS / RATE + 600 ))
(cd "$CE_WORK" && exec timeout "$RUN_LIMIT" sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
  -m "$CALLS" -l "$CALLS" -timeout "${RUN_LIMIT}s" -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
  -trace_stat -stf uas-stat.csv -fd 1 -trace_err -error_file uas-errors.log >uas.out 2>&1) &
CE_PIDS+=("$!")
ce_register_agents "$AGENTS" "$CE_HOST:$UAS_PORT"
ce_agents_available
ce_log "$AGENTS agents registered and AVAILABLE"
read -r heap1 cpu1 thr1 fd1 < <(measure "1. $AGENTS idle agents")

ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
  '{"id":"held","name":"held","wrapUpSeconds":0,"ringTimeoutSeconds":30}' >/dev/null
ce_free_port port
ce_free_port media 4
ce_log "$CALLS calls at $RATE calls/s, each held $((HOLD_MS / 1000)) s"
(cd "$CE_WORK" && exec timeout "$RUN_LIMIT" sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s held \
  -i $CE_HOST -p "$port" -mp "$media" -r "$RATE" -m "$CALLS" -l "$CALLS" -d "$HOLD_MS" -timeout "${RUN_LIMIT}s" \
  -nostdin "${CE_SIPP_LOAD_OPTS[@]}" -trace_stat -stf customer-stat.csv -fd 1 \
  -trace_err -error_file customer-errors.log >customer.out 2>&1) &
CUSTOMER_PID=$!
CE_PIDS+=("$CUSTOMER_PID")

# INVITEs answered 503: distinct Call-IDs SIPp aborted on a 503 (its -trace_err log).
refused_503() {
  { grep -E "received 'SIP/2.0 503 " "$CE_WORK/customer-errors.log" 2>/dev/null || true; } \
    | { grep -oE "Call-Id '[^']+'" || true; } | sort -u | wc -l
}

# Wait (bounded) until every call SIPp placed is connected (held by an agent, none in line)
# or has failed; a failed call is reported, not waited for.
setup_limit=$(( CALLS / RATE * 2 + 120 )); start=$SECONDS; connected=0; queued=0; polls=0; failed=0
while (( SECONDS - start < setup_limit )); do
  polls=$((polls + 1))
  stats=$(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN")
  queued=$(jq -r .queuedCalls <<<"$stats"); connected=$(( $(jq -r .activeCalls <<<"$stats") - queued ))
  failed=$(ce_stat "$CE_WORK/customer-stat.csv" 'FailedCall(C)' 2>/dev/null || true); failed=${failed:-0}
  (( connected + failed >= CALLS && queued == 0 )) && break
  kill -0 "$CUSTOMER_PID" 2>/dev/null || break
  if (( polls % 15 == 0 )); then
    ce_log "connected $connected, in line $queued, customer side failed $(ce_stat "$CE_WORK/customer-stat.csv" 'FailedCall(C)' 2>/dev/null)"
  fi
  sleep 2
done
sleep 1.5 # SIPp writes its statistics once a second
failed=$(ce_stat "$CE_WORK/customer-stat.csv" 'FailedCall(C)' 2>/dev/null || true); failed=${failed:-0}
refused=$(refused_503)
ce_log "after $((SECONDS - start)) s: $connected connected, $queued in line, customer side failed $failed (of them answered 503: $refused)"
if (( connected + failed < CALLS || connected == 0 )); then
  tail -n 5 "$CE_WORK/customer-errors.log" >&2 2>/dev/null || true
  ce_die "only $connected of $CALLS calls connected, $failed failed (logs in $CE_WORK)"
fi
UP=$connected
# The read side trails the set-up of the calls: let it catch up before measuring.
sleep "$MEASURE_SECONDS"
read -r heap2 cpu2 thr2 fd2 < <(measure "2. $UP idle connected calls")
stats=$(ce_http GET /api/v1/supervisor/stats "$CE_ADMIN")
still=$(( $(jq -r .activeCalls <<<"$stats") - $(jq -r .queuedCalls <<<"$stats") ))
(( still >= UP )) || ce_die "calls ended during the measurement: $still of $UP still connected"

per() { awk -v a="$1" -v b="$2" -v n="$3" -v f="$4" 'BEGIN { printf f, (b - a) / n }'; }
RESULTS=$CE_WORK/results.tsv
{
  printf 'state\tcount\theap_used_kib\tnode_cpu_ms_per_s\tthreads\topen_files\n'
  printf 'idle node\t0\t%s\t%s\t%s\t%s\n' "$heap0" "$cpu0" "$thr0" "$fd0"
  printf 'idle agents\t%s\t%s\t%s\t%s\t%s\n' "$AGENTS" "$heap1" "$cpu1" "$thr1" "$fd1"
  printf 'idle calls\t%s\t%s\t%s\t%s\t%s\n' "$UP" "$heap2" "$cpu2" "$thr2" "$fd2"
} >"$RESULTS"
echo
column -t -s $'\t' "$RESULTS"
echo
echo "concurrent-calls: per idle registered agent: heap $(per "$heap0" "$heap1" "$AGENTS" '%.1f') KiB, CPU $(per "$cpu0" "$cpu1" "$AGENTS" '%.3f') ms/s"
echo "concurrent-calls: per idle connected call: heap $(per "$heap1" "$heap2" "$UP" '%.1f') KiB, CPU $(per "$cpu1" "$cpu2" "$UP" '%.3f') ms/s, $(per "$fd1" "$fd2" "$UP" '%.1f') open files"
echo "concurrent-calls: $UP of $CALLS calls connected at once, $failed failed on the customer side ($refused answered 503) ($AGENTS agents x up to $AGENT_MAX_CALLS); caps here: RTP range $rtp_calls calls, open files $fd_calls calls"
echo "concurrent-calls: results in $CE_WORK"
