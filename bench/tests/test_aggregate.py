# SPDX-License-Identifier: MIT
"""Unit tests of bench/aggregate.py on a small run recorded in the formats
bench/rig/bench-dom0.sh and tests/rig/domu/bench.sh write (4 frames a case
instead of 250), and on broken variants of it that must be refused."""

import csv
import tempfile
import unittest
from pathlib import Path

import aggregate as ag
import plot

CRC = "68b67b1f"


def frames(n, crc=CRC, seq0=0, skip=(), lat=None):
    """Frame lines; lat: each frame's lat-us (a list of n)."""
    return [f"frame seq={seq0 + i} idx={i % 4} size=460800 crc32={crc}" +
            (f" lat-us={lat[i]}" if lat else "")
            for i in range(n) if i not in skip]


SKEW = ("BENCH-SKEW skew n=20 dom0-minus-guest-us=-12.5 bound-us=40.0 "
        "rtt-min-us=80.0 theta-median-us=-10.0")


def sample():
    """{file name: text} of a whole, good run."""
    f = {}
    f["cases.txt"] = "\n".join([
        "idle-dom0 idle seconds=10",
        "native-25 native rate=25 frames=4",
        "ff-native ff runs=2",
        "ev-fe tfe mode=event be_alloc=0 spin_us=50 rate=25 frames=4",
        "sp-be tfe mode=spin be_alloc=1 spin_us=50 rate=25 frames=4",
        "idle-guest idle seconds=10",
        "ff-guest ff runs=2",
        "kfe-25 kfe rate=25 frames=4"]) + "\n"
    f["native.sum"] = "\n".join(frames(4)) + "\n"
    # first two native frames differ: allowed (settling after STREAMON)
    f["native-25.out"] = "\n".join(
        frames(2, "deadbeef", lat=[90, 95]) +
        frames(4, seq0=2, lat=[100, 110, 120, 130]) +
        ["latency clock=monotonic lat-n=6 lat-p50-us=100 lat-p99-us=130 "
         "lat-max-us=130"]) + "\n"
    dev0 = ("device name=dom1/vcam0 state=Connected camera=/dev/video0 "
            "mode=event alloc=fe streaming=0 fps=25.00 frames=100 drops=0 "
            "copies=100 copies_per_frame=1.00 zero_copy=0 notifications=300 "
            "notify_req=100 notify_evt=200 wakeups=50 spins=0")
    dev1 = ("device name=dom1/vcam0 state=Connected camera=/dev/video0 "
            "mode=event alloc=fe streaming=0 fps=25.00 frames=104 drops=0 "
            "copies=104 copies_per_frame=1.00 zero_copy=0 notifications=310 "
            "notify_req=102 notify_evt=208 wakeups=54 spins=0")
    f["dom0.rec"] = "\n".join([
        "idle-dom0 begin up=0.00 busy=0 total=0 vcamd=-",
        "idle-dom0 end up=10.00 busy=50 total=2000 vcamd=-",
        "idle-guest begin up=50.0 busy=5000 total=9000 vcamd=60",
        "idle-guest end up=60.0 busy=5100 total=11000 vcamd=60",
        "native-25 begin up=10.00 busy=1000 total=5000 vcamd=- kids=3",
        "native-25 end up=10.30 busy=1012 total=5060 vcamd=- kids=5 rc=0 "
        "frames_req=4 rate=25",
        "ff-native ff t0=100.000 t1=100.250",
        "ff-native ff t0=101.000 t1=101.150",
        "ev-fe begin up=20.0 busy=2000 total=9000 vcamd=40",
        "ev-fe end up=24.0 busy=2060 total=9800 vcamd=44",
        "ev-fe bestats name=dom1/vcam0 state=Connected camera=/dev/video0 "
        "mode=event alloc=fe streaming=0 fps=24.97 frames=4 drops=0 "
        "copies=4 copies_per_frame=1.00 zero_copy=0 notifications=12 "
        "notify_req=4 notify_evt=8 wakeups=6 spins=0 requests=10",
        "sp-be begin up=30.0 busy=3000 total=9900 vcamd=50",
        "sp-be end up=34.0 busy=3100 total=10700 vcamd=90",
        "sp-be bestats name=dom1/vcam0 state=Connected camera=/dev/video0 "
        "mode=spin alloc=be streaming=0 fps=25.00 frames=4 drops=0 "
        "copies=0 copies_per_frame=0.00 zero_copy=4 notifications=1 "
        "notify_req=1 notify_evt=0 wakeups=2 spins=800 requests=10",
        "kfe-25 begin up=40.0 busy=4000 total=11000 vcamd=100 " + dev0,
        "kfe-25 end up=44.0 busy=4016 total=11800 vcamd=104 " + dev1 +
        " cam_path=/dev/video0 cam_frames_in=300 cam_rate=25/1",
    ]) + "\n"
    con = ["\x1b[0m[    1.0] some kernel line"]
    for c, st, lats in (("ev-fe", "stats mode=event be-alloc=0 frames=4 drops=0 "
                   "responses=10 events=4 ctrl-changes=0 notify-sent=8 "
                   "wakeups=5 cfg-wakeups=0 spins=0 blocks=5 violations=0 "
                   "elapsed-s=0.160 cpu-s=0.008 reannounced=0 "
                   "capture-time=1 lat-n=4 lat-p50-us=800 lat-p99-us=1500 "
                   "lat-max-us=1500", [500, 800, 1200, 1500]),
                  ("sp-be", "stats mode=spin be-alloc=1 frames=4 drops=0 "
                   "responses=10 events=4 ctrl-changes=0 notify-sent=1 "
                   "wakeups=0 cfg-wakeups=0 spins=4000 blocks=0 "
                   "violations=0 elapsed-s=0.160 cpu-s=0.160 "
                   "reannounced=0 capture-time=1 lat-n=4 lat-p50-us=100 "
                   "lat-p99-us=300 lat-max-us=300", [50, 100, 200, 300])):
        con.append(f"BENCH-READY {c}\r")
        con += [f"BENCH-OUT {c} {x}\r" for x in frames(4, lat=lats) + [st]]
        con.append(f"BENCH-SNAP {c} begin up=5.00 busy=100 total=500 kids=0")
        con.append(f"BENCH-SNAP {c} end up=5.20 busy=104 total=520 kids=2 "
                   "rc=0")
        con.append(f"BENCH-DONE {c}")
    con += ["BENCH-SNAP idle-guest begin up=70.00 busy=700 total=900 kids=0",
            "BENCH-SNAP idle-guest end up=80.00 busy=710 total=1900 kids=0 "
            "rc=0"]
    con += ["BENCH-FF ff-guest t0=50.00 t1=50.40 " + frames(1)[0],
            "BENCH-FF ff-guest t0=51.00 t1=51.30 " + frames(1)[0],
            "BENCH-FF ff-guest t0=52.00 t1=52.35 " + frames(1)[0]]
    con += ["BENCH-READY kfe-25",
            "BENCH-FE kfe-25 begin  frames=10 errors=0 drops=0 "
            "notify_sent=20 notify_recv=30 wakeups=30 spins=0 copies=0 "
            "requests=40 mode=event state=connected",
            "BENCH-FE kfe-25 end  frames=14 errors=0 drops=0 "
            "notify_sent=24 notify_recv=38 wakeups=38 spins=0 copies=0 "
            "requests=44 mode=event state=connected"]
    con += [f"BENCH-OUT kfe-25 {x}" for x in
            frames(4, seq0=7, lat=[1000, 2000, 3000, 4000]) +
            ["latency clock=monotonic lat-n=4 lat-p50-us=2000 "
             "lat-p99-us=4000 lat-max-us=4000"]]
    con += ["BENCH-SNAP kfe-25 begin up=60.00 busy=600 total=900 kids=10",
            "BENCH-SNAP kfe-25 end up=60.16 busy=608 total=916 kids=11 rc=0",
            "BENCH-DONE kfe-25", SKEW, "VCAMTEST-PASS bench"]
    f["guest.console"] = "\n".join(con) + "\n"
    return f


class Run:
    """A run directory with sample(), after edits."""

    def __init__(self, **edits):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        files = sample()
        files.update(edits)
        for name, text in files.items():
            if text is not None:
                (self.dir / name).write_text(text)

    def rows(self):
        return {r["case"]: r for r in ag.aggregate(self.dir)}

    def close(self):
        self.tmp.cleanup()


def replace(name, old, new):
    text = sample()[name]
    assert old in text, old
    return {name: text.replace(old, new, 1)}


class TestGoodRun(unittest.TestCase):
    def setUp(self):
        self.run = Run()
        self.rows = self.run.rows()

    def tearDown(self):
        self.run.close()

    def test_every_case_in_plan_order(self):
        self.assertEqual(list(self.rows), [
            "idle-dom0", "native-25", "ff-native", "ev-fe", "sp-be",
            "idle-guest", "ff-guest", "kfe-25"])

    def test_idle_baselines(self):
        self.assertAlmostEqual(self.rows["idle-dom0"]["dom0_idle_ms_per_s"],
                               50.0)
        g = self.rows["idle-guest"]
        self.assertAlmostEqual(g["dom0_idle_ms_per_s"], 100.0)
        self.assertAlmostEqual(g["guest_idle_ms_per_s"], 10.0)
        self.assertAlmostEqual(self.rows["ev-fe"]["dom0_idle_ms_per_s"],
                               100.0)
        self.assertEqual(self.rows["native-25"]["guest_idle_ms_per_s"], "")

    def test_native(self):
        r = self.rows["native-25"]
        self.assertEqual(r["frames"], 6)
        self.assertEqual(r["bad_frames"], 2)
        self.assertEqual(r["drops"], 0)
        self.assertAlmostEqual(r["fps"], 6 / 0.3, places=1)
        # 120 ms busy in 0.3 s, of which 50 ms/s is dom0's idle rate
        self.assertAlmostEqual(r["dom0_cpu_ms_per_frame"], 105 / 6, 3)
        self.assertAlmostEqual(r["app_cpu_ms_per_frame"], 20 / 6, 3)
        self.assertEqual(r["vcamd_cpu_ms_per_frame"], "")

    def test_testfe_event(self):
        r = self.rows["ev-fe"]
        self.assertEqual((r["mode"], r["alloc"], r["frames"]),
                         ("event", "fe", 4))
        self.assertAlmostEqual(r["fps"], 25.0)
        self.assertAlmostEqual(r["vcamd_cpu_ms_per_frame"], 10.0)
        # 600 ms in 4 s above 100 ms/s idle; guest 40 ms in 0.2 s above 10
        self.assertAlmostEqual(r["dom0_cpu_ms_per_frame"], 50.0)
        self.assertAlmostEqual(r["guest_cpu_ms_per_frame"], 9.5)
        self.assertAlmostEqual(r["app_cpu_ms_per_frame"], 2.0)
        self.assertAlmostEqual(r["total_cpu_ms_per_frame"], 59.5)
        self.assertAlmostEqual(r["be_notify_evt_per_frame"], 2.0)
        self.assertAlmostEqual(r["be_notify_req_per_frame"], 1.0)
        self.assertAlmostEqual(r["be_copies_per_frame"], 1.0)
        self.assertAlmostEqual(r["fe_notify_per_frame"], 2.0)
        self.assertAlmostEqual(r["fe_wakeups_per_frame"], 1.25)

    def test_testfe_spin_bealloc(self):
        r = self.rows["sp-be"]
        self.assertEqual((r["mode"], r["alloc"]), ("spin", "be"))
        self.assertAlmostEqual(r["be_zero_copy_per_frame"], 1.0)
        self.assertAlmostEqual(r["be_copies_per_frame"], 0.0)
        self.assertAlmostEqual(r["be_spins_per_frame"], 200.0)
        self.assertAlmostEqual(r["fe_spins_per_frame"], 1000.0)
        self.assertAlmostEqual(r["vcamd_cpu_ms_per_frame"], 100.0)

    def test_kernel_frontend_counters_are_deltas(self):
        r = self.rows["kfe-25"]
        self.assertEqual((r["mode"], r["alloc"]), ("event", "fe"))
        self.assertAlmostEqual(r["be_copies_per_frame"], 1.0)
        self.assertAlmostEqual(r["be_notify_req_per_frame"], 0.5)
        self.assertAlmostEqual(r["be_notify_evt_per_frame"], 2.0)
        self.assertAlmostEqual(r["be_wakeups_per_frame"], 1.0)
        self.assertAlmostEqual(r["fe_notify_per_frame"], 1.0)
        self.assertAlmostEqual(r["fe_wakeups_per_frame"], 2.0)
        self.assertAlmostEqual(r["fps"], 25.0)
        self.assertAlmostEqual(r["app_cpu_ms_per_frame"], 2.5)
        self.assertAlmostEqual(r["vcamd_cpu_ms_per_frame"], 10.0)
        self.assertAlmostEqual(r["guest_cpu_ms_per_frame"], 19.6)
        self.assertEqual(r["cam_rate"], "25/1")

    def test_kernel_frontend_zero_copy_counted_when_the_module_counts(self):
        self.assertEqual(self.rows["kfe-25"]["fe_zero_copy_per_frame"], "")
        con = sample()["guest.console"]
        con = con.replace("copies=0 requests=40",
                          "copies=0 zero_copy=3 requests=40", 1)
        con = con.replace("copies=0 requests=44",
                          "copies=0 zero_copy=7 requests=44", 1)
        run = Run(**{"guest.console": con})
        try:
            r = run.rows()["kfe-25"]
        finally:
            run.close()
        self.assertAlmostEqual(r["fe_zero_copy_per_frame"], 1.0)

    def test_latency_and_skew(self):
        r = self.rows["ev-fe"]
        self.assertEqual((r["lat_n"], r["lat_p50_us"], r["lat_p99_us"],
                          r["lat_max_us"]), (4, 800, 1500, 1500))
        self.assertEqual((r["skew_us"], r["skew_bound_us"]), (-12.5, 40.0))
        k = self.rows["kfe-25"]
        self.assertEqual((k["lat_p50_us"], k["lat_max_us"]), (2000, 4000))
        self.assertEqual(k["skew_us"], -12.5)
        n = self.rows["native-25"]
        # one clock natively: no skew to report
        self.assertEqual((n["lat_p50_us"], n["skew_us"]), (100, ""))
        self.assertEqual(self.rows["idle-guest"]["lat_p50_us"], "")

    def test_first_frame_median(self):
        self.assertAlmostEqual(self.rows["ff-native"]["first_frame_ms"],
                               200.0)
        self.assertAlmostEqual(self.rows["ff-guest"]["first_frame_ms"],
                               350.0)

    def test_csv_and_plots(self):
        out = self.run.dir / "results.csv"
        ag.write_csv(list(self.rows.values()), out)
        with open(out, newline="") as f:
            got = list(csv.DictReader(f))
        self.assertEqual(len(got), 8)
        self.assertEqual(list(got[0]), ag.COLUMNS)
        lat = self.run.dir / "latency.csv"
        ag.write_latency_csv(list(self.rows.values()), lat)
        with open(lat, newline="") as f:
            samples = list(csv.DictReader(f))
        # 6 native + 4 + 4 testfe + 4 kernel frontend frames
        self.assertEqual(len(samples), 18)
        self.assertEqual(list(samples[0]), ag.LAT_COLUMNS)
        self.assertEqual(plot.main(["plot", str(out), str(self.run.dir)]), 0)
        for p in ("modes.png", "guest-vs-native.png", "latency.png",
                  "summary.md"):
            self.assertGreater((self.run.dir / p).stat().st_size, 100)
        self.assertIn("lat p99", (self.run.dir / "summary.md").read_text())


class TestBadRuns(unittest.TestCase):
    def refuse(self, msg, **edits):
        run = Run(**edits)
        try:
            with self.assertRaisesRegex(ag.BenchError, msg):
                run.rows()
        finally:
            run.close()

    def test_negotiated_without_latency(self):
        self.refuse("capture times negotiated but no latency",
                    **replace("guest.console",
                              "lat-n=4 lat-p50-us=800 lat-p99-us=1500 "
                              "lat-max-us=1500", "lat-n=0"))

    def test_latency_without_skew(self):
        self.refuse("no clock skew measured",
                    **replace("guest.console", SKEW, ""))

    def test_latency_summary_without_frames(self):
        self.refuse("3 of 4 frames have lat-us",
                    **replace("guest.console", " lat-us=4000", ""))

    def test_frame_latency_above_max(self):
        self.refuse("exceeds the reported max",
                    **replace("native-25.out", "lat-us=130", "lat-us=999"))

    def test_missing_file(self):
        self.refuse("missing", **{"guest.console": None})

    def test_case_missing_from_guest(self):
        text = "\n".join(line for line in sample()["guest.console"]
                         .splitlines() if " sp-be " not in line)
        self.refuse("sp-be", **{"guest.console": text})

    def test_wrong_frame_after_settling(self):
        self.refuse("differ", **replace(
            "guest.console", f"BENCH-OUT ev-fe frame seq=2 idx=2 size=460800 "
            f"crc32={CRC}", "BENCH-OUT ev-fe frame seq=2 idx=2 size=460800 "
            "crc32=00000000"))

    def test_testfe_wrong_first_frame_is_wrong(self):
        self.refuse("differ", **replace(
            "guest.console", f"BENCH-OUT ev-fe frame seq=0 idx=0 size=460800 "
            f"crc32={CRC}", "BENCH-OUT ev-fe frame seq=0 idx=0 size=460800 "
            "crc32=00000000"))

    def test_too_few_frames(self):
        self.refuse("3 frames, wanted 4", **replace(
            "guest.console", "BENCH-OUT kfe-25 frame seq=10 idx=3 "
            f"size=460800 crc32={CRC} lat-us=4000\n", ""))

    def test_program_failed(self):
        self.refuse("exited 1", **replace(
            "guest.console", "kids=11 rc=0", "kids=11 rc=1"))

    def test_no_vcamd_counters(self):
        text = "\n".join(line for line in sample()["dom0.rec"].splitlines()
                         if not line.startswith("ev-fe bestats"))
        self.refuse("no counters", **{"dom0.rec": text})

    def test_no_dom0_snapshot(self):
        text = "\n".join(line for line in sample()["dom0.rec"].splitlines()
                         if not line.startswith("kfe-25 end"))
        self.refuse("begin/end", **{"dom0.rec": text})

    def test_garbled_counter(self):
        self.refuse("vcamd", **replace("dom0.rec", "vcamd=44", "vcamd=x"))

    def test_violations(self):
        self.refuse("violations", **replace(
            "guest.console", "violations=0", "violations=3"))

    def test_native_crcs_disagree(self):
        self.refuse("one CRC", **{"native.sum": "\n".join(
            frames(2) + frames(1, "00000000")) + "\n"})

    def test_first_frame_run_without_frame(self):
        self.refuse("no frame", **replace(
            "guest.console", "t1=50.40 " + frames(1)[0], "t1=50.40"))

    def test_too_few_first_frame_runs(self):
        text = "\n".join(line for line in sample()["dom0.rec"].splitlines()
                         if "t0=101.000" not in line)
        self.refuse("1 first-frame runs", **{"dom0.rec": text})

    def test_seq_not_increasing(self):
        self.refuse("increase", **replace(
            "native-25.out", "seq=5 ", "seq=1 "))

    def test_idle_guest_without_guest_records(self):
        text = "\n".join(line for line in sample()["guest.console"]
                         .splitlines() if "idle-guest" not in line)
        self.refuse("idle-guest: no guest records", **{"guest.console": text})

    def test_clock_standing_still(self):
        self.refuse("did not advance", **replace(
            "dom0.rec", "idle-dom0 end up=10.00", "idle-dom0 end up=0.00"))

    def test_unknown_kind(self):
        self.refuse("unknown kind", **{"cases.txt": "x bogus\n"})


if __name__ == "__main__":
    unittest.main()
