#!/usr/bin/env bash
# The README's examples, run as a reader runs them: each command is read from README.md (the
# line that names the example's class, in the "Examples" section) and run verbatim from the
# repository's root under a time limit; its exit status must be 0 and its output must hold the
# lines that prove what the example is about. CallCenterWithDatabase runs twice: on H2, and on a
# throw-away PostgreSQL server that this script starts (.ci/postgres.sh).
#
#   .ci/examples-e2e.sh
#
# Environment: EXAMPLES_E2E_TIMEOUT (seconds per command, 300), EXAMPLES_E2E_KEEP=1 keeps the
# scratch directory with each command's output. Needs Java 17, Maven and PostgreSQL's server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LIMIT=${EXAMPLES_E2E_TIMEOUT:-300}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/examples-e2e.XXXXXX")
PG_DIR="$WORK/pg"
PG_STARTED=0
PASSED=0
FAILED=0

finish() {
  if (( PG_STARTED )); then .ci/postgres.sh stop "$PG_DIR" || true; fi
  if [[ ${EXAMPLES_E2E_KEEP:-0} == 1 ]]; then echo "examples-e2e: output kept in $WORK"; else rm -rf "$WORK"; fi
}
trap finish EXIT

log() { echo "examples-e2e: $*"; }

# The one README line that runs example $1.
command_for() {
  local lines
  lines=$(grep -E "^mvn .*-Dexec\.mainClass=io\.callengine\.examples\.$1\$" README.md || true)
  if [[ $(grep -c . <<<"$lines") != 1 ]]; then
    log "README.md must have exactly one command line for $1; found: ${lines:-none}" >&2
    return 1
  fi
  echo "$lines"
}

# run LABEL NAME [VAR=value...]: runs example NAME's README command with the given environment;
# its output goes to $WORK/LABEL.out. Returns the command's status.
run() {
  local label=$1 name=$2 cmd start rc=0
  shift 2
  cmd=$(command_for "$name") || return 1
  log "$label: $cmd${*:+ (with $*)}"
  start=$SECONDS
  # Maven writes a colour reset around the program's output even in batch mode: gone before the checks.
  env -u CALLENGINE_DB_URL -u CALLENGINE_DB_USER -u CALLENGINE_DB_PASSWORD "$@" \
    timeout -k 10 "$LIMIT" bash -c "$cmd" 2>"$WORK/$label.err" </dev/null | sed 's/\x1b\[[0-9;]*m//g' >"$WORK/$label.out" || rc=$?
  log "$label: exit $rc after $((SECONDS - start)) s"
  return $rc
}

# expect LABEL REGEX WHAT: the output of LABEL has a line matching REGEX (extended, with back-references).
expect() {
  if grep -Eq -- "$2" "$WORK/$1.out"; then return 0; fi
  log "$1: no line says $3 (pattern: $2)" >&2
  return 1
}

# expect_count LABEL REGEX N WHAT: at least N lines of LABEL's output match REGEX.
expect_count() {
  local n
  n=$(grep -Ec -- "$2" "$WORK/$1.out" || true)
  if (( n >= $3 )); then return 0; fi
  log "$1: $n lines say $4, not $3 (pattern: $2)" >&2
  return 1
}

# verdict LABEL CHECKS...: passes when the run and every check passed; else shows the output's end.
verdict() {
  local label=$1 status=$2
  if [[ $status == 0 ]]; then
    PASSED=$((PASSED + 1)); log "$label: PASS"
  else
    FAILED=$((FAILED + 1)); log "$label: FAIL"
    echo "--- $label: standard output (last 40 lines) ---" >&2; tail -n 40 "$WORK/$label.out" >&2 || true
    echo "--- $label: standard error (last 40 lines) ---" >&2; tail -n 40 "$WORK/$label.err" >&2 || true
  fi
}

# Packets of the other phone's tone: 50 (one second) or more.
ATLEAST50='([5-9][0-9]|[1-9][0-9]{2,})'

check_registration() {
  run registration AgentRegistrationDemo &&
  expect registration "^a phone with bob's name and a wrong password: REGISTER -> 401$" "a wrong password is refused" &&
  expect registration "^alice's phone sip:alice@127\.0\.0\.1:[0-9]+: REGISTER -> 401 challenge, REGISTER with digest -> 200 " "alice's phone registered with digest" &&
  expect registration "^alice AVAILABLE \(as the engine sees her: activity IDLE, registered true at sip:alice@127\.0\.0\.1:[0-9]+ " "alice AVAILABLE and registered" &&
  expect registration "^queue support: 1 agent available" "the Router counts alice for support" &&
  expect registration "^OK: AgentRegistrationDemo$" "OK"
}

check_call() {
  run call BasicCallFlow &&
  expect call "^event CallIncoming\[.*caller=sip:customer1@127\.0\.0\.1, dialed=support\]$" "the call came in" &&
  expect call "^event CallQueued\[.*queueId=support" "the call was queued" &&
  expect call "^event CallOffered\[.*agentIds=\[alice\]\]$" "the call was offered to alice (skill english)" &&
  expect call "^event CallEstablished\[.*agentId=alice" "alice answered" &&
  expect call "^event CallEnded\[.*agentId=alice, disposition=COMPLETED" "the call ended COMPLETED" &&
  expect call "^RTP customer -> alice: alice's phone got $ATLEAST50 packets of the customer's tone" "the customer's audio reached alice" &&
  expect call "^RTP alice -> customer: the customer's phone got $ATLEAST50 packets of alice's tone" "alice's audio reached the customer" &&
  expect call "^call record: .* queue support, agent alice, caller sip:customer1@127\.0\.0\.1, disposition COMPLETED," "the record: COMPLETED with alice" &&
  expect call "^OK: BasicCallFlow$" "OK"
}

check_supervisor() {
  run supervisor SupervisorMonitoringDemo &&
  expect supervisor "^wallboard: http://127\.0\.0\.1:[0-9]+/wallboard#token=[A-Za-z0-9_-]+ " "the wallboard's address" &&
  expect supervisor "^HTTP GET /wallboard -> 200$" "the wallboard is served" &&
  expect supervisor "^\[supervisor\] calls: [0-9]+ active, [1-9][0-9]* waiting" "live figures with calls waiting" &&
  expect supervisor "^\[supervisor\]   agents: .*ON_CALL" "live agent states" &&
  expect_count supervisor "^event call-ended call .* COMPLETED" 8 "a call ended COMPLETED" &&
  expect_count supervisor "^customer[1-8] \((support|billing)\): an agent after .* s in line, $ATLEAST50 packets of the agent's voice, hung up$" 8 "a customer talked to an agent" &&
  expect supervisor "^HTTP GET /api/v1/supervisor/stats -> \{\"activeCalls\":0," "the HTTP API's statistics" &&
  expect supervisor "^metrics today, all queues: offered 8, answered 8, abandoned 0, " "the day's metrics" &&
  expect supervisor "^OK: SupervisorMonitoringDemo$" "OK"
}

check_handler() {
  run handler CallHandlerDemo &&
  expect handler "^mallory: INVITE sip:support -> 603 Account blocked$" "the handler's rejection reached the caller" &&
  expect handler "^vip-anna: answered by bruno \(german\), COMPLETED$" "the handler's queue and extra skill" &&
  expect handler "^customer1: the handler failed, the policies sent the call to support, answered by (alice|bruno), COMPLETED$" "the policies after a failed handler" &&
  expect handler "^OK: CallHandlerDemo$" "OK"
}

# check_database LABEL KIND [VAR=value...]
check_database() {
  local label=$1 kind=$2
  shift 2
  run "$label" CallCenterWithDatabase "$@" &&
  expect "$label" "^database: $kind " "the $kind database" &&
  expect "$label" "^call: vip-anna -> support, answered by (alice|bob), COMPLETED$" "the calls were answered" &&
  expect "$label" "^table agents \(" "the agents table" &&
  expect "$label" "^  alice \| Alice \| alice \| AVAILABLE \| true$" "alice's row in agents" &&
  expect "$label" "^  alice \| billing \| 3$" "alice's skill in agent_skills" &&
  expect "$label" "^  support \| Support \| support \| longest-idle \| english:2 \| 1$" "the support row in call_queues" &&
  expect "$label" "^  vip \| VIP callers first \| 1 \| 1$" "the vip row in routing_policies" &&
  expect_count "$label" "^  [0-9a-f-]{36} \| (support|billing) \| (alice|bob) \| sip:[a-z0-9-]+@127\.0\.0\.1 \| COMPLETED \|" 3 "a call_records row" &&
  expect "$label" "^engine stopped$" "the engine stopped" &&
  expect "$label" "^found again: 3 of 3 agents, 2 of 2 queues, 1 of 1 routing policies, 3 of 3 call records$" "the restart found everything" &&
  expect "$label" "^OK: CallCenterWithDatabase$" "OK"
}

status=0; check_registration || status=$?; verdict registration $status
status=0; check_call || status=$?; verdict call $status
status=0; check_supervisor || status=$?; verdict supervisor $status
status=0; check_database database-h2 H2 || status=$?; verdict database-h2 $status
status=0; check_handler || status=$?; verdict handler $status

pg_port=""
for port in $(seq 54400 54499); do
  if [[ -z $(ss -Hltn "sport = :$port") ]]; then pg_port=$port; break; fi
done
[[ -n $pg_port ]] || { log "no free port in 54400-54499 for PostgreSQL" >&2; exit 1; }
PG_STARTED=1
PG_URL=$(.ci/postgres.sh start "$PG_DIR" "$pg_port" | tail -n 1)
log "PostgreSQL for CallCenterWithDatabase: $PG_URL"
status=0
check_database database-postgres PostgreSQL CALLENGINE_DB_URL="$PG_URL" CALLENGINE_DB_USER=callengine CALLENGINE_DB_PASSWORD=callengine || status=$?
verdict database-postgres $status

echo "examples-e2e: $PASSED passed, $FAILED failed"
(( FAILED == 0 ))
