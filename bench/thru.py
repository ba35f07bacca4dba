#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput ceiling (issue 12 part 3): the `thru` cases of a bench run
(bench/rig/bench-thru.sh) into thru.csv, thru.png and thru.md.

Every case captures vivid's fastest mode (320x180 YUYV at 60 fps) or copies
frames that size: natively in dom0 (vcam-capsum on vivid), in the guest
through vcamd per notification mode and allocation (vcam-testfe) and
through the kernel frontend (vcam-capsum), and a plain memcpy of the frames
in dom0 and in the guest (vcam-memcpy, its line in thru.rec or on the
console).  The captures are read exactly as aggregate.py reads the main
cases (same records, same checks: every frame's CRC that of thru-native.sum,
fps, CPU per frame); what this adds is MB/s, the share of the camera's
frames each path delivered, and the memcpy ceiling.

The source's rate is measured, not assumed: vivid numbers every frame it
makes, so frames + drops (sequence gaps) is what it made during a capture,
and frames / (frames + drops) the share that reached the application
(`pct_of_source`), whatever each program's clock covers (vcam-testfe times
its streaming only, vcam-capsum its whole run with open and setup).

  thru.py RUN/bench OUT.csv [OUTDIR]   thru.csv, and thru.png + thru.md in OUTDIR
"""

import sys
from pathlib import Path

import aggregate as ag
from records import fnum, group_main, load_csv, read_required
from records import write_csv as _write_csv

COLUMNS = [
    "case", "where", "mode", "alloc", "spin_us", "rate", "cam_rate",
    "frames_req", "frames", "drops", "seq_repeats", "size", "wall_s", "fps", "mb_s",
    "source_fps", "pct_of_source", "pct_of_rate", "app_cpu_ms_per_frame",
    "guest_cpu_ms_per_frame", "vcamd_cpu_ms_per_frame",
    "dom0_cpu_ms_per_frame", "be_copies_per_frame", "fe_copies_per_frame",
    "be_notify_evt_per_frame", "be_spins_per_frame", "fe_spins_per_frame",
    "copy_p50_us", "copy_p99_us",
]
CAPTURES = ("native", "tfe", "kfe")
MEMCPY = ("memcpy-dom0", "memcpy-guest")


def memcpy_line(lines, c):
    """vcam-memcpy's one result line among a case's lines, as a dict."""
    found = [ln.split() for ln in lines if ln.split()[:1] == ["memcpy"]]
    if len(found) != 1:
        raise ag.BenchError(f"{c}: {len(found)} memcpy lines, wanted 1")
    return ag.kv(found[0][1:])


def memcpy_row(row, meta, rec, console):
    """A memcpy case: dom0's from thru.rec, the guest's from its console."""
    c = meta["case"]
    if meta["where"] == "memcpy-dom0":
        if c not in rec:
            raise ag.BenchError(f"{c}: no line in thru.rec")
        d = memcpy_line(rec[c], c)
    else:
        g = console.get(c)
        if g is None:
            raise ag.BenchError(f"{c}: nothing on the guest console")
        if g.get("end", {}).get("rc") != "0":
            raise ag.BenchError(f"{c}: vcam-memcpy failed (rc="
                                f"{g.get('end', {}).get('rc')})")
        d = memcpy_line(g["out"], c)
    n = int(ag.num(d, "n", c))
    if str(n) != meta.get("frames"):
        raise ag.BenchError(f"{c}: {n} copies, wanted {meta.get('frames')}")
    if d.get("size") != meta.get("size"):
        raise ag.BenchError(f"{c}: copied {d.get('size')} octets a frame, "
                            f"planned {meta.get('size')}")
    row["frames"] = n
    row["wall_s"] = ag.num(d, "wall-s", c)
    row["fps"] = ag.num(d, "fps", c)
    row["app_cpu_ms_per_frame"] = ag.num(d, "cpu-ms-per-frame", c)
    row["copy_p50_us"] = ag.num(d, "p50-us", c)
    row["copy_p99_us"] = ag.num(d, "p99-us", c)


def capture_row(row, meta, rec, console, run, crc):
    """A capture, through aggregate.py's own reading of the main cases
    (no idle baseline subtracted: the thru group runs none)."""
    where, c = meta["where"], meta["case"]
    full = dict.fromkeys(ag.COLUMNS, "")
    full.update(case=c, frames_req=meta.get("frames", ""),
                rate=meta.get("rate", ""), spin_us=meta.get("spin_us", ""))
    if where == "tfe":
        full["mode"] = meta.get("mode", "")
        full["alloc"] = "be" if meta.get("be_alloc") == "1" else "fe"
        ag.case_tfe(full, rec.get(c, {}), console.get(c, {}), crc,
                    (0.0, 0.0))
    elif where == "kfe":
        ag.case_kfe(full, rec.get(c, {}), console.get(c, {}), crc,
                    (0.0, 0.0))
    else:
        ag.case_native(full, rec.get(c, {}), run, crc, (0.0, 0.0))
    for k in COLUMNS:
        if k in full and full[k] != "":
            row[k] = full[k]


def aggregate(run):
    """thru.csv rows from RUN (the bench dir); [] if the run had no thru
    cases.  Every planned case must have its figures."""
    run = Path(run)
    cases = ag.planned(run, "thru")
    if not cases:
        return []
    crc = ag.native_crc(read_required(run, "thru-native.sum", ag.BenchError))
    rec = ag.parse_dom0((run / "dom0.rec").read_text(errors="replace"))
    p = run / "thru.rec"
    mrec = {}
    if p.exists():
        for line in p.read_text(errors="replace").splitlines():
            w = line.split(None, 1)
            if len(w) == 2:
                mrec.setdefault(w[0], []).append(w[1])
    p = run / "guest.console"
    console = (ag.parse_console(p.read_text(errors="replace"))[0]
               if p.exists() else {})
    rows = []
    for m in cases:
        row = dict.fromkeys(COLUMNS, "")
        row.update(case=m["case"], where=m.get("where", ""),
                   size=int(ag.num(m, "size", m["case"] + " plan")))
        if row["where"] in MEMCPY:
            memcpy_row(row, m, mrec, console)
        elif row["where"] in CAPTURES:
            capture_row(row, m, rec, console, run, crc)
        else:
            raise ag.BenchError(f"{m['case']}: unknown where "
                                f"{row['where']!r}")
        row["mb_s"] = round(row["fps"] * row["size"] / 1e6, 3)
        rows.append(row)
    return with_shares(rows)


def with_shares(rows):
    """Each capture's share of the frames the camera made meanwhile, the
    camera's measured rate, and fps as a share of the rate asked (in
    place)."""
    native = [r for r in rows if r["where"] == "native"]
    if len(native) != 1:
        raise ag.BenchError(f"{len(native)} native thru cases, wanted 1")
    for r in rows:
        if r["where"] not in CAPTURES:
            continue
        made = r["frames"] + r["drops"]
        r["pct_of_source"] = round(100.0 * r["frames"] / made, 1)
        r["source_fps"] = round(made / r["wall_s"], 2)
        r["pct_of_rate"] = round(100.0 * r["fps"] / float(r["rate"]), 1)
    return rows


def write_csv(rows, path):
    _write_csv(rows, path, COLUMNS)


def load(path):
    return load_csv(path)


def label(r):
    if r["where"] == "tfe":
        return f"{r['mode']}\n{r['alloc']}-alloc"
    if r["where"] == "kfe":
        return f"kernel fe\n{r['mode']}, {r['alloc']}"
    return {"native": "native\ndom0",
            "memcpy-dom0": "memcpy\ndom0",
            "memcpy-guest": "memcpy\nguest"}.get(r["where"], r["case"])


def fmt(v, spec=".2f"):
    return "–" if v in ("", None) else format(float(v), spec)


def repeated(r):
    """A native capture's frames the camera numbered like the one before."""
    n = int(r.get("seq_repeats") or 0)
    return f" ({n} numbered twice by the camera)" if n else ""


def table(rows):
    """Markdown: the captures, then the memcpy ceiling."""
    out = ["| case | fps (asked) | MB/s | frames / drops | % of the camera's "
           "frames | camera fps (measured) | capture process ms/f | guest "
           "ms/f | vcamd ms/f | dom0 ms/f | vcamd copies/f |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["where"] not in CAPTURES:
            continue
        out.append(
            f"| {label(r).replace(chr(10), ' ')} | {fmt(r['fps'])} "
            f"({r['rate']}) | {fmt(r['mb_s'])} | {r['frames']} / "
            f"{r['drops']}{repeated(r)} | {r['pct_of_source']} | "
            f"{fmt(r['source_fps'])} | "
            f"{fmt(r['app_cpu_ms_per_frame'])} | "
            f"{fmt(r['guest_cpu_ms_per_frame'])} | "
            f"{fmt(r['vcamd_cpu_ms_per_frame'])} | "
            f"{fmt(r['dom0_cpu_ms_per_frame'])} | "
            f"{fmt(r['be_copies_per_frame'])} |")
    out += ["", "| memcpy | frame octets | frames/s | MB/s | CPU ms/f | "
            "copy p50 µs | copy p99 µs |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["where"] in MEMCPY:
            out.append(f"| {r['where']} | {r['size']} | {fmt(r['fps'], '.0f')}"
                       f" | {fmt(r['mb_s'], '.1f')} | "
                       f"{fmt(r['app_cpu_ms_per_frame'], '.4f')} | "
                       f"{fmt(r['copy_p50_us'])} | {fmt(r['copy_p99_us'])} |")
    return "\n".join(out) + "\n"


def plot(rows, path):
    """Left: fps per capture against the rate asked; right: CPU per frame
    (capture process, vcamd, guest kernel+user) with the memcpy's cost."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    caps = [r for r in rows if r["where"] in CAPTURES]
    mem = {r["where"]: r for r in rows if r["where"] in MEMCPY}
    xs = range(len(caps))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2))
    b = a1.bar(xs, [fnum(r, "fps") for r in caps], 0.6, color="#4c72b0")
    a1.bar_label(b, labels=[f"{fnum(r, 'pct_of_source'):.0f} %"
                            for r in caps], fontsize=7)
    rate = fnum(caps[0], "rate") if caps else float("nan")
    a1.axhline(rate, color="#c44e52", linestyle="--",
               label=f"rate asked ({rate:g} fps)")
    a1.set_xticks(list(xs))
    a1.set_xticklabels([label(r) for r in caps], fontsize=7)
    a1.set_ylabel("frames/s", fontsize=8)
    a1.set_title("frames/s (label: % of the camera's frames delivered)",
                 fontsize=9)
    a1.legend(fontsize=7)
    a1.grid(axis="y", alpha=0.3)
    w = 0.27
    for i, (k, name, col) in enumerate((
            ("app_cpu_ms_per_frame", "capture process", "#4c72b0"),
            ("vcamd_cpu_ms_per_frame", "vcamd", "#dd8452"),
            ("guest_cpu_ms_per_frame", "guest (whole)", "#55a868"))):
        a2.bar([x + (i - 1) * w for x in xs], [fnum(r, k) for r in caps], w,
               label=name, color=col)
    for where, ls in (("memcpy-dom0", ":"), ("memcpy-guest", "-.")):
        if where in mem:
            a2.axhline(fnum(mem[where], "app_cpu_ms_per_frame"), color="k",
                       linestyle=ls, linewidth=1,
                       label=f"{where} "
                       f"({fnum(mem[where], 'fps'):.0f} frames/s)")
    a2.set_xticks(list(xs))
    a2.set_xticklabels([label(r) for r in caps], fontsize=7)
    a2.set_ylabel("CPU ms per frame", fontsize=8)
    a2.set_title("CPU per frame (not above idle)", fontsize=9)
    a2.legend(fontsize=7)
    a2.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def outputs(csv_path, out):
    rows = load(csv_path)
    plot(rows, out / "thru.png")
    (out / "thru.md").write_text(table(rows))

def main(argv):
    return group_main(argv, "thru", aggregate, write_csv, outputs)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
