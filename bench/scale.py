#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bench's scale group: 1, 2, 4, 8 guests streaming one camera through
vcamd at once (bench/rig/bench-scale.sh, tests/rig/domu/bench-scale.sh).

Inputs, under RUN/bench/:
  scale.rec            dom0: the plan; per round 'N begin|end' snapshots
                       (clock, dom0 and vcamd CPU ticks, vcamd's RSS/PSS and
                       grant mappings) each followed by vcamd's status lines
                       ('N begin-cam ...', 'N begin-dev ...'); '0 idle' is
                       vcamd before any guest existed
  scale-native.sum     a native capture of the scale format (kept, not
                       compared: see guest_crc)
  scale-guest-I.console  guest I's SCALE-* lines, per round

Rows (scale.csv): one for vcamd idle (guests=0), one per round.  The window
is the stretch where all N guests streamed; fps, drops and vcamd's CPU come
from vcamd's counters over it; the guests' own counters (whole stream) must
show every frame with one CRC (a still picture), no protocol violation and exit 0.
Missing or inconsistent data is an error, never a default.
"""

import statistics
from pathlib import Path

from records import RecordError, fnum, kv, load_csv, read_required
from records import num as _num, write_csv as _write_csv

USER_HZ = 100
TICK_MS = 1000.0 / USER_HZ
# The camera "held" its rate when it delivered at least this share of it.
RATE_HELD = 0.95
PAGE_KB = 4

COLUMNS = [
    "guests", "window_s", "rate", "cam_fps", "rate_held",
    "fps_min", "fps_mean", "frames", "drops", "guest_drops",
    "guest_fps_min", "vcamd_ms_per_frame", "vcamd_cpu_pct",
    "dom0_busy_ms_per_s", "rss_kb", "pss_kb", "vcamd_pages",
    "gntdev_pages", "gntalloc_pages", "mapped_pages_per_guest",
]


class ScaleError(RecordError):
    """The scale records cannot give an honest number."""


def num(d, key, what):
    return _num(d, key, what, ScaleError)


def parse_rec(text):
    """scale.rec: (plan dict, {round: {'guests': [domids], 'idle'|'begin'|
    'end': dict, '<phase>-cam': dict, '<phase>-vcamd': dict,
    '<phase>-dev': {device name: dict}}})."""
    plan, rounds = None, {}
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "plan":
            plan = kv(w[1:])
            continue
        if len(w) < 2 or not w[0].isdigit():
            raise ScaleError(f"scale.rec: unexpected line {line!r}")
        r = rounds.setdefault(int(w[0]), {})
        tag, d = w[1], kv(w[2:])
        if tag == "guests":
            r["guests"] = [int(x) for x in d.get("doms", "").split(",") if x]
        elif tag.endswith("-dev"):
            if "name" not in d:
                raise ScaleError(f"scale.rec: device line without name: {line!r}")
            r.setdefault(tag, {})[d["name"]] = d
        else:
            r[tag] = d
    if plan is None:
        raise ScaleError("scale.rec: no plan line")
    return plan, rounds


def guest_crc(consoles):
    """The still picture's CRC: the one most frames of all guests have.
    Not a native capture's: vcam-capsum on vivid at 320x180 gets 230400
    octets a frame (scale-native.sum), vcamd's buffers hold 115200."""
    n = {}
    for con in consoles.values():
        for r in con.values():
            for c, k in r["crc"].items():
                n[c] = n.get(c, 0) + k
    if not n:
        raise ScaleError("no guest printed any frame CRC")
    return max(n, key=n.get)


def parse_console(text):
    """A guest console: {round name: {'stats': dict, 'crc': {crc: count},
    'rc': int, 'err': [lines]}}."""
    out = {}
    for raw in text.splitlines():
        line = raw.replace("\r", "")
        i = line.find("SCALE-")
        if i < 0:
            continue
        w = line[i:].split()
        if len(w) < 3:
            continue
        r = out.setdefault(w[1], {"crc": {}, "err": []})
        if w[0] == "SCALE-OUT" and w[2] == "stats":
            r["stats"] = kv(w[3:])
        elif w[0] == "SCALE-CRC":
            d = kv(w[2:])
            r["crc"][d.get("crc32", "?")] = int(num(d, "count", "SCALE-CRC"))
        elif w[0] == "SCALE-RC":
            r["rc"] = int(w[2])
        elif w[0] == "SCALE-ERR":
            r["err"].append(" ".join(w[2:]))
    return out


def rate_of(s, what):
    n, _, d = s.partition("/")
    try:
        return float(n) / float(d or 1)
    except (ValueError, ZeroDivisionError):
        raise ScaleError(f"{what}: bad rate {s!r}") from None


def memory(row, snap, vc, what):
    row["rss_kb"] = int(num(snap, "rss_kb", what))
    row["pss_kb"] = int(num(snap, "pss_kb", what)) if snap.get(
        "pss_kb", "-") != "-" else ""
    row["gntdev_pages"] = int(num(snap, "gntdev_pages", what))
    row["gntalloc_pages"] = int(num(snap, "gntalloc_pages", what))
    row["vcamd_pages"] = int(num(vc, "pages", what + " vcamd line"))


def check_guest(n, i, g, crc):
    """Guest i's own view of round n: passed, every frame the still
    picture's CRC."""
    what = f"round {n}, guest {i}"
    if g is None:
        raise ScaleError(f"{what}: no SCALE-* lines on its console")
    if g.get("rc") != 0:
        raise ScaleError(f"{what}: vcam-testfe exit status {g.get('rc')}"
                         + (f" ({g['err'][0]})" if g["err"] else ""))
    st = g.get("stats")
    if st is None:
        raise ScaleError(f"{what}: vcam-testfe printed no stats line")
    if num(st, "violations", what) != 0:
        raise ScaleError(f"{what}: vcam-testfe saw protocol violations")
    bad = sum(k for c, k in g["crc"].items() if c != crc)
    if bad:
        raise ScaleError(f"{what}: {bad} frames differ from the others' "
                         f"(crc32={crc})")
    frames = num(st, "frames", what)
    if frames <= 0 or frames != sum(g["crc"].values()):
        raise ScaleError(f"{what}: {frames:.0f} frames in its stats, "
                         f"{sum(g['crc'].values())} frame lines")
    return frames, num(st, "drops", what), num(st, "elapsed-s", what)


def round_row(n, r, consoles, crc, rate_set):
    what = f"round {n}"
    for k in ("guests", "begin", "end", "begin-cam", "end-cam", "begin-vcamd",
              "end-vcamd"):
        if k not in r:
            raise ScaleError(f"{what}: no {k!r} record")
    doms = r["guests"]
    if len(doms) != n:
        raise ScaleError(f"{what}: {len(doms)} guests recorded, wanted {n}")
    b, e = r["begin"], r["end"]
    # vcamd's own clock and CPU, from the same status answer as its
    # counters: under load a snapshot takes seconds, so dom0's clock read
    # beside it would not match them (rig run 2: 13.8 s against 23.2 s)
    vb, ve = r["begin-vcamd"], r["end-vcamd"]
    wall = num(ve, "uptime_s", what) - num(vb, "uptime_s", what)
    if wall <= 0:
        raise ScaleError(f"{what}: vcamd's clock did not advance")
    vcpu_ms = sum(num(ve, k, what) - num(vb, k, what)
                  for k in ("cpu_user_ms", "cpu_sys_ms"))
    dom0_wall = num(e, "up", what) - num(b, "up", what)
    if dom0_wall <= 0:
        raise ScaleError(f"{what}: dom0's clock did not advance")
    row = dict.fromkeys(COLUMNS, "")
    row.update(guests=n, window_s=round(wall, 2))
    fps, frames, drops = [], 0.0, 0.0
    for d in doms:
        name = f"dom{d}/vcam0"
        db = r.get("begin-dev", {}).get(name)
        de = r.get("end-dev", {}).get(name)
        if db is None or de is None:
            raise ScaleError(f"{what}: vcamd shows no device {name}")
        if db.get("streaming") != "1" or de.get("streaming") != "1":
            raise ScaleError(f"{what}: {name} was not streaming all the window")
        f = num(de, "frames", name) - num(db, "frames", name)
        frames += f
        drops += num(de, "drops", name) - num(db, "drops", name)
        fps.append(f / wall)
    if frames <= 0:
        raise ScaleError(f"{what}: no frame delivered in the window")
    cam_b, cam_e = r["begin-cam"], r["end-cam"]
    cam_rate = rate_of(cam_e.get("rate", ""), what + " camera")
    if cam_rate != rate_set:
        raise ScaleError(f"{what}: the camera ran at {cam_rate:g} fps, "
                         f"the guests asked for {rate_set:g}")
    cam_fps = (num(cam_e, "frames_in", what) -
               num(cam_b, "frames_in", what)) / wall
    row.update(
        rate=rate_set, cam_fps=round(cam_fps, 2),
        rate_held=int(cam_fps >= RATE_HELD * rate_set),
        fps_min=round(min(fps), 2), fps_mean=round(statistics.mean(fps), 2),
        frames=int(frames), drops=int(drops),
        vcamd_ms_per_frame=round(vcpu_ms / frames, 3),
        vcamd_cpu_pct=round(vcpu_ms / (wall * 10.0), 1),
        dom0_busy_ms_per_s=round(
            (num(e, "busy", what) - num(b, "busy", what)) * TICK_MS /
            dom0_wall, 1))
    memory(row, e, r["end-vcamd"], what)
    row["mapped_pages_per_guest"] = round(
        (row["gntdev_pages"] + row["gntalloc_pages"]) / n, 1)
    gdrops, gfps = 0.0, []
    for i in range(1, n + 1):
        gf, gd, gel = check_guest(n, i, consoles.get(i, {}).get(f"n{n}"),
                                  crc)
        gdrops += gd
        gfps.append(gf / gel if gel > 0 else 0.0)
    row["guest_drops"] = int(gdrops)
    row["guest_fps_min"] = round(min(gfps), 2)
    return row


def aggregate(run):
    """Rows for scale.csv from the records under RUN (the bench dir)."""
    run = Path(run)

    def read(name):
        return read_required(run, name, ScaleError)

    plan, rounds = parse_rec(read("scale.rec"))
    try:
        want = [int(x) for x in plan["guests"].split(",")]
        rate_set = float(plan["rate"])
    except (KeyError, ValueError):
        raise ScaleError("scale.rec: the plan needs guests= and rate=") from None
    consoles = {i: parse_console(read(f"scale-guest-{i}.console"))
                for i in range(1, max(want) + 1)}
    crc = guest_crc(consoles)
    idle = rounds.get(0, {})
    if "idle" not in idle or "idle-vcamd" not in idle:
        raise ScaleError("scale.rec: no idle snapshot of vcamd")
    row = dict.fromkeys(COLUMNS, "")
    row["guests"] = 0
    memory(row, idle["idle"], idle["idle-vcamd"], "idle")
    rows = [row]
    for n in want:
        if n not in rounds:
            raise ScaleError(f"round {n}: no records (the plan has it)")
        rows.append(round_row(n, rounds[n], consoles, crc, rate_set))
    return rows


def write_csv(rows, path):
    _write_csv(rows, path, COLUMNS)


load = load_csv
fval = fnum


def plot(rows, path):
    """fps per guest, vcamd CPU per frame, vcamd memory, against guests."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    streams = [r for r in rows if int(r["guests"]) > 0]
    xs = [int(r["guests"]) for r in streams]
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))
    a = ax[0]
    a.plot(xs, [fval(r, "fps_mean") for r in streams], "o-", label="mean")
    a.plot(xs, [fval(r, "fps_min") for r in streams], "v--", label="min")
    a.plot(xs, [fval(r, "cam_fps") for r in streams], "s:",
           label="camera (vcamd in)")
    if streams:
        a.axhline(fval(streams[0], "rate"), color="grey", lw=0.8,
                  label="rate asked")
    a.set_title("fps per guest (vcamd, in the window)", fontsize=9)
    a.set_ylim(bottom=0)
    a = ax[1]
    a.plot(xs, [fval(r, "vcamd_ms_per_frame") for r in streams], "o-",
           color="tab:red")
    a.set_title("vcamd CPU ms per frame delivered", fontsize=9)
    a.set_ylim(bottom=0)
    a = ax[2]
    ga = [int(r["guests"]) for r in rows]
    a.plot(ga, [fval(r, "rss_kb") / 1024 for r in rows], "o-", label="RSS")
    a.plot(ga, [fval(r, "pss_kb") / 1024 for r in rows], "s--", label="PSS")
    a.set_title("vcamd memory (MiB; 0 = no guest)", fontsize=9)
    a.set_ylim(bottom=0)
    t = a.twinx()
    t.bar(ga, [(fval(r, "gntdev_pages") + fval(r, "gntalloc_pages")) *
               PAGE_KB / 1024 for r in rows], width=0.4, alpha=0.3,
          color="tab:green", label="grant-mapped MiB")
    t.set_ylim(bottom=0)
    h1, l1 = a.get_legend_handles_labels()
    h2, l2 = t.get_legend_handles_labels()
    a.legend(h1 + h2, l1 + l2, fontsize=7)
    for a in ax:
        a.set_xlabel("guests streaming", fontsize=8)
        a.set_xticks(sorted(set(ga)) if a is ax[2] else xs)
        a.grid(alpha=0.3)
    ax[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


SUMMARY_COLS = [
    ("guests", "guests"), ("cam_fps", "camera fps"),
    ("fps_min", "fps/guest min"), ("fps_mean", "mean"),
    ("drops", "drops (vcamd)"), ("guest_drops", "seq gaps (guests)"),
    ("vcamd_ms_per_frame", "vcamd ms/f"), ("vcamd_cpu_pct", "vcamd %CPU"),
    ("rss_kb", "RSS KiB"), ("pss_kb", "PSS KiB"),
    ("gntdev_pages", "mapped pages"),
    ("mapped_pages_per_guest", "per guest"),
]
HEADING = "## Scale: guests streaming one camera at once"


def summary(rows):
    lines = [HEADING, "",
             "vcam-testfe in each guest (event mode, fe-alloc); fps, drops "
             "and vcamd CPU over the window in which all guests streamed "
             "(vcamd's counters); guests = 0: vcamd before any guest. "
             "Seq gaps: the guests' own count over their whole stream. "
             "See bench/README.md.", "",
             "| " + " | ".join(h for _, h in SUMMARY_COLS) + " |",
             "|" + "---|" * len(SUMMARY_COLS)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(k, "")) for k, _ in
                                       SUMMARY_COLS) + " |")
    lines += ["", "![scale](scale.png)", ""]
    return "\n".join(lines)


def merge_summary(old, section):
    """summary.md with this section in place of an earlier copy of it."""
    i = old.find(HEADING)
    if i >= 0:
        j = old.find("\n## ", i + len(HEADING))
        old = old[:i] + (old[j + 1:] if j >= 0 else "")
    old = old.rstrip("\n")
    return (old + "\n\n" if old else "") + section
