# SPDX-License-Identifier: MIT
"""Unit tests of bench/thru.py and bench/spare.py on a small thru run
recorded in the formats bench/rig/bench-thru.sh (dom0) and
tests/rig/domu/bench-thru.sh with bench.sh (guest) write (4 frames a case),
and on broken variants of it that must be refused."""

import csv
import tempfile
import unittest
from pathlib import Path

import aggregate as ag
import plot
import spare
import thru

CRC = "1a2b3c4d"
SIZE = 115200


def frames(n, crc=CRC, seq0=0):
    return [f"frame seq={seq0 + i} idx={i % 4} size={SIZE} crc32={crc}"
            for i in range(n)]


def memcpy(n=8, size=SIZE):
    return (f"memcpy size={size} bufs=4 cpus=1 wall-s=0.0100 cpu-s=0.0090 "
            f"fps=800.0 mb-s=92.16 cpu-ms-per-frame=1.1250 n={n} warmup=100 "
            "p50-us=1100.00 p99-us=1500.00 max-us=1600.00 min-us=900.00")


def tfe_stats(mode, be, elapsed="0.080", cpu="0.008", drops=0):
    return (f"stats mode={mode} be-alloc={be} frames=4 drops={drops} "
            "responses=10 events=4 ctrl-changes=0 notify-sent=8 wakeups=5 "
            "cfg-wakeups=0 spins=0 blocks=5 violations=0 "
            f"elapsed-s={elapsed} cpu-s={cpu} reannounced=0 capture-time=0 "
            "lat-n=0")


def rtt_line(mode, p50, p99, mx):
    return (f"rtt op=CONFIG_GET mode={mode} spin-us=50 be-alloc=1 n=6 "
            f"warmup=20 p50-us={p50} p99-us={p99} max-us={mx} min-us=1.0 "
            "notify-sent=26 wakeups=26 spins=7 blocks=26")


def bestats(mode, alloc):
    return (f"name=dom1/vcam0 state=Connected camera=/dev/video0 mode={mode} "
            f"alloc={alloc} streaming=0 fps=60.00 frames=4 drops=0 "
            f"copies={4 if alloc == 'fe' else 0} copies_per_frame=1.00 "
            f"zero_copy={0 if alloc == 'fe' else 4} notifications=12 "
            "notify_req=4 notify_evt=4 wakeups=6 spins=40 requests=10")


VCPUS = {
    "free": ("all", "all", "all", "0,1"),
    "apart": ("0", "0", "1", "0"),
    "together": ("1", "0", "1", "0"),
}


def pins(place, d0, d1, g, vc):
    return [f"{place} vcpu Name                                ID  VCPU   "
            "CPU State   Time(s) Affinity (Hard / Soft)",
            f"{place} vcpu Domain-0          0     0    0   r--      35.2  "
            f"{d0} / all",
            f"{place} vcpu Domain-0          0     1    1   -b-      30.1  "
            f"{d1} / all",
            f"{place} vcpu bench             1     0    1   -b-       3.1  "
            f"{g} / all",
            f"{place} vcamd pid 321's current affinity list: {vc}"]


def sample():
    """{file name: text} of a whole, good BENCH_CASES=thru run."""
    f = {}
    tfe = [("ev-fe", "event", 0), ("sp-be", "spin", 1)]
    plan = [f"thru-native thru where=native rate=60 frames=4 size={SIZE}",
            f"thru-memcpy-dom0 thru where=memcpy-dom0 frames=8 size={SIZE}"]
    plan += [f"thru-{n} thru where=tfe mode={m} be_alloc={b} spin_us=50 "
             f"rate=60 frames=4 size={SIZE}" for n, m, b in tfe]
    plan += [f"thru-memcpy-guest thru where=memcpy-guest frames=8 "
             f"size={SIZE}",
             f"thru-kfe thru where=kfe rate=60 frames=4 size={SIZE}"]
    for p in ("free", "apart", "together"):
        for m in ("event", "spin"):
            plan.append(f"spare-rtt-{m}-{p} spare what=rtt mode={m} "
                        f"place={p} n=6")
            plan.append(f"spare-stream-{m}-{p} spare what=stream mode={m} "
                        f"be_alloc=1 spin_us=50 place={p} rate=60 frames=4")
    f["cases.txt"] = "\n".join(plan) + "\n"
    f["native.sum"] = "\n".join(frames(4, "99999999")) + "\n"
    f["thru-native.sum"] = "\n".join(frames(4)) + "\n"
    f["thru-native.out"] = "\n".join(
        frames(2, "deadbeef") + frames(4, seq0=2) +
        ["latency clock=other lat-n=0"]) + "\n"
    f["thru.rec"] = "thru-memcpy-dom0 " + memcpy() + "\n"
    f["spare.rec"] = "\n".join(
        ln for p, v in VCPUS.items() for ln in pins(p, *v)) + "\n"
    dev0 = ("device name=dom1/vcam0 state=Connected camera=/dev/video0 "
            "mode=event alloc=fe streaming=0 fps=60.00 frames=100 drops=0 "
            "copies=100 zero_copy=0 notify_req=100 notify_evt=200 "
            "wakeups=50 spins=0")
    dev1 = dev0.replace("frames=100", "frames=104").replace(
        "copies=100", "copies=104").replace("notify_evt=200",
                                            "notify_evt=204")
    rec = ["thru-native begin up=10.00 busy=1000 total=5000 vcamd=- kids=3",
           "thru-native end up=10.10 busy=1004 total=5020 vcamd=- kids=4 "
           "rc=0 frames_req=4 rate=60"]
    con = ["[    1.0] booting"]
    up = 20.0

    def guest_case(c, out, kids=(0, 2)):
        con.extend([f"BENCH-READY {c}\r", f"BENCH-DONE {c}\r"])
        con.extend(f"BENCH-OUT {c} {x}\r" for x in out)
        con.append(f"BENCH-SNAP {c} begin up=5.00 busy=100 total=500 "
                   f"kids={kids[0]}\r")
        con.append(f"BENCH-SNAP {c} end up=5.10 busy=106 total=520 "
                   f"kids={kids[1]} rc=0\r")

    def tfe_case(c, mode, be):
        nonlocal up
        rec.extend([f"{c} begin up={up} busy=2000 total=9000 vcamd=40",
                    f"{c} end up={up + 1} busy=2020 total=9200 vcamd=42 "
                    "cam_rate=60/1",
                    f"{c} bestats " + bestats(mode, "be" if be else "fe")])
        up += 2
        guest_case(c, frames(4) + [tfe_stats(mode, be)])

    for n, m, b in tfe:
        tfe_case(f"thru-{n}", m, b)
    # sp-be lost every other frame
    con[:] = [x.replace(tfe_stats("spin", 1), tfe_stats("spin", 1, drops=4))
              if x.startswith("BENCH-OUT thru-sp-be stats") else x
              for x in con]
    guest_case("thru-memcpy-guest", [memcpy()])
    for p in ("free", "apart", "together"):
        for m in ("event", "spin"):
            slow = {"free": 1.0, "apart": 0.5, "together": 2.0}[p]
            c = f"spare-rtt-{m}-{p}"
            rec.extend([f"{c} begin up={up} busy=1 total=2 vcamd=1",
                        f"{c} end up={up + 1} busy=1 total=2 vcamd=1",
                        f"{c} bestats " + bestats(m, "be")])
            up += 2
            guest_case(c, [rtt_line(m, 100 * slow, 400 * slow,
                                    900 * slow)])
            tfe_case(f"spare-stream-{m}-{p}", m, 1)
    rec.extend(["thru-kfe begin up=90.0 busy=4000 total=11000 vcamd=100 "
                + dev0,
                "thru-kfe end up=91.0 busy=4016 total=11800 vcamd=104 "
                + dev1 + " cam_rate=60/1"])
    con += ["BENCH-FE thru-kfe begin  frames=10 notify_sent=20 wakeups=30 "
            "spins=0 copies=0",
            "BENCH-FE thru-kfe end  frames=14 notify_sent=24 wakeups=34 "
            "spins=0 copies=0"]
    guest_case("thru-kfe", frames(4, seq0=9), kids=(10, 11))
    con.append("VCAMTEST-PASS bench")
    f["dom0.rec"] = "\n".join(rec) + "\n"
    f["guest.console"] = "\n".join(con) + "\n"
    return f


def with_files(files, fn):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            (Path(d) / name).write_text(text)
        return fn(d)


class ThruTest(unittest.TestCase):
    def refused(self, files, what, fn=thru.aggregate):
        with self.assertRaises(ag.BenchError) as e:
            with_files(files, fn)
        self.assertIn(what, str(e.exception))

    def test_good_run(self):
        rows = {r["case"]: r for r in with_files(sample(), thru.aggregate)}
        self.assertEqual(len(rows), 6)
        nat = rows["thru-native"]
        # 4 good frames plus 2 settling ones in 0.1 s
        self.assertEqual((nat["frames"], nat["fps"]), (6, 60.0))
        self.assertEqual(nat["mb_s"], round(60.0 * SIZE / 1e6, 3))
        self.assertEqual((nat["pct_of_rate"], nat["pct_of_source"],
                          nat["source_fps"]), (100.0, 100.0, 60.0))
        ev = rows["thru-ev-fe"]
        self.assertEqual((ev["mode"], ev["alloc"], ev["fps"]),
                         ("event", "fe", 50.0))   # 4 frames in 0.080 s
        self.assertEqual((ev["pct_of_rate"], ev["pct_of_source"]),
                         (83.3, 100.0))
        sp = rows["thru-sp-be"]     # 4 frames, 4 drops in 0.080 s
        self.assertEqual((sp["drops"], sp["pct_of_source"], sp["source_fps"]),
                         (4, 50.0, 100.0))
        self.assertEqual(ev["vcamd_cpu_ms_per_frame"], 5.0)   # 2 ticks / 4
        self.assertEqual(ev["be_copies_per_frame"], 1.0)
        self.assertEqual(rows["thru-sp-be"]["be_copies_per_frame"], 0.0)
        self.assertEqual(rows["thru-sp-be"]["cam_rate"], "60/1")
        kfe = rows["thru-kfe"]
        self.assertEqual((kfe["frames"], kfe["fps"]), (4, 40.0))
        self.assertEqual(kfe["app_cpu_ms_per_frame"], 2.5)
        mem = rows["thru-memcpy-guest"]
        self.assertEqual((mem["fps"], mem["copy_p50_us"], mem["frames"]),
                         (800.0, 1100.0, 8))
        self.assertEqual(rows["thru-memcpy-dom0"]["mb_s"],
                         round(800.0 * SIZE / 1e6, 3))
        self.assertEqual(mem["pct_of_rate"], "")

    def test_no_thru_cases(self):
        self.assertEqual(with_files({"cases.txt": "ff-native ff runs=2\n"},
                                    thru.aggregate), [])
        self.assertEqual(with_files({"cases.txt": "ff-native ff runs=2\n"},
                                    spare.aggregate), [])

    def test_main_aggregate_skips_them(self):
        """aggregate.py leaves thru and spare cases to their scripts."""
        self.assertEqual(with_files(sample(), ag.aggregate), [])

    def test_wrong_frame(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            f"BENCH-OUT thru-sp-be frame seq=2 idx=2 size={SIZE} "
            f"crc32={CRC}", f"BENCH-OUT thru-sp-be frame seq=2 idx=2 "
            f"size={SIZE} crc32=00000000")
        self.refused(f, "thru-sp-be: 1 frames differ")

    def test_camera_repeats_a_number_natively(self):
        """vivid once numbered two frames alike: counted, not refused."""
        f = sample()
        f["thru-native.out"] = f["thru-native.out"].replace(
            "frame seq=3 ", "frame seq=2 ")
        nat = {r["case"]: r
               for r in with_files(f, thru.aggregate)}["thru-native"]
        # numbers 0 1 2 2 4 5: one repeat, one missing
        self.assertEqual((nat["frames"], nat["seq_repeats"], nat["drops"]),
                         (6, 1, 1))
        self.assertIn("6 / 1 (1 numbered twice by the camera)",
                      thru.table([nat]))

    def test_native_numbers_going_back(self):
        f = sample()
        f["thru-native.out"] = f["thru-native.out"].replace(
            "frame seq=3 ", "frame seq=1 ")
        self.refused(f, "thru-native: sequence numbers do not increase")

    def test_guest_repeat_refused(self):
        """vcamd promises guests increasing numbers: a repeat is a fault."""
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT thru-sp-be frame seq=2 ",
            "BENCH-OUT thru-sp-be frame seq=1 ")
        self.refused(f, "thru-sp-be: sequence numbers do not increase")

    def test_no_thru_native_sum(self):
        f = sample()
        del f["thru-native.sum"]
        self.refused(f, "thru-native.sum")

    def test_memcpy_missing(self):
        f = sample()
        f["thru.rec"] = ""
        self.refused(f, "thru-memcpy-dom0: no line in thru.rec")
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT thru-memcpy-guest memcpy", "BENCH-OUT thru-memcpy-"
            "guest oops")
        self.refused(f, "thru-memcpy-guest: 0 memcpy lines")

    def test_memcpy_wrong_size_or_count(self):
        f = sample()
        f["thru.rec"] = "thru-memcpy-dom0 " + memcpy(size=4096) + "\n"
        self.refused(f, "thru-memcpy-dom0: copied 4096 octets")
        f = sample()
        f["thru.rec"] = "thru-memcpy-dom0 " + memcpy(n=7) + "\n"
        self.refused(f, "thru-memcpy-dom0: 7 copies, wanted 8")

    def test_memcpy_failed_in_guest(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "kids=2 rc=0\r\nBENCH-READY spare-rtt-event-free",
            "kids=2 rc=1\r\nBENCH-READY spare-rtt-event-free")
        self.refused(f, "thru-memcpy-guest: vcam-memcpy failed (rc=1)")

    def test_capture_missing(self):
        f = sample()
        f["dom0.rec"] = "\n".join(ln for ln in f["dom0.rec"].splitlines()
                                  if not ln.startswith("thru-ev-fe bestats"))
        self.refused(f, "thru-ev-fe: vcamd logged no counters")

    def test_outputs(self):
        """thru.csv/png/md and spare.csv/md; plot.py's summary carries both
        tables with an empty results.csv (BENCH_CASES=thru)."""
        with tempfile.TemporaryDirectory() as d:
            run = Path(d) / "bench"
            run.mkdir()
            for name, text in sample().items():
                (run / name).write_text(text)
            out = Path(d)
            self.assertEqual(ag.main(["aggregate.py", str(run),
                                      str(out / "results.csv")]), 0)
            self.assertEqual(thru.main(["thru.py", str(run),
                                        str(out / "thru.csv"), d]), 0)
            self.assertEqual(spare.main(["spare.py", str(run),
                                         str(out / "spare.csv"), d]), 0)
            with open(out / "thru.csv", newline="") as fh:
                self.assertEqual(len(list(csv.DictReader(fh))), 6)
            with open(out / "spare.csv", newline="") as fh:
                self.assertEqual(len(list(csv.DictReader(fh))), 12)
            self.assertTrue((out / "thru.png").stat().st_size > 0)
            self.assertEqual(plot.main(["plot.py", str(out / "results.csv"),
                                        d]), 0)
            text = (out / "summary.md").read_text()
            self.assertIn("## Throughput ceiling", text)
            self.assertIn("| memcpy-guest | 115200 | 800 |", text)
            self.assertIn("## Spare cores", text)
            self.assertIn("| spin | together | 200.0 | 800.0 | 1800.0 | 2.0 "
                          "| 2.0 |", text)

    def test_main_fails_cleanly(self):
        f = sample()
        f["thru.rec"] = ""
        with tempfile.TemporaryDirectory() as d:
            for name, text in f.items():
                (Path(d) / name).write_text(text)
            self.assertEqual(thru.main(["thru.py", d,
                                        str(Path(d) / "t.csv")]), 1)


class SpareTest(unittest.TestCase):
    def refused(self, files, what):
        with self.assertRaises(ag.BenchError) as e:
            with_files(files, spare.aggregate)
        self.assertIn(what, str(e.exception))

    def test_good_run(self):
        rows = {r["case"]: r for r in with_files(sample(), spare.aggregate)}
        self.assertEqual(len(rows), 12)
        a = rows["spare-rtt-spin-apart"]
        self.assertEqual((a["place"], a["dom0_vcpu0_pcpus"], a["guest_pcpus"],
                          a["vcamd_cpus"]), ("apart", "0", "1", "0"))
        self.assertEqual((a["p50_us"], a["p50_vs_free"], a["p99_vs_free"]),
                         (50.0, 0.5, 0.5))
        self.assertEqual((a["spins"], a["blocks"]), (7, 26))
        t = rows["spare-rtt-event-together"]
        self.assertEqual((t["dom0_vcpu0_pcpus"], t["p50_vs_free"]),
                         ("1", 2.0))
        s = rows["spare-stream-spin-together"]
        self.assertEqual((s["fps"], s["frames"], s["vcamd_cpu_ms_per_frame"],
                          s["vcamd_cpu_vs_free"]), (50.0, 4, 5.0, 1.0))
        self.assertEqual(rows["spare-rtt-event-free"]["guest_pcpus"], "all")

    def test_pinning_not_in_effect(self):
        """A placement whose record says otherwise is refused."""
        f = sample()
        f["spare.rec"] = f["spare.rec"].replace(
            "together vcpu bench             1     0    1   -b-       3.1  1",
            "together vcpu bench             1     0    1   -b-       3.1  0")
        self.refused(f, "together: the guest's vCPU ran on '0'")
        f = sample()
        f["spare.rec"] = f["spare.rec"].replace(
            "apart vcamd pid 321's current affinity list: 0",
            "apart vcamd pid 321's current affinity list: 0-1")
        self.refused(f, "apart: vcamd ran on '0-1'")
        f = sample()
        f["spare.rec"] = f["spare.rec"].replace(
            "free vcpu Domain-0          0     0    0   r--      35.2  all",
            "free vcpu Domain-0          0     0    0   r--      35.2  1")
        self.refused(f, "free: dom0 vCPU 0 ran on '1'")
        f = sample()
        f["spare.rec"] = f["spare.rec"].replace(
            "free vcamd pid 321's current affinity list: 0,1",
            "free vcamd pid 321's current affinity list: 1")
        self.refused(f, "free: vcamd ran on '1'")

    def test_cpu_lists(self):
        self.assertEqual(spare.cpu_set("all", 2), {0, 1})
        self.assertEqual(spare.cpu_set("0-1", 2), {0, 1})
        self.assertEqual(spare.cpu_set("0,1", 2), {0, 1})
        self.assertEqual(spare.cpu_set("0-2,5", 8), {0, 1, 2, 5})
        self.assertIsNone(spare.cpu_set("x", 2))
        self.assertIsNone(spare.cpu_set(None, 2))

    def test_later_records_of_a_place(self):
        """The cases ran under a place's first record; the return to free
        after them (`end`, or `free` again in run 1) is not theirs."""
        f = sample()
        later = pins("free", "0", "0", "1", "0") + pins("end", *VCPUS["free"])
        f["spare.rec"] += "\n".join(later) + "\n"
        rows = with_files(f, spare.aggregate)
        self.assertEqual(rows[0]["guest_pcpus"], "all")
        f = sample()
        f["spare.rec"] = "\n".join(pins("free", "0", "0", "1", "0")) + \
            "\n" + f["spare.rec"]
        self.refused(f, "free: dom0 vCPU 0 ran on '0'")

    def test_no_pin_record(self):
        f = sample()
        f["spare.rec"] = "\n".join(ln for ln in f["spare.rec"].splitlines()
                                   if not ln.startswith("apart")) + "\n"
        self.refused(f, "apart: no record of the pinning")
        del f["spare.rec"]
        self.refused(f, "spare.rec")

    def test_rtt_wrong_mode_or_count(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT spare-rtt-spin-apart rtt op=CONFIG_GET mode=spin",
            "BENCH-OUT spare-rtt-spin-apart rtt op=CONFIG_GET mode=event")
        self.refused(f, "spare-rtt-spin-apart: ran in mode 'event'")
        f = sample()
        f["cases.txt"] = f["cases.txt"].replace(
            "place=free n=6", "place=free n=7", 1)
        self.refused(f, "spare-rtt-event-free: 6 round trips, wanted 7")

    def test_stream_in_wrong_mode(self):
        f = sample()
        f["dom0.rec"] = f["dom0.rec"].replace(
            "spare-stream-spin-apart bestats name=dom1/vcam0 "
            "state=Connected camera=/dev/video0 mode=spin",
            "spare-stream-spin-apart bestats name=dom1/vcam0 "
            "state=Connected camera=/dev/video0 mode=event")
        self.refused(f, "spare-stream-spin-apart: vcamd ran it in mode "
                     "'event'")

    def test_rtt_missing(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT spare-rtt-event-together rtt", "BENCH-OUT "
            "spare-rtt-event-together xxx")
        self.refused(f, "spare-rtt-event-together: 0 result lines")


if __name__ == "__main__":
    unittest.main()
