# Guest side of fe-robust's hostile cases: each device's backend turns bad 5 frames into the
# stream, or at its start (fedevs=0,1,... on the command line, one hostile backend each, tested one after the
# other).  The device must end in an error state (or vanish), the capture must end, the other
# devices must not care, and nothing may oops.
arg() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
devs=$(arg fedevs | tr ',' ' ')
insmod /lib/vcam/xen-vcamfront.ko || exit 1
node() { ls "/sys/bus/xen/devices/vcamera-$1/video4linux" 2>/dev/null | head -n 1; }
for d in ${devs:-0}; do
	i=0; while [ -z "$(node $d)" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$(node $d)" ] || { echo "VCAMFE d$d no video device"; exit 1; }
done
for d in ${devs:-0}; do
	dev=/dev/$(node $d)
	stats=/sys/bus/xen/devices/vcamera-$d/stats
	timeout 60 v4l2-ctl -d $dev --stream-mmap=4 --stream-count=50 --stream-to=/dev/null
	echo "VCAMFE d$d capture exit $?"
	echo "VCAMFE d$d state $(cat $stats/state 2>/dev/null) errors $(cat $stats/errors 2>/dev/null) frames $(cat $stats/frames 2>/dev/null)"
	# a second open must fail cleanly rather than hang
	timeout 20 v4l2-ctl -d $dev --all >/dev/null 2>&1
	echo "VCAMFE d$d reopen exit $?"
done
dmesg | grep -i vcam | tail -n 16
# xenbus holds a module reference per bound device: unbind first
for d in ${devs:-0}; do
	[ -e /sys/bus/xen/devices/vcamera-$d/driver ] &&
		echo vcamera-$d > /sys/bus/xen/drivers/vcamera/unbind
done
rmmod xen_vcamfront || { echo "VCAMFE rmmod failed"; exit 1; }
echo "VCAMFE unloaded"
