#!/usr/bin/env bash
# The test suite on a busy machine: runs `mvn -B verify` RUNS times (default 3), each while one
# CPU hog per core (sha256sum of /dev/zero) keeps the machine busy, and prints each run's exit
# status, time and test counts. The tests must hold: they wait for conditions, not for time.
#
#   bench/verify-under-load.sh [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${1:-3}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/verify-under-load.XXXXXX")
HOGS=()
stop_hogs() { for hog in "${HOGS[@]}"; do kill "$hog" 2>/dev/null || true; done; HOGS=(); }
trap stop_hogs EXIT
failed=0
for ((i = 1; i <= RUNS; i++)); do
  for ((c = 0; c < $(nproc); c++)); do
    timeout 3600 sha256sum /dev/zero & HOGS+=($!)
  done
  start=$SECONDS
  rc=0
  mvn -B verify >"$OUT/run-$i.log" 2>&1 || rc=$?
  stop_hogs
  counts=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$OUT/run-$i.log" \
    | sed -E 's/^\[[A-Z]+\] //' | paste -sd ';' -)
  echo "run $i: exit $rc after $((SECONDS - start)) s; per module: $counts"
  (( rc == 0 )) || failed=$((failed + 1))
done
echo "verify-under-load: $((RUNS - failed)) of $RUNS runs green; logs in $OUT"
(( failed == 0 ))
