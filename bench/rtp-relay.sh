#!/usr/bin/env bash
# N concurrent bridged calls through the engine's RTP relay (MediaRelay), RTP both ways at
# 50 packets/s per direction, for N = 100, 250, 500, 1000 and then 1500 if every step so far
# stayed under 0.1 % loss. Relay and load generator run in one JVM on 127.0.0.1 (they share
# the machine's cores). Per step: 5 s warm-up, 20 s measured, 1 s drain; one line per N
# with packets sent/received, loss, RFC 3550 jitter (received, of the send schedule, and
# the difference), one-way transit percentiles and CPU. About 3 minutes; at most 6.
#
#   bench/rtp-relay.sh [harness options, e.g. --calls 100,1000 --relay-threads 1]
#
# Builds core and sip-gateway of this repository into ~/.m2, then the standalone project
# bench/rtp-relay (target/rtp-relay-bench.jar), and runs it.
#
# Environment:
#   RTP_BENCH_OUT [a new directory under /tmp]   where the output is kept
#   RTP_BENCH_JAVA_OPTS [-Xms1g -Xmx1g]          JVM options of the run
#   RTP_BENCH_MAX_SECONDS [270]                  budget of the run; steps that would overrun it are skipped
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../.ci/sipp/lib.sh
source "$ROOT/.ci/sipp/lib.sh"
BENCH="$ROOT/bench/rtp-relay"
OUT=${RTP_BENCH_OUT:-$(mktemp -d /tmp/rtp-relay.XXXXXX)}
MAX_SECONDS=${RTP_BENCH_MAX_SECONDS:-270}
read -r -a JAVA_OPTS <<< "${RTP_BENCH_JAVA_OPTS:--Xms1g -Xmx1g}"
mkdir -p "$OUT"

# Offline first (fast, nothing to fetch once the repository is warm), online if that fails.
build() { mvn -B -q -o "$@" || mvn -B -q "$@"; }

echo "rtp-relay: building core and sip-gateway into ~/.m2"
(cd "$ROOT" && build -pl core,sip-gateway -am install -DskipTests)
echo "rtp-relay: building bench/rtp-relay"
(cd "$BENCH" && build package)

busy=$(ce_busy_percent)
echo "rtp-relay: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM," \
  "machine ${busy} % busy before the run, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ "$busy" -gt 20 ]; then
  echo "rtp-relay: warning: other work is using the machine; the relay and the generator will get less" \
    "than its cores (see the 'others' column)"
fi

ARGS=(--calls 100,250,500,1000 --more 1500 --max-seconds "$MAX_SECONDS" "$@")
echo "rtp-relay: java ${JAVA_OPTS[*]} -jar bench/rtp-relay/target/rtp-relay-bench.jar ${ARGS[*]}"
# The harness keeps to its budget; the timeout is the backstop.
timeout --kill-after=10 $((MAX_SECONDS + 30)) \
  java "${JAVA_OPTS[@]}" -jar "$BENCH/target/rtp-relay-bench.jar" "${ARGS[@]}" | tee "$OUT/rtp-relay.txt"
echo "results: $OUT/rtp-relay.txt"
