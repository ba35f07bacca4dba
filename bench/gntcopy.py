#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gntcopy.txt (bench/gntcopy.c's lines) -> gntcopy.csv and a Markdown table on stdout.

Each size gets both methods side by side and copy's time as a ratio to map's: above 1 means
the grant copy hypercall is slower than memcpy into buffers mapped once.
"""
import sys

from records import kv, write_csv

FIELDS = ["method", "size", "frames", "p50_us", "p99_us", "mean_us", "mb_s", "setup_us"]


def parse(lines):
    rows = []
    for line in lines:
        words = line.split()
        if not words or words[0] != "gntcopy":
            continue
        d = kv(words[1:])
        if any(f not in d for f in FIELDS):
            raise ValueError("incomplete gntcopy line: " + line.strip())
        row = {f: d[f] for f in FIELDS}
        for f in FIELDS[1:3]:
            row[f] = int(row[f])
        for f in FIELDS[3:]:
            row[f] = float(row[f])
        rows.append(row)
    return rows


def table(rows):
    by_size = {}
    for r in rows:
        by_size.setdefault(r["size"], {})[r["method"]] = r
    out = ["| frame octets | map+memcpy p50 µs | grant copy p50 µs | copy/map | map MB/s | copy MB/s | map setup µs |",
           "|---|---|---|---|---|---|---|"]
    for size in sorted(by_size):
        m, c = by_size[size].get("map"), by_size[size].get("copy")
        if not m or not c:
            raise ValueError("size %d lacks a method" % size)
        ratio = c["p50_us"] / m["p50_us"] if m["p50_us"] else float("inf")
        out.append("| %d | %.1f | %.1f | %.2f | %.0f | %.0f | %.0f |" % (
            size, m["p50_us"], c["p50_us"], ratio, m["mb_s"], c["mb_s"], m["setup_us"]))
    return "\n".join(out)


def main(argv):
    if len(argv) != 3:
        print("usage: gntcopy.py GNTCOPY.TXT OUT.CSV", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        rows = parse(f)
    if not rows:
        print("gntcopy.py: no gntcopy lines in " + argv[1], file=sys.stderr)
        return 1
    write_csv(rows, argv[2], FIELDS)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
