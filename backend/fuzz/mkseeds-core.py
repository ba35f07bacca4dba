#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the generated seeds of fuzz_core (input format: fuzz/fuzz_core.c)
into fuzz/seeds/core/.  Run from backend/."""
import os
import struct

OUT = 'fuzz/seeds/core'

CONFIG_SET, CONFIG_GET, FRAME_RATE_SET, BUF_GET_LAYOUT = 0x00, 0x01, 0x03, 0x04
BUF_REQUEST, BUF_CREATE, BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE = 5, 6, 7, 8, 9
CTRL_ENUM, CTRL_SET, CTRL_GET, STREAM_START, STREAM_STOP = 10, 11, 12, 13, 14
YUYV = struct.unpack('<I', b'YUYV')[0]
NV12 = struct.unpack('<I', b'NV12')[0]
TWO = 0x80        # op bit: the second device


def req(rid, op, payload=b'', dev=0):
    """Op 0: one request slot on the device's ring."""
    slot = (struct.pack('<HB5x', rid, op) + payload).ljust(64, b'\0')
    return bytes([0 | dev]) + slot


def process(dev=0):
    return bytes([6 | dev])


def frames(n):
    return bytes([5]) + struct.pack('<I', n)


def poke(ref, off, val):
    """Op 3: the guest writes a word into one of its granted pages."""
    return bytes([3, ref]) + struct.pack('<HI', off, val)


def directory(ref, first, n):
    """A page directory in page ref listing grant refs first..first+n-1."""
    return b''.join([poke(ref, 0, 0)] +
                    [poke(ref, 4 + 4 * i, first + i) for i in range(n)])


def stream(dev, fourcc, w, h, be_alloc, rate=(15, 1)):
    d = dev
    out = [req(1, CONFIG_SET, struct.pack('<III', fourcc, w, h), d),
           req(2, FRAME_RATE_SET, struct.pack('<II', *rate), d),
           req(3, BUF_GET_LAYOUT, dev=d),
           req(4, BUF_REQUEST, bytes([2]), d), process(d)]
    base = 40 if dev else 10
    for i in range(2):
        dref = base + 10 * i
        if not be_alloc:
            out.append(directory(dref, dref + 1, 2))
        out.append(req(5 + i, BUF_CREATE,
                       struct.pack('<B3x4II', i, 0, 0, 0, 0, dref), d))
    out += [req(7, BUF_QUEUE, bytes([0]), d), req(8, BUF_QUEUE, bytes([1]), d),
            req(9, STREAM_START, dev=d), process(d)]
    return out


def cfg(flags, ext):
    return bytes([flags | 0x80, ext])


MENU, ZERO_COPY, STREAMON_FAILS, SHARED = 0x01, 0x20, 0x40, 0x80
BE_ALLOC = 0x01
BUFS4 = 3 << 4
CTRLS4 = 3 << 1

SEEDS = {
    # be-alloc, menu, all four controls, a camera that can do zero copy
    'menu-zero-copy': [cfg(BE_ALLOC | BUFS4, MENU | CTRLS4 | ZERO_COPY),
                       req(20, CONFIG_SET, struct.pack('<III', YUYV, 640, 480)),
                       req(21, CONFIG_SET, struct.pack('<III', YUYV, 64, 48)),
                       req(22, FRAME_RATE_SET, struct.pack('<II', 60, 1))] +
    stream(0, YUYV, 64, 48, True) +
    [req(10, FRAME_RATE_SET, struct.pack('<II', 60, 1)), process(),
     frames(3), process(), req(11, BUF_DEQUEUE, bytes([0])),
     req(12, BUF_QUEUE, bytes([0])), process(), frames(2),
     req(13, CTRL_ENUM, bytes([3])), req(14, CTRL_GET, bytes([0])),
     req(15, CTRL_SET, struct.pack('<B7xq', 0, 7)),
     req(16, CONFIG_SET, struct.pack('<III', NV12, 32, 32)),
     req(17, STREAM_STOP), req(18, BUF_DESTROY, bytes([1])), process()],
    # two devices on one camera: fe-alloc first, be-alloc second
    'shared-camera': [cfg(BUFS4, MENU | CTRLS4 | SHARED)] +
    stream(0, YUYV, 64, 48, False) +
    [req(1, CONFIG_SET, struct.pack('<III', NV12, 32, 32), TWO),
     process(TWO)] + stream(TWO, YUYV, 64, 48, True) +
    [frames(2), process(), process(TWO),
     req(10, CTRL_SET, struct.pack('<B7xq', 1, 9)), process(), process(TWO),
     req(11, STREAM_STOP), process(), frames(1),
     req(12, STREAM_STOP, dev=TWO), process(TWO)],
    # STREAMON fails at the camera
    'streamon-fails': [cfg(BUFS4, STREAMON_FAILS)] +
    stream(0, YUYV, 64, 48, False) + [frames(1), process()],
}

os.makedirs(OUT, exist_ok=True)
for name, parts in SEEDS.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(b''.join(parts))
