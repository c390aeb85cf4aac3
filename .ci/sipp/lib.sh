# Shared shell functions for the SIPp end-to-end test (.ci/sipp-e2e.sh) and the SIPp
# load ramp (bench/sipp-ramp.sh): start a node on free loopback ports, provision a queue
# and agents over HTTP, register the agents with SIPp, read SIPp's statistics.
# Source it; it expects CE_WORK (a scratch directory) to be set by the caller.
# shellcheck shell=bash

CE_SIPP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CE_HOST=127.0.0.1
# SIPp options for anything beyond a handful of calls.
CE_SIPP_LOAD_OPTS=(-buff_size 4194304 -max_recv_loops 10000 -max_sched_loops 10000 -timer_resol 1)
CE_PIDS=()
CE_PICKED_PORTS=" "

ce_log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
ce_die() { printf '%s FAILED: %s\n' "${CE_NAME:-sipp}" "$*" >&2; exit 1; }

ce_require() {
  local tool package
  for tool in "$@"; do
    case $tool in
      sipp) package=sip-tester ;;
      baresip) package=baresip-core ;;
      java) package=openjdk-17-jre-headless ;;
      *) package=$tool ;;
    esac
    command -v "$tool" >/dev/null 2>&1 || ce_die "'$tool' is not installed (Debian package $package)"
  done
}

# ce_free_port VAR [N]: sets VAR to a port that nothing on this machine uses (TCP or UDP)
# and that this script has not handed out yet; with N, the first of N consecutive such ports.
# The ports come from CE_PORT_RANGE (default 10000-32767, below the kernel's ephemeral range
# where outgoing sockets land); scripts that run at the same time get ranges of their own,
# so that neither hands out a port the other has picked but not bound yet.
ce_free_port() {
  local _var=$1 _span=${2:-1} _range=${CE_PORT_RANGE:-10000-32767} _low _high _used _port _try _p _r _moved
  _low=${_range%-*}; _high=${_range#*-}
  _used=" $(ss -Htuan 2>/dev/null | awk '{print $5}' | sed -E 's/.*:([0-9]+)$/\1/' | sort -u | tr '\n' ' ')"
  # First fit from a random even port, round to the start of the range at its end: a candidate
  # that holds a used or already handed-out port moves on past that port.
  _port=$(( _low + (RANDOM * 32768 + RANDOM) % (_high - _low + 1) ))
  for _try in $(seq 1 1000); do
    _port=$(( _port + _port % 2 ))
    (( _port + _span - 1 <= _high )) || _port=$(( _low + _low % 2 ))
    _moved=0
    for _p in $_used; do
      if (( _p >= _port && _p < _port + _span )); then _port=$((_p + 1)); _moved=1; break; fi
    done
    (( _moved )) && continue
    for _r in $CE_PICKED_PORTS; do
      if (( ${_r%-*} < _port + _span && ${_r#*-} >= _port )); then _port=$((${_r#*-} + 1)); _moved=1; break; fi
    done
    (( _moved )) && continue
    CE_PICKED_PORTS+="$_port-$((_port + _span - 1)) "
    printf -v "$_var" '%s' "$_port"
    return 0
  done
  ce_die "no $_span free port(s) in $_range"
}

# How busy the machine is right now, in percent: two seconds of /proc/stat.
ce_busy_percent() {
  local a b t=0 k idle
  read -r -a a < /proc/stat; sleep 2; read -r -a b < /proc/stat
  for k in 1 2 3 4 5 6 7 8; do t=$((t + b[k] - a[k])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $(( t > 0 ? (t - idle) * 100 / t : 0 ))
}

ce_random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Starts the node in the background: ce_start_node JAR. Sets CE_SIP_PORT, CE_HTTP, CE_ADMIN.
# ce_work_dir DIR: CE_WORK is DIR (created, kept) when given, else a new directory under /tmp
# named after CE_NAME.
ce_work_dir() {
  if [[ -n "${1:-}" ]]; then
    mkdir -p "$1"
    CE_WORK=$(cd "$1" && pwd)
  else
    CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/$CE_NAME.XXXXXX")
  fi
}

# ce_start_node JAR: one node on free loopback ports. CE_RTP_PORTS, when set before, is its RTP
# range (else 4,000 free ports); CE_SIP_PORT, CE_HTTP_PORT and CE_CLUSTER_PORT, when set before,
# are its ports; other CALLENGINE_* settings pass through the environment.
# The node's log (stderr) goes to CE_WORK/node.log, its stdout (which should stay empty) to node.stdout.
# The OPTIONS probe of agent phones is off unless CALLENGINE_SIP_OPTIONS_INTERVAL says otherwise:
# SIPp's agent scenario (agent-uas.xml) would take each OPTIONS for a new call, and count it.
ce_start_node() {
  local jar=$1 rtp_base
  [[ -f "$jar" ]] || ce_die "no jar at $jar (build it with: mvn -B -DskipTests package)"
  jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  [[ -n "${CE_SIP_PORT:-}" ]] || ce_free_port CE_SIP_PORT
  [[ -n "${CE_HTTP_PORT:-}" ]] || ce_free_port CE_HTTP_PORT
  [[ -n "${CE_CLUSTER_PORT:-}" ]] || ce_free_port CE_CLUSTER_PORT
  if [[ -z "${CE_RTP_PORTS:-}" ]]; then
    ce_free_port rtp_base 4000
    CE_RTP_PORTS="$rtp_base-$((rtp_base + 3999))"
  fi
  CE_HTTP="http://$CE_HOST:$CE_HTTP_PORT"
  CE_ADMIN=$(ce_random_token)
  mkdir -p "$CE_WORK/data"
  ce_log "starting node: SIP $CE_HOST:$CE_SIP_PORT, HTTP $CE_HTTP, RTP $CE_RTP_PORTS, cluster $CE_CLUSTER_PORT, data $CE_WORK/data"
  # shellcheck disable=SC2086  # CALLENGINE_JAVA_OPTS is a list of JVM options.
  (cd "$CE_WORK" && exec env \
    CALLENGINE_SIP_HOST=$CE_HOST CALLENGINE_SIP_PORT="$CE_SIP_PORT" CALLENGINE_SIP_PUBLIC_HOST=$CE_HOST \
    CALLENGINE_HTTP_HOST=$CE_HOST CALLENGINE_HTTP_PORT="$CE_HTTP_PORT" \
    CALLENGINE_RTP_PORTS="$CE_RTP_PORTS" CALLENGINE_CLUSTER_HOST=$CE_HOST CALLENGINE_CLUSTER_PORT="$CE_CLUSTER_PORT" \
    CALLENGINE_DATA_DIR="$CE_WORK/data" CALLENGINE_ADMIN_TOKEN="$CE_ADMIN" \
    CALLENGINE_SIP_OPTIONS_INTERVAL="${CALLENGINE_SIP_OPTIONS_INTERVAL:-0}" \
    java ${CALLENGINE_JAVA_OPTS:-} -jar "$jar" >"$CE_WORK/node.stdout" 2>"$CE_WORK/node.log") &
  CE_NODE_PID=$!
  CE_PIDS+=("$CE_NODE_PID")
}

ce_node_log_tail() {
  echo "---- last lines of $CE_WORK/node.log ----" >&2
  grep -v '^[[:space:]]*at ' "$CE_WORK/node.log" 2>/dev/null | tail -n "${1:-25}" >&2 || true
  echo "----" >&2
}

# Waits (bounded) for GET /health/ready to answer 200.
ce_wait_ready() {
  local limit=${1:-60} start=$SECONDS code
  while (( SECONDS - start < limit )); do
    if ! kill -0 "$CE_NODE_PID" 2>/dev/null; then
      ce_node_log_tail; ce_die "the node exited during start-up"
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$CE_HTTP/health/ready" || true)
    if [[ "$code" == 200 ]]; then
      ce_log "node ready after $((SECONDS - start)) s"
      return 0
    fi
    sleep 0.5
  done
  ce_node_log_tail
  ce_die "the node was not ready within $limit s (last /health/ready status: ${code:-none})"
}

# ce_http METHOD PATH TOKEN [JSON]: prints the body; dies unless the status is 2xx.
ce_http() {
  local method=$1 path=$2 token=$3 body=${4:-} out code
  out=$(mktemp "$CE_WORK/http.XXXXXX")
  if [[ -n "$body" ]]; then
    code=$(curl -s -m 15 -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data "$body" "$CE_HTTP$path") || code=000
  else
    code=$(curl -s -m 15 -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" "$CE_HTTP$path") || code=000
  fi
  if [[ "$code" != 2* ]]; then
    ce_die "$method $path answered $code: $(head -c 500 "$out")"
  fi
  cat "$out"
  rm -f "$out"
}

ce_create_queue() {
  local id=$1 ring=${2:-10}
  ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
    "{\"id\":\"$id\",\"name\":\"$id\",\"wrapUpSeconds\":0,\"ringTimeoutSeconds\":$ring}" >/dev/null
}

# ce_create_agents COUNT [PREFIX]: PREFIXagent001..PREFIXagentNNN, each with its own password
# and agent token.
# Writes $CE_WORK/agents.csv (the SIPp injection file for agent-register.xml) and
# $CE_WORK/agent-tokens (id token per line).
ce_create_agents() {
  local count=$1 prefix=${2:-} i id password token
  printf 'SEQUENTIAL\n' >"$CE_WORK/agents.csv"
  : >"$CE_WORK/agent-tokens"
  for ((i = 1; i <= count; i++)); do
    id=$(printf '%sagent%03d' "$prefix" "$i")
    password="pw-$id-$(ce_random_token | head -c 12)"
    ce_http POST /api/v1/admin/agents "$CE_ADMIN" \
      "{\"id\":\"$id\",\"sipUri\":\"sip:$id@$CE_HOST\",\"displayName\":\"Agent $i\",\"password\":\"$password\",\"maxConcurrentCalls\":1}" >/dev/null
    token=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" "{\"role\":\"agent\",\"agentId\":\"$id\"}" | jq -r .token)
    [[ -n "$token" && "$token" != null ]] || ce_die "no token issued for $id"
    printf '%s;[authentication username=%s password=%s]\n' "$id" "$id" "$password" >>"$CE_WORK/agents.csv"
    printf '%s %s\n' "$id" "$token" >>"$CE_WORK/agent-tokens"
  done
}

# Reads one column (by header name) of the last line of a SIPp -trace_stat CSV.
ce_stat() {
  local file=$1 column=$2
  awk -F';' -v col="$column" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    { last = $c } END { print (c && last != "" ? last : "") }' "$file"
}

# ce_register_agents COUNT CONTACT: one SIPp process REGISTERs every agent of agents.csv with
# its Contact at CONTACT (host:port of the agent UAS). Dies unless all COUNT succeed.
ce_register_agents() {
  local count=$1 contact=$2 port rc ok failed
  ce_free_port port
  ce_log "registering $count agents with SIPp (Contact $contact)"
  rc=0
  (cd "$CE_WORK" && timeout 120 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/agent-register.xml" \
    -i $CE_HOST -p "$port" -inf agents.csv -key contact "$contact" -key expires 3600 \
    -m "$count" -r 50 -l 50 -timeout 60s -nostdin "${CE_SIPP_LOAD_OPTS[@]}" \
    -trace_stat -stf register-stat.csv -fd 1 -trace_err -error_file register-errors.log \
    >register.out 2>&1) || rc=$?
  ok=$(ce_stat "$CE_WORK/register-stat.csv" 'SuccessfulCall(C)')
  failed=$(ce_stat "$CE_WORK/register-stat.csv" 'FailedCall(C)')
  if [[ "$rc" != 0 || "${ok:-0}" != "$count" ]]; then
    tail -n 20 "$CE_WORK/register-errors.log" >&2 2>/dev/null || true
    tail -n 5 "$CE_WORK/register.out" >&2 2>/dev/null || true
    ce_die "agent registration: SIPp exit $rc, ${ok:-0} of $count registered, ${failed:-?} failed (see $CE_WORK/register-*.log)"
  fi
}

# Every agent of agent-tokens sets itself AVAILABLE and must be registered.
ce_agents_available() {
  local id token agent
  while read -r id token; do
    agent=$(ce_http PUT "/api/v1/agents/$id/status" "$token" '{"presence":"AVAILABLE"}')
    [[ $(jq -r .presence <<<"$agent") == AVAILABLE ]] || ce_die "$id is not AVAILABLE: $agent"
    [[ $(jq -r .registered <<<"$agent") == true ]] || ce_die "$id is not registered: $agent"
  done <"$CE_WORK/agent-tokens"
}

# ce_stop_node [LIMIT]: SIGTERM to the node, then waits (at most LIMIT s, 60) for it to exit; dies
# unless it exits by then with 0 or 143 (SIGTERM). CE_STDOUT_AT_STOP: the bytes on its stdout at the signal.
ce_stop_node() {
  local limit=${1:-60} start=$SECONDS rc=0
  CE_STDOUT_AT_STOP=$(stat -c %s "$CE_WORK/node.stdout")
  kill -TERM "$CE_NODE_PID"
  while kill -0 "$CE_NODE_PID" 2>/dev/null && (( SECONDS - start < limit )); do sleep 0.2; done
  kill -0 "$CE_NODE_PID" 2>/dev/null && ce_die "the node did not stop within $limit s of SIGTERM"
  wait "$CE_NODE_PID" || rc=$?
  ce_log "node stopped $((SECONDS - start)) s after SIGTERM (exit $rc)"
  [[ $rc == 0 || $rc == 143 ]] || { ce_node_log_tail; ce_die "the node exited with $rc after SIGTERM"; }
}

# ce_check_quiet_log CALL_IDS_FILE: after ce_stop_node, the node's whole run (start, calls, stop)
# left a log of INFO lines only (no WARN, no ERROR, no stack trace or stray text), exactly one
# "Call ended: callId=..." line for each call id of the file (one a line) and for no other, and
# nothing on stdout, before the stop signal or after it.
ce_check_quiet_log() {
  local ids=$1 log=$CE_WORK/node.log noisy ended expected
  noisy=$(grep -vcE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (INFO |DEBUG|TRACE) ' "$log" || true)
  if (( noisy > 0 )); then
    grep -vE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (INFO |DEBUG|TRACE) ' "$log" | head -n 20 >&2
    ce_die "the node's log has $noisy line(s) that are not INFO (WARN, ERROR, stack traces or stray text), above"
  fi
  sed -nE 's/.* - Call ended: callId=([^ ]+) .*/\1/p' "$log" | sort >"$CE_WORK/ended-ids"
  sort "$ids" >"$CE_WORK/expected-ids"
  ended=$(wc -l <"$CE_WORK/ended-ids")
  expected=$(wc -l <"$CE_WORK/expected-ids")
  if ! cmp -s "$CE_WORK/ended-ids" "$CE_WORK/expected-ids"; then
    diff "$CE_WORK/expected-ids" "$CE_WORK/ended-ids" | head -n 20 >&2 || true
    ce_die "expected one 'Call ended' log line for each of the $expected calls; got $ended lines (diff above: < missing, > extra or repeated)"
  fi
  local after=$(( $(stat -c %s "$CE_WORK/node.stdout") - CE_STDOUT_AT_STOP ))
  if (( after > 0 )); then
    tail -c +"$((CE_STDOUT_AT_STOP + 1))" "$CE_WORK/node.stdout" | head -n 20 >&2
    ce_die "the node printed $after byte(s) to stdout after the stop signal (above)"
  fi
  if (( CE_STDOUT_AT_STOP > 0 )); then
    head -n 20 "$CE_WORK/node.stdout" >&2
    ce_die "the node printed $CE_STDOUT_AT_STOP byte(s) to stdout before the stop signal (above); its log goes to stderr"
  fi
  ce_log "node log: $(wc -l <"$log") lines, all INFO; one 'Call ended' line for each of the $expected calls; stdout empty"
}

# Stops every process this script started, the node last (TERM, then KILL after 20 s).
# ce_trap_finish: on exit, stop what was started (a script with more to stop defines
# ce_stop_more), then remove CE_WORK, or keep it when the run failed or CE_KEEP is 1.
ce_trap_finish() {
  trap ce_finish EXIT
  trap 'exit 130' INT TERM
}

ce_finish() {
  local rc=$?
  if declare -F ce_stop_more >/dev/null; then ce_stop_more; fi
  ce_cleanup
  if [[ $rc != 0 ]]; then
    echo "$CE_NAME: logs kept in $CE_WORK" >&2
  elif [[ "${CE_KEEP:-0}" == 1 ]]; then
    echo "$CE_NAME: logs in $CE_WORK" >&2
  else
    rm -rf "$CE_WORK"
  fi
  exit $rc
}

ce_cleanup() {
  local pid i
  for pid in "${CE_PIDS[@]}"; do
    [[ "$pid" == "${CE_NODE_PID:-}" ]] && continue
    kill "$pid" 2>/dev/null || true
  done
  if [[ -n "${CE_NODE_PID:-}" ]] && kill -0 "$CE_NODE_PID" 2>/dev/null; then
    kill "$CE_NODE_PID" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$CE_NODE_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$CE_NODE_PID" 2>/dev/null || true
  fi
  for pid in "${CE_PIDS[@]}"; do
    # A process started as `timeout ... sipp` is the timeout wrapper: its child would outlive a KILL of it.
    pkill -9 -P "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
