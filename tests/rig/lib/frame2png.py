#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""frame2png.py CONSOLE.log OUT.png: turn the YUYV frame a guest printed (base64, between
'frame-begin FMT W H' and 'frame-end' lines) into a PNG, so a person can see what the guest's
camera delivered.  Standard library only."""
import base64
import re
import struct
import sys
import zlib


def extract(path):
    text = open(path, encoding="utf-8", errors="replace").read().replace("\r", "")
    m = re.search(r"frame-begin (\S+) (\d+) (\d+)\n(.*?)\n[^\n]*frame-end", text, re.S)
    if not m:
        sys.exit(f"frame2png: no frame in {path}")
    fmt, w, h = m.group(1), int(m.group(2)), int(m.group(3))
    if fmt != "YUYV":
        sys.exit(f"frame2png: {fmt} not supported (YUYV only)")
    data = base64.b64decode("".join(m.group(4).split()))
    if len(data) != w * h * 2:
        sys.exit(f"frame2png: {len(data)} bytes, expected {w * h * 2}")
    return w, h, data


def yuyv_to_rgb_rows(w, h, data):
    clamp = lambda v: 0 if v < 0 else 255 if v > 255 else int(v)
    for y in range(h):
        row = bytearray([0])  # PNG filter type: none
        line = data[y * w * 2:(y + 1) * w * 2]
        for x in range(0, w * 2, 4):
            y0, u, y1, v = line[x], line[x + 1] - 128, line[x + 2], line[x + 3] - 128
            for yy in (y0, y1):
                c = 1.164 * (yy - 16)
                row += bytes((clamp(c + 1.596 * v), clamp(c - 0.392 * u - 0.813 * v),
                              clamp(c + 2.017 * u)))
        yield bytes(row)


def write_png(path, w, h, rows):
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    raw = b"".join(rows)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    w, h, data = extract(sys.argv[1])
    write_png(sys.argv[2], w, h, yuyv_to_rgb_rows(w, h, data))
    print(f"frame2png: {w}x{h} frame from the guest written to {sys.argv[2]}")
