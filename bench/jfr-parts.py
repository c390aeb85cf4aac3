#!/usr/bin/env python3
"""Execution samples per completed call, by part of the node, for runs of bench/profile-step.sh.

    bench/jfr-parts.py OUT1 OUT2 ...

For each run directory: the COMPLETED calls of its step (results.tsv), the node's CPU ms per call
over the recorded stretch (cpu.before/after), and the JFR execution samples (jdk.ExecutionSample of
step.jfr) per call, all of them and those whose stack holds each part below. A sample can be in
several parts (a projection's SQL parse is in both). Needs the JDK's `jfr` tool.
"""
import json
import os
import subprocess
import sys

HZ = os.sysconf("SC_CLK_TCK")
PARTS = [
    ("H2 chunk writes", "org.h2.mvstore.MVStore.storeNow"),
    ("SQL parsing", "org.h2.command.Parser.parse"),
    ("call records projection", "io.callengine.core.records.CallRecordProjection.process"),
    ("statistics writer", "io.callengine.core.statistics.StatisticsWriter.apply"),
    ("journal inserts", "slick.jdbc.JdbcActionComponent$InsertActionComposerImpl$MultiInsertAction.run"),
    ("SIP stack", "gov.nist.javax.sip.stack.UDPMessageChannel.run"),
    ("call sessions", "io.callengine.sip.CallSession."),
    ("RTP port opening", "io.callengine.sip.media.MediaRelay.open"),
    ("rtp-relay threads", None),
]


def samples(jfr):
    raw = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "200", jfr],
                         capture_output=True, text=True, check=True).stdout
    for event in json.loads(raw)["recording"]["events"]:
        values = event["values"]
        thread = (values.get("sampledThread") or {}).get("javaName") or ""
        frames = ((values.get("stackTrace") or {}).get("frames")) or []
        yield thread, [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]


def completed(run):
    with open(os.path.join(run, "results.tsv")) as f:
        header, row = f.readline().rstrip("\n").split("\t"), f.readline().rstrip("\n").split("\t")
    return int(dict(zip(header, row))["completed"])


def cpu_ms(run):
    try:
        with open(os.path.join(run, "cpu.before")) as b, open(os.path.join(run, "cpu.after")) as a:
            return (int(a.read()) - int(b.read())) * 1000 / HZ
    except (OSError, ValueError):
        return None


print("run\tcalls\tcpu ms/call\tsamples/call\t" + "\t".join(name for name, _ in PARTS))
for run in sys.argv[1:]:
    calls = completed(run)
    counts = [0] * len(PARTS)
    total = 0
    for thread, frames in samples(os.path.join(run, "step.jfr")):
        total += 1
        for i, (_, frame) in enumerate(PARTS):
            if frame is None:
                counts[i] += thread.startswith("rtp-relay")
            elif any(frame in f for f in frames):
                counts[i] += 1
    cpu = cpu_ms(run)
    print("\t".join([os.path.basename(run.rstrip("/")), str(calls), "-" if cpu is None else f"{cpu / calls:.1f}",
                     f"{total / calls:.2f}"] + [f"{c / calls:.3f}" for c in counts]))
