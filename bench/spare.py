#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Spare cores (issue 12 part 5): the `spare` cases of a bench run
(bench/rig/bench-thru.sh) into spare.csv and spare.md.

Per placement of vcamd's dom0 vCPU and the guest's vCPU on the machine's
pCPUs (free: Xen's choice; apart: each on its own pCPU; together: both on
one), per mode (event, spin): vcam-testfe's CONFIG_GET round trip (its rtt
line on the console) and a short be-alloc stream (read as aggregate.py
reads a main tfe case).  dom0 records in spare.rec what was in effect (xl
vcpu-list, vcamd's taskset); a placement that is not what it claims is an
error, so no figure is filed under the wrong placement.  Ratios are to the
same mode's `free` case of the same run.

  spare.py RUN/bench OUT.csv [OUTDIR]   spare.csv, and spare.md in OUTDIR
"""

import sys
from pathlib import Path

import aggregate as ag
import rtt as rt
from records import group_main, load_csv, read_required
from records import write_csv as _write_csv

COLUMNS = [
    "case", "what", "mode", "place", "dom0_vcpu0_pcpus", "guest_pcpus",
    "vcamd_cpus", "n", "p50_us", "p99_us", "max_us", "p50_vs_free",
    "p99_vs_free", "frames", "drops", "fps", "app_cpu_ms_per_frame",
    "vcamd_cpu_ms_per_frame", "guest_cpu_ms_per_frame",
    "vcamd_cpu_vs_free", "spins", "blocks",
]
# place -> (hard affinity of dom0's vCPU 0, of dom0's vCPU 1, of the
# guest's vCPU 0, vcamd's CPUs inside dom0); None: all CPUs
PLACES = {
    "free": (None, None, None, None),
    "apart": ("0", "0", "1", "0"),
    "together": ("1", "0", "1", "0"),
    "end": (None, None, None, None),
}


def parse_rec(text):
    """spare.rec: {place: {'vcpu': [(name, vcpu, hard affinity)],
    'vcamd': cpu list}}.  dom0 records a placement when it sets it, each
    record starting with xl vcpu-list's header; a place's first record is
    the one its cases ran under (dom0 records the return to `end` after
    them; the group's first rig run labelled that `free` too)."""
    out, done = {}, set()
    for line in text.splitlines():
        w = line.split()
        if len(w) < 3:
            continue
        if w[1] == "vcpu" and len(w) > 4 and w[4] == "VCPU":
            if w[0] in out:
                done.add(w[0])
            continue
        if w[0] in done:
            continue
        p = out.setdefault(w[0], {"vcpu": [], "vcamd": None})
        if w[1] == "vcamd":
            # "pid N's current affinity list: 0"
            p["vcamd"] = w[-1]
        elif w[1] == "vcpu" and len(w) >= 9 and w[4].isdigit():
            # Name ID VCPU CPU State Time(s) Hard / Soft
            p["vcpu"].append((w[2], int(w[4]), w[8]))
    return out


def cpu_set(s, ncpus):
    """A CPU list as xl ('all', '0-1') or taskset ('0,1') prints it, as a
    set; None if it is none."""
    if s == "all":
        return set(range(ncpus))
    out = set()
    try:
        for part in s.split(","):
            lo, _, hi = part.partition("-")
            out |= set(range(int(lo), int(hi or lo) + 1))
    except (AttributeError, ValueError):
        return None
    return out


def check_place(place, got, ncpus=2):
    """(dom0 vCPU 0's, guest's, vcamd's) affinity as recorded, after
    checking them against what the placement means."""
    if place not in PLACES:
        raise ag.BenchError(f"unknown placement {place!r}")
    if got is None:
        raise ag.BenchError(f"{place}: no record of the pinning")
    want = PLACES[place]
    dom0 = {v: a for n, v, a in got["vcpu"] if n == "Domain-0"}
    guest = [a for n, v, a in got["vcpu"] if n != "Domain-0" and v == 0]
    if 0 not in dom0 or 1 not in dom0 or len(guest) != 1:
        raise ag.BenchError(f"{place}: xl vcpu-list lacks dom0's two vCPUs "
                            "or the guest's")
    for what, have, w in (("dom0 vCPU 0", dom0[0], want[0]),
                          ("dom0 vCPU 1", dom0[1], want[1]),
                          ("the guest's vCPU", guest[0], want[2]),
                          ("vcamd", got["vcamd"], want[3])):
        if cpu_set(have, ncpus) != cpu_set(w or "all", ncpus):
            raise ag.BenchError(f"{place}: {what} ran on {have!r}, the "
                                f"placement wants {w or 'all'!r}")
    return dom0[0], guest[0], got["vcamd"]


def rtt_row(row, meta, console):
    c = meta["case"]
    g = console.get(c)
    if g is None:
        raise ag.BenchError(f"{c}: nothing on the guest console")
    d = rt.measured(meta, {}, console)
    n = int(ag.num(d, "n", c))
    if str(n) != meta.get("n"):
        raise ag.BenchError(f"{c}: {n} round trips, wanted {meta.get('n')}")
    if d.get("mode") != meta.get("mode"):
        raise ag.BenchError(f"{c}: ran in mode {d.get('mode')!r}, planned "
                            f"{meta.get('mode')!r}")
    row["n"] = n
    for k in ("p50", "p99", "max"):
        row[k + "_us"] = ag.num(d, k + "-us", c)
    if not 0 < row["p50_us"] <= row["p99_us"] <= row["max_us"]:
        raise ag.BenchError(f"{c}: percentiles out of order")
    row["spins"] = int(ag.num(d, "spins", c))
    row["blocks"] = int(ag.num(d, "blocks", c))


def stream_row(row, meta, rec, console, crc):
    c = meta["case"]
    full = dict.fromkeys(ag.COLUMNS, "")
    full.update(case=c, frames_req=meta.get("frames", ""),
                rate=meta.get("rate", ""), spin_us=meta.get("spin_us", ""),
                mode=meta.get("mode", ""), alloc="be")
    ag.case_tfe(full, rec.get(c, {}), console.get(c, {}), crc, (0.0, 0.0))
    if full["mode"] != meta.get("mode"):
        raise ag.BenchError(f"{c}: vcamd ran it in mode {full['mode']!r}")
    for k in ("frames", "drops", "fps", "app_cpu_ms_per_frame",
              "vcamd_cpu_ms_per_frame", "guest_cpu_ms_per_frame"):
        row[k] = full[k]


def with_ratios(rows):
    """Each case against the same mode and kind placed freely (in place)."""
    free = {(r["what"], r["mode"]): r for r in rows if r["place"] == "free"}
    for r in rows:
        f = free.get((r["what"], r["mode"]))
        if f is None:
            continue
        if r["what"] == "rtt":
            r["p50_vs_free"] = round(r["p50_us"] / f["p50_us"], 2)
            r["p99_vs_free"] = round(r["p99_us"] / f["p99_us"], 2)
        elif f["vcamd_cpu_ms_per_frame"]:
            r["vcamd_cpu_vs_free"] = round(
                r["vcamd_cpu_ms_per_frame"] / f["vcamd_cpu_ms_per_frame"], 2)
    return rows


def aggregate(run):
    """spare.csv rows from RUN (the bench dir); [] without spare cases."""
    run = Path(run)
    cases = ag.planned(run, "spare")
    if not cases:
        return []
    pins = parse_rec(read_required(run, "spare.rec", ag.BenchError))
    crc = ag.native_crc(read_required(run, "thru-native.sum", ag.BenchError))
    rec = ag.parse_dom0((run / "dom0.rec").read_text(errors="replace"))
    console = ag.parse_console(
        (run / "guest.console").read_text(errors="replace"))[0]
    rows = []
    for m in cases:
        row = dict.fromkeys(COLUMNS, "")
        row.update(case=m["case"], what=m.get("what", ""),
                   mode=m.get("mode", ""), place=m.get("place", ""))
        (row["dom0_vcpu0_pcpus"], row["guest_pcpus"],
         row["vcamd_cpus"]) = check_place(row["place"], pins.get(row["place"]))
        if row["what"] == "rtt":
            rtt_row(row, m, console)
        elif row["what"] == "stream":
            stream_row(row, m, rec, console, crc)
        else:
            raise ag.BenchError(f"{m['case']}: unknown what {row['what']!r}")
        rows.append(row)
    return with_ratios(rows)


def write_csv(rows, path):
    _write_csv(rows, path, COLUMNS)


def table(rows):
    """Markdown: round trips, then streams, per mode and placement."""
    out = ["| round trip | placement | p50 µs | p99 µs | max µs | p50 / free "
           "| p99 / free |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["what"] == "rtt":
            out.append(f"| {r['mode']} | {r['place']} | {r['p50_us']} | "
                       f"{r['p99_us']} | {r['max_us']} | "
                       f"{r['p50_vs_free'] or '–'} | "
                       f"{r['p99_vs_free'] or '–'} |")
    out += ["", "| stream (be-alloc) | placement | fps | drops | capture "
            "process ms/f | vcamd ms/f | guest ms/f | vcamd / free |",
            "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["what"] == "stream":
            out.append(f"| {r['mode']} | {r['place']} | {r['fps']} | "
                       f"{r['drops']} | {r['app_cpu_ms_per_frame']} | "
                       f"{r['vcamd_cpu_ms_per_frame']} | "
                       f"{r['guest_cpu_ms_per_frame']} | "
                       f"{r['vcamd_cpu_vs_free'] or '–'} |")
    return "\n".join(out) + "\n"


def outputs(csv_path, out):
    (out / "spare.md").write_text(table(load_csv(csv_path)))

def main(argv):
    return group_main(argv, "spare", aggregate, write_csv, outputs)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
