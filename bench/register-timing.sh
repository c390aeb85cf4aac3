#!/usr/bin/env bash
# Whether the registrar's time tells which user names exist: one node, one agent, then a
# REGISTER answered with a wrong password for that agent and for a user that does not exist,
# interleaved, each timed from the answer's send to its 401 (bench/register-timing/RegisterTiming.java,
# plain JDK, from one UDP socket on 127.0.0.1). Prints p10 / p50 / p90 per user and the ratio
# of the medians, which should be within 5 %.
#
#   bench/register-timing.sh [path/to/call-engine.jar]
#
# Environment (defaults in brackets):
#   REG_TRIES [1000]       timed tries per user
#   REG_WARM_UP [300]      untimed tries per user first (JIT, caches)
#   REG_OUT [a new directory under /tmp]  where the node's log goes (kept on failure)
#   CALLENGINE_JAVA_OPTS   JVM options for the node
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=register-timing
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

JAR=${1:-$ROOT/cluster-config/target/call-engine.jar}
TRIES=${REG_TRIES:-1000}
WARM_UP=${REG_WARM_UP:-300}
ce_work_dir "${REG_OUT:-}"

ce_require java curl jq
ce_trap_finish

# A thousand wrong answers from one address would lock it out: the source is trusted here, and
# the lock-out's own answer is timed apart from the check it guards.
CALLENGINE_SIP_TRUSTED_SOURCES=127.0.0.1 ce_start_node "$JAR"
ce_wait_ready 90
ce_create_agents 1
ce_log "timing: $WARM_UP untimed then $TRIES timed wrong answers per user, interleaved"
timeout 900 java "$ROOT/bench/register-timing/RegisterTiming.java" $CE_HOST "$CE_SIP_PORT" agent001 nobody001 "$TRIES" "$WARM_UP" |
  tee "$CE_WORK/timing.txt"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD)"
