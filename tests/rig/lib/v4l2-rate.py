#!/usr/bin/python3
# v4l2-rate.py DEVICE [FPS]: a capture device's frame rate, set to FPS frames a second first if
# given; prints it as N/D.  v4l2-ctl of v4l-utils 1.22 (Debian 12) sends S_PARM and G_PARM with
# the single-planar buffer type only, which a multi-planar driver (vivid multiplanar=2) refuses;
# this uses the multi-planar type where the device takes it.
import fcntl
import os
import struct
import sys

VIDIOC_G_PARM = 0xC0CC5615
VIDIOC_S_PARM = 0xC0CC5616
TYPES = (9, 1)  # V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_BUF_TYPE_VIDEO_CAPTURE
SIZE = 204      # sizeof(struct v4l2_streamparm)


def parm(fd, req, buftype, num=0, den=0):
    # type, then v4l2_captureparm: capability, capturemode, timeperframe, extendedmode, ...
    buf = bytearray(struct.pack("<IIIII", buftype, 0, 0, num, den).ljust(SIZE, b"\0"))
    fcntl.ioctl(fd, req, buf)
    return struct.unpack_from("<IIIII", buf)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: v4l2-rate.py DEVICE [FPS]")
    fd = os.open(sys.argv[1], os.O_RDWR)
    for t in TYPES:
        try:
            parm(fd, VIDIOC_G_PARM, t)
        except OSError:
            continue
        if len(sys.argv) == 3:
            parm(fd, VIDIOC_S_PARM, t, 1, int(sys.argv[2]))
        _, _, _, num, den = parm(fd, VIDIOC_G_PARM, t)
        print(f"{den}/{num}")
        return
    sys.exit(f"v4l2-rate.py: {sys.argv[1]}: G_PARM refused for every capture buffer type")


main()
