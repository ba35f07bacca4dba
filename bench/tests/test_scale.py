# SPDX-License-Identifier: MIT
"""Unit tests of bench/scale.py on a small scale run recorded in the formats
bench/rig/bench-scale.sh and tests/rig/domu/bench-scale.sh write (rounds of
1 and 2 guests), and on broken variants of it that must be refused."""

import csv
import tempfile
import unittest
from pathlib import Path

import aggregate as ag
import plot
import scale

CRC = "1a2b3c4d"


def dev(dom, frames, drops=0, streaming=1, pages=116):
    return (f"dev name=dom{dom}/vcam0 state=Connected camera=/dev/video0 "
            f"mode=event alloc=fe streaming={streaming} fps=25.00 "
            f"frames={frames} drops={drops} copies={frames} pages={pages}")


def snap(tag, up, busy, vcamd, rss, gd, pss="900"):
    return (f"{tag} up={up} busy={busy} total={busy * 2} vcamd={vcamd} "
            f"rss_kb={rss} pss_kb={pss} gntdev_pages={gd} gntalloc_pages=0")


def cam(tag, frames_in, rate="25/1"):
    return (f"{tag}-cam path=/dev/video0 users=2 streaming=1 "
            f"frames_in={frames_in} format=YUYV size=320x180 rate={rate}")


def sample():
    """{file name: text} of a whole, good run: rounds of 1 and 2 guests."""
    rec = [
        "plan guests=1,2 fmt=320x180:YUYV rate=25 window_s=10 mem_mb=96",
        snap("0 idle", 100.0, 1000, 5, 2000, 0),
        "0 idle-vcamd pid=99 transport=xen pages=0 max_pages_total=0",
        "1 guests doms=3",
        snap("1 begin", 200.0, 2000, 50, 2600, 118),
        "1 begin-vcamd pid=99 uptime_s=90.0 cpu_user_ms=300 cpu_sys_ms=200 pages=116",
        cam("1 begin", 1000),
        "1 begin-" + dev(3, 400),
        snap("1 end", 210.0, 2500, 60, 2640, 118),
        "1 end-vcamd pid=99 uptime_s=100.0 cpu_user_ms=330 cpu_sys_ms=270 pages=116",
        cam("1 end", 1250),
        "1 end-" + dev(3, 650),
        "2 guests doms=3,4",
        snap("2 begin", 300.0, 3000, 100, 2700, 236),
        "2 begin-vcamd pid=99 uptime_s=190.0 cpu_user_ms=1000 cpu_sys_ms=1000 pages=232",
        cam("2 begin", 2000),
        "2 begin-" + dev(3, 10),
        "2 begin-" + dev(4, 5),
        "2 begin-" + dev(5, 0, streaming=0, pages=0),
        snap("2 end", 310.0, 3800, 140, 2800, 236),
        "2 end-vcamd pid=99 uptime_s=200.0 cpu_user_ms=1200 cpu_sys_ms=1200 pages=232",
        cam("2 end", 2240),
        "2 end-" + dev(3, 250, drops=2),
        "2 end-" + dev(4, 235),
        "2 end-" + dev(5, 0, streaming=0, pages=0),
    ]

    def guest(rounds):
        lines = ["VCAMTEST-START bench-scale", "SCALE-WAITING"]
        for r, frames, drops in rounds:
            lines += [
                f"SCALE-OUT {r} stats mode=event be-alloc=0 frames={frames} "
                f"drops={drops} violations=0 elapsed-s={frames / 25:.3f} "
                "cpu-s=1.0",
                f"SCALE-CRC {r} crc32={CRC} count={frames}\r",
                f"SCALE-SEQ {r} first=0 last={frames + drops - 1} "
                f"frames={frames}",
                f"SCALE-RC {r} 0"]
        return "\n".join(lines + ["VCAMTEST-PASS bench-scale"]) + "\n"

    return {
        "scale.rec": "\n".join(rec) + "\n",
        "scale-native.sum": "\n".join(
            f"frame seq={i} idx=0 size=115200 crc32={CRC}" for i in range(4))
        + "\n",
        "scale-guest-1.console": guest([("n1", 500, 0), ("n2", 400, 2)]),
        "scale-guest-2.console": guest([("n2", 380, 0)]),
    }


def write(files, d):
    for k, v in files.items():
        (Path(d) / k).write_text(v)


class TestScale(unittest.TestCase):
    def rows(self, files):
        with tempfile.TemporaryDirectory() as d:
            write(files, d)
            return scale.aggregate(d)

    def broken(self, files, msg):
        with self.assertRaises(scale.ScaleError) as cm:
            self.rows(files)
        self.assertIn(msg, str(cm.exception))

    def test_good_run(self):
        rows = self.rows(sample())
        self.assertEqual([r["guests"] for r in rows], [0, 1, 2])
        idle, one, two = rows
        self.assertEqual(idle["rss_kb"], 2000)
        self.assertEqual(idle["gntdev_pages"], 0)
        self.assertEqual(idle["fps_mean"], "")
        self.assertEqual(one["window_s"], 10.0)
        self.assertEqual(one["fps_min"], 25.0)
        self.assertEqual(one["cam_fps"], 25.0)
        self.assertEqual(one["rate_held"], 1)
        self.assertEqual(one["frames"], 250)
        # 100 ms of vcamd CPU over 250 frames, by vcamd's own clock
        self.assertEqual(one["vcamd_ms_per_frame"], 0.4)
        self.assertEqual(one["vcamd_cpu_pct"], 1.0)
        self.assertEqual(one["dom0_busy_ms_per_s"], 500.0)
        self.assertEqual(one["mapped_pages_per_guest"], 118.0)
        self.assertEqual(one["vcamd_pages"], 116)
        # a device of a guest not in the round is ignored
        self.assertEqual(two["frames"], 240 + 230)
        self.assertEqual(two["fps_min"], 23.0)
        self.assertEqual(two["fps_mean"], 23.5)
        self.assertEqual(two["drops"], 2)
        self.assertEqual(two["guest_drops"], 2)
        self.assertEqual(two["cam_fps"], 24.0)
        self.assertEqual(two["rate_held"], 1)
        self.assertEqual(two["vcamd_ms_per_frame"], round(400 / 470, 3))
        self.assertEqual(two["rss_kb"], 2800)
        self.assertEqual(two["pss_kb"], 900)
        self.assertEqual(two["mapped_pages_per_guest"], 118.0)

    def test_rate_not_held(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("frames_in=2240",
                                                "frames_in=2200")
        self.assertEqual(self.rows(f)[2]["rate_held"], 0)

    def test_vcamd_clock(self):
        """The window is vcamd's (its counters' clock), not dom0's."""
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("uptime_s=100.0",
                                                "uptime_s=110.0")
        one = self.rows(f)[1]
        self.assertEqual(one["window_s"], 20.0)
        self.assertEqual(one["fps_min"], 12.5)
        self.assertEqual(one["vcamd_cpu_pct"], 0.5)
        self.assertEqual(one["dom0_busy_ms_per_s"], 500.0)

    def test_vcamd_clock_stuck(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("uptime_s=100.0",
                                                "uptime_s=90.0")
        self.broken(f, "round 1: vcamd's clock did not advance")

    def test_no_pss(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("pss_kb=900", "pss_kb=-")
        self.assertEqual(self.rows(f)[1]["pss_kb"], "")

    def test_missing_round(self):
        f = sample()
        f["scale.rec"] = "\n".join(l for l in f["scale.rec"].splitlines()
                                   if not l.startswith("2 ")) + "\n"
        self.broken(f, "round 2: no records")

    def test_missing_end(self):
        f = sample()
        f["scale.rec"] = "\n".join(l for l in f["scale.rec"].splitlines()
                                   if not l.startswith("2 end ")) + "\n"
        self.broken(f, "round 2: no 'end' record")

    def test_missing_console(self):
        f = sample()
        del f["scale-guest-2.console"]
        self.broken(f, "scale-guest-2.console")

    def test_guest_missing_round(self):
        f = sample()
        f["scale-guest-2.console"] = "SCALE-WAITING\n"
        self.broken(f, "round 2, guest 2: no SCALE-* lines")

    def test_bad_crc(self):
        f = sample()
        f["scale-guest-2.console"] = f["scale-guest-2.console"].replace(
            f"crc32={CRC} count=380",
            f"crc32={CRC} count=379\nSCALE-CRC n2 crc32=deadbeef count=1")
        self.broken(f, "1 frames differ from the others' (crc32=1a2b3c4d)")

    def test_frame_count_mismatch(self):
        f = sample()
        f["scale-guest-1.console"] = f["scale-guest-1.console"].replace(
            "count=500", "count=499")
        self.broken(f, "500 frames in its stats, 499 frame lines")

    def test_guest_failed(self):
        f = sample()
        f["scale-guest-2.console"] = f["scale-guest-2.console"].replace(
            "SCALE-RC n2 0", "SCALE-ERR n2 backend went away\nSCALE-RC n2 1")
        self.broken(f, "exit status 1 (backend went away)")

    def test_violations(self):
        f = sample()
        f["scale-guest-1.console"] = f["scale-guest-1.console"].replace(
            "violations=0", "violations=3", 1)
        self.broken(f, "round 1, guest 1: vcam-testfe saw protocol violations")

    def test_device_stopped(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace(
            "2 end-" + dev(4, 235), "2 end-" + dev(4, 235, streaming=0))
        self.broken(f, "dom4/vcam0 was not streaming all the window")

    def test_device_missing(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("2 begin-" + dev(4, 5), "")
        self.broken(f, "vcamd shows no device dom4/vcam0")

    def test_wrong_rate(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace("rate=25/1", "rate=30/1")
        self.broken(f, "the camera ran at 30 fps, the guests asked for 25")

    def test_no_crc(self):
        f = sample()
        for g in ("scale-guest-1.console", "scale-guest-2.console"):
            f[g] = "\n".join(l for l in f[g].splitlines()
                             if "SCALE-CRC" not in l) + "\n"
        self.broken(f, "no guest printed any frame CRC")

    def test_no_idle(self):
        f = sample()
        f["scale.rec"] = "\n".join(l for l in f["scale.rec"].splitlines()
                                   if not l.startswith("0 ")) + "\n"
        self.broken(f, "no idle snapshot")

    def test_garbage_line(self):
        f = sample()
        f["scale.rec"] += "what is this\n"
        self.broken(f, "unexpected line")

    def test_no_frames(self):
        f = sample()
        f["scale.rec"] = f["scale.rec"].replace(
            "1 end-" + dev(3, 650), "1 end-" + dev(3, 400))
        self.broken(f, "round 1: no frame delivered")

    def test_merge_summary(self):
        sec = scale.summary([{"guests": 0, "rss_kb": 1}])
        once = scale.merge_summary("# head\n\n## Other\nx\n", sec)
        twice = scale.merge_summary(once + "\n## Later\ny\n", sec)
        self.assertEqual(twice.count(scale.HEADING), 1)
        self.assertIn("## Other\nx", twice)
        self.assertIn("## Later\ny", twice)
        self.assertEqual(scale.merge_summary("", sec), sec)


class TestScaleMain(unittest.TestCase):
    """BENCH_CASES=scale: aggregate.py and plot.py with only the scale
    group's records write scale.csv, scale.png and summary.md."""

    def test_scale_only(self):
        with tempfile.TemporaryDirectory() as d:
            run = Path(d) / "bench"
            run.mkdir()
            write(sample(), run)
            res = Path(d) / "results.csv"
            self.assertEqual(ag.main(["aggregate.py", str(run), str(res)]), 0)
            self.assertFalse(res.exists())
            with open(Path(d) / "scale.csv", newline="") as f:
                rows = list(csv.DictReader(f))
            self.assertEqual([r["guests"] for r in rows], ["0", "1", "2"])
            self.assertEqual(plot.main(["plot.py", str(res), d]), 0)
            self.assertGreater((Path(d) / "scale.png").stat().st_size, 1000)
            md = (Path(d) / "summary.md").read_text()
            self.assertIn(scale.HEADING, md)
            self.assertIn("| 2 | 24.0 | 23.0 | 23.5 |", md)

    def test_scale_broken_fails(self):
        with tempfile.TemporaryDirectory() as d:
            run = Path(d) / "bench"
            run.mkdir()
            f = sample()
            del f["scale-guest-2.console"]
            write(f, run)
            self.assertEqual(ag.main(["aggregate.py", str(run),
                                      str(Path(d) / "results.csv")]), 1)
            self.assertFalse((Path(d) / "scale.csv").exists())


if __name__ == "__main__":
    unittest.main()
