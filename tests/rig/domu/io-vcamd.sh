# Guest side of scenario interop, against vcamd (vivid still picture): devices 0, 1, 2 in event,
# spin and hybrid (2: be-alloc).  xen-vcamfront.ko on device 0 without and with the
# avail-dequeues extension (notifications per frame of both), then vcam-testfe --literal on
# every device.  Frames are compared with the native capture in dom0.  The guest boots while
# the fake backends serve another one, and waits for dom0's go (data/vcam-go): its devices are
# attached once vcamd runs.
sz=460800
fail() { echo "IO FAIL: $*"; exit 1; }
node_of() { ls /sys/bus/xen/devices/vcamera-$1/video4linux 2>/dev/null | head -n 1; }
unload() {
	for x in /sys/bus/xen/drivers/vcamera/vcamera-*; do
		[ -e "$x" ] && basename "$x" >/sys/bus/xen/drivers/vcamera/unbind
	done
	rmmod xen_vcamfront || fail "rmmod"
}
module_case() { # TAG MODULE-ARGS...
	local tag=$1 i v st n0 r0 n1 r1
	shift
	for d in 0 1 2; do xenstore-write device/vcamera/$d/state 1; done
	insmod /lib/vcam/xen-vcamfront.ko "$@" || fail "insmod $*"
	i=0; while [ -z "$(node_of 0)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	v=$(node_of 0)
	[ -n "$v" ] || { dmesg | tail -n 20; fail "no video node"; }
	st=/sys/bus/xen/devices/vcamera-0/stats
	v4l2-ctl -d /dev/$v --set-fmt-video=width=640,height=360,pixelformat=YUYV || fail "S_FMT"
	n0=$(cat $st/frames) r0=$(cat $st/notify_recv)
	v4l2-ctl -d /dev/$v --stream-mmap=4 --stream-count=30 --stream-to=/tmp/f.raw >/dev/null 2>&1 ||
		fail "capture ($tag)"
	n1=$(cat $st/frames) r1=$(cat $st/notify_recv)
	[ $(($(wc -c </tmp/f.raw) / sz)) -eq 30 ] || fail "$tag: short capture"
	for f in 5 29; do
		echo "IO module $tag md5 $(dd if=/tmp/f.raw bs=$sz skip=$f count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
	done
	rm -f /tmp/f.raw
	echo "IO module $tag stats handback=$(cat $st/handback) pipeline=$(cat $st/pipeline) frames=$((n1 - n0)) notifications=$((r1 - r0)) dequeues=$(cat $st/dequeues) requests=$(cat $st/requests) drops=$(cat $st/drops) errors=$(cat $st/errors)"
	awk -v n=$((n1 - n0)) -v r=$((r1 - r0)) 'BEGIN { printf "IO module notifications per frame %.2f\n", n ? r / n : 0 }' |
		sed "s/module/module $tag/"
	unload
}
echo "IO waiting for the go"
# a watch, not a poll (the other guest streams meanwhile); it fires once when set and again on
# the write; the timeout covers a write between read and watch
until xenstore-read data/vcam-go >/dev/null 2>&1; do
	timeout 5 xenstore-watch -n 2 data/vcam-go >/dev/null 2>&1
done
module_case plain avail_dequeues=0
module_case ext
for d in 0 1 2; do
	xenstore-write device/vcamera/$d/state 1
	vcam-testfe --literal -d $d -F 640x360:YUYV -f 20 -t 10000 stream >/tmp/tf.out 2>&1
	r=$?
	sed "s/^/IO testfe d$d /" /tmp/tf.out | grep -E 'frame seq=|stats|FAILED|refused|violation'
	[ $r -eq 0 ] || fail "vcam-testfe --literal on device $d: exit $r"
done
echo "IO done"
