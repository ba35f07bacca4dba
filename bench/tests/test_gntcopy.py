# SPDX-License-Identifier: MIT
"""Unit tests of bench/gntcopy.py: its lines parsed, the table and the refusals."""
import unittest

import gntcopy

LINES = [
    "gntcopy method=map size=460800 frames=40 p50_us=100.0 p99_us=150.0 mean_us=110.0 mb_s=4000.0 setup_us=900.0\n",
    "gntcopy method=copy size=460800 frames=40 p50_us=250.0 p99_us=300.0 mean_us=260.0 mb_s=1700.0 setup_us=0.0\n",
    "noise\n",
]


class TestGntcopy(unittest.TestCase):
    def test_parse_and_ratio(self):
        rows = gntcopy.parse(LINES)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["size"], 460800)
        t = gntcopy.table(rows)
        self.assertIn("| 460800 | 100.0 | 250.0 | 2.50 |", t)

    def test_incomplete_line_fails(self):
        with self.assertRaises(ValueError):
            gntcopy.parse(["gntcopy method=map size=1\n"])

    def test_missing_method_fails(self):
        with self.assertRaises(ValueError):
            gntcopy.table(gntcopy.parse(LINES[:1]))


if __name__ == "__main__":
    unittest.main()
