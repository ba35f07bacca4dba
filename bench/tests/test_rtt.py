# SPDX-License-Identifier: MIT
"""Unit tests of bench/rtt.py on a small rtt run recorded in the formats
bench/rig/bench-rtt.sh (dom0) and tests/rig/domu/bench-rtt.sh (guest)
write, and on broken variants of it that must be refused."""

import csv
import tempfile
import unittest
from pathlib import Path

import aggregate as ag
import plot
import rtt

N = 1000


def fig(p50, p99, mx, mn):
    return f"n={N} warmup=20 p50-us={p50} p99-us={p99} max-us={mx} min-us={mn}"


def tfe(mode, p50, p99, mx, mn):
    return (f"rtt op=CONFIG_GET mode={mode} spin-us=50 be-alloc=1 "
            f"{fig(p50, p99, mx, mn)} notify-sent=1020 wakeups=1020 "
            "spins=0 blocks=1020")


def sample():
    """{file name: text} of a whole, good rtt-only run."""
    f = {}
    lines = []
    for m in ("event", "spin", "hybrid"):
        lines.append(f"rtt-{m}-xen rtt mode={m} spin_us=50 where=guest-dom0 n={N}")
        lines.append(f"rtt-{m}-loop rtt mode={m} spin_us=50 where=loopback n={N}")
    lines += [f"floor-evtchn rtt floor=evtchn where=guest-dom0 n={N}",
              f"floor-cacheline-dom0 rtt floor=cacheline where=dom0 n={N}",
              f"floor-eventfd-dom0 rtt floor=eventfd where=dom0 n={N}",
              f"floor-cacheline-guest rtt floor=cacheline where=guest n={N}",
              f"floor-eventfd-guest rtt floor=eventfd where=guest n={N}"]
    f["cases.txt"] = "\n".join(lines) + "\n"
    f["rtt.rec"] = "\n".join([
        "rtt-event-loop " + tfe("event", 40.0, 90.0, 300.0, 30.0),
        "rtt-spin-loop " + tfe("spin", 2.0, 8.0, 50.0, 1.5),
        "rtt-hybrid-loop " + tfe("hybrid", 38.0, 85.0, 200.0, 25.0),
        "floor-cacheline-dom0 pingpong kind=cacheline cpus=2 yields=3 "
        + fig(1.0, 4.0, 30.0, 0.5),
        "floor-eventfd-dom0 pingpong kind=eventfd cpus=2 yields=0 "
        + fig(20.0, 60.0, 100.0, 15.0)]) + "\n"
    con = ["[    1.0] booting"]

    def case(c, line, rc=0):
        con.extend([f"BENCH-READY {c}", f"BENCH-DONE {c}",
                    f"BENCH-OUT {c} {line}",
                    f"BENCH-ERR {c} testfe: rtt ok",
                    f"BENCH-SNAP {c} begin up=1.0 kids=0 busy=1 total=2",
                    f"BENCH-SNAP {c} end up=3.0 kids=0 busy=1 total=2 rc={rc}"])
    case("rtt-event-xen", tfe("event", 500.0, 900.0, 3000.0, 300.0))
    case("rtt-spin-xen", tfe("spin", 150.0, 800.0, 9000.0, 60.0))
    case("rtt-hybrid-xen", tfe("hybrid", 480.0, 950.0, 2000.0, 310.0))
    case("floor-evtchn", "evping " + fig(400.0, 700.0, 2000.0, 250.0))
    case("floor-cacheline-guest", "pingpong kind=cacheline cpus=1 "
         "yields=2040 " + fig(30.0, 90.0, 400.0, 20.0))
    case("floor-eventfd-guest", "pingpong kind=eventfd cpus=1 yields=0 "
         + fig(25.0, 70.0, 300.0, 18.0))
    f["guest.console"] = "\r\n".join(con) + "\r\n"
    return f


class RttTest(unittest.TestCase):
    def run_with(self, files):
        with tempfile.TemporaryDirectory() as d:
            for name, text in files.items():
                (Path(d) / name).write_text(text)
            return rtt.aggregate(d)

    def refused(self, files, what):
        with self.assertRaises(ag.BenchError) as e:
            self.run_with(files)
        self.assertIn(what, str(e.exception))

    def test_good_run(self):
        rows = {r["case"]: r for r in self.run_with(sample())}
        self.assertEqual(len(rows), 11)
        ev = rows["rtt-event-xen"]
        self.assertEqual((ev["kind"], ev["mode"], ev["where"], ev["n"]),
                         ("rtt", "event", "guest-dom0", N))
        self.assertEqual(ev["floor"], "floor-evtchn")
        self.assertEqual(ev["ratio_p50"], 1.25)          # 500 / 400
        self.assertEqual(ev["ratio_p99"], round(900 / 700, 2))
        self.assertEqual((ev["target_ratio"], ev["target_met"]), (1.2, "no"))
        sp = rows["rtt-spin-xen"]
        self.assertEqual(sp["floor"], "floor-cacheline-dom0")
        self.assertEqual(sp["ratio_p50"], 150.0)
        self.assertEqual(sp["target_met"], "no")
        self.assertEqual(rows["rtt-hybrid-xen"]["floor"], "floor-evtchn")
        self.assertEqual(rows["rtt-hybrid-xen"]["target_ratio"], "")
        lp = rows["rtt-spin-loop"]
        self.assertEqual((lp["floor"], lp["ratio_p50"], lp["target_met"]),
                         ("floor-cacheline-dom0", 2.0, ""))
        self.assertEqual(rows["rtt-event-loop"]["floor"], "floor-eventfd-dom0")
        fl = rows["floor-cacheline-guest"]
        self.assertEqual((fl["kind"], fl["mode"], fl["cpus"], fl["yields"]),
                         ("floor", "cacheline", 1, 2040))
        self.assertEqual(ev["notify_sent"], 1020)

    def test_target_met(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "p50-us=500.0 p99-us=900.0", "p50-us=480.0 p99-us=900.0")
        ev = [r for r in self.run_with(f) if r["case"] == "rtt-event-xen"][0]
        self.assertEqual((ev["ratio_p50"], ev["target_met"]), (1.2, "yes"))

    def test_no_rtt_cases(self):
        self.assertEqual(self.run_with(
            {"cases.txt": "ff-native ff runs=2\n"}), [])

    def test_missing_guest_case(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT floor-evtchn", "BENCH-ERR floor-evtchn")
        self.refused(f, "floor-evtchn: 0 result lines")

    def test_missing_dom0_record(self):
        f = sample()
        f["rtt.rec"] = "\n".join(ln for ln in f["rtt.rec"].splitlines()
                                 if not ln.startswith("rtt-spin-loop"))
        self.refused(f, "rtt-spin-loop: no record")

    def test_guest_program_failed(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "total=2 rc=0\r\nBENCH-READY rtt-spin-xen",
            "total=2 rc=1\r\nBENCH-READY rtt-spin-xen")
        self.refused(f, "rtt-event-xen: the guest's program failed (rc=1)")

    def test_wrong_count(self):
        f = sample()
        f["rtt.rec"] = f["rtt.rec"].replace(f"n={N}", "n=999", 1)
        self.refused(f, "rtt-event-loop: 999 round trips")

    def test_percentiles_out_of_order(self):
        f = sample()
        f["rtt.rec"] = f["rtt.rec"].replace("p99-us=8.0", "p99-us=1.0")
        self.refused(f, "rtt-spin-loop: percentiles out of order")

    def test_guest_clock_held_still(self):
        """A 0 µs sample (the guest's clock held still) is kept; a 0 p50 or
        a negative sample is not."""
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "max-us=2000.0 min-us=310.0", "max-us=2000.0 min-us=0.0")
        hy = [r for r in self.run_with(f) if r["case"] == "rtt-hybrid-xen"]
        self.assertEqual(hy[0]["min_us"], 0.0)
        f["guest.console"] = f["guest.console"].replace(
            "min-us=0.0", "min-us=-1.0")
        self.refused(f, "rtt-hybrid-xen: percentiles out of order")
        f = sample()
        f["rtt.rec"] = f["rtt.rec"].replace(
            "p50-us=2.0 p99-us=8.0 max-us=50.0 min-us=1.5",
            "p50-us=0.0 p99-us=8.0 max-us=50.0 min-us=0.0")
        self.refused(f, "rtt-spin-loop: percentiles out of order")

    def test_wrong_mode(self):
        f = sample()
        f["guest.console"] = f["guest.console"].replace(
            "BENCH-OUT rtt-spin-xen rtt op=CONFIG_GET mode=spin",
            "BENCH-OUT rtt-spin-xen rtt op=CONFIG_GET mode=event")
        self.refused(f, "rtt-spin-xen: ran in mode 'event'")

    def test_two_result_lines(self):
        f = sample()
        f["rtt.rec"] += "rtt-event-loop " + tfe("event", 1, 2, 3, 1) + "\n"
        self.refused(f, "rtt-event-loop: 2 result lines")

    def test_no_number(self):
        f = sample()
        f["rtt.rec"] = f["rtt.rec"].replace("p50-us=20.0", "p50-us=x")
        self.refused(f, "floor-eventfd-dom0: no number for 'p50-us'")

    def test_no_floor(self):
        f = sample()
        f["cases.txt"] = "\n".join(
            ln for ln in f["cases.txt"].splitlines()
            if not ln.startswith("floor-evtchn")) + "\n"
        self.refused(f, "rtt-event-xen: no floor measured")

    def test_outputs(self):
        """rtt.csv, rtt.png, rtt.md; plot.py's summary carries the table
        even when results.csv has no rows (BENCH_CASES=rtt)."""
        with tempfile.TemporaryDirectory() as d:
            run = Path(d) / "bench"
            run.mkdir()
            for name, text in sample().items():
                (run / name).write_text(text)
            out = Path(d)
            self.assertEqual(rtt.main(["rtt.py", str(run),
                                       str(out / "rtt.csv"), d]), 0)
            with open(out / "rtt.csv", newline="") as fh:
                got = list(csv.DictReader(fh))
            self.assertEqual(len(got), 11)
            self.assertEqual(list(got[0].keys()), rtt.COLUMNS)
            self.assertGreater((out / "rtt.png").stat().st_size, 1000)
            md = (out / "rtt.md").read_text()
            self.assertIn("| event | guest-dom0 | 500.0 | 900.0 | 3000.0 | "
                          "floor-evtchn | 400.00 | 1.25 |", md)
            self.assertIn("| cacheline | guest | 30.00 |", md)
            self.assertIn("1 CPU(s), 2040 yields", md)
            ag.write_csv([], out / "results.csv")
            self.assertEqual(plot.main(["plot.py", str(out / "results.csv"),
                                        d]), 0)
            s = (out / "summary.md").read_text()
            self.assertIn("Request round trip", s)
            self.assertIn("rtt.png", s)

    def test_aggregate_skips_rtt_cases(self):
        """results.csv of an rtt-only run: no rows, no error."""
        f = sample()
        f["native.sum"] = "frame seq=0 idx=0 size=4 crc32=68b67b1f\n"
        f["dom0.rec"] = ""
        with tempfile.TemporaryDirectory() as d:
            for name, text in f.items():
                (Path(d) / name).write_text(text)
            self.assertEqual(ag.aggregate(d), [])


if __name__ == "__main__":
    unittest.main()
