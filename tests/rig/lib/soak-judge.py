#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Judge the soak scenario's series (tests/rig/scenarios/soak.sh): is it flat?

  soak-judge.py [--warmup N] [--judged N] [--rss-kib K] SERIES.csv SUMMARY.txt

Per vcamd incarnation (dom0's; each of the driver domain's, by domid and pid), over the idle
points (every guest's captures stopped) outside the driver domain's restart window: the first
N (--warmup) are warm-up, the next is the baseline, and at least --judged more must follow.
Fails when one of those shows VmRSS more than K KiB above the baseline, or more fds, threads,
grant pages, event channels or vcamd pages than the baseline, or another number of connected
devices than two; when a guest's capture failed (or found no camera, or none worked in a
cycle) outside the restart window, or on dom0's cameras at all; when the restart or the
recovery is missing.  Writes SUMMARY.txt; exit status 1 on FAIL.
"""

import argparse
import csv
import sys

KEYS = ("fds", "threads", "gnt_pages", "ports", "pages")
CAMS = (("sg1_c0", "camdd"), ("sg1_c1", "dom0"), ("sg2_c0", "camdd"), ("sg2_c1", "dom0"))
GUESTS = 2


def num(v):
    return int(v) if v not in ("", None) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--judged", type=int, default=3)
    ap.add_argument("--rss-kib", type=int, default=512)
    ap.add_argument("csv")
    ap.add_argument("summary")
    a = ap.parse_args()

    with open(a.csv, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("cycle")]
    out, bad = [], []

    def say(s=""):
        out.append(s)

    def fail(s):
        bad.append(s)

    idle = [r for r in rows if r["phase"] == "idle"]
    for r in rows:
        r["cycle"] = int(r["cycle"])
    restart = next((r["cycle"] for r in rows if "restart" in r["note"]), None)
    back = next((r["cycle"] for r in rows if "recovered" in r["note"]), None)
    last_t = float(rows[-1]["t_s"]) if rows else 0.0
    cycles = max((r["cycle"] for r in rows), default=0)
    say(f"soak: {last_t / 60:.1f} min, {cycles} cycles, {len(rows)} samples "
        f"({len(idle)} at idle points)")
    if restart is None:
        fail("no driver-domain restart happened")
        window = range(0)
    else:
        t = next(float(r["t_s"]) for r in rows if r["cycle"] == restart)
        if back is None:
            fail(f"driver domain restarted in cycle {restart} (~{t / 60:.1f} min); its cameras "
                 "never came back in both guests")
            window = range(restart, cycles + 1)
        else:
            tb = next(float(r["t_s"]) for r in idle if r["cycle"] == back)
            window = range(restart, back + 1)
            say(f"restart window: cycles {restart}-{back} (driver domain restarted ~{t / 60:.1f}"
                f" min; both guests captured from it cleanly again by {tb / 60:.1f} min)")

    # the vcamd series, per incarnation
    series = {}
    for r in idle:
        if r["dom0_pid"]:
            series.setdefault(("dom0", r["dom0_pid"]), []).append(("dom0", r))
        if r["cycle"] in window:
            continue
        if not r["dd_pid"]:
            fail(f"cycle {r['cycle']}: no sample of the driver domain's vcamd")
            continue
        series.setdefault((f"camdd domain {r['dd_domid']}", r["dd_pid"]), []).append(("dd", r))
    say()
    for (who, pid), pts in series.items():
        p = pts[0][0]
        cyc = [r["cycle"] for _, r in pts]
        say(f"vcamd {who} pid {pid}: {len(pts)} idle points (cycles {cyc[0]}-{cyc[-1]}), "
            f"warm-up {a.warmup}")
        if len(pts) < a.warmup + 1 + a.judged:
            fail(f"vcamd {who} pid {pid}: {len(pts)} idle points, too few to judge (warm-up "
                 f"{a.warmup} + baseline + {a.judged}): run longer (SOAK_MINUTES)")
            continue
        v = [{k: num(r[f"{p}_{k}"]) for k in ("rss_kb", "connected") + KEYS} for _, r in pts]
        base, judged = v[a.warmup], v[a.warmup:]
        gaps = sorted({k for x in judged for k in x if x[k] is None})
        if gaps:
            fail(f"vcamd {who} pid {pid}: samples without {', '.join(gaps)}")
            continue
        rss = [x["rss_kb"] for x in judged]
        grow = max(rss) - base["rss_kb"]
        warm = [x["rss_kb"] for x in v[:a.warmup]]
        say(f"  rss_kb: warm-up {warm}, baseline {base['rss_kb']}, then "
            f"{min(rss)}..{max(rss)} (growth {grow:+d} KiB, bound {a.rss_kib}), "
            f"last {rss[-1]}")
        if grow > a.rss_kib:
            fail(f"vcamd {who} pid {pid}: RSS grew {grow} KiB over its baseline "
                 f"({base['rss_kb']} -> {max(rss)} KiB)")
        line = []
        for k in KEYS:
            vals = [x[k] for x in judged]
            line.append(f"{k} {base[k]}" + (f" ({min(vals)}..{max(vals)})"
                                            if min(vals) != max(vals) else ""))
            for c, x in zip(cyc[a.warmup:], judged):
                if x[k] > base[k]:
                    fail(f"vcamd {who} pid {pid}: {k} {x[k]} at cycle {c}, baseline {base[k]}")
                    break
        say("  at every idle point: " + ", ".join(line))
        for c, x in zip(cyc[a.warmup:], judged):
            if x["connected"] != GUESTS:
                fail(f"vcamd {who} pid {pid}: {x['connected']} devices connected at cycle {c}, "
                     f"not {GUESTS}")
                break

    # the guests' captures, per cycle
    say()
    prev = None
    excused = {c: [0, 0] for c, _ in CAMS}
    for r in idle:
        if prev is not None:
            for c, be in CAMS:
                ok, fl, gone = (num(r[f"{c}_{x}"]) - num(prev[f"{c}_{x}"])
                                for x in ("ok", "fail", "gone"))
                if be == "camdd" and r["cycle"] in window:
                    excused[c][0] += fl
                    excused[c][1] += gone
                elif fl or gone or not ok:
                    fail(f"cycle {r['cycle']}: {c} ({be}): {ok} captures ok, {fl} failed, "
                         f"{gone} looks found no camera")
        prev = r
    if prev is not None:
        for c, be in CAMS:
            g, cam = c.split("_")
            say(f"captures {g} camera {cam[1:]} ({be}): {prev[c + '_ok']} ok, "
                f"{prev[c + '_fail']} failed, {prev[c + '_gone']} looks found no camera"
                + (f"; in the restart window: {excused[c][0]} failed, {excused[c][1]} no camera"
                   if be == "camdd" else ""))

    say()
    if bad:
        say(f"FAIL ({len(bad)}):")
        for b in bad[:40]:
            say("  " + b)
        if len(bad) > 40:
            say(f"  ... and {len(bad) - 40} more")
    else:
        say("PASS: every series flat, no capture failed outside the restart window")
    with open(a.summary, "w") as f:
        f.write("\n".join(out) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
