#!/usr/bin/env bash
# The CPU cost of supervisor monitoring and call recording, measured with JMH (about
# 1.5 minutes): G711Mixer's work for one monitored call and one 20 ms frame in listen (1 output
# mixed), whisper (2) and barge (3), against the plain relay's payload copy of the same call;
# and StereoWavRecorder's work for one frame of one recorded call, writer included (to
# /dev/null). Prints ns per frame and the share of one core that 1,000 calls (50 frames/s
# each) would take.
#
#   bench/media-mixing.sh [extra JMH options, e.g. a benchmark name pattern]
#
# Builds the standalone JMH project bench/media-mixing, which compiles the mixer's source files
# straight from sip-gateway/src (nothing is installed into ~/.m2).
#
# Environment:
#   MIXING_BENCH_OUT [a new directory under /tmp]  where the JMH text and JSON results go
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench/media-mixing"
OUT=${MIXING_BENCH_OUT:-$(mktemp -d /tmp/media-mixing.XXXXXX)}
mkdir -p "$OUT"

# Offline first (fast, nothing to fetch once the repository is warm), online if that fails.
build() { mvn -B -q -o "$@" || mvn -B -q "$@"; }

echo "media-mixing: building bench/media-mixing"
(cd "$BENCH" && build package)

JMH_ARGS=(-wi 3 -i 5 -f 1 -w 2s -r 2s -rf json -rff "$OUT/jmh.json")
echo "media-mixing: java -jar bench/media-mixing/target/benchmarks.jar io.callengine.bench.media ${JMH_ARGS[*]} $*"
java -jar "$BENCH/target/benchmarks.jar" 'io.callengine.bench.media' "${JMH_ARGS[@]}" "$@" | tee "$OUT/jmh.txt"

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM," \
  "$(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $OUT"
if command -v jq >/dev/null; then
  printf '%-20s %12s %10s %22s\n' benchmark "ns/frame" "error" "cores for 1,000 calls"
  jq -r '.[] | [(.benchmark | sub(".*\\."; "")), .primaryMetric.score, .primaryMetric.scoreError] | @tsv' \
      "$OUT/jmh.json" |
    while IFS=$'\t' read -r name score error; do
      # 1,000 calls x 50 frames/s x ns per frame = ns of CPU per second of wall time.
      printf '%-20s %12.1f %10.1f %22.4f\n' "$name" "$score" "$error" \
        "$(echo "$score * 50 * 1000 / 1000000000" | bc -l)"
    done
fi
