#!/usr/bin/env bash
# How evenly hold audio leaves the engine: 1, 100 and 500 players of one MediaRelay play the
# built-in hold music to sockets on 127.0.0.1; one reader stamps each packet as it reads it.
# Per step: 2 s warm-up, 10 s measured; one table row with the gaps between consecutive packets
# of a stream (mean, p50, p99, p99.9, max, share over 40 ms) and the sequence or timestamp
# breaks (none expected). About half a minute. The unit tests check the stream itself, on any
# machine; this is the 20 ms pacing, which wants a quiet one (the script says how busy it was).
#
#   bench/hold-audio-pacing.sh [harness options, e.g. --streams 1,1000 --measure 30]
#
# Builds core and sip-gateway in the repository's reactor (nothing is installed into ~/.m2) and
# runs bench/hold-audio/HoldAudioPacing.java with the Java source launcher on sip-gateway's
# classpath.
#
# Environment:
#   HOLD_BENCH_OUT [a new directory under /tmp]   where the output is kept
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"
OUT=${HOLD_BENCH_OUT:-$(mktemp -d /tmp/hold-audio-pacing.XXXXXX)}
mkdir -p "$OUT"

# Offline first (fast, nothing to fetch once the repository is warm), online if that fails.
build() { mvn -B -q -o "$@" || mvn -B -q "$@"; }

echo "hold-audio-pacing: building core and sip-gateway"
(cd "$ROOT" && build -pl sip-gateway -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime)
CLASSPATH_FILE="$ROOT/sip-gateway/target/runtime-classpath.txt"
CP="$ROOT/sip-gateway/target/classes:$ROOT/core/target/classes:$(cat "$CLASSPATH_FILE")"

busy=$(ce_busy_percent)
{
  echo "hold-audio-pacing: $(nproc) CPUs, machine ${busy} % busy before the run," \
    "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [ "$busy" -gt 20 ]; then
    echo "hold-audio-pacing: warning: other work is using the machine; the gaps will show it"
  fi
} | tee "$OUT/hold-audio-pacing.txt"

# The harness logs nothing (slf4j finds no backend on this classpath and says so once on stderr).
timeout --kill-after=10 300 java -Xms512m -Xmx512m -cp "$CP" "$ROOT/bench/hold-audio/HoldAudioPacing.java" "$@" \
  | tee -a "$OUT/hold-audio-pacing.txt"
echo "results: $OUT/hold-audio-pacing.txt"
