#!/usr/bin/env bash
# One fixed-rate step of bench/sipp-ramp.sh with Java Flight Recorder over that step only, for
# comparing two jars back to back: JFR starts (jcmd) when the step's first INVITE goes out and
# stops once the step's call records are in, so start-up, agent creation and warm-up are left out.
# Per run it keeps the ramp's results (results.tsv: node CPU ms per call), the recording
# (step.jfr) and the node's CPU ticks and /proc io counters over the recorded stretch.
#
#   bench/profile-step.sh OUT JAR [RATE] [SECONDS]     # defaults: 20 calls/s for 60 s
#   bench/jfr-parts.py OUT1 OUT2 ...                   # samples per completed call, by part
#
# The ramp's settings pass through (CALLENGINE_SIP_MAX_CALLS_IN_SETUP, CALLENGINE_JAVA_OPTS ...).
# JFR_SETTINGS [profile] names the JFR settings (a .jfc file, e.g. made with
# `jfr configure --input profile --output fast.jfc jdk.ExecutionSample#period=2ms`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=${1:?output directory}
JAR=${2:?jar}
RATE=${3:-20}
SECONDS_PER_STEP=${4:-60}
SETTINGS=${JFR_SETTINGS:-profile}
command -v jcmd >/dev/null || { echo "profile-step: no jcmd (a JDK is needed)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

RAMP_RATES=$RATE RAMP_STEP_SECONDS=$SECONDS_PER_STEP RAMP_REFERENCE=0 RAMP_OUT=$OUT \
  "$ROOT/bench/sipp-ramp.sh" "$JAR" >"$OUT/ramp.out" 2>&1 &
RAMP=$!
trap 'kill "$RAMP" 2>/dev/null || true' INT TERM

# wait_for PATTERN: until the ramp logs PATTERN (bounded: 20 minutes), or the ramp is gone.
wait_for() {
  local i
  for i in $(seq 1 2400); do
    grep -q "$1" "$OUT/ramp.out" 2>/dev/null && return 0
    kill -0 "$RAMP" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

node_pid() {
  local p
  for p in $(pgrep -x java || true); do
    [[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" == "$OUT" ]] && { echo "$p"; return; }
  done
}

snapshot() { # snapshot PID NAME: the node's utime+stime ticks and its io counters
  awk '{ print $14 + $15 }' "/proc/$1/stat" >"$OUT/cpu.$2"
  cat "/proc/$1/io" >"$OUT/io.$2" 2>/dev/null || true
}

if wait_for "step $RATE calls/s:"; then
  PID=$(node_pid)
  if [[ -n "$PID" ]]; then
    snapshot "$PID" before
    jcmd "$PID" JFR.start name=step settings="$SETTINGS" filename="$OUT/step.jfr" >"$OUT/jfr.log" 2>&1
    if wait_for "step $RATE: attempted"; then
      snapshot "$PID" after
      jcmd "$PID" JFR.stop name=step >>"$OUT/jfr.log" 2>&1
    fi
  fi
fi
wait "$RAMP" || true
tail -n 3 "$OUT/ramp.out"
