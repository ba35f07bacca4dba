#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the first frame's time goes: RUN/bench/ff-phases.txt (vcam-capsum -T
of every ff run, native and guest) and, when the run recorded one,
RUN/bench/trace.log (vcamctl trace of the guest's requests, BENCH_CASES=ff)
-> Markdown tables of medians on stdout."""
import re
import statistics
import sys
from pathlib import Path

PHASES = ["open", "g_fmt", "s_fmt", "reqbufs", "mmap_qbuf", "streamon",
          "first_frame", "streamoff", "munmap_close", "total"]
TO_FIRST = PHASES[:7]
TRACE_RE = re.compile(r"^\S+ \S+ req id=\d+ (\w+)\(\d+\).* \((\d+) us\)$")


def parse_phases(text):
    """{case: [{phase: ms}]}; a line is 'CASE name=us ...'."""
    runs = {}
    for line in text.splitlines():
        w = line.split()
        if len(w) < 2:
            continue
        try:
            d = {k: int(v) / 1000.0 for k, v in (x.split("=", 1) for x in w[1:])}
        except ValueError:
            raise ValueError(f"bad phase line: {line!r}")
        missing = [p for p in PHASES if p not in d]
        if missing:
            raise ValueError(f"phase line without {missing}: {line!r}")
        d["to_first_frame"] = sum(d[p] for p in TO_FIRST)
        d["teardown"] = d["streamoff"] + d["munmap_close"]
        runs.setdefault(w[0], []).append(d)
    return runs


def parse_trace(text):
    """{operation: [ms vcamd took]} over the whole trace."""
    ops = {}
    for line in text.splitlines():
        m = TRACE_RE.match(line.strip())
        if m:
            ops.setdefault(m.group(1), []).append(int(m.group(2)) / 1000.0)
    return ops


def paired(runs, guest="ff-guest", native="ff-native"):
    """Guest / native open -> first frame, capture by capture: the bench takes
    them in turn (bench_ff), the i-th of each side next to each other.  None
    unless both sides have the same number of captures."""
    g, n = runs.get(guest, []), runs.get(native, [])
    if not g or len(g) != len(n):
        return None
    r = sorted(a["to_first_frame"] / b["to_first_frame"] for a, b in zip(g, n)
               if b["to_first_frame"] > 0)
    if not r:
        return None
    return statistics.median(r), r[0], r[-1], len(r)


def tables(runs, ops):
    cases = sorted(runs)
    out = ["| phase, median ms | " + " | ".join(cases) + " |",
           "|---|" + "---|" * len(cases)]
    for p in PHASES[:-1] + ["to_first_frame", "teardown", "total"]:
        out.append(f"| {p} | " + " | ".join(
            f"{statistics.median(r[p] for r in runs[c]):.1f}" for c in cases) + " |")
    pr = paired(runs)
    if pr:
        out += ["", f"Guest / native, open → first frame, capture by capture (taken in turn): "
                f"median {pr[0]:.2f}×, {pr[1]:.2f}–{pr[2]:.2f}× over {pr[3]} pairs."]
    if ops:
        out += ["", "| request (vcamd) | count | median ms | total ms |", "|---|---|---|---|"]
        for op, v in ops.items():
            out.append(f"| {op} | {len(v)} | {statistics.median(v):.2f} | {sum(v):.1f} |")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        print("usage: ffphases.py RUN/bench", file=sys.stderr)
        return 2
    run = Path(argv[1])
    try:
        runs = parse_phases((run / "ff-phases.txt").read_text())
    except (OSError, ValueError) as e:
        print(f"ffphases: {e}", file=sys.stderr)
        return 1
    trace = run / "trace.log"
    ops = parse_trace(trace.read_text(errors="replace")) if trace.exists() else {}
    sys.stdout.write(tables(runs, ops))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
