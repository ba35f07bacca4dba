#!/usr/bin/env python3
"""mjpeg-feed.py DEVICE WxH FPS DIR < JPEG-STREAM

Makes a v4l2loopback DEVICE an MJPG camera: sets its output format to MJPG WxH and its frame
rate to FPS (what the camera then tells its readers; the stream itself sets the pace), then
writes each JPEG of the concatenated stream on stdin (e.g. GStreamer's jpegenc ! fdsink) to it
as one frame, as it arrives, and keeps a copy of each frame in DIR (NNNNNN.jpg, in order): exactly the bytes
the camera delivered.  GStreamer's own v4l2sink would do, but version 1.22 gives image/jpeg the
fourcc JPEG, and webcams say MJPG.
"""
import fcntl
import importlib.util
import os
import struct
import sys

spec = importlib.util.spec_from_file_location(
    "mjpeg_check", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mjpeg-check.py"))
mjpeg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mjpeg)

V4L2_BUF_TYPE_VIDEO_OUTPUT = 2
V4L2_FIELD_NONE = 1
V4L2_COLORSPACE_SRGB = 8
V4L2_PIX_FMT_MJPEG = struct.unpack("<I", b"MJPG")[0]
# _IOWR('V', 5, struct v4l2_format): struct v4l2_format is 208 bytes on 64-bit Linux
VIDIOC_S_FMT = (3 << 30) | (208 << 16) | (ord("V") << 8) | 5
# _IOWR('V', 22, struct v4l2_streamparm), 204 bytes
VIDIOC_S_PARM = (3 << 30) | (204 << 16) | (ord("V") << 8) | 22


def set_format(fd, w, h):
    # type (u32), 4 bytes of padding (the union is 8-aligned), then struct v4l2_pix_format
    pix = struct.pack("<8I", w, h, V4L2_PIX_FMT_MJPEG, V4L2_FIELD_NONE, 0, 0,
                      V4L2_COLORSPACE_SRGB, 0)
    buf = bytearray(struct.pack("<I4x", V4L2_BUF_TYPE_VIDEO_OUTPUT) + pix)
    buf += bytes(208 - len(buf))
    fcntl.ioctl(fd, VIDIOC_S_FMT, buf)
    got = struct.unpack_from("<8I", buf, 8)
    if got[2] != V4L2_PIX_FMT_MJPEG or got[0] != w or got[1] != h:
        raise SystemExit("%s: format is %dx%d %r, not MJPG %dx%d" % (
            sys.argv[1], got[0], got[1], struct.pack("<I", got[2]), w, h))
    print("output format MJPG %dx%d, sizeimage %d" % (got[0], got[1], got[5]), flush=True)


def set_rate(fd, fps):
    # type, then struct v4l2_outputparm: capability, outputmode, timeperframe = 1/fps
    buf = bytearray(struct.pack("<5I", V4L2_BUF_TYPE_VIDEO_OUTPUT, 0, 0, 1, fps))
    buf += bytes(204 - len(buf))
    fcntl.ioctl(fd, VIDIOC_S_PARM, buf)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__.split("\n")[0])
    w, _, h = sys.argv[2].partition("x")
    fd = os.open(sys.argv[1], os.O_RDWR)
    set_format(fd, int(w), int(h))
    set_rate(fd, int(sys.argv[3]))
    pending, n = b"", 0
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        pending += chunk
        while True:
            try:
                end, _ = mjpeg.jpeg_end(pending, 0)
            except mjpeg.Short:
                break
            frame, pending = pending[:end], pending[end:]
            with open(os.path.join(sys.argv[4], "%06d.jpg" % n), "wb") as f:
                f.write(frame)
            if os.write(fd, frame) != len(frame):
                raise SystemExit("short write of frame %d" % n)
            n += 1
            if n == 1:
                print("first frame written: %d bytes" % len(frame), flush=True)
    print("%d frames written" % n)


if __name__ == "__main__":
    main()
