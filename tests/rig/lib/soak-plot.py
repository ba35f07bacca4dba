#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draw the soak scenario's series (soak-series.csv) as a PNG.

  soak-plot.py SERIES.csv OUT.png

Four panels over time: VmRSS of dom0's and the driver domain's vcamd; their fds and threads;
grant pages mapped and event channels bound; the guests' captures (ok and failed, all cameras).
Idle points are drawn as lines with markers, mid-burst samples as small dots; the driver
domain's restart and its cameras' recovery as vertical lines.  Needs matplotlib (Debian's
python3-matplotlib); `make soak` runs it on the host after the rig.
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def fnum(v):
    return float(v) if v not in ("", None) else float("nan")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("cycle")]
    if not rows:
        sys.exit("soak-plot: no samples")
    idle = [r for r in rows if r["phase"] == "idle"]
    busy = [r for r in rows if r["phase"] == "busy"]

    def t(rs):
        return [fnum(r["t_s"]) / 60 for r in rs]

    fig, ax = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    panels = [
        (ax[0], "VmRSS (KiB)", [("dom0_rss_kb", "dom0 vcamd"), ("dd_rss_kb", "camdd vcamd")]),
        (ax[1], "count", [("dom0_fds", "dom0 fds"), ("dd_fds", "camdd fds"),
                          ("dom0_threads", "dom0 threads"), ("dd_threads", "camdd threads")]),
        (ax[2], "count", [("dom0_gnt_pages", "dom0 grant pages"),
                          ("dd_gnt_pages", "camdd grant pages"),
                          ("dom0_ports", "dom0 event channels"),
                          ("dd_ports", "camdd event channels")]),
    ]
    for a, ylabel, keys in panels:
        for key, label in keys:
            line, = a.plot(t(idle), [fnum(r[key]) for r in idle], marker=".", label=label)
            a.plot(t(busy), [fnum(r[key]) for r in busy], ".", markersize=3, alpha=0.4,
                   color=line.get_color())
        a.set_ylabel(ylabel)
        if a is ax[2]:
            # idle points hold a few pages, bursts hundreds: both readable
            a.set_yscale("symlog", linthresh=10)
        a.legend(fontsize=8, loc="best")
        a.grid(alpha=0.3)
    cams = sorted({k[:-3] for k in rows[0] if k.endswith("_ok")})
    a = ax[3]
    a.plot(t(idle), [sum(fnum(r[c + "_ok"]) for c in cams) for r in idle], marker=".",
           label="captures ok")
    a.plot(t(idle), [sum(fnum(r[c + "_fail"]) + fnum(r[c + "_gone"]) for c in cams)
                     for r in idle], marker=".", label="failed or no camera")
    a.set_ylabel("captures (all cameras)")
    a.set_xlabel("minutes")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    for word, colour in (("restart", "r"), ("recovered", "g")):
        r = next((r for r in rows if word in r["note"]), None)
        if r is not None:
            for x in ax:
                x.axvline(fnum(r["t_s"]) / 60, color=colour, linestyle="--", alpha=0.6)
    ax[0].set_title("vcamd soak: idle points (lines), mid-burst samples (dots); "
                    "red: driver domain restart, green: its cameras back")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=90)
    print(f"soak-plot: {sys.argv[2]}")


if __name__ == "__main__":
    main()
