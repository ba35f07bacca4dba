#!/usr/bin/python3
# fakebe-pattern.py [--swap-planes] [--crc32] FOURCC WIDTH HEIGHT: the md5 (or with --crc32 the
# zlib CRC-32, as vcam-testfe prints it) of every frame vcam-fakebe can send in that format, one
# per line, line s for sequence number s (the pattern repeats after 256 frames).  A frame is its planes one after
# the other, as v4l2-ctl --stream-to writes them: byte k of plane 0 of frame s is
# (k * 13 + s) & 0xff, byte k of plane p > 0 is (k * 13 + (k >> 8) + s + 77 * p) & 0xff.
# --swap-planes gives the frames with their planes in the wrong order, for the rig to prove that
# its check catches a frontend that mixes up planes.
import hashlib
import sys
import zlib


def planes(fourcc, w, h):
    if fourcc == "YUYV":
        return [w * h * 2]
    if fourcc == "NM12":
        return [w * h, w * h // 2]
    sys.exit(f"fakebe-pattern: vcam-fakebe does not send {fourcc}")


def base(p, n):
    # one period of plane p's pattern for frame 0, repeated to n octets
    period = 256 if p == 0 else 65536
    one = bytes(((k * 13 + (k >> 8 if p else 0) + 77 * p) & 0xFF) for k in range(period))
    return (one * (n // period + 1))[:n]


def main():
    args = sys.argv[1:]
    swap = "--swap-planes" in args
    crc = "--crc32" in args
    args = [a for a in args if a not in ("--swap-planes", "--crc32")]
    fourcc, w, h = args[0], int(args[1]), int(args[2])
    bases = [base(p, n) for p, n in enumerate(planes(fourcc, w, h))]
    if swap:
        bases.reverse()
    for s in range(256):
        shift = bytes((i + s) & 0xFF for i in range(256))
        frame = b"".join(b.translate(shift) for b in bases)
        print(f"{zlib.crc32(frame):08x}" if crc else hashlib.md5(frame).hexdigest())


main()
