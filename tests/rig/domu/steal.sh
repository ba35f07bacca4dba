# Guest side of scenario security: a guest that wants more than it was given.  It owns its
# frontend dir and rewrites every configuration node in it (another camera, spinning, 255
# buffers, other modes), once while it streams and once before it connects, and tries to write
# what it does not own.  It must get exactly what the host configured: frames of video0 (the
# dom0 side compares them with both cameras' native captures), event mode, the host's buffers
# and modes.  At the end dom0 detaches the camera while it streams (revoke).
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
peer=$(arg peer)
d=$(xenstore-read domid)
fe=/local/domain/$d/device/vcamera/0
be=$(xenstore-read $fe/backend)
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
sz=115200
fail() { echo "STEAL FAIL: $*"; exit 1; }
echo "STEAL domid $d backend $be peer $peer"
# one xenstore call, bounded; a slow one is reported
xs() {
	local t0 t1 r
	read -r t0 _ </proc/uptime
	timeout 30 "$@" 2>/dev/null
	r=$?
	read -r t1 _ </proc/uptime
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a > 2) }' &&
		echo "STEAL slow: $* took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s (exit $r)" >&2
	return $r
}

# ---- what the guest may and may not touch in xenstore
for n in state online unique-id notify-mode spin-us max-buffers be-alloc controls \
	formats/YUYV/320x180/frame-rates formats/YUYV/640x360/frame-rates new-node; do
	xs xenstore-write $be/$n 1 && fail "could write $be/$n"
done
xs xenstore-rm $be/formats && fail "could remove $be/formats"
xs xenstore-rm $be && fail "could remove its backend dir"
xs xenstore-chmod $be n$d && fail "could change its backend dir's permissions"
[ "$(xenstore-read $be/unique-id)" = video0 ] || fail "cannot read its own backend dir"
# the backend dir of its second camera belongs to the peer: readable, not writable
be1=$(xenstore-read /local/domain/$d/device/vcamera/1/backend)
[ "$(xenstore-read $be1/unique-id)" = video0 ] || fail "cannot read $be1"
xs xenstore-write $be1/unique-id video1 && fail "could write $be1"
for p in /local/domain/$peer/device/vcamera/0 /local/domain/0/backend/vcamera/$peer/0; do
	xs xenstore-read $p/unique-id && fail "could read $p"
	xs xenstore-list $p && fail "could list $p"
	xs xenstore-write $p/unique-id video0 && fail "could write $p"
done
xs xenstore-list /local/domain/0/backend/vcamera && fail "could list dom0's backends"
echo "PERMS guest: own backend dir read-only, other guest's dirs out of reach"

# every configuration node, rewritten as a camera thief would
tamper() {
	xenstore-write $fe/unique-id video1 $fe/notify-mode spin $fe/spin-us 1000000 \
		$fe/max-buffers 255 $fe/controls brightness,contrast,saturation,hue \
		$fe/be-alloc 1 $fe/formats/YUYV/640x360/frame-rates 30/1 \
		$fe/formats/YUYV/320x180/frame-rates 60/1 || fail "cannot write its own dir"
	echo "STEAL tampered $1: $(xenstore-ls $fe | grep -vE 'ring-ref|channel' | tr -s ' \n' ' ')"
}
frames() { cat $stats/frames 2>/dev/null || echo 0; }
wait_frames() {
	i=0
	while [ "$(frames)" -lt "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(frames)" -ge "$1" ]
}
load() {
	insmod /lib/vcam/xen-vcamfront.ko || fail "insmod"
	i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -e $dev ] || { dmesg | tail -n 20; fail "no $dev"; }
	echo "STEAL module mode $(cat $stats/mode)"
	[ "$(cat $stats/mode)" = event ] || fail "the guest module is not in the host's mode"
}
unload() {
	# every bound device holds a reference on the module (xenbus core)
	for x in /sys/bus/xen/drivers/vcamera/vcamera-*; do
		[ -e "$x" ] && basename "$x" >/sys/bus/xen/drivers/vcamera/unbind
	done
	rmmod xen_vcamfront || fail "rmmod"
}
md5_of() { dd if=$1 bs=$sz skip=$2 count=1 2>/dev/null | md5sum | cut -d' ' -f1; }

# ---- phase A: connected with the host's configuration, rewritten while streaming
load
v4l2-ctl -d $dev --set-fmt-video=width=320,height=180,pixelformat=YUYV || fail "S_FMT"
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=40 --stream-to=/tmp/a.raw &
cap=$!
wait_frames 5 || fail "no frames"
tamper while-streaming
wait $cap || fail "capture A"
n=$(($(wc -c </tmp/a.raw) / sz))
[ $n -eq 40 ] || fail "capture A: $n frames"
echo "STEAL md5 A-first $(md5_of /tmp/a.raw 2)"
echo "STEAL md5 A-last $(md5_of /tmp/a.raw 39)"
rm -f /tmp/a.raw
unload

# ---- phase B: the dir is rewritten before the module connects
tamper before-connect
load
v4l2-ctl -d $dev --list-formats-ext | tee /tmp/fmts.txt
grep -q 640x360 /tmp/fmts.txt && fail "the guest is offered a mode the host did not allow"
v4l2-ctl -d $dev --set-fmt-video=width=640,height=360,pixelformat=YUYV
v4l2-ctl -d $dev --get-fmt-video | tee /tmp/fmt.txt
grep -q '320/180' /tmp/fmt.txt || fail "the format is not the host's 320x180"
v4l2-ctl -d $dev --stream-mmap=32 --stream-count=20 --stream-to=/tmp/b.raw || fail "capture B"
n=$(($(wc -c </tmp/b.raw) / sz))
[ $n -eq 20 ] || fail "capture B: $n frames"
echo "STEAL md5 B-last $(md5_of /tmp/b.raw 19)"
rm -f /tmp/b.raw
unload

# ---- phase C: a frontend that believes the rewritten dir (vcam-testfe reads its own dir):
# asks for 32 buffers, spins itself; a mode off the host's menu is refused
vcam-testfe -b 0 -n 32 -F 320x180:YUYV -f 30 stream >/tmp/tf.out 2>&1
r=$?
sed 's/^/STEAL testfe: /' /tmp/tf.out | grep -v 'frame seq=' 
grep 'frame seq=' /tmp/tf.out | sed 's/^/STEAL testfe: /' | tail -n 3
[ $r -eq 0 ] || fail "vcam-testfe stream: exit $r"
grep -o 'crc32=[0-9a-f]*' /tmp/tf.out | sort | uniq -c | sed 's/^/STEAL testfe crcs: /'
vcam-testfe -b 0 -F 640x360:YUYV -f 5 stream >/tmp/tf2.out 2>&1
r=$?
tail -n 3 /tmp/tf2.out | sed 's/^/STEAL testfe-640: /'
[ $r -ne 0 ] || fail "vcam-testfe streamed 640x360, a mode the host did not allow"
echo "STEAL done"

# ---- revoke: dom0 detaches the camera while an application streams from it
xenstore-write $fe/state 1	# vcam-testfe left Closed; the module needs Initialising
load
v4l2-ctl -d $dev --set-fmt-video=width=320,height=180,pixelformat=YUYV || fail "S_FMT"
v4l2-ctl -d $dev --stream-mmap=4 --stream-count=100000 >/tmp/rv.out 2>&1 &
cap=$!
wait_frames 10 || fail "revoke: no frames"
echo "REVOKE streaming"
while [ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]; do sleep 0.01; done
t0=$(cut -d' ' -f1 /proc/uptime)
wait $cap
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
tail -n 2 /tmp/rv.out | sed 's/^/REVOKE v4l2-ctl: /'
i=0; while [ -e $dev ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "REVOKE app exit status $rc, $ms ms after the backend left Connected; $dev $([ -e $dev ] && echo still there || echo gone)"
# v4l2-ctl reports the failed DQBUF and then exits 0: the error is what counts
[ $rc -ne 0 ] || grep -q 'VIDIOC_DQBUF: failed' /tmp/rv.out ||
	fail "the application did not see an error"
[ "$ms" -le 1000 ] || fail "the stream did not end within a second"
[ ! -e $dev ] || fail "$dev still there after detach"
unload
echo "REVOKE ok"
