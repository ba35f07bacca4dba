# SPDX-License-Identifier: MIT
"""Unit tests of bench/ffphases.py on lines as vcam-capsum -T and vcamctl
trace write them."""

import unittest

import ffphases as ff

LINE = ("{c} open=1000 g_fmt=0 s_fmt=2000 reqbufs=3000 mmap_qbuf=4000 "
        "streamon=5000 first_frame=6000 more_frames=0 streamoff=7000 "
        "munmap_close=8000 total={t}")


class TestFfPhases(unittest.TestCase):
    def test_medians(self):
        text = "\n".join([LINE.format(c="ff-guest", t=36000),
                          LINE.format(c="ff-guest", t=40000).replace(
                              "streamon=5000", "streamon=9000"),
                          LINE.format(c="ff-guest", t=38000),
                          LINE.format(c="ff-native", t=1)])
        runs = ff.parse_phases(text)
        self.assertEqual(len(runs["ff-guest"]), 3)
        self.assertEqual(runs["ff-guest"][0]["to_first_frame"], 21.0)
        self.assertEqual(runs["ff-guest"][0]["teardown"], 15.0)
        t = ff.tables(runs, {})
        self.assertIn("| streamon | 5.0 | 5.0 |", t)
        self.assertIn("| total | 38.0 | 0.0 |", t)

    def test_paired(self):
        # to_first_frame is 21 ms with these phases; streamon moves it
        text = "\n".join([LINE.format(c="ff-native", t=1),
                          LINE.format(c="ff-guest", t=1).replace(
                              "streamon=5000", "streamon=26000"),
                          LINE.format(c="ff-native", t=1),
                          LINE.format(c="ff-guest", t=1),
                          LINE.format(c="ff-native", t=1).replace(
                              "streamon=5000", "streamon=47000"),
                          LINE.format(c="ff-guest", t=1).replace(
                              "streamon=5000", "streamon=15500")])
        runs = ff.parse_phases(text)
        # 42/21, 21/21, 31.5/63: in pairs, not medians of each side (31.5/21)
        self.assertEqual(ff.paired(runs), (1.0, 0.5, 2.0, 3))
        self.assertIn("median 1.00×, 0.50–2.00× over 3 pairs", ff.tables(runs, {}))
        runs["ff-native"].pop()
        self.assertIsNone(ff.paired(runs))
        self.assertNotIn("pairs", ff.tables(runs, {}))

    def test_trace(self):
        ops = ff.parse_trace(
            "1.5 dom1/vcam0 req id=3 STREAM_START(13) -> 0 ok (48000 us)\n"
            "1.6 dom1/vcam0 evt id=0 FRAME_AVAIL index=0 used_sz=4 seq=0\n"
            "1.7 dom1/vcam0 req id=4 STREAM_STOP(14) -> 0 ok (2000 us)\n")
        self.assertEqual(ops, {"STREAM_START": [48.0], "STREAM_STOP": [2.0]})
        self.assertIn("| STREAM_START | 1 | 48.00 | 48.0 |", ff.tables(
            {"x": ff.parse_phases(LINE.format(c="x", t=1))["x"]}, ops))

    def test_refuses_broken_lines(self):
        with self.assertRaises(ValueError):
            ff.parse_phases("ff-guest open=1 s_fmt=x")
        with self.assertRaises(ValueError):
            ff.parse_phases("ff-guest open=1 total=3")


if __name__ == "__main__":
    unittest.main()
