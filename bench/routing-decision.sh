#!/usr/bin/env bash
# One routing decision of the Router's matching index (RoutingTable), measured with JMH:
# 10,000 agents (100 free), 1,000 queues, 5,000 calls waiting; three events, each the table
# update plus takeMatches: a call arrives where an agent is free, a call arrives where all
# agents are busy, an agent becomes free. Builds core, then the standalone JMH project in
# bench/routing, runs it (about 1.5 minutes) and prints p50 / p99 / p99.9 per event.
#
#   bench/routing-decision.sh [extra JMH options, e.g. a benchmark name pattern]
#
# Environment:
#   ROUTING_BENCH_OUT [a new directory under /tmp]  where the JMH text and JSON results go
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench/routing"
OUT=${ROUTING_BENCH_OUT:-$(mktemp -d /tmp/routing-decision.XXXXXX)}
mkdir -p "$OUT"

# Offline first (fast, nothing to fetch once the repository is warm), online if that fails.
build() { mvn -B -q -o "$@" || mvn -B -q "$@"; }

echo "routing-decision: building core"
(cd "$ROOT" && build -pl core -am install -DskipTests)
echo "routing-decision: building bench/routing"
(cd "$BENCH" && build package)

JMH_ARGS=(-wi 3 -i 5 -f 1 -w 2s -r 3s -rf json -rff "$OUT/jmh.json")
echo "routing-decision: java -jar bench/routing/target/benchmarks.jar RoutingDecisionBenchmark ${JMH_ARGS[*]} $*"
java -jar "$BENCH/target/benchmarks.jar" RoutingDecisionBenchmark "${JMH_ARGS[@]}" "$@" | tee "$OUT/jmh.txt"

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM," \
  "$(java -version 2>&1 | head -1)"
echo "results: $OUT"
if command -v jq >/dev/null; then
  printf '%-24s %10s %10s %10s %10s %10s %9s\n' event "p50 us" "p90 us" "p99 us" "p99.9 us" "max us" samples
  jq -r '.[] | [(.benchmark | sub(".*\\."; "")),
      (.primaryMetric.scorePercentiles | .["50.0"], .["90.0"], .["99.0"], .["99.9"], .["100.0"]),
      ([.primaryMetric.rawDataHistogram[][][] | .[1]] | add)] | @tsv' "$OUT/jmh.json" |
    while IFS=$'\t' read -r name p50 p90 p99 p999 max n; do
      printf '%-24s %10.1f %10.1f %10.1f %10.1f %10.1f %9d\n' "$name" "$p50" "$p90" "$p99" "$p999" "$max" "$n"
    done
else
  grep -E ':p0\.(50|99|999) ' "$OUT/jmh.txt"
fi
