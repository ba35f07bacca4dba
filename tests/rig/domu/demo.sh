# Guest side of the demo: an unmodified V4L2 app (v4l2-ctl) uses the paravirtual camera.
set -e
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
fmt=$(arg demo.fmt) w=$(arg demo.w) h=$(arg demo.h) n=$(arg demo.n)
insmod /lib/vcam/xen-vcamfront.ko
for i in $(seq 300); do [ -e /dev/video0 ] && break; sleep 0.1; done
[ -e /dev/video0 ] || { echo "demo: no /dev/video0"; dmesg | tail -n 20; exit 1; }
v4l2-ctl -d /dev/video0 --info --list-formats-ext
v4l2-ctl -d /dev/video0 --set-fmt-video=width=$w,height=$h,pixelformat=$fmt
v4l2-ctl -d /dev/video0 --get-fmt-video
v4l2-ctl -d /dev/video0 --stream-mmap --stream-count=$n --stream-to=/tmp/frames.raw --verbose \
	>/tmp/stream.log 2>&1
tail -n 4 /tmp/stream.log
# the rate v4l2-ctl measured from the frames' own time stamps, at the end of the capture
echo "demo: fps $(grep -o 'fps: [0-9.]*' /tmp/stream.log | tail -n 1 | cut -d' ' -f2)"
echo "demo: device $(v4l2-ctl -d /dev/video0 --info | sed -n 's/.*Card type *: //p')"
sz=$((w * h * 2))
got=$(wc -c </tmp/frames.raw)
echo "demo: captured $got bytes = $((got / sz)) frames of $sz"
[ "$got" -eq $((n * sz)) ]
dd if=/tmp/frames.raw bs=$sz skip=$((n - 1)) count=1 2>/dev/null >/tmp/last.raw
echo "demo: frame md5: $(md5sum </tmp/last.raw | awk '{ print $1 }')"
echo "demo: frame-begin $fmt $w $h"
base64 </tmp/last.raw
echo "demo: frame-end"
