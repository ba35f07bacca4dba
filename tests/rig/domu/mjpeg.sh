# Guest side of the mjpeg scenario: the paravirtual camera offers MJPG (dom0's camera is an
# MJPEG-only v4l2loopback device).  Captures frames with v4l2-ctl and with GStreamer
# (v4l2src ! jpegdec), prints both streams in base64 with v4l2-ctl's per-frame bytesused for dom0
# to split and compare with what the source encoded, then runs v4l2-compliance -s on the device.
set -e
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
w=$(arg mj.w) h=$(arg mj.h) n=$(arg mj.n)
insmod /lib/vcam/xen-vcamfront.ko
for i in $(seq 300); do [ -e /dev/video0 ] && break; sleep 0.1; done
[ -e /dev/video0 ] || { echo "mjpeg: no /dev/video0"; dmesg | tail -n 20; exit 1; }
v4l2-ctl -d /dev/video0 --list-formats-ext
v4l2-ctl -d /dev/video0 --list-formats | grep -q "'MJPG'" || { echo "mjpeg: no MJPG offered"; exit 1; }
v4l2-ctl -d /dev/video0 --set-fmt-video=width=$w,height=$h,pixelformat=MJPG
v4l2-ctl -d /dev/video0 --get-fmt-video | tee /tmp/fmt.txt
echo "mjpeg: sizeimage $(sed -n 's/.*Size Image *: *\([0-9]*\).*/\1/p' /tmp/fmt.txt)"
echo "mjpeg: pixelformat $(sed -n "s/.*Pixel Format *: *'\([^']*\)'.*/\1/p" /tmp/fmt.txt)"

v4l2-ctl -d /dev/video0 --stream-mmap --stream-count=$n --stream-to=/tmp/v4l2.mjpg --verbose \
	>/tmp/stream.log 2>&1 || { tail -n 20 /tmp/stream.log; exit 1; }
echo "mjpeg: v4l2-ctl fps $(grep -o 'fps: [0-9.]*' /tmp/stream.log | tail -n 1 | cut -d' ' -f2)"
# one line per frame: the size the driver reported for it
sed -n 's/.*bytesused: \([0-9]*\).*/\1/p' /tmp/stream.log | tr '\n' ' ' | sed 's/^/mjpeg: bytesused /'
echo
echo "mjpeg: v4l2-ctl bytes $(wc -c </tmp/v4l2.mjpg)"
echo "mjpeg: v4l2-begin"
base64 </tmp/v4l2.mjpg
echo "mjpeg: v4l2-end"

# What applications do: GStreamer negotiates image/jpeg and decodes it.  The JPEG stream goes to
# a file for dom0; the decoded frames to another, whose size proves every frame decoded.  A
# failure here still lets v4l2-compliance run: both results reach dom0.
rc=0
dir=$(cat /etc/gst-plugin-dir)
export GST_PLUGIN_SYSTEM_PATH_1_0=$dir GST_REGISTRY_1_0=/tmp/gst-registry.bin GST_REGISTRY_FORK=no
if GST_DEBUG=v4l2*:5 GST_DEBUG_FILE=/tmp/gst-debug.log GST_DEBUG_NO_COLOR=1 \
	gst-launch-1.0 -e v4l2src device=/dev/video0 num-buffers=$n ! image/jpeg,width=$w,height=$h ! \
	tee name=t ! queue ! filesink location=/tmp/gst.mjpg \
	t. ! queue ! jpegdec ! video/x-raw,format=I420 ! filesink location=/tmp/gst.raw \
	>/tmp/gst.log 2>&1; then
	tail -n 3 /tmp/gst.log
	echo "mjpeg: gst decoded bytes $(wc -c </tmp/gst.raw)"
	echo "mjpeg: gst bytes $(wc -c </tmp/gst.mjpg)"
	echo "mjpeg: gst-begin"
	base64 </tmp/gst.mjpg
	echo "mjpeg: gst-end"
else
	rc=1
	cat /tmp/gst.log
	echo "mjpeg: gst failed; its V4L2 calls:"
	grep -E 'ioctl|S_FMT|REQBUFS|CREATE_BUFS|S_PARM|STREAMON|busy|error' /tmp/gst-debug.log |
		cut -c1-220 | tail -n 40
	dmesg | tail -n 10
fi
rm -f /tmp/gst.raw /tmp/gst.mjpg /tmp/gst-debug.log

# GStreamer may have left another mode: compliance runs on the MJPG one.  20 frames per
# streaming test (-s20; 60 by default): they are checked one by one, and 20 recycle every buffer
# several times; at the camera's 10 fps its five streams took 30 s with 60.
v4l2-ctl -d /dev/video0 --set-fmt-video=width=$w,height=$h,pixelformat=MJPG || rc=1
v4l2-ctl -d /dev/video0 --get-fmt-video | grep -q "'MJPG'" || { echo "mjpeg: not in MJPG"; rc=1; }
v4l2-compliance -d /dev/video0 -s20 >/tmp/compl.txt 2>&1 || true
# progress lines end in \r, not \n: a warning can hide at the end of one
tr '\r' '\n' </tmp/compl.txt | grep -E 'fail|warn' | cut -c1-200 || true
grep -q 'Total for' /tmp/compl.txt || { tail -n 20 /tmp/compl.txt; rc=1; }
grep 'Total for' /tmp/compl.txt | sed 's/^/mjpeg: compliance: /'
# what a non-blocking read() on a fresh open gets (v4l2-compliance's read/write test expects
# the same twice): the judge in dom0 reads these
for i in 1 2 3; do vcam-zcmap -d /dev/video0 -r | sed 's/^/mjpeg: /'; sleep 1; done
stats=$(ls -d /sys/bus/xen/devices/vcamera-*/stats | head -n 1)
for s in frames errors drops copies; do echo "mjpeg: stat $s $(cat $stats/$s)"; done
exit $rc
