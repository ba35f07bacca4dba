#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draw results.csv (bench/aggregate.py) as PNGs and write summary.md.

  plot.py RESULTS.csv OUTDIR
modes.png: notifications, wake-ups and CPU per frame for each notification
mode and allocation (vcam-testfe guests); guest-vs-native.png: achieved fps,
CPU per frame and first-frame time, native capture in dom0 against the
kernel frontend in a guest; latency.png: per-frame latency, capture to the
application (p50/p99/max per case, and the CDF from latency.csv when
aggregate.py wrote one), with the dom0-guest clock skew it includes.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import scale  # noqa: E402
from records import fnum, load_csv  # noqa: E402


load = load_csv


def label(r):
    if r["kind"] == "tfe":
        s = f"{r['mode']}\n{r['alloc']}-alloc"
        if r["mode"] == "hybrid":
            s += f"\n{r['spin_us']} us"
        return s
    return r["case"]


def bars(ax, labels, series, title, ylabel):
    """Grouped bars: series is [(name, values, colour)]."""
    n = len(series)
    width = 0.8 / n
    for i, (name, vals, col) in enumerate(series):
        xs = [x + (i - (n - 1) / 2) * width for x in range(len(labels))]
        b = ax.bar(xs, vals, width, label=name, color=col)
        ax.bar_label(b, labels=["" if v != v else f"{v:.2f}" for v in vals],
                     fontsize=6, padding=1)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_title(title, fontsize=9)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)


def plot_modes(rows, out):
    t = [r for r in rows if r["kind"] == "tfe"]
    order = {"event": 0, "hybrid": 1, "spin": 2}
    t.sort(key=lambda r: (r["alloc"] != "fe", order.get(r["mode"], 3),
                          int(r["spin_us"] or 0)))
    labels = [label(r) for r in t]
    fig, (a1, a2, a3) = plt.subplots(3, 1, figsize=(10, 11))
    bars(a1, labels, [
        ("vcamd -> guest (evt)", [fnum(r, "be_notify_evt_per_frame")
                                  for r in t], "tab:blue"),
        ("vcamd -> guest (req rsp)", [fnum(r, "be_notify_req_per_frame")
                                      for r in t], "tab:cyan"),
        ("guest -> vcamd", [fnum(r, "fe_notify_per_frame") for r in t],
         "tab:orange"),
    ], "Event-channel notifications per frame (vcam-testfe guest)",
        "notifications / frame")
    bars(a2, labels, [
        ("vcamd wake-ups", [fnum(r, "be_wakeups_per_frame") for r in t],
         "tab:blue"),
        ("guest wake-ups", [fnum(r, "fe_wakeups_per_frame") for r in t],
         "tab:orange"),
        ("vcamd empty polls / 100", [fnum(r, "be_spins_per_frame") / 100
                                     for r in t], "tab:gray"),
        ("guest empty polls / 100", [fnum(r, "fe_spins_per_frame") / 100
                                     for r in t], "tab:brown"),
    ], "Wake-ups and empty polls per frame", "per frame")
    bars(a3, labels, [
        ("vcamd process", [fnum(r, "vcamd_cpu_ms_per_frame") for r in t],
         "tab:blue"),
        ("dom0 above idle", [fnum(r, "dom0_cpu_ms_per_frame") for r in t],
         "tab:cyan"),
        ("vcam-testfe process", [fnum(r, "app_cpu_ms_per_frame")
                                 for r in t], "tab:orange"),
        ("guest above idle", [fnum(r, "guest_cpu_ms_per_frame") for r in t],
         "tab:red"),
    ], "CPU per frame (640x360 YUYV, 25 fps; TCG-emulated, compare within "
       "the run)", "ms CPU / frame")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_guest_native(rows, out):
    cap = [r for r in rows if r["kind"] in ("native", "kfe")]
    cap.sort(key=lambda r: (int(r["rate"] or 0), r["kind"] != "native"))
    labels = [f"{'native dom0' if r['kind'] == 'native' else 'guest ' + r['case']}"
              f"\n@{r['rate']} fps" +
              (f"\n(vivid at {r['cam_rate']})" if r.get("cam_rate") else "")
              for r in cap]
    ff = [r for r in rows if r["kind"] == "ff"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.5),
                             gridspec_kw={"width_ratios": [3, 3, 1.4]})
    a1, a2, a3 = axes
    bars(a1, labels, [
        ("requested", [fnum(r, "rate") for r in cap], "lightgray"),
        ("achieved", [fnum(r, "fps") for r in cap], "tab:green"),
    ], "Frame rate (frames / wall time incl. start)", "fps")
    bars(a2, labels, [
        ("dom0 above idle", [fnum(r, "dom0_cpu_ms_per_frame") for r in cap],
         "tab:cyan"),
        ("of which vcamd", [fnum(r, "vcamd_cpu_ms_per_frame") for r in cap],
         "tab:blue"),
        ("guest above idle", [fnum(r, "guest_cpu_ms_per_frame") for r in cap],
         "tab:red"),
        ("capture process", [fnum(r, "app_cpu_ms_per_frame") for r in cap],
         "tab:orange"),
    ], "CPU per frame", "ms CPU / frame")
    b = a3.bar([r["where"].replace(" kernel frontend", "\nkfront")
                for r in ff], [fnum(r, "first_frame_ms") for r in ff],
               color=["tab:gray", "tab:green"][:len(ff)])
    a3.bar_label(b, fmt="%.0f", fontsize=7)
    a3.set_title("open to first frame\n(median)", fontsize=9)
    a3.set_ylabel("ms", fontsize=8)
    a3.tick_params(axis="x", labelsize=7)
    a3.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_latency(rows, lat_csv, out):
    """Latency per case (p50/p99/max) and, from latency.csv, its CDF."""
    cases = [r for r in rows if r.get("lat_p50_us") not in ("", None)]
    if not cases:
        return False
    labels = [label(r) if r["kind"] == "tfe" else
              f"{r['case']}\n({r['where'].replace('guest ', '')})"
              for r in cases]
    samples = {}
    if lat_csv is not None and lat_csv.exists():
        for r in load(lat_csv):
            samples.setdefault(r["case"], []).append(float(r["lat_us"]) / 1000)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(10, 9))
    bars(a1, labels, [
        ("p50", [fnum(r, "lat_p50_us") / 1000 for r in cases], "tab:green"),
        ("p99", [fnum(r, "lat_p99_us") / 1000 for r in cases], "tab:orange"),
        ("max", [fnum(r, "lat_max_us") / 1000 for r in cases], "tab:red"),
    ], "Per-frame latency, capture to application", "ms")
    skews = {(r["skew_us"], r["skew_bound_us"]) for r in cases
             if r.get("skew_us") not in ("", None)}
    note = "; ".join(f"guest figures include dom0-guest clock skew "
                     f"{float(s) / 1000:+.3f} ms (±{float(b) / 1000:.3f})"
                     for s, b in sorted(skews))
    if note:
        a1.set_title(a1.get_title() + "\n" + note, fontsize=9)
    for r, lab in zip(cases, labels):
        v = sorted(samples.get(r["case"], []))
        if v:
            a2.step(v, [(i + 1) / len(v) for i in range(len(v))],
                    where="post", label=lab.replace("\n", " "))
    # symlog: a skew can make a guest's figure negative
    a2.set_xscale("symlog", linthresh=0.1)
    a2.set_xlabel("latency, ms (symlog)", fontsize=8)
    a2.set_ylabel("fraction of frames", fontsize=8)
    a2.set_title("Latency CDF", fontsize=9)
    a2.grid(alpha=0.3)
    if samples:
        a2.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return True


SUMMARY_COLS = [
    ("case", "case"), ("where", "where"), ("mode", "mode"),
    ("alloc", "alloc"), ("rate", "fps req"), ("frames", "frames"),
    ("drops", "drops"), ("fps", "fps"),
    ("be_copies_per_frame", "copies/f"),
    ("be_notify_req_per_frame", "be req ntf/f"),
    ("be_notify_evt_per_frame", "be evt ntf/f"),
    ("fe_notify_per_frame", "fe ntf/f"),
    ("be_wakeups_per_frame", "be wake/f"),
    ("be_spins_per_frame", "be spins/f"),
    ("fe_spins_per_frame", "fe spins/f"),
    ("vcamd_cpu_ms_per_frame", "vcamd ms/f"),
    ("dom0_cpu_ms_per_frame", "dom0 ms/f"),
    ("app_cpu_ms_per_frame", "app ms/f"),
    ("guest_cpu_ms_per_frame", "guest ms/f"),
    ("first_frame_ms", "1st frame ms"),
    ("lat_p50_us", "lat p50 µs"), ("lat_p99_us", "lat p99 µs"),
    ("lat_max_us", "lat max µs"), ("skew_us", "skew µs"),
    ("skew_bound_us", "± µs"),
]


def summary(rows, with_latency=False):
    lines = ["# vcam bench: results of one rig run", "",
             "Columns: see bench/README.md. ms/f = CPU milliseconds per "
             "frame; ntf/f = event-channel notifications per frame; lat = "
             "capture to application per frame; skew = dom0 minus guest "
             "CLOCK_REALTIME (true guest latency = lat + skew, within ±).",
             "",
             "| " + " | ".join(h for _, h in SUMMARY_COLS) + " |",
             "|" + "---|" * len(SUMMARY_COLS)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(k, "")) for k, _ in
                                       SUMMARY_COLS) + " |")
    lines += ["", "![modes](modes.png)", "",
              "![guest vs native](guest-vs-native.png)", ""]
    if with_latency:
        lines += ["![latency](latency.png)", ""]
    return "\n".join(lines)


THRU_HEAD = ("\n## Throughput ceiling: vivid's fastest mode, guest vs native vs "
             "memcpy\n\n(bench/thru.py, thru.csv; CPU not above idle.)\n\n")
SPARE_HEAD = ("\n## Spare cores: vcamd's and the guest's vCPUs placed\n\n"
              "(bench/spare.py, spare.csv; free = Xen's choice, apart = "
              "each on its own pCPU, together = both on one.)\n\n")
RTT_HEAD = ("\n## Request round trip (CONFIG_GET) per mode vs its floor\n\n"
            "Ratio = round trip / floor, p50 to p50 and p99 to p99 "
            "(bench/README.md, rtt.csv).\n\n")


def main(argv):
    if len(argv) != 3:
        print("usage: plot.py RESULTS.csv OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[2])
    scale_csv = Path(argv[1]).with_name("scale.csv")
    # bench/rtt.py's table, when the run had round trips (BENCH_CASES=rtt: only those)
    rtt = out / "rtt.md"
    rtt_md = rtt.read_text() if rtt.exists() else ""
    # bench/thru.py's and spare.py's tables (BENCH_CASES=thru: only those)
    thru_md = (out / "thru.md").read_text() if (out / "thru.md").exists() else ""
    spare_md = (out / "spare.md").read_text() if (out / "spare.md").exists() else ""
    # BENCH_CASES=scale writes no results.csv, only scale.csv
    rows = load(argv[1]) if Path(argv[1]).exists() else []
    if not rows and not rtt_md and not thru_md and not spare_md \
            and not scale_csv.exists():
        print("plot: no rows", file=sys.stderr)
        return 1
    text, lat = "", False
    if rows:
        plot_modes(rows, out / "modes.png")
        plot_guest_native(rows, out / "guest-vs-native.png")
        lat = plot_latency(rows, Path(argv[1]).with_name("latency.csv"),
                           out / "latency.png")
        text = summary(rows, lat)
        print(f"plot: {out}/modes.png {out}/guest-vs-native.png "
              + (f"{out}/latency.png " if lat else "") + f"{out}/summary.md")
    if rtt_md:
        text += RTT_HEAD + rtt_md + "\n![round trip vs floor](rtt.png)\n"
    if thru_md:
        text += THRU_HEAD + thru_md + "\n![throughput](thru.png)\n"
    if spare_md:
        text += SPARE_HEAD + spare_md
    if scale_csv.exists():
        srows = scale.load(scale_csv)
        scale.plot(srows, out / "scale.png")
        text = scale.merge_summary(text, scale.summary(srows))
        print(f"plot: {out}/scale.png, scale table in {out}/summary.md")
    (out / "summary.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
