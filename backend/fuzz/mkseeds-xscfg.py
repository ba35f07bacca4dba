#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seeds of fuzz_xscfg (script format: fuzz/fuzz_xscfg.c) into
fuzz/seeds/xscfg/.  Run from backend/ after changing the script format."""
import os
import struct

OUT = 'fuzz/seeds/xscfg'

# cameraif operations
CONFIG_SET, CONFIG_GET, FRAME_RATE_SET, BUF_GET_LAYOUT = 0x00, 0x01, 0x03, 0x04
BUF_REQUEST, BUF_CREATE, BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE = 5, 6, 7, 8, 9
CTRL_ENUM, CTRL_SET, CTRL_GET, STREAM_START, STREAM_STOP = 10, 11, 12, 13, 14


def fourcc(s):
    return struct.unpack('<I', s.encode())[0]


def req(rid, op, payload=b''):
    """A 'q' line: the request slot, raw but for newline and backslash."""
    slot = struct.pack('<HB5x', rid, op) + payload
    return b'q' + b''.join(b'\\x%02x' % b if b in b'\n\\' else bytes([b])
                           for b in slot)


CFG = {
    'unique-id': 'video0',
    'be-alloc': '0',
    'max-buffers': '4',
    'controls': 'brightness,contrast,hue',
    'notify-mode': 'event',
    'spin-us': '100',
    'formats/YUYV/64x48/frame-rates': '30/1,15/1',
    'formats/YUYV/32x32/frame-rates': '30/1',
    'formats/NV12/32x32/frame-rates': '15/1',
}
RING = {
    'version': '1',
    'req-ring-ref': '8',
    'evt-ring-ref': '9',
    'req-event-channel': '5',
    'evt-event-channel': '6',
}


def config(over=None):
    """The toolstack's configuration, in the frontend and backend dirs."""
    cfg = dict(CFG, **(over or {}))
    return ['w%s=%s' % (k, v) for k, v in cfg.items() if v is not None]


def attach(over=None):
    """Backend dir appears, frontend Initialising, then Initialised."""
    return (['n', 'bonline=1', 'bstate=1'] + config(over) +
            ['fstate=1', 'u'] +
            ['f%s=%s' % kv for kv in RING.items()] +
            ['fevt-hold-off=1', 'fstate=3', 'u', 'fstate=4', 'u'])


def stream(be_alloc):
    yuyv = fourcc('YUYV')
    l = [req(1, CONFIG_SET, struct.pack('<III', yuyv, 64, 48)),
         req(2, CONFIG_GET),
         req(3, FRAME_RATE_SET, struct.pack('<II', 15, 1)),
         req(4, BUF_GET_LAYOUT),
         req(5, BUF_REQUEST, bytes([2])),
         req(6, BUF_CREATE, struct.pack('<B3x4II', 0, 0, 0, 0, 0, 7)),
         req(7, BUF_CREATE, struct.pack('<B3x4II', 1, 0, 0, 0, 0, 7)),
         req(8, BUF_QUEUE, bytes([0])),
         req(9, BUF_QUEUE, bytes([1])),
         req(10, STREAM_START), 'c', 'c',
         req(11, BUF_DEQUEUE, bytes([0])), 'c',
         req(12, CTRL_ENUM, bytes([0])),
         req(13, CTRL_SET, struct.pack('<B7xq', 0, 100)),
         req(14, CTRL_GET, bytes([1])),
         's4095',
         req(15, STREAM_STOP),
         req(16, BUF_DESTROY, bytes([0]))]
    return l


SEEDS = {
    # a whole life: attach, stream, frontend closes and comes back, detach
    'life-fe-alloc': attach() + stream(False) +
    ['fstate=5', 'u', 'fstate=6', 'u', 'fstate=1', 'u', 'fstate=3', 'u',
     'bonline=0', 'bstate=5', 'u', 'd', 'B', 'n', 'u'],
    'life-be-alloc-spin': attach({'be-alloc': '1', 'notify-mode': 'spin',
                                  'max-buffers': '2'}) + stream(True) +
    ['k', 'R4000', 'u', 'fstate=1', 'u', 'fstate=3', 'u', 'd'],
    'hybrid-no-formats': attach({'notify-mode': 'hybrid', 'spin-us': '0',
                                 'controls': '',
                                 'formats/YUYV/64x48/frame-rates': None,
                                 'formats/YUYV/32x32/frame-rates': None,
                                 'formats/NV12/32x32/frame-rates': None}) +
    stream(False)[:3],
    # two devices on one camera, a third camera that cannot open
    'two-devices': ['oa/dev/video0', 'oa/dev/video2'] + attach() +
    ['@1'] + attach() + stream(False) + ['@0'] + stream(False)[:2] +
    ['@1', 'funique-id=video2', 'bunique-id=video2', 'fstate=1', 'u',
     'fstate=3', 'u', 's100', 'd', '@0', 'd'],
    # every fake failure once; M: camera open, ring map, event map, bind...
    'faults': ['m1'] + attach() + ['m2', 'fstate=1', 'u', 'fstate=3', 'u',
                                   'm4', 'fstate=1', 'u', 'fstate=3', 'u',
                                   'm8', 'fstate=1', 'u', 'fstate=3', 'u',
                                   'm0', 'fstate=1', 'u', 'fstate=3', 'u'] +
    sum((['fstate=1', 'u', 'M%d' % i, 'fstate=3', 'u'] for i in range(1, 6)),
        []),
    # the menu at its limit, then one mode over it
    'menu-limit': attach({'formats/YUYV/64x48/frame-rates': None,
                          'formats/YUYV/32x32/frame-rates': None,
                          'formats/NV12/32x32/frame-rates': None}) +
    ['fstate=1', 'u', 'GYUYV/63', 'fstate=3', 'u', 'fstate=1', 'u',
     'wformats/NV12/16x16/frame-rates=' + ','.join(['30/1'] * 16),
     'fstate=3', 'u', 'fstate=1', 'u',
     'wformats/NV12/16x16/frame-rates=' + ','.join(['30/1'] * 17),
     'fstate=3', 'u', 'fstate=1', 'u',
     'wformats/NV12/16x16/frame-rates=30/1', 'GYUYV/64', 'fstate=3', 'u'],
    # hostile values: each makes the connection fail
    'bad-values': attach({'unique-id': '/dev/../etc/passwd'}) +
    ['fstate=1', 'u', 'bunique-id=video0', 'funique-id=video0',
     'fmax-buffers=0', 'bmax-buffers=0', 'fstate=3', 'u',
     'fmax-buffers=4', 'bmax-buffers=4', 'fcontrols=hue,hue',
     'bcontrols=hue,\\xff', 'fstate=1', 'u', 'fstate=3', 'u',
     'fcontrols=', 'bcontrols=', 'fformats/TOOLONG/1x1/frame-rates=1/1',
     'bformats/YUYV/0x1/frame-rates=1/1,', 'fstate=1', 'u', 'fstate=3', 'u',
     'freq-ring-ref=' + '9' * 300, 'fstate=1', 'u', 'fstate=3', 'u',
     'fstate=\\x00', 'u', 'fstate=99', 'u', 'F', 'u'],
    # the guest rewrites its copy of the configuration while connected
    'guest-tampers': attach() +
    ['t', 'funique-id=video1', 'fmax-buffers=' + '9' * 300,
     'fcontrols=\\xff\\x01hue\\x0a', 'fnotify-mode=', 'Fspin-us',
     'fformats/MJPG/1920x1080/frame-rates=30/1', 'u', 't', 't',
     'fbe-alloc=1', 'u', 't', 'fstate=1', 'u', 'fstate=3', 'u', 't',
     'Fformats', 'fformats/YUYV/64x48/frame-rates=15/1,30/1', 'fstate=1',
     'u', 'fstate=3', 'u', 't', 'F', 'u', 't'],
    # the guest folds two of the host's modes into the rates of a third
    'guest-folds-entries': ['n', 'bonline=1', 'bstate=1'] + config() +
    ['Fformats/YUYV',
     'fformats/NV12/32x32/frame-rates=15/1 YUYV/32x32=30/1 '
     'YUYV/64x48=30/1,15/1', 'fstate=1', 'u'] +
    ['f%s=%s' % kv for kv in RING.items()] + ['fstate=3', 'u', 't'],
    # a guest copy with more format entries than any toolstack writes
    'guest-formats-flood': ['n', 'bonline=1', 'GYUYV/127', 'GNV12/10',
                            'Bformats'] + config() +
    ['fstate=1', 'u'] + ['f%s=%s' % kv for kv in RING.items()] +
    ['fstate=3', 'u', 't', 'u', 't'],
    'parsers': ['p\\x00videoN', 'p\\x05/dev/v4l/by-id/usb-cam_0-video-index0',
                'p\\x01brightness,contrast,saturation,hue', 'p\\x02YUYV-BE',
                'p\\x031920x1080', 'p\\x0f30/1,15/1,25/2,1/4294967295',
                'p\\x044294967295', 'p\\x00hybrid', 'p\\x007'],
}

os.makedirs(OUT, exist_ok=True)
for name, lines in SEEDS.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(b'\n'.join(l if isinstance(l, bytes) else l.encode()
                           for l in lines) + b'\n')
