#!/usr/bin/env bash
# The supervisor's metrics query (PerformanceQuery) over 30 days and 1,000,000 calls in an H2
# file database, measured with JMH. Builds core, then the standalone JMH project in bench/metrics;
# fills the database through the engine's statistics writer (about 7 minutes; a directory already
# filled with the same calls is reused), then times five queries (about 4.5 minutes): the 30 days
# overall with each queue, one queue, overall per 15 minutes, a range off the 15-minute grid, and
# the naive GROUP BY over every visit for reference. Prints mean, p50 / p90 / p99 per query and
# how many times faster than the naive one it is.
#
#   bench/metrics.sh [extra JMH options, e.g. a benchmark name pattern]
#
# Environment:
#   METRICS_BENCH_DB    [a new directory under /tmp]  the H2 database; set it to reuse a filled one
#   METRICS_BENCH_CALLS [1000000]                     calls to fill it with
#   METRICS_BENCH_OUT   [a new directory under /tmp]  where the fill log and JMH results go
#   METRICS_BENCH_JMH   [-wi 3 -i 5 -f 1 -w 5s -r 5s]  JMH's iterations and forks (JMH refuses an option twice)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench/metrics"
OUT=${METRICS_BENCH_OUT:-$(mktemp -d /tmp/metrics-bench.XXXXXX)}
export METRICS_BENCH_DB=${METRICS_BENCH_DB:-$(mktemp -d /tmp/metrics-bench-db.XXXXXX)}
export METRICS_BENCH_CALLS=${METRICS_BENCH_CALLS:-1000000}
mkdir -p "$OUT"

# Offline first (fast, nothing to fetch once the repository is warm), online if that fails.
build() { mvn -B -q -o "$@" || mvn -B -q "$@"; }

echo "metrics-bench: building core"
(cd "$ROOT" && build -pl core -am install -DskipTests)
echo "metrics-bench: building bench/metrics"
(cd "$BENCH" && build package)

echo "metrics-bench: database $METRICS_BENCH_DB, $METRICS_BENCH_CALLS calls"
# The forked benchmark JVMs would fill it too, but then the fill time would be lost in JMH's output.
java -Xms2g -Xmx2g -cp "$BENCH/target/benchmarks.jar" io.callengine.bench.metrics.MetricsDatabase 2>&1 |
  grep --line-buffered -v '^SLF4J' | tee "$OUT/fill.txt"

read -r -a JMH_ARGS <<<"${METRICS_BENCH_JMH:--wi 3 -i 5 -f 1 -w 5s -r 5s}"
JMH_ARGS+=(-rf json -rff "$OUT/jmh.json")
echo "metrics-bench: java -jar bench/metrics/target/benchmarks.jar MetricsQueryBenchmark ${JMH_ARGS[*]} $*"
java -jar "$BENCH/target/benchmarks.jar" MetricsQueryBenchmark "${JMH_ARGS[@]}" "$@" | grep --line-buffered -v '^SLF4J' | tee "$OUT/jmh.txt"

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM," \
  "$(java -version 2>&1 | head -1)"
echo "database: $METRICS_BENCH_DB ($(du -m "$METRICS_BENCH_DB/callengine.mv.db" | cut -f1) MiB)"
echo "results: $OUT"
if command -v jq >/dev/null; then
  printf '%-22s %16s %9s %9s %9s %9s %8s %8s\n' query "mean ms" "p50 ms" "p90 ms" "p99 ms" "max ms" samples "x naive"
  jq -r '(map(select(.benchmark | endswith(".naiveScan")) | .primaryMetric.score) | first // null) as $naive
      | .[] | [(.benchmark | sub(".*\\."; "")), .primaryMetric.score, .primaryMetric.scoreError,
        (.primaryMetric.scorePercentiles | .["50.0"], .["90.0"], .["99.0"], .["100.0"]),
        ([.primaryMetric.rawDataHistogram[][][] | .[1]] | add),
        (if $naive then $naive / .primaryMetric.score else 0 end)] | @tsv' "$OUT/jmh.json" |
    while IFS=$'\t' read -r name mean error p50 p90 p99 max n ratio; do
      printf '%-22s %7.1f ± %6.1f %9.1f %9.1f %9.1f %9.1f %8d %8.1f\n' "$name" "$mean" "$error" "$p50" "$p90" "$p99" "$max" "$n" "$ratio"
    done
else
  grep -E '(Score|:p0\.(50|99) )' "$OUT/jmh.txt"
fi
