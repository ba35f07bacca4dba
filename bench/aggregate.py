#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn one bench rig run's raw records into results.csv.

Inputs, under RUN/bench/ (written by bench/rig/bench-dom0.sh in dom0 and
tests/rig/domu/bench.sh in the guest):
  cases.txt      the cases the run must produce: NAME KIND key=value...
  dom0.rec       dom0 snapshots: CASE begin|end key=value... (clock, CPU
                 ticks, vcamd's ticks, vcamd's device counters), CASE bestats
                 (vcamd's counters logged when a vcam-testfe session ended),
                 ff-native ff t0= t1= (first-frame timings)
  native.sum     a native capture: the one CRC every frame must have
  CASE.out       a native case's frame lines
  guest.console  the guest's BENCH-* lines

Every number comes from those records; a case without data, with fewer
frames than asked, with a frame whose CRC differs from the native one, or
whose program failed is an error (exit status 1), never a default.
"""

import csv
import statistics
import sys
from pathlib import Path

import scale
from records import RecordError, kv, read_required
from records import write_csv as _write_csv
from records import num as _num

USER_HZ = 100           # /proc tick unit (always 100 on x86 Linux)
TICK_MS = 1000.0 / USER_HZ
# A capture's first frames after STREAMON may precede the still picture.
SETTLE_FRAMES = 2

COLUMNS = [
    "case", "kind", "where", "mode", "alloc", "spin_us", "rate",
    "frames_req", "frames", "drops", "seq_repeats", "bad_frames", "wall_s",
    "fps",
    "app_cpu_ms_per_frame", "guest_cpu_ms_per_frame",
    "vcamd_cpu_ms_per_frame", "dom0_cpu_ms_per_frame",
    "total_cpu_ms_per_frame", "dom0_idle_ms_per_s", "guest_idle_ms_per_s",
    "cam_rate",
    "be_copies_per_frame", "be_zero_copy_per_frame",
    "be_notify_req_per_frame", "be_notify_evt_per_frame",
    "be_wakeups_per_frame", "be_spins_per_frame",
    "fe_notify_per_frame", "fe_wakeups_per_frame", "fe_spins_per_frame",
    "fe_copies_per_frame", "fe_zero_copy_per_frame", "first_frame_ms",
    "lat_n", "lat_p50_us", "lat_p99_us", "lat_max_us", "skew_us",
    "skew_bound_us",
]
# Per-frame latencies (for a CDF) go to latency.csv next to results.csv.
LAT_COLUMNS = ["case", "kind", "mode", "alloc", "lat_us"]

WHERE = {"native": "dom0 native", "tfe": "guest vcam-testfe",
         "kfe": "guest kernel frontend", "idle": "baseline"}
# Which idle baseline a case's whole-system CPU is measured against: dom0
# alone before any guest, or dom0 and the guest with the guest idle.
BASELINE = {"native": "idle-dom0", "tfe": "idle-guest", "kfe": "idle-guest"}


class BenchError(RecordError):
    """The run's records cannot give an honest number."""


def num(d, key, what):
    return _num(d, key, what, BenchError)


def parse_cases(text):
    cases = []
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if len(w) < 2:
            raise BenchError(f"cases.txt: bad line {line!r}")
        cases.append({"case": w[0], "kind": w[1], **kv(w[2:])})
    if not cases:
        raise BenchError("cases.txt lists no case")
    return cases


def parse_frames(lines):
    """vcam-testfe / vcam-capsum output lines: frame list and stats dict."""
    frames, stats = [], None
    for line in lines:
        w = line.split()
        if not w:
            continue
        if w[0] == "frame":
            d = kv(w[1:])
            if "seq" not in d or "crc32" not in d:
                raise BenchError(f"bad frame line {line!r}")
            frames.append((int(d["seq"]), d["crc32"]))
        elif w[0] == "stats":
            stats = kv(w[1:])
    return frames, stats


def frame_latencies(lines):
    """(the lat-us of every frame line that has one (vcam-testfe with
    capture times, vcam-capsum on monotonic timestamps), frame lines)."""
    out, n = [], 0
    for line in lines:
        w = line.split()
        if not w or w[0] != "frame":
            continue
        n += 1
        if "lat-us" in kv(w[1:]):
            try:
                out.append(int(kv(w[1:])["lat-us"]))
            except ValueError:
                raise BenchError(f"bad lat-us in {line!r}") from None
    return out, n


def latency_line(lines):
    """vcam-capsum's closing 'latency ...' line as a dict, or None."""
    for line in lines:
        w = line.split()
        if w and w[0] == "latency":
            return kv(w[1:])
    return None


def set_latency(row, d, frame_lats):
    """lat_* from a program's summary (vcam-testfe's stats line, or
    vcam-capsum's latency line) and its frame lines.  A summary that says
    it has samples must give the figures, and every frame must have one."""
    lats, nframes = frame_lats
    c = row["case"]
    if d is None or d.get("lat-n", "0") == "0":
        if d is not None and d.get("capture-time") == "1":
            raise BenchError(f"{c}: capture times negotiated but no "
                             "latency measured")
        return
    for k in ("p50", "p99", "max"):
        row[f"lat_{k}_us"] = int(num(d, f"lat-{k}-us", c + " latency"))
    row["lat_n"] = int(num(d, "lat-n", c + " latency"))
    if not lats or len(lats) != nframes:
        raise BenchError(f"{c}: a latency summary but {len(lats)} of "
                         f"{nframes} frames have lat-us")
    if max(lats) > row["lat_max_us"]:
        raise BenchError(f"{c}: a frame's lat-us exceeds the reported max")
    row["_lat"] = lats


def native_crc(text):
    crcs = {c for _, c in parse_frames(text.splitlines())[0]}
    if len(crcs) != 1:
        raise BenchError(f"native.sum: want one CRC, got {sorted(crcs)}")
    return crcs.pop()


def parse_dom0(text):
    """dom0.rec: {case: {phase: dict}}, bestats as phase 'bestats', first
    frame timings as phase 'ff' (a list)."""
    rec = {}
    for line in text.splitlines():
        w = line.split()
        if len(w) < 2:
            continue
        c, phase = w[0], w[1]
        d = kv(w[2:])
        if phase == "ff":
            rec.setdefault(c, {}).setdefault("ff", []).append(d)
        else:
            rec.setdefault(c, {})[phase] = d
    return rec


def parse_console(text):
    """guest console: {case: {'out': [lines], 'begin'/'end': dict,
    'fe_begin'/'fe_end': dict}}, first-frame timings and the clock skew
    (vcam-skew's result: dom0 minus guest) or None."""
    g, ff, skew = {}, [], None
    for raw in text.splitlines():
        line = raw.replace("\r", "")
        i = line.find("BENCH-")
        if i < 0:
            continue
        w = line[i:].split()
        tag = w[0]
        if tag == "BENCH-SKEW" and len(w) >= 2 and w[1] == "skew":
            skew = kv(w[2:])
            continue
        if tag == "BENCH-FF" and len(w) >= 2:
            ff.append({"case": w[1], **kv(w[2:4]), "rest": " ".join(w[4:])})
            continue
        if len(w) < 2:
            continue
        c = g.setdefault(w[1], {"out": []})
        if tag == "BENCH-OUT":
            c["out"].append(" ".join(w[2:]))
        elif tag == "BENCH-SNAP" and len(w) >= 3:
            c[w[2]] = kv(w[3:])
        elif tag == "BENCH-FE" and len(w) >= 3:
            c["fe_" + w[2]] = kv(w[3:])
    return g, ff, skew


def delta(b, e, key, what):
    return num(e, key, what) - num(b, key, what)


def check_frames(name, frames, want, crc, allow_settle, repeats=None):
    """(frames whose CRC differs, frames missing from the numbering).

    vcamd promises guests strictly increasing sequence numbers, so any
    repeat on a guest path is a fault.  A camera captured natively makes no
    such promise (vivid once numbered two frames alike): there, and only
    when the caller passes a dict as REPEATS, an equal neighbour is counted
    in REPEATS["seq_repeats"] instead of refused.
    """
    if len(frames) < want:
        raise BenchError(f"{name}: {len(frames)} frames, wanted {want}")
    bad = [i for i, (_, c) in enumerate(frames) if c != crc]
    late = [i for i in bad if not allow_settle or i >= SETTLE_FRAMES]
    if late:
        raise BenchError(f"{name}: {len(late)} frames differ from the native "
                         f"capture (first at frame {late[0]})")
    seqs = [s for s, _ in frames]
    same = sum(1 for a, b in zip(seqs, seqs[1:]) if b == a)
    if any(b < a for a, b in zip(seqs, seqs[1:])) or (same and repeats is None):
        raise BenchError(f"{name}: sequence numbers do not increase")
    if repeats is not None:
        repeats["seq_repeats"] = same
    return len(bad), (seqs[-1] - seqs[0] + 1) - (len(seqs) - same)


def per(x, n):
    return round(x / n, 4)


def be_counters(row, d, n):
    """vcamd's device counters (a dict of totals over the case) per frame."""
    what = row["case"] + " vcamd counters"
    row["be_copies_per_frame"] = per(num(d, "copies", what), n)
    row["be_zero_copy_per_frame"] = per(num(d, "zero_copy", what), n)
    row["be_notify_req_per_frame"] = per(num(d, "notify_req", what), n)
    row["be_notify_evt_per_frame"] = per(num(d, "notify_evt", what), n)
    row["be_wakeups_per_frame"] = per(num(d, "wakeups", what), n)
    row["be_spins_per_frame"] = per(num(d, "spins", what), n)
    if d.get("mode"):
        row["mode"] = d["mode"]
    if d.get("alloc"):
        row["alloc"] = d["alloc"]


def busy_ms(b, e, what):
    """CPU ms and wall seconds between two snapshots."""
    wall = delta(b, e, "up", what + " clock")
    if wall <= 0:
        raise BenchError(f"{what}: the clock did not advance")
    return delta(b, e, "busy", what) * TICK_MS, wall


def dom0_cpu(row, rec, n, with_vcamd, idle=0.0):
    """dom0's CPU per frame above its idle rate (ms per second)."""
    c = row["case"]
    if "begin" not in rec or "end" not in rec:
        raise BenchError(f"{c}: dom0 has no begin/end snapshot")
    b, e = rec["begin"], rec["end"]
    ms, wall = busy_ms(b, e, c + " dom0")
    row["dom0_cpu_ms_per_frame"] = per(ms - idle * wall, n)
    if with_vcamd:
        row["vcamd_cpu_ms_per_frame"] = per(
            delta(b, e, "vcamd", c + " vcamd") * TICK_MS, n)
        row["cam_rate"] = e.get("cam_rate", "")


def guest_cpu(row, gc, n, idle=0.0):
    """The guest's CPU per frame above its idle rate; the capture's wall
    time."""
    c = row["case"]
    if "begin" not in gc or "end" not in gc:
        raise BenchError(f"{c}: the guest has no begin/end snapshot")
    b, e = gc["begin"], gc["end"]
    if e.get("rc") != "0":
        raise BenchError(f"{c}: the guest's program exited {e.get('rc')}")
    ms, wall = busy_ms(b, e, c + " guest")
    row["guest_cpu_ms_per_frame"] = per(ms - idle * wall, n)
    return wall


def idle_rates(cases, rec, console):
    """{baseline case: (dom0 ms/s, guest ms/s or None)} for the idle cases
    the plan lists."""
    out = {}
    for meta in cases:
        c = meta["case"]
        if meta["kind"] != "idle":
            continue
        r = rec.get(c, {})
        if "begin" not in r or "end" not in r:
            raise BenchError(f"{c}: dom0 has no begin/end snapshot")
        ms, wall = busy_ms(r["begin"], r["end"], c + " dom0")
        g = None
        if c in console:
            gc = console[c]
            if "begin" not in gc or "end" not in gc:
                raise BenchError(f"{c}: the guest has no begin/end snapshot")
            gms, gwall = busy_ms(gc["begin"], gc["end"], c + " guest")
            g = gms / gwall
        elif c != "idle-dom0":
            raise BenchError(f"{c}: no guest records")
        out[c] = (ms / wall, g)
    return out


def case_native(row, rec, run, crc, idle):
    c = row["case"]
    path = run / f"{c}.out"
    if not path.exists():
        raise BenchError(f"{c}: no {path.name}")
    lines = path.read_text().splitlines()
    frames, _ = parse_frames(lines)
    set_latency(row, latency_line(lines), frame_latencies(lines))
    e = rec.get("end", {})
    if e.get("rc") != "0":
        raise BenchError(f"{c}: the capture exited {e.get('rc')}")
    n = len(frames)
    row["bad_frames"], row["drops"] = check_frames(
        c, frames, int(row["frames_req"]), crc, True, row)
    row["frames"] = n
    dom0_cpu(row, rec, n, False, idle[0])
    wall = delta(rec["begin"], rec["end"], "up", c + " clock")
    row["wall_s"] = round(wall, 3)
    row["fps"] = round(n / wall, 2)
    row["app_cpu_ms_per_frame"] = per(
        delta(rec["begin"], rec["end"], "kids", c) * TICK_MS, n)
    row["total_cpu_ms_per_frame"] = row["dom0_cpu_ms_per_frame"]


def case_tfe(row, rec, gc, crc, idle):
    c = row["case"]
    frames, st = parse_frames(gc.get("out", []))
    if st is None:
        raise BenchError(f"{c}: vcam-testfe printed no stats line")
    set_latency(row, st, frame_latencies(gc.get("out", [])))
    n = len(frames)
    row["bad_frames"], gaps = check_frames(
        c, frames, int(row["frames_req"]), crc, False)
    row["frames"] = n
    row["drops"] = int(num(st, "drops", c))
    if num(st, "violations", c) != 0:
        raise BenchError(f"{c}: vcam-testfe saw protocol violations")
    el = num(st, "elapsed-s", c)
    row["wall_s"] = el
    row["fps"] = round(num(st, "frames", c) / el, 2)
    row["app_cpu_ms_per_frame"] = per(num(st, "cpu-s", c) * 1000.0, n)
    row["fe_notify_per_frame"] = per(num(st, "notify-sent", c), n)
    row["fe_wakeups_per_frame"] = per(num(st, "wakeups", c), n)
    row["fe_spins_per_frame"] = per(num(st, "spins", c), n)
    guest_cpu(row, gc, n, idle[1])
    dom0_cpu(row, rec, n, True, idle[0])
    if "bestats" not in rec:
        raise BenchError(f"{c}: vcamd logged no counters for the session")
    be_counters(row, rec["bestats"], n)
    row["total_cpu_ms_per_frame"] = round(
        row["guest_cpu_ms_per_frame"] + row["dom0_cpu_ms_per_frame"], 4)


def counter_delta(b, e, keys, what):
    return {k: delta(b, e, k, what) for k in keys} | {
        k: e[k] for k in ("mode", "alloc") if k in e}


def case_kfe(row, rec, gc, crc, idle):
    c = row["case"]
    frames, _ = parse_frames(gc.get("out", []))
    set_latency(row, latency_line(gc.get("out", [])),
                frame_latencies(gc.get("out", [])))
    n = len(frames)
    row["bad_frames"], row["drops"] = check_frames(
        c, frames, int(row["frames_req"]), crc, True)
    row["frames"] = n
    wall = guest_cpu(row, gc, n, idle[1])
    row["wall_s"] = round(wall, 3)
    row["fps"] = round(n / wall, 2)
    row["app_cpu_ms_per_frame"] = per(
        delta(gc["begin"], gc["end"], "kids", c) * TICK_MS, n)
    dom0_cpu(row, rec, n, True, idle[0])
    be = counter_delta(rec["begin"], rec["end"],
                       ("copies", "zero_copy", "notify_req", "notify_evt",
                        "wakeups", "spins"), c + " vcamctl status")
    be_counters(row, be, n)
    if "fe_begin" not in gc or "fe_end" not in gc:
        raise BenchError(f"{c}: no frontend sysfs counters")
    fe = counter_delta(gc["fe_begin"], gc["fe_end"],
                       ("notify_sent", "wakeups", "spins", "copies"),
                       c + " frontend sysfs")
    row["fe_notify_per_frame"] = per(fe["notify_sent"], n)
    row["fe_wakeups_per_frame"] = per(fe["wakeups"], n)
    row["fe_spins_per_frame"] = per(fe["spins"], n)
    row["fe_copies_per_frame"] = per(fe["copies"], n)
    # frames the application read in the backend's pages (modules that count them)
    if "zero_copy" in gc["fe_begin"] and "zero_copy" in gc["fe_end"]:
        zc = counter_delta(gc["fe_begin"], gc["fe_end"], ("zero_copy",),
                           c + " frontend sysfs")
        row["fe_zero_copy_per_frame"] = per(zc["zero_copy"], n)
    row["total_cpu_ms_per_frame"] = round(
        row["guest_cpu_ms_per_frame"] + row["dom0_cpu_ms_per_frame"], 4)


def case_ff(row, timings):
    c = row["case"]
    want = int(row.get("runs", 0))
    ms = []
    for t in timings:
        if t.get("rest", "frame").split()[:1] != ["frame"]:
            raise BenchError(f"{c}: a first-frame run captured no frame")
        ms.append((num(t, "t1", c) - num(t, "t0", c)) * 1000.0)
    if not ms or len(ms) < want:
        raise BenchError(f"{c}: {len(ms)} first-frame runs, wanted {want}")
    row["frames"] = len(ms)
    row["first_frame_ms"] = round(statistics.median(ms), 1)


def planned(run, kind):
    """The plan's cases of KIND (cases.txt under RUN)."""
    return [m for m in parse_cases((Path(run) / "cases.txt").read_text())
            if m["kind"] == kind]


def aggregate(run):
    """Rows for results.csv from the records under RUN (the bench dir)."""
    run = Path(run)

    def read(name):
        return read_required(run, name, BenchError)

    cases = parse_cases(read("cases.txt"))
    crc = native_crc(read("native.sum"))
    rec = parse_dom0(read("dom0.rec"))
    console, ff, skew = parse_console(read("guest.console"))
    idle = idle_rates(cases, rec, console)
    rows = []
    for meta in cases:
        c, kind = meta["case"], meta["kind"]
        if kind in ("rtt", "thru", "spare"):
            continue        # bench/rtt.py, thru.py, spare.py: their own CSVs
        row = dict.fromkeys(COLUMNS, "")
        row.update(case=c, kind=kind, where=WHERE.get(kind, kind),
                   rate=meta.get("rate", ""),
                   frames_req=meta.get("frames", ""),
                   spin_us=meta.get("spin_us", ""))
        if kind == "tfe":
            row["mode"] = meta.get("mode", "")
            row["alloc"] = "be" if meta.get("be_alloc") == "1" else "fe"
        base = idle.get(BASELINE.get(kind), (0.0, 0.0))
        if kind in BASELINE and BASELINE[kind] in idle:
            row["dom0_idle_ms_per_s"] = round(base[0], 2)
            if base[1] is not None and kind != "native":
                row["guest_idle_ms_per_s"] = round(base[1], 2)
        if kind == "native":
            case_native(row, rec.get(c, {}), run, crc, base)
        elif kind == "tfe":
            case_tfe(row, rec.get(c, {}), console.get(c, {}), crc, base)
        elif kind == "kfe":
            case_kfe(row, rec.get(c, {}), console.get(c, {}), crc, base)
        elif kind == "idle":
            d, g = idle[c]
            row["dom0_idle_ms_per_s"] = round(d, 2)
            if g is not None:
                row["guest_idle_ms_per_s"] = round(g, 2)
            r = rec[c]
            row["wall_s"] = round(delta(r["begin"], r["end"], "up", c), 3)
        elif kind == "ff":
            row["where"] = ("dom0 native" if c == "ff-native"
                            else "guest kernel frontend")
            row["runs"] = meta.get("runs", "")
            timings = (rec.get(c, {}).get("ff", []) if c == "ff-native"
                       else [t for t in ff if t["case"] == c])
            case_ff(row, timings)
            del row["runs"]
        else:
            raise BenchError(f"{c}: unknown kind {kind!r}")
        if kind in ("tfe", "kfe") and row["lat_n"] != "":
            set_skew(row, skew)
        rows.append(row)
    return rows


def set_skew(row, skew):
    """A guest's latency compares its clock with dom0's: never without the
    skew between them, measured in the same run."""
    c = row["case"]
    if skew is None:
        raise BenchError(f"{c}: latency across domains but no clock skew "
                         "measured (BENCH-SKEW)")
    row["skew_us"] = num(skew, "dom0-minus-guest-us", c + " skew")
    row["skew_bound_us"] = num(skew, "bound-us", c + " skew")


def write_csv(rows, path):
    _write_csv(rows, path, COLUMNS)


def write_latency_csv(rows, path):
    """One line per frame that had a latency: the data of a CDF."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(LAT_COLUMNS)
        for r in rows:
            for v in r.get("_lat", []):
                w.writerow([r["case"], r["kind"], r["mode"], r["alloc"], v])


def main(argv):
    if len(argv) != 3:
        print("usage: aggregate.py RUN/bench OUT.csv", file=sys.stderr)
        return 2
    run = Path(argv[1])
    # BENCH_CASES=scale has no main cases; the scale group goes to scale.csv
    main_cases = (run / "cases.txt").exists() or not (run / "scale.rec").exists()
    try:
        rows = aggregate(run) if main_cases else None
        srows = scale.aggregate(run) if (run / "scale.rec").exists() else None
    except (BenchError, scale.ScaleError) as e:
        print(f"bench: FAIL: {e}", file=sys.stderr)
        return 1
    if rows is not None:
        write_csv(rows, argv[2])
        lat = Path(argv[2]).with_name("latency.csv")
        write_latency_csv(rows, lat)
        print(f"bench: {len(rows)} cases -> {argv[2]}, {lat}")
    if srows is not None:
        out = Path(argv[2]).with_name("scale.csv")
        scale.write_csv(srows, out)
        print(f"bench: {len(srows) - 1} scale rounds -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
