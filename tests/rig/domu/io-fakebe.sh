# Guest side of scenario interop, against vcam-fakebe --literal (a backend that reads cameraif.h
# to the letter: no extension, a filled buffer stays its own until BUF_DEQUEUE): devices 0, 1, 2
# in event, spin and hybrid (2: be-alloc).  First xen-vcamfront.ko (it must fall back to
# BUF_DEQUEUE per frame; device 2 zero copy), then vcam-testfe --literal.  Frames are checked in
# dom0.
sz=115200
fail() { echo "IO FAIL: $*"; exit 1; }
node_of() { ls /sys/bus/xen/devices/vcamera-$1/video4linux 2>/dev/null | head -n 1; }
unload() {
	for x in /sys/bus/xen/drivers/vcamera/vcamera-*; do
		[ -e "$x" ] && basename "$x" >/sys/bus/xen/drivers/vcamera/unbind
	done
	rmmod xen_vcamfront || fail "rmmod"
}
insmod /lib/vcam/xen-vcamfront.ko || fail "insmod"
for d in 0 1 2; do
	i=0; while [ -z "$(node_of $d)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	v=$(node_of $d)
	[ -n "$v" ] || { dmesg | tail -n 20; fail "device $d has no video node"; }
	st=/sys/bus/xen/devices/vcamera-$d/stats
	v4l2-ctl -d /dev/$v --stream-mmap=4 --stream-count=20 --stream-to=/tmp/f.raw >/dev/null 2>&1 ||
		fail "capture on device $d"
	n=$(($(wc -c </tmp/f.raw) / sz))
	[ $n -eq 20 ] || fail "device $d: $n frames"
	for f in 0 7 13 19; do
		echo "IO module d$d md5 $(dd if=/tmp/f.raw bs=$sz skip=$f count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
	done
	rm -f /tmp/f.raw
	echo "IO module d$d stats mode=$(cat $st/mode) handback=$(cat $st/handback) pipeline=$(cat $st/pipeline) frames=$(cat $st/frames) dequeues=$(cat $st/dequeues) reannounced=$(cat $st/reannounced) drops=$(cat $st/drops) errors=$(cat $st/errors) notify_recv=$(cat $st/notify_recv) copies=$(cat $st/copies) zero_copy=$(cat $st/zero_copy)"
	# be-alloc MMAP in a PV guest is zero copy against the literal backend too: the
	# application maps the pages the backend granted, the module copies nothing
	if [ $d = 2 ]; then
		[ "$(cat $st/copies)" = 0 ] && [ "$(cat $st/zero_copy)" -ge 20 ] ||
			fail "device 2 (be-alloc): copies $(cat $st/copies), zero copy $(cat $st/zero_copy)"
	fi
done
unload
for d in 0 1 2; do
	xenstore-write device/vcamera/$d/state 1	# the module left it Closed
	vcam-testfe --literal -d $d -F 320x180:YUYV -f 20 -t 10000 stream >/tmp/tf.out 2>&1
	r=$?
	sed "s/^/IO testfe d$d /" /tmp/tf.out | grep -E 'frame seq=|stats|FAILED|refused|violation'
	[ $r -eq 0 ] || fail "vcam-testfe --literal on device $d: exit $r"
	[ -z "$(xenstore-read device/vcamera/$d/version 2>/dev/null)" ] || fail "a version node"
done
echo "IO done"
