#!/usr/bin/env bash
# Browser test of the pages the engine serves: starts a node on free loopback ports, creates
# two queues (support records every call) and four agents over HTTP, plus a phone account for
# the supervisor, registers two agents' phones and the supervisor's with SIPp (one SIPp UAS
# answers for all three), mints a supervisor token and an agent token, then runs
# .ci/web/wallboard.test.mjs in headless Chromium (Debian's /usr/bin/chromium driven by
# playwright-core): the wallboard loads and goes live on the event stream, a customer call
# placed with SIPp shows on it within a second of the engine answering, the agent page puts
# its agent on a lunch break and the wallboard shows it, then takes the call; screenshots of
# both pages are taken; the agent page holds and resumes the call (the phone answers the
# engine's re-INVITEs) and pauses and resumes its recording, the wallboard shows the call's
# recording mark and, while the supervisor listens to the call from his phone (started
# through the API), its monitoring mark; the agent page consults erin (the caller on hold),
# makes it a conference and drops her; last, its transfer form is refused an outside number
# and hands a caller over to the sales queue. Then a billing caller asks to be
# called back: the wallboard shows him waiting as a callback; erin sets herself available on her
# page, which shows her the callback while the engine calls the customer (a SIPp UAS behind
# CALLENGINE_SIP_OUTBOUND_PROXY) and once he answers.
#
#   .ci/wallboard-e2e.sh [path/to/call-engine.jar]
#
# Environment: WALLBOARD_E2E_CHROMIUM (/usr/bin/chromium), WALLBOARD_E2E_SCREENSHOTS (a
# directory for wallboard.png and agent-page.png; default the scratch directory, use docs
# to refresh the documentation's pictures), WALLBOARD_E2E_KEEP=1 keeps the scratch directory,
# CALLENGINE_JAVA_OPTS (JVM options for the node). Installs playwright-core into
# .ci/web/node_modules when it is missing (npm); builds nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=wallboard-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
CHROMIUM=${WALLBOARD_E2E_CHROMIUM:-/usr/bin/chromium}
WEB_DIR="$ROOT/.ci/web"

ce_require java curl jq sipp node npm
[[ -x "$CHROMIUM" ]] || ce_die "no Chromium at $CHROMIUM (Debian package chromium)"

# playwright-core drives the system Chromium; it downloads no browser of its own. Its
# newest releases need Node.js 20; 1.56 is the last for Node.js 18 (Debian 12's).
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
(( NODE_MAJOR >= 18 )) || ce_die "Node.js 18 or later is needed, this is $(node --version)"
PLAYWRIGHT=playwright-core@1
(( NODE_MAJOR >= 20 )) || PLAYWRIGHT=playwright-core@1.56
if ! (cd "$WEB_DIR" && node -e "require.resolve('playwright-core')" >/dev/null 2>&1); then
  ce_log "installing $PLAYWRIGHT into $WEB_DIR/node_modules"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$WEB_DIR" --no-save --no-audit --no-fund \
    --loglevel=error "$PLAYWRIGHT" >&2 || ce_die "npm could not install $PLAYWRIGHT"
fi

CE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/wallboard-e2e.XXXXXX")
SHOTS=${WALLBOARD_E2E_SCREENSHOTS:-$CE_WORK}
[[ "$SHOTS" == /* ]] || SHOTS="$ROOT/$SHOTS"
CE_KEEP=${WALLBOARD_E2E_KEEP:-0}
ce_trap_finish

# 1. The node; its calls back go to the customer's phone, a SIPp UAS the test starts. The support callers send no RTP and stay on the line while the pages are watched:
# the first-RTP limit (10 s by default) would end them.
ce_free_port CUSTOMER_PORT
ce_free_port CUSTOMER_MEDIA 4
CALLENGINE_MEDIA_FIRST_RTP_TIMEOUT=120s CALLENGINE_SIP_OUTBOUND_PROXY="$CE_HOST:$CUSTOMER_PORT" ce_start_node "$JAR"
ce_wait_ready 90

# 2. Three queues and five agents: alice answers sales, bob and carol support, dave both, erin
# billing (which offers callbacks); and the phone account of the team lead, who listens to calls
# (in no queue, never available).
ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
  '{"id":"support","name":"Support","ringTimeoutSeconds":10,"serviceLevelSeconds":20,"recording":{"mode":"ALL"}}' >/dev/null
ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
  '{"id":"sales","name":"Sales","ringTimeoutSeconds":10,"serviceLevelSeconds":30}' >/dev/null
ce_http POST /api/v1/admin/queues "$CE_ADMIN" \
  '{"id":"billing","name":"Billing","ringTimeoutSeconds":10,"callback":{"key":"9","offerAfterSeconds":0,"maxAttempts":1}}' >/dev/null
printf 'SEQUENTIAL\n' >"$CE_WORK/agents.csv"
add_agent() {
  local id=$1 name=$2 queues=$3 password
  password="pw-$id-$(ce_random_token | head -c 12)"
  ce_http POST /api/v1/admin/agents "$CE_ADMIN" \
    "{\"id\":\"$id\",\"sipUri\":\"sip:$id@$CE_HOST\",\"displayName\":\"$name\",\"password\":\"$password\",\"queues\":$queues}" >/dev/null
  printf '%s;[authentication username=%s password=%s]\n' "$id" "$id" "$password" >>"$CE_WORK/agents.csv"
}
add_agent alice "Alice Martin" '["sales"]'
add_agent bob "Bob Chen" '["support"]'
add_agent lead-phone "Team lead's phone" '[]'
add_agent erin "Erin Novak" '["billing"]'
add_agent carol "Carol Diaz" '["support"]'
add_agent dave "Dave Okafor" '["support","sales"]'
ce_log "created queues support, sales and billing, agents alice, bob, carol, dave and erin, phone account lead-phone"

# 3. One SIPp UAS answers for alice, bob, the lead's phone and erin (the first four lines of
# agents.csv register); its messages go to uas-messages.log, where the test finds the hold.
ce_free_port UAS_PORT
ce_free_port UAS_MEDIA_PORT 4
(cd "$CE_WORK" && exec timeout 600 sipp -sf "$CE_SIPP_DIR/agent-uas.xml" -i $CE_HOST -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
  -m 20 -timeout 300s -nostdin -trace_err -error_file uas-errors.log -trace_msg -message_file uas-messages.log >uas.out 2>&1) &
CE_PIDS+=("$!")
sleep 0.5
kill -0 "${CE_PIDS[-1]}" 2>/dev/null || { tail -n 5 "$CE_WORK/uas.out" >&2; ce_die "the agent UAS did not start"; }
ce_register_agents 4 "$CE_HOST:$UAS_PORT"

ALICE_TOKEN=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" '{"role":"agent","agentId":"alice","label":"alice-desk"}' | jq -r .token)
BOB_TOKEN=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" '{"role":"agent","agentId":"bob","label":"bob-desk"}' | jq -r .token)
ERIN_TOKEN=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" '{"role":"agent","agentId":"erin","label":"erin-desk"}' | jq -r .token)
SUPERVISOR_TOKEN=$(ce_http POST /api/v1/admin/tokens "$CE_ADMIN" '{"role":"supervisor","label":"wallboard"}' | jq -r .token)
ce_http PUT /api/v1/agents/alice/status "$ALICE_TOKEN" '{"presence":"AVAILABLE"}' >/dev/null
ce_http PUT /api/v1/agents/dave/status "$CE_ADMIN" '{"presence":"BREAK","reason":"coffee"}' >/dev/null

# Earlier today: bob took one short support call, then signed off.
ce_http PUT /api/v1/agents/bob/status "$BOB_TOKEN" '{"presence":"AVAILABLE"}' >/dev/null
ce_free_port EARLY_PORT
ce_free_port EARLY_MEDIA 4
(cd "$CE_WORK" && timeout 60 sipp "$CE_HOST:$CE_SIP_PORT" -sf "$CE_SIPP_DIR/customer-uac.xml" -s support -i $CE_HOST \
  -p "$EARLY_PORT" -mp "$EARLY_MEDIA" -m 1 -d 3000 -timeout 30s -nostdin -trace_err -error_file early-errors.log \
  >early.out 2>&1) || { tail -n 20 "$CE_WORK/early-errors.log" >&2 2>/dev/null; ce_die "the first support call failed"; }
for _ in $(seq 1 20); do
  [[ $(ce_http GET "/api/v1/agents/bob/calls" "$BOB_TOKEN" | jq '[.[] | select(.disposition == "COMPLETED")] | length') == 1 ]] && break
  sleep 0.5
done
ce_http PUT /api/v1/agents/bob/status "$BOB_TOKEN" '{"presence":"OFFLINE"}' >/dev/null
ce_log "alice AVAILABLE, dave on a coffee break, bob (one call taken) and carol OFFLINE"

# 4. The browser test. It places the customer calls itself, with SIPp.
mkdir -p "$SHOTS"
ce_free_port SIPP_PORT_A
ce_free_port SIPP_PORT_B
ce_free_port SIPP_PORT_C
ce_free_port SIPP_PORT_D
ce_free_port SIPP_MEDIA 16
rc=0
(cd "$WEB_DIR" && env \
  WB_BASE="$CE_HTTP" WB_SUPERVISOR_TOKEN="$SUPERVISOR_TOKEN" WB_AGENT_TOKEN="$BOB_TOKEN" WB_AGENT_ID=bob \
  WB_SIP_TARGET="$CE_HOST:$CE_SIP_PORT" WB_SIP_HOST=$CE_HOST WB_SIPP_PORTS="$SIPP_PORT_A,$SIPP_PORT_B,$SIPP_PORT_C,$SIPP_PORT_D" \
  WB_SIPP_MEDIA="$SIPP_MEDIA" WB_SIPP_DIR="$CE_SIPP_DIR" WB_WEB_DIR="$WEB_DIR" WB_WORK="$CE_WORK" WB_SHOTS="$SHOTS" \
  WB_CHROMIUM="$CHROMIUM" WB_MONITOR_PHONE=lead-phone WB_UAS_MESSAGES="$CE_WORK/uas-messages.log" \
  WB_CALLBACK_AGENT_TOKEN="$ERIN_TOKEN" WB_CALLBACK_AGENT_ID=erin WB_CUSTOMER_PORT="$CUSTOMER_PORT" WB_CUSTOMER_MEDIA="$CUSTOMER_MEDIA" \
  timeout 300 node wallboard.test.mjs) || rc=$?
if [[ $rc != 0 ]]; then
  ce_node_log_tail 30
  echo "wallboard-e2e: 0 passed, 1 failed"
  exit 1
fi
ce_log "screenshots: $SHOTS/wallboard.png, $SHOTS/agent-page.png"
echo "wallboard-e2e: 1 passed, 0 failed"
