#!/usr/bin/env python3
"""Checks MJPEG captures against what the source encoded (rig scenario mjpeg).

mjpeg-check.py --src DIR --size WxH [--out DIR] CAPTURE...

DIR holds the source's frames, one JPEG file each, named so that they sort in the order they
were encoded.  A CAPTURE is NAME=CONSOLE:SECTION (the base64 between "mjpeg: SECTION-begin" and
"mjpeg: SECTION-end" in a guest console, the per-frame sizes from its "mjpeg: bytesused" line if
SECTION is v4l2, else found by parsing) or NAME=FILE[:LOG] (a file written by v4l2-ctl
--stream-to, its frame sizes from the bytesused of the --verbose LOG; the last ones, when the
LOG also shows buffers skipped with --stream-skip).

Each capture must be a sequence of whole, well-formed JPEG frames of size WxH, each one
byte for byte a frame the source encoded, in the order the source encoded them (frames may be
skipped, none repeated).  With --sizeimage N, the sizes must vary and stay below N.
Exits 0 if every capture passes; prints one summary line per capture.
"""
import argparse
import base64
import binascii
import hashlib
import os
import re
import sys


class Bad(Exception):
    pass


class Short(Bad):
    """The data ends inside a JPEG (a stream reader waits for more)."""


def jpeg_end(data, pos):
    """Offset just after the JPEG starting at pos; (width, height) from its frame header."""
    if len(data) - pos < 2:
        raise Short("no data")
    if data[pos:pos + 2] != b"\xff\xd8":
        raise Bad("no SOI at offset %d" % pos)
    i, size, scans = pos + 2, None, 0
    n = len(data)
    while True:
        if i + 2 > n:
            raise Short("truncated before EOI")
        if data[i] != 0xFF:
            raise Bad("no marker at offset %d" % i)
        m = data[i + 1]
        if m == 0xFF:  # fill byte
            i += 1
            continue
        if m == 0xD9:
            if size is None or not scans:
                raise Bad("EOI before a frame header and a scan")
            return i + 2, size
        if m == 0xD8 or 0xD0 <= m <= 0xD7 or m == 0x01:
            raise Bad("marker FF%02X out of place at offset %d" % (m, i))
        if i + 4 > n:
            raise Short("truncated segment header")
        seglen = (data[i + 2] << 8) | data[i + 3]
        if seglen < 2:
            raise Bad("segment FF%02X of length %d" % (m, seglen))
        if i + 2 + seglen > n:
            raise Short("segment FF%02X of length %d overruns" % (m, seglen))
        seg = data[i + 4:i + 2 + seglen]
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            if len(seg) < 6:
                raise Bad("short frame header")
            size = ((seg[3] << 8) | seg[4], (seg[1] << 8) | seg[2])
        i += 2 + seglen
        if m == 0xDA:
            if size is None:
                raise Bad("scan before the frame header")
            scans += 1
            # entropy-coded data: 0xFF only as FF00 (stuffing) or a restart marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    raise Short("scan data runs off the end")
                if data[j + 1] == 0 or 0xD0 <= data[j + 1] <= 0xD7:
                    i = j + 2
                    continue
                i = j
                break


def split_parsed(data):
    frames, pos = [], 0
    while pos < len(data):
        end, size = jpeg_end(data, pos)
        frames.append((data[pos:end], size))
        pos = end
    return frames


def split_sized(data, sizes):
    if sum(sizes) != len(data):
        raise Bad("%d bytes, but the frames' bytesused add up to %d" % (len(data), sum(sizes)))
    frames, pos = [], 0
    for k, sz in enumerate(sizes):
        chunk = data[pos:pos + sz]
        try:
            end, size = jpeg_end(chunk, 0)
        except Bad as e:
            raise Bad("frame %d (%d bytes): %s" % (k, sz, e))
        if end != sz:
            raise Bad("frame %d: JPEG ends at %d of its %d bytes" % (k, end, sz))
        frames.append((chunk, size))
        pos += sz
    return frames


def console_section(path, section):
    lines = open(path, "rb").read().decode("utf-8", "replace").replace("\r", "").split("\n")
    begin, end = "mjpeg: %s-begin" % section, "mjpeg: %s-end" % section
    b64, inside, sizes = [], False, None
    for ln in lines:
        if ln.endswith(begin):
            inside, b64 = True, []
            continue
        if ln.endswith(end):
            inside = False
            continue
        if inside and re.fullmatch(r"[A-Za-z0-9+/=]+", ln):
            b64.append(ln)
        m = re.search(r"mjpeg: bytesused ([0-9 ]+)$", ln)
        if m:
            sizes = [int(x) for x in m.group(1).split()]
    if not b64:
        raise Bad("no '%s' section in %s" % (section, path))
    try:
        data = base64.b64decode("".join(b64), validate=True)
    except binascii.Error as e:
        raise Bad("section %s: bad base64: %s" % (section, e))
    return data, sizes if section == "v4l2" else None


def log_sizes(path):
    sizes = [int(x) for x in re.findall(r"bytesused: ([0-9]+)", open(path, errors="replace").read())]
    if not sizes:
        raise Bad("no bytesused in %s" % path)
    return sizes


def load_capture(spec):
    name, _, where = spec.partition("=")
    path, _, extra = where.partition(":")
    if extra in ("v4l2", "gst"):
        data, sizes = console_section(path, extra)
    else:
        data = open(path, "rb").read()
        sizes = log_sizes(extra) if extra else None
        # v4l2-ctl --stream-skip=N logs the skipped buffers too: the file holds the last ones
        while sizes and len(sizes) > 1 and sum(sizes) > len(data):
            sizes = sizes[1:]
    frames = split_sized(data, sizes) if sizes else split_parsed(data)
    return name, frames


def source_index(src):
    index = {}
    names = sorted(os.listdir(src))
    for k, fn in enumerate(names):
        index.setdefault(hashlib.md5(open(os.path.join(src, fn), "rb").read()).hexdigest(),
                         []).append(k)
    if not names:
        raise Bad("no source frames in %s" % src)
    return index, len(names)


def check(name, frames, index, want, sizeimage, n):
    if not frames:
        raise Bad("no frames")
    if n and len(frames) != n:
        raise Bad("%d frames, expected %d" % (len(frames), n))
    last, picked = -1, []
    for k, (data, size) in enumerate(frames):
        if size != want:
            raise Bad("frame %d is %dx%d, expected %dx%d" % ((k,) + size + want))
        cand = [x for x in index.get(hashlib.md5(data).hexdigest(), []) if x > last]
        if not cand:
            why = "was never encoded" if hashlib.md5(data).hexdigest() not in index else \
                "was encoded, but not in this order,"
            raise Bad("frame %d (%d bytes) %s by the source" % (k, len(data), why))
        last = cand[0]
        picked.append(last)
    sizes = [len(d) for d, _ in frames]
    if sizeimage:
        if len(set(sizes)) < 2:
            raise Bad("every frame has %d bytes: sizes do not vary" % sizes[0])
        if max(sizes) >= sizeimage:
            raise Bad("a frame of %d bytes is not below sizeimage %d" % (max(sizes), sizeimage))
    return sizes, picked


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--size", required=True)
    ap.add_argument("--sizeimage", type=int, default=0)
    ap.add_argument("--frames", type=int, default=0, help="frames each capture must have")
    ap.add_argument("--out", help="write each capture's frames here as NAME-NNN.jpg")
    ap.add_argument("capture", nargs="+")
    a = ap.parse_args()
    w, _, h = a.size.partition("x")
    want = (int(w), int(h))
    try:
        index, total = source_index(a.src)
    except (Bad, OSError) as e:
        print("source: %s" % e)
        return 1
    rc = 0
    for spec in a.capture:
        name = spec.partition("=")[0]
        try:
            name, frames = load_capture(spec)
            sizes, picked = check(name, frames, index, want, a.sizeimage, a.frames)
        except (Bad, OSError, ValueError) as e:
            print("%s: FAIL: %s" % (name, e))
            rc = 1
            continue
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            for k, (data, _) in enumerate(frames):
                with open(os.path.join(a.out, "%s-%03d.jpg" % (name, k)), "wb") as f:
                    f.write(data)
        print("%s: %d frames, JPEG %dx%d, %d..%d bytes (mean %d), equal to source frames %d..%d "
              "of %d (%d skipped)" % (name, len(frames), want[0], want[1], min(sizes), max(sizes),
                                      sum(sizes) // len(sizes), picked[0], picked[-1], total,
                                      picked[-1] - picked[0] + 1 - len(picked)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
