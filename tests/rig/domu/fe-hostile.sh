# Guest side of fe-fakebe's hostile cases: the backend turns bad 5 frames into the stream.  The
# device must end in an error state (or vanish), the capture must end, and nothing may oops.
dev=/dev/video0
stats=/sys/bus/xen/devices/vcamera-0/stats
insmod /lib/vcam/xen-vcamfront.ko || exit 1
i=0; while [ ! -e $dev ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -e $dev ] || { echo "VCAMFE no $dev"; exit 1; }
timeout 60 v4l2-ctl -d $dev --stream-mmap=4 --stream-count=50 --stream-to=/dev/null
echo "VCAMFE capture exit $?"
echo "VCAMFE state $(cat $stats/state 2>/dev/null) errors $(cat $stats/errors 2>/dev/null) frames $(cat $stats/frames 2>/dev/null)"
dmesg | grep -i vcam | tail -n 8
# a second open must fail cleanly rather than hang
timeout 20 v4l2-ctl -d $dev --all >/dev/null 2>&1
echo "VCAMFE reopen exit $?"
# xenbus holds a module reference per bound device: unbind first
echo vcamera-0 > /sys/bus/xen/drivers/vcamera/unbind
rmmod xen_vcamfront || { echo "VCAMFE rmmod failed"; exit 1; }
echo "VCAMFE unloaded"
