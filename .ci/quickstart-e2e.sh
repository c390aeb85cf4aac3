#!/usr/bin/env bash
# Runs README.md's quickstart as written: every ```sh block of the section "Quickstart", in
# order, in one bash shell (so that ADMIN, ALICE and H carry from block to block), in a
# scratch directory that links the clone's cluster-config and .ci. A block right after the
# line <!-- quickstart: background --> (the node, the phone) runs in the background, as in a
# shell of its own, and is stopped at the end. Then it asserts what the README promises: the
# call record is COMPLETED with alice.
#
#   .ci/quickstart-e2e.sh
#
# Needs the jar (cluster-config/target/call-engine.jar), curl, jq, sipp, baresip, and the
# quickstart's fixed loopback ports free: SIP 5060, HTTP 8080, baresip 5070, SIPp 5080.
# QUICKSTART_KEEP=1 keeps the scratch directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CE_NAME=quickstart-e2e
# shellcheck source=sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"

ce_require java curl jq sipp baresip
[[ -f "$ROOT/cluster-config/target/call-engine.jar" ]] || ce_die "no jar: build it with the README's start command first"
for port in 5060 8080 5070 5080; do
  [[ -z $(ss -Htuan "sport = :$port") ]] || ce_die "port $port is in use; the quickstart needs it"
done

ce_work_dir ""
CE_KEEP=${QUICKSTART_KEEP:-0}
ce_trap_finish
ln -s "$ROOT/cluster-config" "$CE_WORK/cluster-config"
ln -s "$ROOT/.ci" "$CE_WORK/.ci"

# README -> one script: foreground blocks inline, background blocks as jobs whose process
# groups (set -m) are stopped at the end.
awk '
  /^## Quickstart/ { inside = 1; next }
  inside && /^## / { inside = 0 }
  !inside { next }
  /^<!-- quickstart: background -->$/ { background = 1; next }
  /^```sh$/ { block = 1; n++; printf "# block %d\n", n; if (background) print "{"; next }
  block && /^```$/ {
    block = 0
    if (background) printf "} >\"bg-%d.log\" 2>&1 </dev/null &\nJOBS+=($!)\n", n
    background = 0; next
  }
  block { print }
' "$ROOT/README.md" >"$CE_WORK/blocks.sh"
(( $(grep -c '^# block' "$CE_WORK/blocks.sh") >= 6 )) || ce_die "found too few quickstart blocks in README.md: $CE_WORK/blocks.sh"

cat >"$CE_WORK/run.sh" <<'EOF'
set -euo pipefail
set -m
JOBS=()
stop_jobs() {
  local job
  for job in "${JOBS[@]}"; do kill -TERM -- "-$job" 2>/dev/null || true; done
  for job in "${JOBS[@]}"; do
    for _ in $(seq 1 60); do kill -0 -- "-$job" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$job" 2>/dev/null || true
  done
}
trap stop_jobs EXIT
source ./blocks.sh
# What the README promises: the record says COMPLETED with alice (the read side may lag).
for _ in $(seq 1 60); do
  record=$(curl -s localhost:8080/api/v1/supervisor/calls -H "Authorization: Bearer $ADMIN" | jq -c '.[0] // empty')
  [[ $(jq -r '.disposition + " " + (.agentId // "")' <<<"${record:-null}" 2>/dev/null) == "COMPLETED alice" ]] && break
  sleep 0.5
done
printf "\ncall record: %s\n" "${record:-none}"
[[ $(jq -r '.disposition + " " + (.agentId // "")' <<<"${record:-null}") == "COMPLETED alice" ]]
EOF

ce_log "running the README's quickstart in $CE_WORK"
if ! (cd "$CE_WORK" && timeout -k 30 300 bash run.sh) >"$CE_WORK/quickstart.log" 2>&1; then
  tail -n 40 "$CE_WORK/quickstart.log" >&2
  for log in "$CE_WORK"/bg-*.log; do echo "---- $log"; tail -n 20 "$log"; done >&2
  ce_die "the README's quickstart did not end with a COMPLETED call answered by alice"
fi
grep '^call record:' "$CE_WORK/quickstart.log"
ce_log "quickstart: PASS"
